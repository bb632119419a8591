package auth_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/auth"
)

func newStore(t *testing.T) *auth.Store {
	t.Helper()
	dir := t.TempDir()
	return &auth.Store{Path: filepath.Join(dir, "users.json"), Argon2: fast, Now: newClock().Now, Audit: &auth.Audit{Path: filepath.Join(dir, "audit.log")}, Actor: "cli:test"}
}

func TestStoreUsers(t *testing.T) {
	s := newStore(t)
	if err := s.Add("liqiang", access.Technician, pw, "李强", "liqiang@example.cn"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, role, password string
		want                 error
	}{
		{"liqiang", "technician", pw, auth.ErrUserExists},
		{"Li Qiang", "technician", pw, auth.ErrBadName},
		{"../etc", "technician", pw, auth.ErrBadName},
		{"", "technician", pw, auth.ErrBadName},
		{"wangfang", "boss", pw, auth.ErrBadRole},
		{"wangfang", "marketing", "short", auth.ErrWeakPassword},
		{"wangfang", "marketing", strings.Repeat("x", 2000), auth.ErrWeakPassword},
	} {
		if err := s.Add(c.name, access.Role(c.role), c.password, "", ""); !errors.Is(err, c.want) {
			t.Errorf("Add(%q, %q): %v, want %v", c.name, c.role, err, c.want)
		}
	}
	u, err := s.Get("liqiang")
	if err != nil || u.Role != access.Technician || u.DisplayName != "李强" || u.Viewer().Name != "liqiang" {
		t.Fatalf("Get: %+v %v", u, err)
	}
	if _, ok := s.CheckPassword("liqiang", pw); !ok {
		t.Error("right password refused")
	}
	for _, bad := range [][2]string{{"liqiang", "wrong"}, {"liqiang", ""}, {"nobody", pw}, {"", ""}} {
		if _, ok := s.CheckPassword(bad[0], bad[1]); ok {
			t.Errorf("CheckPassword(%q, %q) accepted", bad[0], bad[1])
		}
	}
	if err := s.SetPassword("liqiang", "new password 1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.CheckPassword("liqiang", pw); ok {
		t.Error("old password still works")
	}
	if _, ok := s.CheckPassword("liqiang", "new password 1"); !ok {
		t.Error("new password refused")
	}
	token, err := s.NewToken("liqiang")
	if err != nil || !strings.HasPrefix(token, auth.TokenPrefix) || len(token) < 40 {
		t.Fatalf("NewToken: %q %v", token, err)
	}
	if u, ok := s.CheckToken(token); !ok || u.Name != "liqiang" {
		t.Error("token refused")
	}
	// A feed token opens the feed only: it is no API token, the API token
	// is no feed token, and making one leaves the other working.
	feed, err := s.NewFeedToken("liqiang")
	if err != nil || !strings.HasPrefix(feed, auth.FeedTokenPrefix) || len(feed) < 40 {
		t.Fatalf("NewFeedToken: %q %v", feed, err)
	}
	if u, ok := s.CheckFeedToken(feed); !ok || u.Name != "liqiang" {
		t.Error("feed token refused")
	}
	if _, ok := s.CheckToken(feed); ok {
		t.Error("a feed token is accepted as an API token")
	}
	if _, ok := s.CheckFeedToken(token); ok {
		t.Error("an API token is accepted as a feed token")
	}
	if _, ok := s.CheckToken(token); !ok {
		t.Error("a new feed token revoked the API token")
	}
	// Secrets are never stored as such.
	data, _ := os.ReadFile(s.Path)
	for _, secret := range []string{pw, "new password 1", token, token[len(auth.TokenPrefix):], feed, feed[len(auth.FeedTokenPrefix):]} {
		if strings.Contains(string(data), secret) {
			t.Errorf("users.json contains the secret %q", secret)
		}
	}
	if !strings.Contains(string(data), "$argon2id$v=19$") {
		t.Error("password not hashed with argon2id")
	}
	for _, name := range []string{"liqiang", "nobody"} {
		if err := s.Remove(name); (err == nil) != (name == "liqiang") {
			t.Errorf("Remove(%s): %v", name, err)
		}
	}
	if _, ok := s.CheckToken(token); ok {
		t.Error("token of a removed user accepted")
	}
	if _, ok := s.CheckFeedToken(feed); ok {
		t.Error("feed token of a removed user accepted")
	}
	if _, err := s.Get("liqiang"); !errors.Is(err, auth.ErrNoUser) {
		t.Errorf("Get removed user: %v", err)
	}
	for _, f := range []func() error{
		func() error { return s.SetPassword("nobody", pw) },
		func() error { _, err := s.NewToken("nobody"); return err },
		func() error { _, err := s.NewFeedToken("nobody"); return err },
	} {
		if err := f(); !errors.Is(err, auth.ErrNoUser) {
			t.Errorf("change of a missing user: %v", err)
		}
	}
	events, _ := s.Audit.Read(newClock().Now().AddDate(-1, 0, 0))
	var types []string
	for _, e := range events {
		types = append(types, string(e.Type)+":"+e.User+":"+e.Actor)
	}
	want := "user_add:liqiang:cli:test user_passwd:liqiang:cli:test user_token:liqiang:cli:test user_feed_token:liqiang:cli:test user_remove:liqiang:cli:test"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("audit: %s\nwant:  %s", got, want)
	}
}

