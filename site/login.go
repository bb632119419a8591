package site

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/site/auth"
)

// UseAuth puts the site behind a's logins: the viewer comes from the
// session or API token, every page and API route needs one (except the
// login page, the language switch and the static files), cross-site posts
// are refused, the headers are auth's, GET/POST /login and POST /logout
// are mounted, and every read of a restricted customer goes to the audit
// log. Call it before Open. Nobody is a default viewer any more: a site
// with logins must not show an anonymous request anything.
func (s *Server) UseAuth(a *auth.Authenticator) {
	s.ViewerFrom = func(ctx context.Context) (access.Viewer, bool) {
		v := auth.ViewerFrom(ctx)
		return v, !v.Anonymous()
	}
	s.DefaultViewer = access.Viewer{}
	// CSRF runs before the viewer is resolved, as auth.Protect orders them;
	// the headers wrap the whole site (Handler), static files included.
	s.Middleware = func(next http.Handler) http.Handler { return a.CSRF(a.Middleware(next)) }
	s.Headers = a.Headers
	public := a.Public
	a.Public = func(r *http.Request) bool {
		return publicPath(r) || (public != nil && public(r))
	}
	a.RenderLogin = s.renderLogin
	mount := s.Mount
	s.Mount = func(mux *http.ServeMux) {
		if mount != nil {
			mount(mux)
		}
		mux.HandleFunc("GET /login", s.page(s.handleLogin))
		mux.HandleFunc("POST /login", a.Login)
		mux.HandleFunc("POST /logout", a.Logout)
	}
	s.restrictedRead = func(ctx context.Context, customer, path string) {
		if err := a.Audit.RestrictedRead(ctx, customer, path); err != nil {
			s.Logger.Error("audit restricted read", "customer", customer, "path", path, "err", err)
		}
	}
	s.FeedViewer = func(token string) (access.Viewer, bool) {
		u, ok := a.Users.CheckFeedToken(token)
		return u.Viewer(), ok
	}
	s.NewFeedToken = a.Users.NewFeedToken
	s.Accounts = func() []string {
		us, err := a.Users.List()
		if err != nil {
			s.Logger.Error("list users", "err", err)
		}
		names := make([]string, len(us))
		for i, u := range us {
			names[i] = u.Name
		}
		return names
	}
	s.loggedIn = true
	s.Author = func(v access.Viewer) gitstore.Signature { return authorFromUsers(a.Users, v, s.Now()) }
}

// publicPath reports whether a request may be answered without login:
// what the login page itself needs (its styles, the language switch).
// Static files and /healthz are outside the middleware anyway; they are
// listed so that a change of routes cannot lock the login page's
// styles behind the login.
func publicPath(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == "/login", p == "/healthz", strings.HasPrefix(p, "/static/"):
		return r.Method == http.MethodGet || r.Method == http.MethodHead || p == "/login"
	case p == "/lang":
		return r.Method == http.MethodPost
	}
	return false
}

// loginData is what login.html shows.
type loginData struct {
	Name    string
	Next    string
	Message string // the error of a failed login, already in the page's language
}

// handleLogin shows the login form; someone already logged in goes on to
// where the form would have sent them.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	next := auth.SafeNext(r.URL.Query().Get("next"))
	if !s.viewOf(r).Viewer.Anonymous() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "login", "login.title", loginData{Next: next})
}

// renderLogin is auth's RenderLogin: the same page again, with the error
// and the name typed (never the password).
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, f auth.LoginForm) {
	status := f.Status
	if status == 0 {
		status = http.StatusUnauthorized
	}
	data := loginData{Name: f.Name, Next: auth.SafeNext(f.Next), Message: s.loginMessage(r, f)}
	if err := s.render(w, r, status, "login", "login.title", data); err != nil {
		s.Logger.Error("render login page", "err", err)
		http.Error(w, f.Message(), status)
	}
}

// loginMessage says why a login failed in the page's language; auth's own
// Chinese sentence stands in for an error the catalogs do not know.
func (s *Server) loginMessage(r *http.Request, f auth.LoginForm) string {
	if f.Error == "" {
		return ""
	}
	c := s.catalog(r)
	key := "login.error." + string(f.Error)
	if !c.Has(key) {
		return f.Message()
	}
	if f.Error == auth.LoginRateLimited {
		return c.T(key, int((f.RetryAfter+time.Minute-1)/time.Minute))
	}
	return c.T(key)
}
