package auth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/site/auth"
)

func TestLoginSetsSafeCookie(t *testing.T) {
	for _, c := range []struct {
		name       string
		target     string
		header     map[string]string
		trustProxy bool
		secure     bool
	}{
		{"plain http", "http://dangan.test/login", nil, false, false},
		{"direct TLS", "https://dangan.test/login", nil, false, true},
		{"proxy says https, trusted", "http://dangan.test/login", map[string]string{"X-Forwarded-Proto": "https"}, true, true},
		{"proxy says https, not trusted", "http://dangan.test/login", map[string]string{"X-Forwarded-Proto": "https"}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.a.TrustProxy = c.trustProxy
			res, ck := e.login(t, "liqiang", pw, func(r *req) { r.target, r.header = c.target, c.header })
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", res.StatusCode)
			}
			if loc := res.Header.Get("Location"); loc != "/customers/mz?tab=devices" {
				t.Errorf("redirect to %q", loc)
			}
			if ck == nil {
				t.Fatal("no session cookie")
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure != c.secure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v (want Secure=%v)", ck.HttpOnly, ck.SameSite, ck.Path, ck.Secure, c.secure)
			}
			if len(ck.Value) < 43 {
				t.Errorf("session id %q is shorter than 32 random bytes", ck.Value)
			}
			if hsts := res.Header.Get("Strict-Transport-Security"); (hsts != "") != c.secure {
				t.Errorf("HSTS = %q over TLS=%v", hsts, c.secure)
			}
		})
	}
}

func TestSessionFixation(t *testing.T) {
	e := newEnv(t)
	_, first := e.login(t, "liqiang", pw)
	// Log in again with the first cookie: a fresh id, and the old one dies.
	_, second := e.login(t, "xiaoma", pw, func(r *req) { r.cookie = first })
	if second == nil || second.Value == first.Value {
		t.Fatalf("login kept the session id %v", second)
	}
	if res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: first}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("old session still valid: %d", res.StatusCode)
	}
	// A made-up id presented at login is never adopted.
	planted := &http.Cookie{Name: auth.CookieName, Value: "attacker-chosen-id"}
	_, got := e.login(t, "liqiang", pw, func(r *req) { r.cookie = planted })
	if got.Value == planted.Value {
		t.Error("planted session id adopted")
	}
	res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: got})
	if b := bodyOf(t, res); b != "hello liqiang technician" {
		t.Errorf("page says %q", b)
	}
}

func TestLogoutEndsSessionOnServer(t *testing.T) {
	e := newEnv(t)
	_, ck := e.login(t, "liqiang", pw)
	if res := e.do(t, req{method: "GET", target: "http://dangan.test/logout", cookie: ck}); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: %d, want 405 (no GET changes anything)", res.StatusCode)
	}
	res := e.do(t, req{method: "POST", target: "http://dangan.test/logout", cookie: ck, header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if c := sessionCookie(res); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout does not delete the cookie: %+v", c)
	}
	// The browser may keep the cookie; the server must not accept it.
	if res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: ck}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("session alive after logout: %d", res.StatusCode)
	}
	// Calling the handler directly (a site that mounts it without a
	// method pattern) refuses GET too.
	w := httptest.NewRecorder()
	e.a.Logout(w, httptest.NewRequest("GET", "http://dangan.test/logout", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("Logout handler on GET: %d", w.Code)
	}
}

func TestSessionExpiry(t *testing.T) {
	page := func(e *env, ck *http.Cookie) int {
		return e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: ck}).StatusCode
	}
	t.Run("idle", func(t *testing.T) {
		e := newEnv(t)
		_, ck := e.login(t, "liqiang", pw)
		e.clk.Advance(auth.DefaultIdle - time.Minute)
		if got := page(e, ck); got != http.StatusOK {
			t.Fatalf("before idle expiry: %d", got)
		}
		// Use resets the idle clock.
		e.clk.Advance(auth.DefaultIdle - time.Minute)
		if got := page(e, ck); got != http.StatusOK {
			t.Fatalf("used session expired: %d", got)
		}
		e.clk.Advance(auth.DefaultIdle)
		if got := page(e, ck); got != http.StatusSeeOther {
			t.Errorf("idle session still valid: %d", got)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		e := newEnv(t)
		_, ck := e.login(t, "liqiang", pw)
		for elapsed := time.Duration(0); elapsed < auth.DefaultAbsolute-time.Hour; elapsed += 4 * time.Hour {
			if got := page(e, ck); got != http.StatusOK {
				t.Fatalf("after %v of use: %d", elapsed, got)
			}
			e.clk.Advance(4 * time.Hour)
		}
		e.clk.Advance(time.Hour)
		if got := page(e, ck); got != http.StatusSeeOther {
			t.Errorf("session older than %v still valid: %d", auth.DefaultAbsolute, got)
		}
	})
}

