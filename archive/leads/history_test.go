package leads_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/leads"
)

// story is a small history: each step is one commit of some files (a nil
// content deletes the file).
type step struct {
	day   string
	files map[string]string
}

const (
	profileA = "---\nkind: customer\nname: 甲医院\naccount_manager: zhangwei\n---\n"
	devicesA = "---\nkind: devices\ndevices:\n  - {id: sw-1, role: 核心交换机, warranty_until: 2026-03-01, firmware: V1}\n---\n"
	profileB = "---\nkind: customer\nname: 乙学校\n---\n"
	needsB   = "---\nkind: leads\nleads:\n  - {id: N1, date: 2026-01-05, need: 新建实验楼需要专线}\n---\n"
	gone     = "\x00"
)

var story = []step{
	{"2026-01-05", map[string]string{"customers/a/customer.md": profileA, "customers/a/devices.md": devicesA, "customers/b/customer.md": profileB, "customers/b/leads.md": needsB}},
	// Unrelated: a guide and B's tags.
	{"2026-02-01", map[string]string{"guides/olt.md": "# OLT\n", "customers/b/customer.md": "---\nkind: customer\nname: 乙学校\ntags: [重点客户]\n---\n"}},
	{"2026-03-01", map[string]string{"customers/a/visits/2026-02-28-inspection.md": "---\nkind: visit\ntype: inspection\ntechnician: liqiang\nappointment: 2026-02-28T09:00\n---\n客户说机房要扩容。\n"}},
	{"2026-03-02", map[string]string{"customers/a/customer.md": "---\nkind: customer\nname: 甲医院\naccount_manager: zhangwei\ncontract: {id: HT-1, end: 2026-06-01}\n---\n"}},
	{"2026-03-03", map[string]string{"customers/b/leads.md": gone}},
	{"2026-03-04", map[string]string{"customers/b/leads.md": needsB}},
	// Unrelated to every lead: A's firmware.
	{"2026-03-05", map[string]string{"customers/a/devices.md": "---\nkind: devices\ndevices:\n  - {id: sw-1, role: 核心交换机, warranty_until: 2026-03-01, firmware: V2}\n---\n"}},
}

// buildStory commits the story and returns the repository and the commit
// ids in order.
func buildStory(t testing.TB, steps []step) (*gitstore.Repo, []string) {
	t.Helper()
	r, err := gitstore.Init(filepath.Join(t.TempDir(), "archive"), true)
	if err != nil {
		t.Fatal(err)
	}
	r.Logger = slog.New(slog.DiscardHandler)
	t.Cleanup(func() { r.Close() })
	var ids []string
	for i, s := range steps {
		d, err := archive.ParseDate(s.day)
		if err != nil {
			t.Fatal(err)
		}
		when := d.Time().Add(10 * time.Hour)
		ids = append(ids, commitStep(t, r, when, s.files, i))
	}
	return r, ids
}

func commitStep(t testing.TB, r *gitstore.Repo, when time.Time, files map[string]string, i int) string {
	t.Helper()
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	var fcs []gitstore.FileChange
	for p, c := range files {
		if c == gone {
			fcs = append(fcs, gitstore.FileChange{Path: p, Delete: true})
		} else {
			fcs = append(fcs, gitstore.FileChange{Path: p, Data: []byte(c)})
		}
	}
	id, err := r.Commit(context.Background(), gitstore.Change{Parent: head, Author: gitstore.Signature{Name: "李强", Email: "liqiang@example.cn", When: when},
		Message: "step", Files: fcs})
	if err != nil {
		t.Fatalf("commit %d: %v", i, err)
	}
	return id
}

func firstSeen(t *testing.T, tr *leads.Tracker, r *gitstore.Repo, commit string, day archive.Date) map[string]string {
	t.Helper()
	snap, err := r.Snapshot(commit)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := tr.Derive(snap, snap.Settings.Leads, day)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range ls {
		c := "(none)"
		if l.FirstSeen != nil {
			c = l.FirstSeen.Commit
		}
		out[l.Customer+" "+string(l.Signal)+" "+l.ID] = c
	}
	return out
}

