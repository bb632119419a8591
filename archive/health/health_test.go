package health_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/health"
)

var at = archive.Date{Year: 2026, Month: 11, Day: 24}

var users = map[string]bool{"liqiang": true, "zhangwei": true}

func fixture(t testing.TB) (*archive.Snapshot, []txtar.File) {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "health.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := archive.Load("fixture", func(yield func(archive.File, error) bool) {
		for _, f := range a.Files {
			if !yield(archive.File{Path: f.Name, Data: f.Data}, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, a.Files
}

func byID(r *health.Report) map[string]health.Customer {
	m := map[string]health.Customer{}
	for _, c := range r.Customers {
		m[c.Customer] = c
	}
	return m
}

func rules(c health.Customer) []string {
	var out []string
	for _, p := range c.Problems {
		out = append(out, string(p.Aspect)+" "+p.Rule+" "+filepath.Base(p.Path))
	}
	slices.Sort(out)
	return out
}

func TestRules(t *testing.T) {
	snap, _ := fixture(t)
	r, err := health.Check(snap, health.Options{At: at, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(r)
	want := map[string][]string{
		// Reviewed exactly 180 days ago, visited exactly 90 days ago, two
		// visits exactly 90 days apart, arrived exactly 5 minutes early.
		"good": nil,
		"stale": {
			"continuous no_recent_visit 2026-08-25-inspection.md", // 91 days
			"continuous stale_devices devices.md",                 // 181 days
			"continuous stale_topology topology.md",               // never reviewed
			"continuous visit_gap 2026-08-25-inspection.md",       // 91 days between visits
			"standard arrival 2026-08-25-inspection.md",           // 4 minutes early
		},
		"incomplete": {
			"authentic unknown_device 2026-10-15-inspection.md",
			"complete missing_record progress.md",
			"complete missing_record spares.md",
			"complete missing_record topology.md",
			"complete missing_record training.md",
			"continuous follow_up_missing 2026-11-01-repair.md", // follow-up due 2026-11-10, no later visit
		},
		"pending": {
			"authentic unknown_technician 2026-10-20-inspection.md", // the follow-up of 2026-12-01 is not due yet
		},
	}
	for id, w := range want {
		if d := cmp.Diff(w, rules(got[id])); d != "" {
			t.Errorf("%s problems (-want +got):\n%s", id, d)
		}
	}
	cases := []struct {
		id     string
		scores health.Scores
		total  int
	}{
		{"good", health.Scores{Complete: 100, Continuous: 100, Authentic: 100, Standard: 100}, 100},
		// Continuous 100-30-25-25-10; standard: 2 visits of 4 rules each
		// (five ones, consent, arrival, survey), one broken: 7/8.
		{"stale", health.Scores{Complete: 100, Continuous: 10, Authentic: 100, Standard: 88}, 71},
		{"incomplete", health.Scores{Complete: 52, Continuous: 85, Authentic: 85, Standard: 100}, 78},
		{"pending", health.Scores{Complete: 100, Continuous: 100, Authentic: 90, Standard: 100}, 98},
	}
	for _, c := range cases {
		g := got[c.id]
		if g.Scores != c.scores || g.Score != c.total {
			t.Errorf("%s: scores %+v total %d, want %+v total %d", c.id, g.Scores, g.Score, c.scores, c.total)
		}
	}
	// Worst first; the archive is the mean (100+71+78+98)/4.
	if r.Customers[0].Customer != "stale" || r.Score != 87 {
		t.Errorf("order %s..., archive score %d", r.Customers[0].Customer, r.Score)
	}
	for _, c := range r.Customers {
		for _, p := range c.Problems {
			if p.Zh == "" || p.En == "" || p.Path == "" || p.Customer != c.Customer {
				t.Errorf("%s: incomplete problem %+v", c.Customer, p)
			}
		}
	}
	// liqiang looks after every customer and made all visits but one.
	var li health.Technician
	for _, x := range r.Technicians {
		if x.Name == "liqiang" {
			li = x
		}
	}
	if li.Customers != 4 || li.Visits != 8 || li.OnTime != 88 {
		t.Errorf("liqiang: %+v", li)
	}
	// The months end with the month judged and count its visits.
	if n := len(r.Months); n != 12 || r.Months[11].Month != "2026-11" || r.Months[11].Visits != 2 || r.Months[11].Punctual != 100 {
		t.Errorf("months: %+v", r.Months)
	}
}

// CheckCustomer plus Summarize is what Check does, customer by customer.
func TestIncremental(t *testing.T) {
	snap, _ := fixture(t)
	opt := health.Options{At: at, Users: users}
	whole, err := health.Check(snap, opt)
	if err != nil {
		t.Fatal(err)
	}
	var cs []health.Customer
	for f := range snap.Customers() {
		c, err := health.CheckCustomer(f, snap.Settings, opt)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	parts := health.Summarize(cs, at)
	parts.Commit, parts.Problems = whole.Commit, whole.Problems
	if d := cmp.Diff(whole, parts); d != "" {
		t.Errorf("Summarize(CheckCustomer...) differs from Check:\n%s", d)
	}
}

func TestUnknownAuthors(t *testing.T) {
	_, files := fixture(t)
	repo, err := gitstore.Init(filepath.Join(t.TempDir(), "a"), true)
	if err != nil {
		t.Fatal(err)
	}
	repo.Logger = slog.New(slog.DiscardHandler)
	defer repo.Close()
	commit := func(name, email string, when time.Time, fs ...gitstore.FileChange) string {
		head, _ := repo.Head()
		id, err := repo.Commit(context.Background(), gitstore.Change{Parent: head, Author: gitstore.Signature{Name: name, Email: email, When: when}, Message: "m", Files: fs})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var all []gitstore.FileChange
	for _, f := range files {
		all = append(all, gitstore.FileChange{Path: f.Name, Data: f.Data})
	}
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	commit("李强", "liqiang@mz.example.cn", day, all...)
	bad := commit("Mallory", "mallory@evil.example", day.Add(time.Hour), gitstore.FileChange{Path: "customers/good/notes/x.md", Data: []byte("# 笔记\n")})
	guide := commit("Eve", "eve@evil.example", day.Add(2*time.Hour), gitstore.FileChange{Path: "guides/x.md", Data: []byte("# 指南\n")})
	late := commit("Mallory", "mallory@evil.example", time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), gitstore.FileChange{Path: "customers/pending/notes/y.md", Data: []byte("# 笔记\n")})
	// The site commits with the account name as email.
	commit("张伟", "zhangwei", day.Add(3*time.Hour), gitstore.FileChange{Path: "customers/good/notes/z.md", Data: []byte("# 笔记\n")})
	head, _ := repo.Head()
	snap, err := repo.Snapshot(head)
	if err != nil {
		t.Fatal(err)
	}
	r, err := health.Check(snap, health.Options{At: at, Users: users, History: repo, Until: time.Date(2026, 11, 24, 23, 59, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(r)
	var authors []string
	for id, c := range got {
		for _, p := range c.Problems {
			if p.Rule == "unknown_author" {
				authors = append(authors, id+" "+p.Commit)
			}
		}
	}
	if d := cmp.Diff([]string{"good " + bad}, authors); d != "" {
		t.Errorf("unknown authors (-want +got); %.10s is after the day judged:\n%s", late, d)
	}
	if g := got["good"]; g.Scores.Authentic != 80 || !strings.Contains(g.Problems[0].Zh+g.Problems[len(g.Problems)-1].Zh, "Mallory") {
		t.Errorf("good after Mallory's commit: %+v", g)
	}
	if len(r.Problems) != 1 || r.Problems[0].Commit != guide {
		t.Errorf("archive problems: %+v, want Eve's guide commit", r.Problems)
	}
	// CheckCustomer reads the same from history.
	c, err := health.CheckCustomer(snap.Customer("good"), snap.Settings, health.Options{At: at, Users: users, History: repo})
	if err != nil || c.Scores.Authentic != 80 {
		t.Errorf("CheckCustomer: %+v %v", c.Scores, err)
	}
}

func TestStaff(t *testing.T) {
	snap, _ := fixture(t)
	got := health.Staff(snap)
	for _, n := range []string{"liqiang", "zhangwei", "stranger"} {
		if !got[n] {
			t.Errorf("Staff lacks %s: %v", n, got)
		}
	}
}

// The cache gives what Check gives, after a commit that changed one
// customer too.
func TestCache(t *testing.T) {
	snap, files := fixture(t)
	opt := health.Options{At: at, Users: users}
	var c health.Cache
	check := func(s *archive.Snapshot) {
		t.Helper()
		want, err := health.Check(s, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Check(s, opt)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Cache.Check differs from Check:\n%s", d)
		}
	}
	check(snap)
	var topo []byte
	for _, f := range files {
		if f.Name == "customers/good/topology.md" {
			topo = f.Data
		}
	}
	next := snap.With("next", []archive.File{{Path: "customers/stale/topology.md", Data: topo}}, nil)
	check(next)
	check(next.With("gone", nil, []string{"customers/good/devices.md"}))
}
