// Package auth is who is asking: the user store of the data folder,
// sessions, login and logout, API tokens, failed-login limits, protection
// against cross-site requests, security headers and the audit log. It
// speaks HTTP but renders no pages: the site renders the login form, and
// asks archive/access what the viewer this package resolved may see.
package auth

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
)

// Files of the data folder.
const (
	UsersFile    = "users.json"
	SessionsFile = "sessions.json"
	AuditFile    = "audit.log"
)

// CookieName is the session cookie.
const CookieName = "dangan_session"

// Config is what New needs.
type Config struct {
	// DataDir holds users.json, sessions.json and audit.log.
	DataDir string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// TrustProxy makes X-Forwarded-Proto and X-Forwarded-For count: set it
	// only behind a reverse proxy that sets them, or anyone could claim
	// any address and escape the per-address login limit.
	TrustProxy bool
	// Public reports whether a request may be served without login
	// (static files, the login page). The login path is always public.
	Public func(r *http.Request) bool
	// RenderLogin renders the login form again after a failed login; the
	// form tells which error to show. A plain-text answer when nil.
	RenderLogin func(w http.ResponseWriter, r *http.Request, f LoginForm)
	// TrustedOrigins, see Authenticator.
	TrustedOrigins []string
	Logger         *slog.Logger
}

// Authenticator resolves who is asking and guards the site. Its fields are
// its dependencies; New fills them from a Config.
type Authenticator struct {
	Users    *Store
	Sessions *Sessions
	Limiter  *Limiter
	Audit    *Audit
	Now      func() time.Time

	TrustProxy  bool
	LoginPath   string // "/login"
	APIPrefix   string // "/api/": answered with JSON 401s, not redirects
	Public      func(r *http.Request) bool
	RenderLogin func(w http.ResponseWriter, r *http.Request, f LoginForm)
	Logger      *slog.Logger
	// TrustedOrigins are other origins allowed to post
	// ("https://dangan.example.cn" when a proxy rewrites Host).
	TrustedOrigins []string

	csrfOnce sync.Once
	csrf     *http.CrossOriginProtection
}