func TestFirstSeen(t *testing.T) {
	r, ids := buildStory(t, story)
	day := archive.Date{Year: 2026, Month: 3, Day: 10}
	cache := t.TempDir()
	var progress [2]int
	tr := &leads.Tracker{History: r, CacheDir: cache, Progress: func(done, total int) { progress = [2]int{done, total} }}
	got := firstSeen(t, tr, r, ids[6], day)
	if progress != [2]int{7, 7} {
		t.Errorf("progress ended at %v, want 7 of 7 commits", progress)
	}
	want := map[string]string{
		"a warranty " + leads.ID("a", leads.SignalWarranty, ""):                ids[0], // the device and its date, not the firmware edit
		"a words " + leads.ID("a", leads.SignalWords, "扩容"):                    ids[2],
		"a contract " + leads.ID("a", leads.SignalContract, "HT-1@2026-06-01"): ids[3],
		"b need " + leads.ID("b", leads.SignalNeed, "N1"):                      ids[5], // removed, then written again
	}
	if len(got) != len(want) {
		t.Errorf("leads: got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s first seen in %.10s, want %.10s (commit %d)", k, got[k], w, index(ids, w))
		}
	}
	// As of an older commit: the need was still in its first run.
	old := firstSeen(t, tr, r, ids[3], day)
	if c := old["b need "+leads.ID("b", leads.SignalNeed, "N1")]; c != ids[0] {
		t.Errorf("as of commit 3 the need was first seen in %.10s, want the first commit", c)
	}
	if _, err := os.Stat(filepath.Join(cache, "leads-seen.gob")); err != nil {
		t.Errorf("no cache written: %v", err)
	}
	// A new tracker reads the cache and only walks the new commit.
	next := commitStep(t, r, time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC), map[string]string{"customers/a/training.md": "---\nkind: training\nsessions:\n  - {date: 2026-03-06, topic: 云主机, asked_about: [SD-WAN]}\n---\n"}, 7)
	tr2 := &leads.Tracker{History: r, CacheDir: cache}
	got2 := firstSeen(t, tr2, r, next, day)
	for k, w := range want {
		if got2[k] != w {
			t.Errorf("after the cache: %s first seen in %.10s, want %.10s", k, got2[k], w)
		}
	}
	if c := got2["a asked_about "+leads.ID("a", leads.SignalAskedAbout, "SD-WAN")]; c != next {
		t.Errorf("the new lead was first seen in %.10s, want the new commit %.10s", c, next)
	}
	// Changed rules are noticed: no words, no words lead.
	snap, _ := r.Snapshot(next)
	rules := snap.Settings.Leads
	rules.Words = []string{"搬迁"}
	ls, err := tr2.Derive(snap, rules, day)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.FirstSeen == nil {
			t.Errorf("%s %s: no first seen with changed rules", l.Customer, l.Signal)
		}
	}
}

func index(ids []string, id string) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

func TestIDsStableAcrossUnrelatedCommits(t *testing.T) {
	r, ids := buildStory(t, story)
	day := archive.Date{Year: 2026, Month: 3, Day: 10}
	derive := func(c string) map[string]string {
		snap, err := r.Snapshot(c)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, l := range leads.Derive(snap, snap.Settings.Leads, day) {
			m[l.Customer+" "+string(l.Signal)] = l.ID
		}
		return m
	}
	// Commit 1 (guide, B's tags) and commit 6 (A's firmware) touch no evidence.
	for _, pair := range [][2]int{{0, 1}, {5, 6}} {
		a, b := derive(ids[pair[0]]), derive(ids[pair[1]])
		for k, id := range a {
			if b[k] != id {
				t.Errorf("commit %d→%d changed the id of %s: %s → %s", pair[0], pair[1], k, id, b[k])
			}
		}
		if len(a) != len(b) {
			t.Errorf("commit %d→%d changed the leads: %v → %v", pair[0], pair[1], a, b)
		}
	}
}
