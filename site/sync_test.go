package site_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/remote"
)

// fakeRemote stands for archive/remote's Syncer: the real one is tested
// against a git server in its own package.
type fakeRemote struct {
	mu        sync.Mutex
	st        remote.Status
	triggered int
	dismissed []string
}

func (f *fakeRemote) Status() remote.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeRemote) Trigger() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.triggered++
}

func (f *fakeRemote) Dismiss(c string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dismissed = append(f.dismissed, c)
	return nil
}

func withRemote(t *testing.T, secret string) (*testServer, *fakeRemote) {
	t.Helper()
	ts := newServer(t, options{})
	fr := &fakeRemote{st: remote.Status{URL: "https://git.example.cn/mz/archive.git", Branch: "main"}}
	ts.Site.Remote, ts.Site.HookSecret = fr, secret
	ts.Handler = ts.Site.Handler()
	return ts, fr
}

func TestGitHook(t *testing.T) {
	const secret = "hook-s3cret"
	body := `{"ref":"refs/heads/main"}`
	sign := func(key, b string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(b))
		return hex.EncodeToString(m.Sum(nil))
	}
	for _, tc := range []struct {
		name    string
		secret  string // configured
		method  string
		header  []string
		body    string
		want    int
		trigger bool
	}{
		{"bearer", secret, "POST", []string{"Authorization", "Bearer " + secret}, body, http.StatusAccepted, true},
		{"gitlab token", secret, "POST", []string{"X-Gitlab-Token", secret}, body, http.StatusAccepted, true},
		{"github signature", secret, "POST", []string{"X-Hub-Signature-256", "sha256=" + sign(secret, body)}, body, http.StatusAccepted, true},
		{"gitea signature", secret, "POST", []string{"X-Gitea-Signature", sign(secret, body)}, body, http.StatusAccepted, true},
		{"signature of another body", secret, "POST", []string{"X-Hub-Signature-256", "sha256=" + sign(secret, "{}")}, body, http.StatusUnauthorized, false},
		{"signature with another key", secret, "POST", []string{"X-Hub-Signature-256", "sha256=" + sign("guess", body)}, body, http.StatusUnauthorized, false},
		{"wrong bearer", secret, "POST", []string{"Authorization", "Bearer hook-s3cre"}, body, http.StatusUnauthorized, false},
		{"secret as basic auth is not accepted", secret, "POST", []string{"Authorization", "Basic " + secret}, body, http.StatusUnauthorized, false},
		{"no secret sent", secret, "POST", nil, body, http.StatusUnauthorized, false},
		{"no secret configured: no webhook", "", "POST", []string{"Authorization", "Bearer "}, body, http.StatusNotFound, false},
		{"GET is not a hook call", secret, "GET", []string{"Authorization", "Bearer " + secret}, "", http.StatusNotFound, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, fr := withRemote(t, tc.secret)
			req := httptest.NewRequest(tc.method, "/hooks/git", strings.NewReader(tc.body))
			for i := 0; i+1 < len(tc.header); i += 2 {
				req.Header.Set(tc.header[i], tc.header[i+1])
			}
			res := ts.do(t, req) // no viewer: the hook is outside authentication
			if res.StatusCode != tc.want {
				t.Errorf("status %d, want %d: %s", res.StatusCode, tc.want, res.Body)
			}
			if got := fr.triggered > 0; got != tc.trigger {
				t.Errorf("triggered = %v, want %v", got, tc.trigger)
			}
		})
	}
}