// New returns an Authenticator over the files of c.DataDir.
func New(c Config) *Authenticator {
	logger := c.Logger
	if logger == nil {
		logger = slog.Default()
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	audit := &Audit{Path: filepath.Join(c.DataDir, AuditFile), Now: now}
	a := &Authenticator{
		Users:       &Store{Path: filepath.Join(c.DataDir, UsersFile), Now: now, Audit: audit, Actor: CLIActor(), Logger: logger},
		Sessions:    &Sessions{Path: filepath.Join(c.DataDir, SessionsFile), Now: now, Logger: logger},
		Limiter:     &Limiter{Now: now},
		Audit:       audit,
		Now:         now,
		TrustProxy:  c.TrustProxy,
		LoginPath:   "/login",
		APIPrefix:   "/api/",
		Public:      c.Public,
		RenderLogin: c.RenderLogin,
		Logger:      logger,

		TrustedOrigins: c.TrustedOrigins,
	}
	return a
}

// CLIActor names the person running the command line in the audit log:
// "cli:" and their system account.
func CLIActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

type ctxKey int

const (
	viewerKey ctxKey = iota
	addrKey
)

// WithViewer returns a context carrying the viewer.
func WithViewer(ctx context.Context, v access.Viewer) context.Context {
	return context.WithValue(ctx, viewerKey, v)
}

// ViewerFrom returns the viewer Middleware resolved, or the anonymous
// viewer (who sees nothing).
func ViewerFrom(ctx context.Context) access.Viewer {
	v, _ := ctx.Value(viewerKey).(access.Viewer)
	return v
}

// ClientAddrFrom returns the client address Middleware found, or "".
func ClientAddrFrom(ctx context.Context) string {
	s, _ := ctx.Value(addrKey).(string)
	return s
}

// IsTLS reports whether the browser reached the site over TLS: directly,
// or through a trusted proxy that says so.
func (a *Authenticator) IsTLS(r *http.Request) bool {
	return r.TLS != nil || (a.TrustProxy && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https"))
}

// ClientAddr is the address failed logins are counted against and the
// audit log names: the peer, or with TrustProxy the last address in
// X-Forwarded-For (the one the trusted proxy itself added).
func (a *Authenticator) ClientAddr(r *http.Request) string {
	if a.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
				return ip.Unmap().String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return host
}

func (a *Authenticator) isAPI(r *http.Request) bool {
	return a.APIPrefix != "" && strings.HasPrefix(r.URL.Path, a.APIPrefix)
}

func (a *Authenticator) isPublic(r *http.Request) bool {
	return r.URL.Path == a.LoginPath || (a.Public != nil && a.Public(r))
}

// bearer returns the token of an Authorization: Bearer header, and whether
// the header was there at all.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(token), true
}

// viewer resolves the request's user: a bearer token when the request has
// an Authorization header (never falling back to the cookie then), else the
// session cookie. badToken is set when a token was given and is not valid.
func (a *Authenticator) viewer(r *http.Request) (v access.Viewer, badToken bool) {
	if token, ok := bearer(r); ok {
		u, ok := a.Users.CheckToken(token)
		if !ok {
			return access.Viewer{}, true
		}
		return u.Viewer(), false
	}
	c, err := r.Cookie(CookieName)
	if err != nil {
		return access.Viewer{}, false
	}
	s, ok := a.Sessions.Lookup(c.Value)
	if !ok {
		return access.Viewer{}, false
	}
	u, err := a.Users.Get(s.User)
	// A removed user, or a password changed since the login (by the user
	// or by an admin who suspects theft), ends the session.
	if err != nil || u.PasswordChanged.After(s.Created) || !u.Role.Valid() {
		if err := a.Sessions.Delete(c.Value); err != nil {
			a.logger().Error("end session", "err", err)
		}
		return access.Viewer{}, false
	}
	return u.Viewer(), false
}

// Middleware resolves the viewer of every request and stores it, with the
// client address, in the request context (ViewerFrom, ClientAddrFrom).
// Requests without a viewer are let through only to public paths; others
// are sent to the login page (pages, with next= when they were a GET) or
// answered 401 JSON (the API, and any request with a bad token).
// Authenticated answers are marked Cache-Control: no-store: they hold
// what one person may see, which no cache should keep.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := contextWithAddr(r.Context(), a.ClientAddr(r))
		v, badToken := a.viewer(r)
		switch {
		case badToken:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeJSONError(w, http.StatusUnauthorized, "invalid_token", "API 令牌无效或已被撤销。")
			return
		case !v.Anonymous():
			w.Header().Set("Cache-Control", "no-store")
			next.ServeHTTP(w, r.WithContext(WithViewer(ctx, v)))
			return
		case a.isPublic(r):
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		case a.isAPI(r):
			w.Header().Set("WWW-Authenticate", `Bearer`)
			writeJSONError(w, http.StatusUnauthorized, "unauthorized", "需要登录：请使用 Authorization: Bearer <令牌>。")
			return
		}
		target := a.LoginPath
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			target += "?next=" + url.QueryEscape(withoutToken(r.URL))
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// withoutToken is the request's path and query without a token= parameter.
// A feed token pasted onto a page's address by mistake is a secret: it
// must not travel on into the login page's address, its history entry and
// the Referer of what that page loads.
func withoutToken(u *url.URL) string {
	q := u.Query()
	if !q.Has("token") {
		return u.RequestURI()
	}
	q.Del("token")
	out := *u
	out.RawQuery = q.Encode()
	return out.RequestURI()
}

// RequireRole wraps a handler that only some roles may use (user
// management for admins): others get 403, which is no secret since the
// pages for it are not linked for them. It must run inside Middleware.
func RequireRole(next http.Handler, roles ...access.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := ViewerFrom(r.Context())
		for _, role := range roles {
			if !v.Anonymous() && v.Role == role {
				next.ServeHTTP(w, r)
				return
			}
		}
		http.Error(w, "没有权限。", http.StatusForbidden)
	})
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "message": msg})
}

// SafeNext returns next when it is a path on this site, else "/": the
// login page must not send people to another site (an open redirect
// makes phishing look like dangan).
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	// Check again what comes out: "/%2f x" decodes and re-encodes to
	// "//%20x", which a browser reads as another host.
	out := u.RequestURI()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.ContainsAny(out, "\\\r\n\t") {
		return "/"
	}
	return out
}

// cookie returns the session cookie for id; an empty id deletes it.
func (a *Authenticator) cookie(r *http.Request, id string) *http.Cookie {
	c := &http.Cookie{
		Name:     CookieName,
		Value:    id,
		Path:     "/",
		HttpOnly: true,
		Secure:   a.IsTLS(r),
		// Lax, not Strict: a link to a customer page in a chat message
		// should open logged in; cross-site POSTs are refused anyway.
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(a.Sessions.absolute() / time.Second),
	}
	if id == "" {
		c.MaxAge = -1
	}
	return c
}

func (a *Authenticator) record(ctx context.Context, e Event) {
	if err := a.Audit.Record(ctx, e); err != nil {
		a.logger().Error("audit log", "err", err, "event", e.Type)
	}
}

func (a *Authenticator) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

func retryMinutes(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }
