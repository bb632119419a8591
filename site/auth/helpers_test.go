package auth_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/auth"
)

// clock is a settable clock, so that expiry is tested without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fast makes password hashing cheap: the tests check logic, not cost.
var fast = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}

const pw = "correct horse battery"

// env is an Authenticator over a temporary data folder, with users
// liqiang (technician) and xiaoma (marketing), and a site behind Protect.
type env struct {
	a    *auth.Authenticator
	clk  *clock
	dir  string
	site http.Handler
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := newClock()
	dir := t.TempDir()
	a := auth.New(auth.Config{
		DataDir: dir,
		Now:     clk.Now,
		Public:  func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/static/") },
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	a.Users.Argon2 = fast
	for _, u := range []struct {
		name string
		role access.Role
	}{{"liqiang", access.Technician}, {"xiaoma", access.Marketing}} {
		if err := a.Users.Add(u.name, u.role, pw, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", a.Login)
	mux.HandleFunc("POST /logout", a.Logout)
	mux.HandleFunc("GET /static/app.css", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "css") })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		v := auth.ViewerFrom(r.Context())
		io.WriteString(w, "hello "+v.Name+" "+string(v.Role))
	})
	mux.HandleFunc("POST /edit", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "saved by "+auth.ViewerFrom(r.Context()).Name)
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"name":"`+auth.ViewerFrom(r.Context()).Name+`"}`)
	})
	mux.HandleFunc("POST /api/edit", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	return &env{a: a, clk: clk, dir: dir, site: a.Protect(mux)}
}

// req describes one request to the site.
type req struct {
	method, target string
	form           url.Values
	cookie         *http.Cookie
	header         map[string]string
	remote         string
}

func (e *env) do(t *testing.T, r req) *http.Response {
	t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	hr := httptest.NewRequest(r.method, r.target, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	w := httptest.NewRecorder()
	e.site.ServeHTTP(w, hr)
	return w.Result()
}

// login posts the form and returns the response and the session cookie.
func (e *env) login(t *testing.T, name, password string, extra ...func(*req)) (*http.Response, *http.Cookie) {
	t.Helper()
	r := req{method: "POST", target: "http://dangan.test/login", form: url.Values{"name": {name}, "password": {password}, "next": {"/customers/mz?tab=devices"}}}
	for _, f := range extra {
		f(&r)
	}
	res := e.do(t, r)
	return res, sessionCookie(res)
}

func sessionCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	return nil
}

func bodyOf(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