func TestGitHookWithoutRemote(t *testing.T) {
	ts := newServer(t, options{})
	req := httptest.NewRequest("POST", "/hooks/git", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer x")
	if res := ts.do(t, req); res.StatusCode != http.StatusNotFound {
		t.Errorf("a site without a remote answered the hook with %d", res.StatusCode)
	}
}

func TestSyncBannerAndHealth(t *testing.T) {
	ts, fr := withRemote(t, "")
	if res := ts.get(t, "admin", "/"); strings.Contains(res.Body, "sync-banner") {
		t.Error("banner shown while in sync")
	}
	// A save just made, its push under way: no alarm yet.
	fr.st.Pending, fr.st.PendingSince = 1, today.Add(-2*time.Second)
	if res := ts.get(t, "admin", "/"); strings.Contains(res.Body, "sync-banner") {
		t.Error("banner shown for a save whose push is under way")
	}
	fr.st.PendingSince = today.Add(-time.Minute)
	if res := ts.get(t, "admin", "/"); !strings.Contains(res.Body, "1 次保存等待推送") {
		t.Error("no banner for a save waiting a minute with the server answering")
	}
	fr.st.Pending, fr.st.UnreachableSince, fr.st.LastError = 3, time.Date(2026, 11, 25, 8, 30, 0, 0, cst), "git ls-remote: fatal: unable to access 'https://git.example.cn/': Could not resolve host"
	res := ts.get(t, "liqiang", "/")
	for _, want := range []string{"sync-banner", "3 次保存等待推送", "无法连接 git 服务器", `href="/sync"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("home page while the remote is down lacks %q", want)
		}
	}
	res = ts.get(t, "liqiang", "/sync")
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "Could not resolve host") {
		t.Errorf("/sync for a technician: status %d, error text shown: %v", res.StatusCode, strings.Contains(res.Body, "Could not resolve host"))
	}
	if res := ts.get(t, "admin", "/sync"); !strings.Contains(res.Body, "Could not resolve host") {
		t.Error("/sync for an admin does not show the last error")
	}

	res = ts.get(t, "", "/healthz")
	var h struct {
		Sync map[string]any `json:"sync"`
	}
	if err := json.Unmarshal([]byte(res.Body), &h); err != nil {
		t.Fatal(err)
	}
	if h.Sync["pending"] != float64(3) || h.Sync["in_sync"] != false || h.Sync["unreachable_since"] != "2026-11-25T00:30:00Z" {
		t.Errorf("healthz sync = %v", h.Sync)
	}
	if strings.Contains(res.Body, "resolve host") {
		t.Error("healthz shows the error text")
	}
}

// TestSyncConflictsFollowAccess: a conflict on a restricted customer does
// not exist for a technician not assigned to it, not in the banner, the
// page, or by its message; the assigned one sees both versions.
func TestSyncConflictsFollowAccess(t *testing.T) {
	ts, fr := withRemote(t, "")
	secret := remote.Conflict{
		Ref:    remote.ConflictPrefix + ts.Second,
		Commit: gitstore.Commit{Hash: ts.Second, Author: "王芳", When: day2, Message: "公安局机房设备更换 canary-gongan"},
		Theirs: ts.First,
		Paths:  []string{"customers/mz-gongan/devices.md"},
	}
	open := remote.Conflict{
		Ref:    remote.ConflictPrefix + ts.First,
		Commit: gitstore.Commit{Hash: ts.First, Author: "李强", When: day1, Message: "学校客户资料"},
		Theirs: ts.Second,
		Paths:  []string{"customers/mz-school/customer.md"},
	}
	fr.st.Conflicts = []remote.Conflict{secret, open}

	res := ts.get(t, "liqiang", "/sync")
	if strings.Contains(res.Body, "canary-gongan") || strings.Contains(res.Body, "mz-gongan") {
		t.Error("a technician not assigned to the restricted customer sees its conflict")
	}
	if !strings.Contains(res.Body, "mz-school/customer.md") || !strings.Contains(res.Body, "学校客户资料") {
		t.Error("the open customer's conflict is missing for liqiang")
	}
	if res := ts.get(t, "liqiang", "/"); !strings.Contains(res.Body, "1 次保存与 git 服务器上的修改冲突") {
		t.Error("liqiang's banner should count one conflict")
	}
	res = ts.get(t, "wangfang", "/sync")
	if !strings.Contains(res.Body, "canary-gongan") || !strings.Contains(res.Body, "mz-gongan/devices.md") {
		t.Error("the assigned technician does not see the restricted customer's conflict")
	}
	if strings.Count(res.Body, `class="pre"`) < 4 {
		t.Error("both versions of each file are not shown")
	}
	if !strings.Contains(res.Body, `href="/source/customers/mz-gongan/devices.md"`) {
		t.Error("no link to the editor for a technician who may edit the file")
	}
	if res := ts.get(t, "marketing", "/sync"); !strings.Contains(res.Body, "mz-school/customer.md") || strings.Contains(res.Body, `href="/source/`) {
		t.Error("marketing should see the open customer's conflict, without the editor it may not use")
	}

	post := func(viewer string) response {
		req := httptest.NewRequest("POST", "/sync/conflicts/"+ts.First+"/dismiss", nil)
		req.Header.Set("X-Test-Viewer", viewer)
		return ts.do(t, req)
	}
	if res := post("liqiang"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a technician dismissing a conflict: %d, want 403", res.StatusCode)
	}
	if res := post("admin"); res.StatusCode != http.StatusSeeOther || len(fr.dismissed) != 1 || fr.dismissed[0] != ts.First {
		t.Errorf("admin dismissing: %d, dismissed %v", res.StatusCode, fr.dismissed)
	}
}