func TestSessionsSurviveRestart(t *testing.T) {
	e := newEnv(t)
	_, ck := e.login(t, "liqiang", pw)
	// A new Authenticator over the same folder is a restarted server.
	b := auth.New(auth.Config{DataDir: e.dir, Now: e.clk.Now})
	b.Users.Argon2 = fast
	e.a, e.site = b, b.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(auth.ViewerFrom(r.Context()).Name))
	}))
	res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: ck})
	if got := bodyOf(t, res); got != "liqiang" {
		t.Errorf("after restart the page says %q (status %d)", got, res.StatusCode)
	}
}

func TestUserChangesEndSessions(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(e *env) error
	}{
		{"password changed", func(e *env) error {
			e.clk.Advance(time.Second)
			return e.a.Users.SetPassword("liqiang", "another password")
		}},
		{"user removed", func(e *env) error { return e.a.Users.Remove("liqiang") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			_, ck := e.login(t, "liqiang", pw)
			// The change comes from another process: the CLI's own store.
			cli := &auth.Store{Path: e.dir + "/users.json", Argon2: fast, Now: e.clk.Now}
			other := &env{a: &auth.Authenticator{Users: cli}, clk: e.clk}
			if err := c.change(other); err != nil {
				t.Fatal(err)
			}
			if res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: ck}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("session survives: %d", res.StatusCode)
			}
		})
	}
}

func TestRedirectToLogin(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, req{method: "GET", target: "http://dangan.test/customers/mz?q=%E6%A0%B8%E5%BF%83"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", res.StatusCode)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	if loc.Path != "/login" || loc.Query().Get("next") != "/customers/mz?q=%E6%A0%B8%E5%BF%83" {
		t.Errorf("redirect to %q", res.Header.Get("Location"))
	}
	// A token put on a page's address by mistake does not travel on.
	res = e.do(t, req{method: "GET", target: "http://dangan.test/leads?owner=zhangwei&token=s3cret-token"})
	loc, _ = url.Parse(res.Header.Get("Location"))
	if strings.Contains(res.Header.Get("Location"), "s3cret") || loc.Query().Get("next") != "/leads?owner=zhangwei" {
		t.Errorf("redirect with a token in the address: %q", res.Header.Get("Location"))
	}
	if res := e.do(t, req{method: "GET", target: "http://dangan.test/static/app.css"}); res.StatusCode != http.StatusOK {
		t.Errorf("public path: %d", res.StatusCode)
	}
	// The API answers 401 JSON, not a redirect.
	res = e.do(t, req{method: "GET", target: "http://dangan.test/api/me"})
	var body map[string]string
	if res.StatusCode != http.StatusUnauthorized || json.NewDecoder(res.Body).Decode(&body) != nil || body["error"] != "unauthorized" {
		t.Errorf("API without login: %d %v", res.StatusCode, body)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "/",
		"/customers/mz":            "/customers/mz",
		"/search?q=a+b&facet=x":    "/search?q=a+b&facet=x",
		"//evil.example/x":         "/",
		"/\\evil.example":          "/",
		"https://evil.example/":    "/",
		"javascript:alert(1)":      "/",
		"evil.example":             "/",
		"/%2F%2Fevil.example":      "/%2F%2Fevil.example",
		"/ok\r\nSet-Cookie: x=1":   "/",
		"/a/../../b":               "/a/../../b",
		"http:/evil.example":       "/",
		"/\tevil":                  "/",
		"///evil.example":          "/",
		"/x?next=//evil.example":   "/x?next=//evil.example",
		"\\\\evil.example":         "/",
		"/customers/mz#devices-id": "/customers/mz",
		"/%2f 0":                   "/",
	} {
		if got := auth.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "https://x", "/a?b=c", "/%2f%2fx", "/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := auth.SafeNext(in)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("SafeNext(%q) = %q leaves the site", in, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("SafeNext(%q) = %q parses as %+v (%v)", in, got, u, err)
		}
		// What a browser resolves against the site stays on the site.
		base, _ := url.Parse("https://dangan.test/login")
		if r := base.ResolveReference(u); r.Host != "dangan.test" {
			t.Fatalf("SafeNext(%q) = %q resolves to host %q", in, got, r.Host)
		}
	})
}

