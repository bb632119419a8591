package auth

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// LoginError is why a login failed, for the form to say so. It never tells
// whether the user exists.
type LoginError string

// The login errors.
const (
	LoginBadCredentials LoginError = "bad_credentials"
	LoginRateLimited    LoginError = "rate_limited"
	LoginBadRequest     LoginError = "bad_request"
)

// LoginForm is what the site needs to render the login form again: the
// status to answer with, the error, the name typed (never the password)
// and where to go after login.
type LoginForm struct {
	Status     int
	Error      LoginError
	RetryAfter time.Duration // for LoginRateLimited
	Name       string
	Next       string
}

// Message is the error in plain Chinese, for sites without a catalog entry.
func (f LoginForm) Message() string {
	switch f.Error {
	case LoginBadCredentials:
		return "用户名或密码不正确。"
	case LoginRateLimited:
		return fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试。", retryMinutes(f.RetryAfter))
	case LoginBadRequest:
		return "登录请求无效，请刷新页面后重试。"
	}
	return ""
}

const maxLoginForm = 16 << 10

// Login handles POST of the login form (fields name, password, next). On
// success it ends any session the browser had, opens a new one with a
// fresh id, sets the cookie and redirects (303) to next when that is a
// path on this site. On failure it renders the form through RenderLogin
// with 401 (bad name or password) or 429 and Retry-After (too many
// failures). Cross-site posts are refused: a login forced on someone's
// browser would make them work under the attacker's account.
func (a *Authenticator) Login(w http.ResponseWriter, r *http.Request) {
	ctx, ok := a.samePost(w, r, "请使用登录表单。")
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		a.renderLogin(w, r, LoginForm{Status: http.StatusBadRequest, Error: LoginBadRequest, Next: "/"})
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	form := LoginForm{Name: name, Next: SafeNext(r.PostFormValue("next"))}
	addr := ClientAddrFrom(ctx)

	if ok, wait := a.Limiter.Allow(name, addr); !ok {
		a.record(ctx, Event{Type: EventLoginFailed, User: name, Detail: "rate_limited"})
		form.Status, form.Error, form.RetryAfter = http.StatusTooManyRequests, LoginRateLimited, wait
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		a.renderLogin(w, r, form)
		return
	}
	u, ok := a.Users.CheckPassword(name, password)
	if !ok {
		a.Limiter.Fail(name, addr)
		a.record(ctx, Event{Type: EventLoginFailed, User: name, Detail: "bad_credentials"})
		form.Status, form.Error = http.StatusUnauthorized, LoginBadCredentials
		a.renderLogin(w, r, form)
		return
	}
	a.Limiter.Succeed(name)
	if c, err := r.Cookie(CookieName); err == nil {
		if err := a.Sessions.Delete(c.Value); err != nil {
			a.logger().Error("end old session", "err", err)
		}
	}
	id, err := a.Sessions.Create(u.Name)
	if err != nil {
		// The session exists in memory; only its persistence failed.
		a.logger().Error("save sessions", "err", err)
	}
	http.SetCookie(w, a.cookie(r, id))
	a.record(WithViewer(ctx, u.Viewer()), Event{Type: EventLogin, User: u.Name})
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
}

// samePost admits only a same-site POST (login and logout change state,
// so neither a GET nor another site may trigger them) and returns the
// request's context carrying the client's address for the audit log. On
// refusal it has answered, with wrongMethod for a non-POST.
func (a *Authenticator) samePost(w http.ResponseWriter, r *http.Request, wrongMethod string) (context.Context, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, wrongMethod, http.StatusMethodNotAllowed)
		return nil, false
	}
	if err := a.crossOrigin().Check(r); err != nil {
		a.denyCrossOrigin(w, r)
		return nil, false
	}
	ctx := r.Context()
	if ClientAddrFrom(ctx) == "" {
		ctx = contextWithAddr(ctx, a.ClientAddr(r))
	}
	return ctx, true
}

// Logout handles POST /logout: the session ends on the server (the cookie
// alone would be a promise the browser may not keep), the cookie is
// deleted and the browser sent to the login page.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) {
	ctx, ok := a.samePost(w, r, "请使用退出按钮。")
	if !ok {
		return
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if s, ok := a.Sessions.Lookup(c.Value); ok {
			a.record(ctx, Event{Type: EventLogout, Actor: s.User, User: s.User})
		}
		if err := a.Sessions.Delete(c.Value); err != nil {
			a.logger().Error("end session", "err", err)
		}
	}
	http.SetCookie(w, a.cookie(r, ""))
	http.Redirect(w, r, a.LoginPath, http.StatusSeeOther)
}

func (a *Authenticator) renderLogin(w http.ResponseWriter, r *http.Request, f LoginForm) {
	if a.RenderLogin != nil {
		a.RenderLogin(w, r, f)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(f.Status)
	fmt.Fprintln(w, f.Message())
}
