package gitstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func hashes(cs []Commit) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Hash)
	}
	return out
}

func TestHistory(t *testing.T) {
	r := newRepo(t, true)
	r.Now = clock()
	c1 := commit(t, r, "hospital", files{"customers/h/customer.md": "1", "customers/h/devices.md": "d1"})
	c2 := commit(t, r, "school", files{"customers/s/customer.md": "1"})
	c3 := commit(t, r, "hospital devices", files{"customers/h/devices.md": "d2"})
	c4 := commit(t, r, "visit", files{"customers/h/visits/2026-01-05-repair.md": "v"})
	c5 := commit(t, r, "school gone", files{"-customers/s/customer.md": ""})
	tests := []struct {
		path  string
		limit int
		want  []string
	}{
		{"customers/h/devices.md", 0, []string{c3, c1}},
		{"customers/h/customer.md", 0, []string{c1}},
		{"customers/h", 0, []string{c4, c3, c1}},
		{"customers/h/", 2, []string{c4, c3}},
		{"customers/s/customer.md", 0, []string{c5, c2}},
		{"customers", 0, []string{c5, c4, c3, c2, c1}},
		{"customers/h/visits", 0, []string{c4}},
		{"customers/nobody", 0, nil},
	}
	check := func(t *testing.T) {
		for _, tt := range tests {
			got, err := r.History(tt.path, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, hashes(got)); d != "" {
				t.Errorf("History(%q) (-want +got):\n%s", tt.path, d)
			}
		}
	}
	check(t)
	// Incremental: one more commit is added to the index.
	c6 := commit(t, r, "devices again", files{"customers/h/devices.md": "d3"})
	tests[0].want = []string{c6, c3, c1}
	tests[2].want = []string{c6, c4, c3, c1}
	tests[3].want = []string{c6, c4}
	tests[5].want = []string{c6, c5, c4, c3, c2, c1}
	check(t)
	got, _ := r.History("customers/h/devices.md", 1)
	if len(got) != 1 || got[0].Message != "devices again\n" || got[0].Author != "李强" || got[0].Email != "liqiang@example.cn" {
		t.Errorf("History commit = %+v", got)
	}
	log, err := r.Log(0)
	if err != nil || len(log) != 6 || log[0].Hash != c6 {
		t.Errorf("Log(0) = %v, %v", hashes(log), err)
	}
	log3, _ := r.Log(3)
	if d := cmp.Diff(hashes(log)[:3], hashes(log3)); d != "" {
		t.Errorf("Log(3) differs from Log(0)[:3]: %s", d)
	}
	info, err := r.CommitInfo(c2)
	if err != nil || info.Hash != c2 || info.Message != "school\n" {
		t.Errorf("CommitInfo = %+v, %v", info, err)
	}
	if _, err := r.CommitInfo("0123456789012345678901234567890123456789"); !errors.Is(err, ErrNotFound) {
		t.Errorf("CommitInfo of a missing commit: %v", err)
	}
}

// TestHistoryRewritten moves the branch back (as git reset would) and on
// to a different commit: the index drops the abandoned commits.
func TestHistoryRewritten(t *testing.T) {
	r := newRepo(t, true)
	c1 := commit(t, r, "one", files{"a.md": "1"})
	c2 := commit(t, r, "two", files{"a.md": "2"})
	if h, _ := r.History("a.md", 0); len(h) != 2 {
		t.Fatalf("History = %v", hashes(h))
	}
	setRef(t, r, c1)
	c3 := commit(t, r, "three", files{"b.md": "3"})
	h, _ := r.History("a.md", 0)
	if d := cmp.Diff([]string{c1}, hashes(h)); d != "" {
		t.Errorf("after rewrite, History(a.md) (-want +got):\n%s", d)
	}
	h, _ = r.History("b.md", 0)
	if d := cmp.Diff([]string{c3}, hashes(h)); d != "" {
		t.Errorf("History(b.md) (-want +got):\n%s", d)
	}
	_ = c2
}

