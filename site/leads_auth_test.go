package site_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/auth"
)

// The board behind the real site/auth: a feed reader's personal token
// made by the user store, the CSRF guard on status changes, and the audit
// log of restricted customers' leads taken out of the site.
func TestLeadsBehindAuth(t *testing.T) {
	fx := newFixture(t)
	fx.commit(t, today, "王芳", "公安局需求", []gitstore.FileChange{{
		Path: "customers/mz-gongan/leads.md",
		Data: []byte("---\nkind: leads\nleads:\n  - {date: 2026-11-20, need: " + restrictedNeed + ", noted_by: wangfang}\n---\n"),
	}})
	a := auth.New(auth.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	a.Users.Argon2 = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}
	for name, role := range map[string]access.Role{"wangfang": access.Technician, "shichang": access.Marketing} {
		if err := a.Users.Add(name, role, testPassword, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	s := &site.Server{Store: fx.Repo, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return today }, PollInterval: time.Hour}
	s.UseAuth(a)
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	as := &authServer{fixture: fx, Auth: a, Handler: s.Handler()}

	// A feed reader with a feed token, no session.
	token, err := a.Users.NewFeedToken("wangfang")
	if err != nil {
		t.Fatal(err)
	}
	res := as.get(t, "/feeds/leads.atom?token="+url.QueryEscape(token), nil)
	if feed := readFeed(t, res); len(feed.Entries) == 0 || !strings.Contains(res.Body, restrictedNeed) {
		t.Errorf("wangfang's feed (%d entries) lacks the restricted customer's lead", len(feed.Entries))
	}
	apiToken, err := a.Users.NewToken("wangfang")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"dgf_nope", "dgn_nope", apiToken} {
		// A personal API token is no feed token: it must not live in an address.
		if res := as.get(t, "/feeds/leads.atom?token="+url.QueryEscape(bad), nil); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %.8s…: %d, want 401", bad, res.StatusCode)
		}
	}
	// Nor does a feed token open the API.
	req0 := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	req0.Header.Set("Authorization", "Bearer "+token)
	if res := as.do(t, req0, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("feed token on the API: %d, want 401", res.StatusCode)
	}
	// The board itself still wants a login: a token in the address opens
	// the feed and nothing else.
	if res := as.get(t, "/leads?token="+url.QueryEscape(token), nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("/leads with a token and no session: %d, want the login redirect", res.StatusCode)
	}

	// An export by the restricted customer's technician is in the audit
	// log, with the feed read above.
	cookie := as.login(t, "wangfang", "/leads")

	// The board makes a person a feed address: shown once, working, and
	// the token before it stops.
	if board := as.get(t, "/leads", cookie); !strings.Contains(board.Body, `action="/leads/feed-token"`) {
		t.Error("the board offers no feed address")
	}
	mk := httptest.NewRequest(http.MethodPost, "/leads/feed-token", nil)
	mk.Header.Set("Sec-Fetch-Site", "same-origin")
	made := as.do(t, mk, cookie)
	m := regexp.MustCompile(`token=(dgf_[A-Za-z0-9_-]+)`).FindStringSubmatch(made.Body)
	if made.StatusCode != http.StatusOK || m == nil || !strings.Contains(made.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("new feed token: %d, cache %q, token found %v", made.StatusCode, made.Header.Get("Cache-Control"), m != nil)
	}
	if res := as.get(t, "/feeds/leads.atom?token="+m[1], nil); res.StatusCode != http.StatusOK {
		t.Errorf("the board's feed address: %d", res.StatusCode)
	}
	if res := as.get(t, "/feeds/leads.atom?token="+url.QueryEscape(token), nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the previous feed token still works: %d", res.StatusCode)
	}
	if res := as.get(t, "/leads/export.csv?status=all", cookie); res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", res.StatusCode)
	}
	events, err := a.Audit.Read(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range events {
		if e.Type == auth.EventRestrictedRead && e.Customer == "mz-gongan" && e.Actor == "wangfang" {
			got[e.Path] = true
		}
	}
	if !got["/leads/export.csv"] || !got["/feeds/leads.atom"] {
		t.Errorf("audit of restricted leads taken out: %v", got)
	}

	// A cross-site form post cannot change a status.
	mcookie := as.login(t, "shichang", "/leads")
	board := as.get(t, "/leads", mcookie)
	ids, _ := boardLeads(t, board)
	req := httptest.NewRequest(http.MethodPost, "/leads/"+ids[0]+"/status", strings.NewReader("status=won"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	before, _ := fx.Repo.Head()
	if res := as.do(t, req, mcookie); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site status change: %d, want 403", res.StatusCode)
	}
	if res := as.post(t, "/leads/"+ids[0]+"/status", url.Values{"status": {"won"}}, mcookie); res.StatusCode != http.StatusSeeOther {
		t.Errorf("same-site status change: %d", res.StatusCode)
	}
	after, _ := fx.Repo.Head()
	if after == before {
		t.Errorf("no commit for the same-site change")
	}
	if c, _ := fx.Repo.CommitInfo(after); c.Email != "shichang" && !strings.HasPrefix(c.Email, "shichang@") {
		t.Errorf("commit by %s <%s>", c.Author, c.Email)
	}
}
