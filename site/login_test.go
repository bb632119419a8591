package site_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/auth"
)

const testPassword = "correct horse battery"

// authServer is the site over the fixture behind site/auth, with users in
// a temporary data folder.
type authServer struct {
	*fixture
	Auth    *auth.Authenticator
	Handler http.Handler
}

func newAuthServer(t *testing.T) *authServer {
	t.Helper()
	fx := newFixture(t)
	a := auth.New(auth.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	// The tests check the wiring, not the cost of a password hash.
	a.Users.Argon2 = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}
	for _, u := range []struct {
		name, display string
		role          access.Role
	}{
		{"liqiang", "李强师傅", access.Technician},
		{"wangfang", "王芳", access.Technician},
		{"shichang", "市场部小马", access.Marketing},
	} {
		if err := a.Users.Add(u.name, u.role, testPassword, u.display, ""); err != nil {
			t.Fatal(err)
		}
	}
	s := &site.Server{
		Store:        fx.Repo,
		Logger:       slog.New(slog.NewTextHandler(tlog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:          func() time.Time { return today },
		PollInterval: time.Hour,
		// What a site without auth would show everyone: UseAuth must undo it.
		DefaultViewer: admin,
	}
	s.UseAuth(a)
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &authServer{fixture: fx, Auth: a, Handler: s.Handler()}
}

// do serves a request, with the session cookie when one is given, and
// parses HTML answers.
func (as *authServer) do(t *testing.T, req *http.Request, cookie *http.Cookie) response {
	t.Helper()
	if cookie != nil {
		req.AddCookie(cookie)
	}
	ts := &testServer{Handler: as.Handler}
	return ts.do(t, req)
}

func (as *authServer) get(t *testing.T, target string, cookie *http.Cookie) response {
	t.Helper()
	return as.do(t, httptest.NewRequest(http.MethodGet, target, nil), cookie)
}

// post sends a form the way a browser does from a page of the site.
func (as *authServer) post(t *testing.T, target string, form url.Values, cookie *http.Cookie) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "http://example.com")
	return as.do(t, req, cookie)
}

// login logs a user in and returns the session cookie.
func (as *authServer) login(t *testing.T, name, next string) *http.Cookie {
	t.Helper()
	res := as.post(t, "/login", url.Values{"name": {name}, "password": {testPassword}, "next": {next}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d, want 303\n%s", name, res.StatusCode, res.Body)
	}
	if loc := res.Header.Get("Location"); loc != next {
		t.Errorf("login %s: redirected to %q, want %q", name, loc, next)
	}
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName && c.Value != "" {
			if !c.HttpOnly {
				t.Errorf("session cookie is not HttpOnly")
			}
			return c
		}
	}
	t.Fatalf("login %s set no session cookie", name)
	return nil
}

func inputNamed(t *testing.T, res response, name string) map[string]string {
	t.Helper()
	n := find(t, res.Doc, `form[action=/login] input[name=`+name+`]`)
	out := map[string]string{}
	for _, a := range n.Attr {
		out[a.Key] = a.Val
	}
	return out
}

func TestLoginRequired(t *testing.T) {
	as := newAuthServer(t)
	for _, target := range []string{"/customers", "/customers/mz-renmin-hospital", "/search?q=交换机"} {
		res := as.get(t, target, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("GET %s without session: status %d, want 303", target, res.StatusCode)
			continue
		}
		if want := "/login?next=" + url.QueryEscape(target); res.Header.Get("Location") != want {
			t.Errorf("GET %s without session: Location %q, want %q", target, res.Header.Get("Location"), want)
		}
	}
	// What the login page needs is public.
	for _, target := range []string{"/login", "/static/site.css", "/healthz"} {
		if res := as.get(t, target, nil); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s without session: status %d, want 200", target, res.StatusCode)
		}
	}
	// The language switch works on the login page.
	lang := as.post(t, "/lang", url.Values{"lang": {"en"}, "next": {"/login"}}, nil)
	if lang.StatusCode != http.StatusSeeOther || lang.Header.Get("Location") != "/login" {
		t.Errorf("POST /lang without session: status %d to %q, want 303 to /login", lang.StatusCode, lang.Header.Get("Location"))
	}
	if c := lang.Cookies(); len(c) != 1 || c[0].Value != "en" {
		t.Errorf("POST /lang without session set cookies %v, want the language", c)
	}
	// The API answers 401, not a redirect.
	if res := as.get(t, "/api/customers", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/customers without session: status %d, want 401", res.StatusCode)
	}
	// A cross-site login is refused.
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("name=liqiang&password="+url.QueryEscape(testPassword)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := as.do(t, req, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /login: status %d, want 403", res.StatusCode)
	}
}

