package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/auth"
)

func TestSessionsStore(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "sessions.json")
	s := &auth.Sessions{Path: path, Now: clk.Now, Idle: time.Hour, Absolute: 3 * time.Hour}
	id, err := s.Create("liqiang")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.Create("liqiang")
	third, _ := s.Create("xiaoma")
	if id == other {
		t.Fatal("two sessions with one id")
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), id) {
		t.Error("sessions.json holds a usable session id")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("sessions.json mode %v", fi.Mode().Perm())
	}
	if x, ok := s.Lookup(id); !ok || x.User != "liqiang" {
		t.Fatalf("Lookup: %+v %v", x, ok)
	}
	if _, ok := s.Lookup("made-up"); ok {
		t.Error("unknown id accepted")
	}
	if err := s.DeleteUser("liqiang"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(other); ok {
		t.Error("DeleteUser left a session")
	}
	if _, ok := s.Lookup(third); !ok {
		t.Error("DeleteUser ended another user's session")
	}
	clk.Advance(time.Hour)
	if _, ok := s.Lookup(third); ok {
		t.Error("idle session alive")
	}
	if s.Len() != 0 {
		t.Errorf("%d sessions left after expiry", s.Len())
	}
}

func TestLimiter(t *testing.T) {
	clk := newClock()
	l := &auth.Limiter{Now: clk.Now, Window: 10 * time.Minute, PerUser: 3, PerAddr: 5}
	for i := range 3 {
		if ok, _ := l.Allow("LiQiang", "192.0.2.1"); !ok {
			t.Fatalf("try %d refused", i+1)
		}
		l.Fail("liqiang ", "192.0.2.1")
		clk.Advance(time.Minute)
	}
	ok, wait := l.Allow("liqiang", "192.0.2.2")
	// The first failure (3 minutes ago) ages out of the 10-minute window in 7.
	if ok || wait != 7*time.Minute {
		t.Errorf("after 3 failures: ok=%v wait=%v, want refused for 7m (names compared without case and spaces)", ok, wait)
	}
	clk.Advance(wait)
	if ok, _ := l.Allow("liqiang", "192.0.2.2"); !ok {
		t.Error("still refused after the wait")
	}
	// A success clears the name, not the address.
	l.Fail("liqiang", "192.0.2.1")
	l.Fail("liqiang", "192.0.2.1")
	l.Succeed("liqiang")
	if ok, _ := l.Allow("liqiang", "192.0.2.9"); !ok {
		t.Error("success did not clear the name")
	}
	if ok, _ := l.Allow("someone", "192.0.2.1"); !ok {
		t.Error("address with 2 recent failures refused")
	}
	for i := range 3 {
		l.Fail(fmt.Sprint("other", i), "192.0.2.1")
	}
	if ok, _ := l.Allow("someone", "192.0.2.1"); ok {
		t.Error("address with 5 recent failures allowed")
	}
	// IPv6 hosts count per /64.
	for i := range 5 {
		l.Fail(fmt.Sprintf("n%d", i), fmt.Sprintf("2001:db8:1:2::%x", i+1))
	}
	if ok, _ := l.Allow("fresh", "2001:db8:1:2:ffff::1"); ok {
		t.Error("another address of the same /64 allowed")
	}
	if ok, _ := l.Allow("fresh", "2001:db8:1:3::1"); !ok {
		t.Error("another /64 refused")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := &auth.Limiter{PerUser: 1000, PerAddr: 1000}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				l.Allow("u", fmt.Sprint(g))
				l.Fail(fmt.Sprint("u", i%7), fmt.Sprint(g))
				if i%50 == 0 {
					l.Succeed("u")
				}
			}
		})
	}
	wg.Wait()
	if ok, _ := l.Allow("u3", "0"); !ok {
		t.Error("limits below 1000 reached")
	}
}

func TestAuditLog(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "audit.log")
	a := &auth.Audit{Path: path, Now: clk.Now}
	ctx := auth.WithViewer(context.Background(), access.Viewer{Name: "liqiang", Role: access.Technician})
	if err := a.RestrictedRead(ctx, "gov-secret", "customers/gov-secret/devices.md"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(48 * time.Hour)
	const goroutines, each = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				if err := a.Record(ctx, auth.Event{Type: auth.EventLoginFailed, User: fmt.Sprintf("g%d-%d", g, i), Detail: strings.Repeat("长", 200)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("audit.log mode %v", fi.Mode().Perm())
	}
	all, err := a.Read(time.Time{})
	if err != nil || len(all) != 1+goroutines*each {
		t.Fatalf("%d events (%v)", len(all), err)
	}
	first := all[0]
	if first.Type != auth.EventRestrictedRead || first.Actor != "liqiang" || first.Role != access.Technician || first.Customer != "gov-secret" || first.Path == "" {
		t.Errorf("restricted read event: %+v", first)
	}
	for _, e := range all[1:] {
		if e.Type != auth.EventLoginFailed {
			t.Fatalf("interleaved or damaged line: %+v", e)
		}
	}
	recent, _ := a.Read(clk.Now().Add(-time.Hour))
	if len(recent) != goroutines*each {
		t.Errorf("since filter: %d events", len(recent))
	}
	// A damaged line shows as unreadable, with its line number.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("garbage\n")
	f.Close()
	all, _ = a.Read(time.Time{})
	last := all[len(all)-1]
	if last.Type != auth.EventUnreadable || !strings.Contains(last.Detail, fmt.Sprintf(":%d:", 2+goroutines*each)) {
		t.Errorf("damaged line: %+v", last)
	}
	// No log yet is no events.
	if evs, err := (&auth.Audit{Path: path + ".none"}).Read(time.Time{}); err != nil || evs != nil {
		t.Errorf("missing log: %v %v", evs, err)
	}
}

func TestCLIOutput(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	for in, want := range map[string]time.Time{
		"2026-11-01":                time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local),
		"2026-11-01T08:00:00+08:00": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"7d":                        now.AddDate(0, 0, -7),
		"36h":                       now.Add(-36 * time.Hour),
	} {
		got, err := auth.ParseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "2026-13-01", "-3d", ""} {
		if _, err := auth.ParseSince(bad, now); err == nil || !strings.Contains(err.Error(), "--since") {
			t.Errorf("ParseSince(%q): %v", bad, err)
		}
	}
	var b bytes.Buffer
	users := []auth.User{{Name: "liqiang", Role: access.Technician, DisplayName: "李强", Created: now, PasswordHash: "$argon2id$secret", TokenHash: "abc", TokenCreated: now}, {Name: "xiaoma", Role: access.Marketing, Created: now}}
	if err := auth.WriteUsers(&b, users); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "liqiang") || !strings.Contains(out, "李强") || strings.Contains(out, "secret") || strings.Contains(out, "abc") || strings.Count(out, "\n") != 3 {
		t.Errorf("user list:\n%s", out)
	}
	b.Reset()
	auth.WriteEvents(&b, []auth.Event{{Time: now, Type: auth.EventLogin, Actor: "liqiang", Addr: "192.0.2.1", Detail: "a b"}})
	if got := b.String(); !strings.Contains(got, "login actor=liqiang addr=192.0.2.1 detail=\"a b\"") {
		t.Errorf("event line: %q", got)
	}
}