// setRef moves the branch directly, the way another tool would.
func setRef(tb testing.TB, r *Repo, id string) {
	tb.Helper()
	p := filepath.Join(r.commonDir, "refs", "heads", r.branch)
	if err := os.WriteFile(p, []byte(id+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestHistoryCache(t *testing.T) {
	r := newRepo(t, true)
	r.CacheDir = t.TempDir()
	var ids []string
	for i := range 130 { // over 100 commits indexed at once (saved right away), in two runs (one per core)
		ids = append(ids, commitNoSync(t, r, files{"customers/x/visits.md": string(rune('a' + i%26))}))
	}
	want, err := r.History("customers/x", 0)
	if err != nil || len(want) != 130 {
		t.Fatalf("History = %d commits, %v", len(want), err)
	}
	if _, err := os.Stat(r.histPath()); err != nil {
		t.Fatalf("no cache file: %v", err)
	}
	r2, err := Open(r.Dir())
	if err != nil {
		t.Fatal(err)
	}
	r2.CacheDir = r.CacheDir
	extra := commitNoSync(t, r2, files{"customers/y/customer.md": "y"})
	got, err := r2.History("customers/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(hashes(want), hashes(got)); d != "" {
		t.Errorf("History from the cache differs (-want +got):\n%s", d)
	}
	if r2.hist.saved != 130 {
		t.Errorf("the cache was not used: saved = %d", r2.hist.saved)
	}
	if h, _ := r2.History("customers/y", 0); len(h) != 1 || h[0].Hash != extra {
		t.Errorf("History(customers/y) = %v", hashes(h))
	}
	if err := r2.Close(); err != nil {
		t.Fatal(err)
	}
	// A damaged cache file is ignored.
	if err := os.WriteFile(r.histPath(), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	r3, _ := Open(r.Dir())
	r3.CacheDir, r3.Logger = r.CacheDir, r.Logger
	defer r3.Close()
	if h, err := r3.History("customers/x", 0); err != nil || len(h) != 130 {
		t.Errorf("History with a damaged cache = %d, %v", len(h), err)
	}
	_ = ids
}

func commitNoSync(tb testing.TB, r *Repo, fs files) string {
	tb.Helper()
	r.noSync = true
	defer func() { r.noSync = false }()
	return commit(tb, r, "change", fs)
}

func TestAsOf(t *testing.T) {
	r := newRepo(t, true)
	// Committer times, minutes after testEpoch, in branch order; the clock
	// goes back at the fourth commit.
	minutes := []int{0, 10, 20, 15, 30, 30, 40}
	var ids []string
	for i, m := range minutes {
		r.Now = func() time.Time { return testEpoch.Add(time.Duration(m) * time.Minute) }
		ids = append(ids, commit(t, r, "c", files{"a.md": string(rune('a' + i))}))
	}
	at := func(m int) time.Time { return testEpoch.Add(time.Duration(m) * time.Minute) }
	tests := []struct {
		t    time.Time
		want string
	}{
		{at(0), ids[0]},
		{at(5), ids[0]},
		{at(10), ids[1]},
		{at(14), ids[1]},
		{at(15), ids[3]}, // the newest commit at or before :15 is the fourth
		{at(19), ids[3]},
		{at(20), ids[3]},
		{at(29), ids[3]},
		{at(30), ids[5]},
		{at(100), ids[6]},
		{at(40).Add(500 * time.Millisecond), ids[6]},
	}
	for _, tt := range tests {
		got, err := r.AsOf(tt.t)
		if err != nil || got != tt.want {
			t.Errorf("AsOf(%s) = %.7s, %v; want %.7s", tt.t.Format(time.TimeOnly), got, err, tt.want)
		}
		if w := asOfWalk(t, r, tt.t); w != got {
			t.Errorf("AsOf(%s) = %.7s but walking finds %.7s", tt.t.Format(time.TimeOnly), got, w)
		}
	}
	_, err := r.AsOf(at(-1))
	mustNotFound(t, err)
}

// asOfWalk is the obvious answer: walk from the head to the first commit
// at or before t.
func asOfWalk(tb testing.TB, r *Repo, t time.Time) string {
	h, _ := r.head()
	for !h.IsZero() {
		c, err := r.commitObject(h)
		if err != nil {
			tb.Fatal(err)
		}
		if !c.Committer.When.After(t) {
			return h.String()
		}
		if len(c.ParentHashes) == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	return ""
}