func TestLoginPage(t *testing.T) {
	as := newAuthServer(t)
	res := as.get(t, "/login?next="+url.QueryEscape("/customers/mz-school"), nil)
	if res.StatusCode != http.StatusOK || res.Doc == nil {
		t.Fatalf("GET /login: status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	form := find(t, res.Doc, "form[action=/login]")
	if m, _ := attr(form, "method"); m != "post" {
		t.Errorf("login form method %q, want post", m)
	}
	if got := inputNamed(t, res, "name"); got["type"] != "text" || got["autocomplete"] != "username" {
		t.Errorf("name input = %v", got)
	}
	if got := inputNamed(t, res, "password"); got["type"] != "password" || got["value"] != "" {
		t.Errorf("password input = %v", got)
	}
	if got := inputNamed(t, res, "next"); got["type"] != "hidden" || got["value"] != "/customers/mz-school" {
		t.Errorf("next input = %v", got)
	}
	if got := text(find(t, res.Doc, "form[action=/login] button[type=submit]")); got != "登录" {
		t.Errorf("submit button says %q, want 登录", got)
	}
	if got := texts(findAll(res.Doc, "form[action=/login] label")); strings.Join(got, "|") != "用户名|密码" {
		t.Errorf("labels %q", got)
	}
	if n := len(findAll(res.Doc, "script")) + len(findAll(res.Doc, "style")) + len(findAll(res.Doc, "[style]")); n != 0 {
		t.Errorf("login page has %d inline scripts or styles", n)
	}
	if len(findAll(res.Doc, "meta[name=viewport]")) != 1 {
		t.Errorf("login page has no viewport meta")
	}
	if len(findAll(res.Doc, "form[action=/logout]")) != 0 {
		t.Errorf("login page offers a logout to nobody")
	}
	if csp := res.Header.Get("Content-Security-Policy"); csp != auth.ContentSecurityPolicy {
		t.Errorf("CSP %q, want auth's", csp)
	}
	// English, when asked.
	en := as.get(t, "/login?lang=en", nil)
	if got := text(find(t, en.Doc, "form[action=/login] button[type=submit]")); got != "Log in" {
		t.Errorf("English submit button says %q", got)
	}
	// An open redirect is not carried into the form.
	evil := as.get(t, "/login?next="+url.QueryEscape("//evil.example/x"), nil)
	if got := inputNamed(t, evil, "next")["value"]; got != "/" {
		t.Errorf("next=//evil.example/x became %q, want /", got)
	}
}

func TestLoginLogout(t *testing.T) {
	as := newAuthServer(t)
	const next = "/customers/mz-renmin-hospital"
	cookie := as.login(t, "liqiang", next)

	res := as.get(t, next, cookie)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s with session: status %d", next, res.StatusCode)
	}
	who := text(find(t, res.Doc, "header .who"))
	if !strings.Contains(who, "李强师傅") || !strings.Contains(who, "运维人员") {
		t.Errorf("header shows %q, want the name 李强师傅 and the role 运维人员", who)
	}
	find(t, res.Doc, "header form[action=/logout][method=post] button")
	if !strings.Contains(res.Body, "2102351234ABCD") {
		t.Errorf("a technician does not see the device serial")
	}
	// Logged in, the login page sends on.
	if res := as.get(t, "/login?next=/guides", cookie); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/guides" {
		t.Errorf("GET /login logged in: status %d to %q, want 303 to /guides", res.StatusCode, res.Header.Get("Location"))
	}

	out := as.post(t, "/logout", nil, cookie)
	if out.StatusCode != http.StatusSeeOther || out.Header.Get("Location") != "/login" {
		t.Errorf("POST /logout: status %d to %q, want 303 to /login", out.StatusCode, out.Header.Get("Location"))
	}
	// The old cookie no longer opens anything, whatever the browser keeps.
	again := as.get(t, next, cookie)
	if again.StatusCode != http.StatusSeeOther || !strings.HasPrefix(again.Header.Get("Location"), "/login?next=") {
		t.Errorf("GET %s after logout: status %d to %q, want 303 to the login page", next, again.StatusCode, again.Header.Get("Location"))
	}
}