func TestLoginFailuresAndRateLimit(t *testing.T) {
	e := newEnv(t)
	var forms []auth.LoginForm
	e.a.RenderLogin = func(w http.ResponseWriter, r *http.Request, f auth.LoginForm) {
		forms = append(forms, f)
		w.WriteHeader(f.Status)
	}
	from := func(addr string) func(*req) { return func(r *req) { r.remote = addr + ":4242" } }
	// Unknown user and wrong password look the same.
	for _, name := range []string{"liqiang", "nobody-here"} {
		res, ck := e.login(t, name, "wrong password", from("192.0.2.1"))
		if res.StatusCode != http.StatusUnauthorized || ck != nil {
			t.Fatalf("%s: status %d cookie %v", name, res.StatusCode, ck)
		}
	}
	if forms[0].Error != auth.LoginBadCredentials || forms[1].Error != forms[0].Error || forms[0].Name != "liqiang" {
		t.Errorf("forms: %+v", forms)
	}
	// Per user: 5 failures from any addresses lock the name, not others.
	for i := range 4 {
		e.login(t, "liqiang", "wrong", from("198.51.100."+string(rune('1'+i))))
	}
	res, _ := e.login(t, "liqiang", pw, from("203.0.113.9"))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("6th try for liqiang: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if f := forms[len(forms)-1]; f.Error != auth.LoginRateLimited || f.RetryAfter <= 0 || !strings.Contains(f.Message(), "分钟") {
		t.Errorf("rate-limited form: %+v %q", f, f.Message())
	}
	if res, _ := e.login(t, "xiaoma", pw, from("203.0.113.9")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another user is locked too: %d", res.StatusCode)
	}
	e.clk.Advance(auth.DefaultWindow)
	if res, _ := e.login(t, "liqiang", pw, from("203.0.113.9")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window liqiang still locked: %d", res.StatusCode)
	}

	// Per address: 20 failures with different names lock the address.
	e.clk.Advance(auth.DefaultWindow)
	for i := range auth.DefaultPerAddr {
		e.login(t, "guess"+string(rune('a'+i)), "wrong", from("192.0.2.77"))
	}
	if res, _ := e.login(t, "xiaoma", pw, from("192.0.2.77")); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("address not locked: %d", res.StatusCode)
	}
	if res, _ := e.login(t, "xiaoma", pw, from("192.0.2.78")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another address locked: %d", res.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	_, ck := e.login(t, "liqiang", pw)
	token, err := e.a.Users.NewToken("liqiang")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		target string
		cookie *http.Cookie
		header map[string]string
		want   int
	}{
		{"cross-site by Sec-Fetch-Site", "http://dangan.test/edit", ck, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site other origin", "http://dangan.test/edit", ck, map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"cross-site by Origin", "http://dangan.test/edit", ck, map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"same-origin by Sec-Fetch-Site", "http://dangan.test/edit", ck, map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"same-origin by Origin", "http://dangan.test/edit", ck, map[string]string{"Origin": "http://dangan.test"}, http.StatusOK},
		{"no browser headers (curl)", "http://dangan.test/edit", ck, nil, http.StatusOK},
		{"cross-site login", "http://dangan.test/login", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"cross-site logout", "http://dangan.test/logout", ck, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"API with bearer token", "http://dangan.test/api/edit", nil, map[string]string{"Authorization": "Bearer " + token, "Sec-Fetch-Site": "cross-site"}, http.StatusOK},
		{"API with cookie, cross-site", "http://dangan.test/api/edit", ck, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.do(t, req{method: "POST", target: c.target, cookie: c.cookie, header: c.header, form: url.Values{"name": {"liqiang"}, "password": {pw}}})
			if res.StatusCode != c.want {
				t.Errorf("status %d, want %d", res.StatusCode, c.want)
			}
		})
	}
	// After a cross-site logout attempt the session is still there.
	if res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: ck}); res.StatusCode != http.StatusOK {
		t.Errorf("refused logout ended the session: %d", res.StatusCode)
	}
}

