package auth

import (
	"context"
	"net/http"
	"strings"
)

// ContentSecurityPolicy allows scripts, styles and images from the site
// only, no inline script, no plugins, no framing: markdown written by
// people is shown on these pages, and whatever slips through sanitising
// still cannot run.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Headers sets the security headers on every answer: the policy above,
// no MIME sniffing, no referrer beyond the site (URLs name customers), no
// framing; over TLS also Strict-Transport-Security.
func (a *Authenticator) Headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if a.IsTLS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// CSRF refuses cross-site state-changing requests (POST, PUT, PATCH,
// DELETE) with 403, using the browser's Sec-Fetch-Site header or, for
// older browsers, Origin against Host (net/http.CrossOriginProtection). No
// form token is needed: every browser the branch uses sends them, and
// requests without either header are not from a browser. Requests with
// an Authorization header are exempt: a cross-site page cannot set one
// without a CORS preflight, which the site never grants, and such requests
// never use the cookie (Middleware does not fall back to it).
func (a *Authenticator) CSRF(next http.Handler) http.Handler {
	protected := a.crossOrigin().Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := bearer(r); ok {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// Protect is the whole guard in the order it must run: headers, CSRF,
// then the viewer. The site wraps its mux with it.
func (a *Authenticator) Protect(h http.Handler) http.Handler {
	return a.Headers(a.CSRF(a.Middleware(h)))
}

func (a *Authenticator) crossOrigin() *http.CrossOriginProtection {
	a.csrfOnce.Do(func() {
		c := http.NewCrossOriginProtection()
		for _, o := range a.TrustedOrigins {
			if err := c.AddTrustedOrigin(o); err != nil {
				a.logger().Error("trusted origin ignored", "origin", o, "err", err)
			}
		}
		c.SetDenyHandler(http.HandlerFunc(a.denyCrossOrigin))
		a.csrf = c
	})
	return a.csrf
}

func (a *Authenticator) denyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	if a.isAPI(r) || strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSONError(w, http.StatusForbidden, "cross_origin", "跨站请求被拒绝。")
		return
	}
	http.Error(w, "跨站请求被拒绝：请从本站页面提交。", http.StatusForbidden)
}

func contextWithAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey, addr)
}