func TestLoginFailed(t *testing.T) {
	as := newAuthServer(t)
	for _, tt := range []struct {
		name, lang, want string
	}{
		{"liqiang", "", "用户名或密码不正确。"},
		{"nobody", "", "用户名或密码不正确。"}, // the same answer: no telling who exists
		{"liqiang", "en", "Wrong user name or password."},
	} {
		target := "/login"
		if tt.lang != "" {
			target += "?lang=" + tt.lang
		}
		res := as.post(t, target, url.Values{"name": {tt.name}, "password": {"wrong password!"}, "next": {"/guides"}}, nil)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tt.name, res.StatusCode)
		}
		for _, c := range res.Cookies() {
			if c.Name == auth.CookieName && c.Value != "" {
				t.Errorf("%s: a failed login set a session cookie", tt.name)
			}
		}
		if res.Doc == nil {
			t.Fatalf("%s: answer is not HTML: %q", tt.name, res.Body)
		}
		if got := text(find(t, res.Doc, ".login-error")); got != tt.want {
			t.Errorf("%s: error %q, want %q", tt.name, got, tt.want)
		}
		if got := inputNamed(t, res, "name")["value"]; got != tt.name {
			t.Errorf("%s: name field keeps %q", tt.name, got)
		}
		if got := inputNamed(t, res, "password")["value"]; got != "" {
			t.Errorf("%s: password field keeps %q", tt.name, got)
		}
		if got := inputNamed(t, res, "next")["value"]; got != "/guides" {
			t.Errorf("%s: next field keeps %q", tt.name, got)
		}
	}
}

func TestLoginRateLimited(t *testing.T) {
	as := newAuthServer(t)
	var res response
	for i := 0; i < 30; i++ {
		res = as.post(t, "/login", url.Values{"name": {"wangfang"}, "password": {"wrong password!"}}, nil)
		if res.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("30 failed logins: status %d, want 429 at some point", res.StatusCode)
	}
	if got := text(find(t, res.Doc, ".login-error")); !strings.HasPrefix(got, "登录失败次数过多") || strings.Contains(got, "%") {
		t.Errorf("rate-limit error %q", got)
	}
}

func TestAuthMarketingHidesSerial(t *testing.T) {
	as := newAuthServer(t)
	cookie := as.login(t, "shichang", "/customers/mz-renmin-hospital")
	res := as.get(t, "/customers/mz-renmin-hospital", cookie)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.Contains(text(find(t, res.Doc, "header .who")), "市场部小马") {
		t.Errorf("header does not name the marketing user")
	}
	for _, serial := range []string{"2102351234ABCD", "210235A1XYZ"} {
		if strings.Contains(res.Body, serial) {
			t.Errorf("marketing sees serial %s", serial)
		}
	}
	// Columns of hidden fields are not even announced: no blank headings.
	for _, heading := range []string{"序列号", "管理地址"} {
		if strings.Contains(text(find(t, res.Doc, "table.devices thead")), heading) {
			t.Errorf("marketing's device table has a %s column", heading)
		}
	}
	admin := as.get(t, "/customers/mz-renmin-hospital", as.login(t, "wangfang", "/customers/mz-renmin-hospital"))
	if !strings.Contains(text(find(t, admin.Doc, "table.devices thead")), "序列号") {
		t.Errorf("the technician's device table lost its serial column")
	}
	// The restricted customer does not exist for them.
	if res := as.get(t, "/customers/mz-gongan", cookie); res.StatusCode != http.StatusNotFound {
		t.Errorf("marketing GET restricted customer: status %d, want 404", res.StatusCode)
	}
}

func TestAuthRestrictedReadAudited(t *testing.T) {
	as := newAuthServer(t)
	cookie := as.login(t, "wangfang", "/customers/mz-gongan")
	res := as.get(t, "/customers/mz-gongan", cookie)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("assigned technician GET restricted customer: status %d", res.StatusCode)
	}
	as.get(t, "/customers/mz-renmin-hospital", cookie) // not restricted: no event
	events, err := as.Auth.Audit.Read(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var reads []auth.Event
	for _, e := range events {
		if e.Type == auth.EventRestrictedRead {
			reads = append(reads, e)
		}
	}
	if len(reads) != 1 || reads[0].Actor != "wangfang" || reads[0].Customer != "mz-gongan" || reads[0].Path != "customers/mz-gongan" {
		t.Errorf("restricted reads = %+v, want one by wangfang of customers/mz-gongan", reads)
	}
}

// TestAuthRestrictedSearchAudited: a search hit shows a snippet of the
// record, so a hit of a restricted customer is a read and is audited.
func TestAuthRestrictedSearchAudited(t *testing.T) {
	as := newAuthServer(t)
	cookie := as.login(t, "wangfang", "/")
	if res := as.get(t, "/search?q=ZTE5960NEWSECRET", cookie); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "mz-gongan") {
		t.Fatalf("assigned technician searching the restricted serial: status %d, no hit of mz-gongan:\n%s", res.StatusCode, res.Body)
	}
	events, err := as.Auth.Audit.Read(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range events {
		if e.Type == auth.EventRestrictedRead && e.Actor == "wangfang" && e.Customer == "mz-gongan" && e.Path == "customers/mz-gongan/devices.md" {
			found = true
		}
	}
	if !found {
		t.Errorf("no restricted read of customers/mz-gongan/devices.md by wangfang in the audit log: %+v", events)
	}
}