func TestStoreFile(t *testing.T) {
	s := newStore(t)
	if err := s.Add("liqiang", access.Technician, pw, "", ""); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("users.json mode %v, want 0600", fi.Mode().Perm())
	}
	// Writes leave no temporary files behind.
	entries, _ := os.ReadDir(filepath.Dir(s.Path))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	// Another process (the CLI) adds a user; this store sees it.
	cli := &auth.Store{Path: s.Path, Argon2: fast}
	if err := cli.Add("wangfang", access.Marketing, pw, "", ""); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Get("wangfang"); err != nil || u.Role != access.Marketing {
		t.Errorf("change by another store not seen: %v", err)
	}
	// A damaged file is an error, not an empty store that would let
	// EnsureAdmin create a second admin.
	if err := os.WriteFile(s.Path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(); err == nil {
		t.Error("damaged users.json read without error")
	}
	if pw, err := s.EnsureAdmin(); err == nil || pw != "" {
		t.Errorf("EnsureAdmin over a damaged file: %q %v", pw, err)
	}
}

// TestStoreAtomicUnderConcurrency: while users are added, readers in other
// "processes" (stores on the same file) always read a whole file.
func TestStoreAtomicUnderConcurrency(t *testing.T) {
	s := newStore(t)
	if err := s.Add("first", access.Admin, pw, "", ""); err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 5
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var readErr error
	var readMu sync.Mutex
	wg.Go(func() {
		r := &auth.Store{Path: s.Path}
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := r.List(); err != nil {
				readMu.Lock()
				readErr = err
				readMu.Unlock()
				return
			}
		}
	})
	var ww sync.WaitGroup
	for w := range writers {
		ww.Go(func() {
			for i := range each {
				if err := s.Add(fmt.Sprintf("u%d-%d", w, i), access.Technician, pw, "", ""); err != nil {
					t.Error(err)
				}
				if _, ok := s.CheckPassword("first", pw); !ok {
					t.Error("password check failed during writes")
				}
			}
		})
	}
	ww.Wait()
	close(stop)
	wg.Wait()
	if readErr != nil {
		t.Errorf("a reader saw a partial file: %v", readErr)
	}
	users, err := s.List()
	if err != nil || len(users) != 1+writers*each {
		t.Errorf("%d users, want %d (%v)", len(users), 1+writers*each, err)
	}
}

func TestEnsureAdminAndDemoUsers(t *testing.T) {
	s := newStore(t)
	p1, err := s.EnsureAdmin()
	if err != nil || len(p1) < 12 {
		t.Fatalf("EnsureAdmin: %q %v", p1, err)
	}
	if u, ok := s.CheckPassword("admin", p1); !ok || u.Role != access.Admin {
		t.Error("printed admin password does not work")
	}
	if p2, err := s.EnsureAdmin(); p2 != "" || err != nil {
		t.Errorf("second EnsureAdmin: %q %v", p2, err)
	}
	names := map[access.Role]string{access.Technician: "demo-tech", access.AccountManager: "demo-am", access.Marketing: "demo-mkt", access.Admin: "demo-admin"}
	first, err := s.EnsureDemoUsers(names)
	if err != nil || len(first) != 4 {
		t.Fatalf("EnsureDemoUsers: %v %v", first, err)
	}
	second, err := s.EnsureDemoUsers(names)
	if err != nil {
		t.Fatal(err)
	}
	for role, name := range names {
		u, ok := s.CheckPassword(name, second[name])
		if !ok || u.Role != role {
			t.Errorf("demo user %s: ok=%v role=%s", name, ok, u.Role)
		}
		if first[name] == second[name] {
			t.Errorf("demo user %s kept its password across starts", name)
		}
	}
	if _, err := s.EnsureDemoUsers(map[access.Role]string{access.Marketing: "demo-tech"}); err == nil {
		t.Error("EnsureDemoUsers changed a role silently")
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := auth.NewPassword()
		if len(p) != 16 || strings.ContainsAny(p, "0O1lI") || seen[p] {
			t.Fatalf("bad or repeated password %q", p)
		}
		seen[p] = true
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	s := &auth.Store{Path: filepath.Join(b.TempDir(), "users.json")}
	if err := s.Add("liqiang", access.Technician, pw, "", ""); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, ok := s.CheckPassword("liqiang", pw); !ok {
			b.Fatal("refused")
		}
	}
}