func TestBearerTokens(t *testing.T) {
	e := newEnv(t)
	token, err := e.a.Users.NewToken("xiaoma")
	if err != nil {
		t.Fatal(err)
	}
	api := func(auth string, cookie *http.Cookie) *http.Response {
		h := map[string]string{}
		if auth != "" {
			h["Authorization"] = auth
		}
		return e.do(t, req{method: "GET", target: "http://dangan.test/api/me", header: h, cookie: cookie})
	}
	if res := api("Bearer "+token, nil); res.StatusCode != http.StatusOK || bodyOf(t, res) != `{"name":"xiaoma"}` {
		t.Errorf("valid token: %d", res.StatusCode)
	}
	if res := api("bearer "+token, nil); res.StatusCode != http.StatusOK {
		t.Errorf("scheme is case-insensitive: %d", res.StatusCode)
	}
	_, ck := e.login(t, "liqiang", pw)
	for name, h := range map[string]string{
		"wrong token":      "Bearer dgn_not-a-token",
		"no prefix":        "Bearer " + token[4:],
		"basic auth":       "Basic bGlxaWFuZzpwdw==",
		"empty":            "Bearer ",
		"token and cookie": "Bearer dgn_wrong",
	} {
		// A bad token never falls back to the cookie.
		res := api(h, ck)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Header.Get("Content-Type"), "json") {
			t.Errorf("%s: %d %s", name, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	// A new token revokes the old one.
	if _, err := e.a.Users.NewToken("xiaoma"); err != nil {
		t.Fatal(err)
	}
	if res := api("Bearer "+token, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token accepted: %d", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, target := range []string{"http://dangan.test/", "http://dangan.test/static/app.css", "http://dangan.test/api/me"} {
		res := e.do(t, req{method: "GET", target: target})
		for k, want := range map[string]string{
			"Content-Security-Policy": auth.ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
		} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q", target, k, got)
			}
		}
	}
	if !strings.Contains(auth.ContentSecurityPolicy, "script-src 'self'") || strings.Contains(auth.ContentSecurityPolicy, "unsafe-inline") {
		t.Error("CSP allows inline script")
	}
	_, ck := e.login(t, "liqiang", pw)
	if res := e.do(t, req{method: "GET", target: "http://dangan.test/", cookie: ck}); res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("authenticated page cacheable: %q", res.Header.Get("Cache-Control"))
	}
}

func TestAuditOfLogins(t *testing.T) {
	e := newEnv(t)
	e.a.TrustProxy = true
	from := func(r *req) { r.header = map[string]string{"X-Forwarded-For": "10.0.0.1, 192.0.2.5"} }
	e.login(t, "liqiang", "wrong", from)
	_, ck := e.login(t, "liqiang", pw, from)
	e.do(t, req{method: "POST", target: "http://dangan.test/logout", cookie: ck, header: map[string]string{"X-Forwarded-For": "192.0.2.5"}})
	events, err := e.a.Audit.Read(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		got = append(got, string(ev.Type)+" "+ev.User+" "+ev.Addr)
	}
	want := []string{
		"user_add liqiang ", "user_add xiaoma ",
		"login_failed liqiang 192.0.2.5", "login liqiang 192.0.2.5", "logout liqiang 192.0.2.5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if events[3].Actor != "liqiang" || events[3].Role != "technician" {
		t.Errorf("login event actor %q role %q", events[3].Actor, events[3].Role)
	}
}
