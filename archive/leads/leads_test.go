package leads_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/leads"
)

var update = flag.Bool("update", false, "rewrite golden files")

// at is the day the fixtures are judged on.
var at = archive.Date{Year: 2026, Month: 11, Day: 24}

func loadTxtar(t testing.TB, name string) (*archive.Snapshot, map[string][]byte) {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	snap, err := archive.Load("fixture", func(yield func(archive.File, error) bool) {
		for _, f := range a.Files {
			files[f.Name] = f.Data
			if !yield(archive.File{Path: f.Name, Data: f.Data}, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if ps := snap.Problems(); archive.HasErrors(ps) {
		t.Fatalf("fixture %s has errors: %v", name, ps)
	}
	return snap, files
}

func key(l leads.Lead) string {
	return l.Customer + " " + string(l.Signal) + " " + l.Subject
}

func TestRules(t *testing.T) {
	snap, _ := loadTxtar(t, "rules.txtar")
	got := leads.Derive(snap, snap.Settings.Leads, at)
	var keys []string
	for _, l := range got {
		keys = append(keys, key(l))
	}
	slices.Sort(keys)
	want := []string{
		"asked asked_about SD-WAN",
		"asked asked_about 天翼云主机", // the session of 2026-12-01 (IPTV) is after the day
		"contract-ended contract HT-OLD@2026-01-01",
		"contract120 contract HT-120@2027-03-24", // exactly contract_days; 121 days is not a lead
		"eol365 eol ",                            // exactly eol_days; 366 is not
		"need need 2025-11-24 门诊楼监控扩容",           // no id: date and text
		"need need N1",                           // N2 is dated after the day
		"repeat repeat_faults sw-1",              // 3 repairs, the first exactly 180 days before; sw-2 has 1 repair and 1 inspection
		"spares spares ",                         // 1 of 2 on hand; spares-ok has all
		"util80 utilisation ",                    // exactly utilisation_percent; the removed device at 95 does not count, util79 is below
		"w90 warranty ",                          // exactly warranty_days; removed and standby devices do not count, w91 is one day out
		"words words 升级",                         // a visit exactly 365 days before
		"words words 扩容",                         // a visit and a note
		"words words 搬迁",                         // the profile; 新建 is in a visit 366 days before
		"wpast warranty ",                        // ended years ago, and one ending today
	}
	if d := cmp.Diff(want, keys); d != "" {
		t.Errorf("leads (-want +got):\n%s", d)
	}
	for _, l := range got {
		if l.ID != leads.ID(l.Customer, l.Signal, l.Subject) || len(l.ID) != 12 {
			t.Errorf("%s: id %q is not the hash of customer, signal and subject", key(l), l.ID)
		}
		if l.Summary == "" || l.SummaryEN == "" || l.Score <= 0 || l.Score > 100 || len(l.Evidence) == 0 || !l.Status.Valid() {
			t.Errorf("%s: incomplete lead %+v", key(l), l)
		}
		if l.CustomerName == "" || l.CustomerName == l.Customer || l.AccountManager != "zhangwei" {
			t.Errorf("%s: customer fields not filled: %q %q", key(l), l.CustomerName, l.AccountManager)
		}
	}
	golden(t, "rules.golden.json", got)
}

// golden compares leads with a golden file (go test -update rewrites it).
func golden(t *testing.T, name string, ls []leads.Lead) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ls); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), buf.String()); d != "" {
		t.Errorf("%s is out of date (go test ./archive/leads -update, then review):\n%s", p, d)
	}
}

func find(ls []leads.Lead, k string) (leads.Lead, bool) {
	for _, l := range ls {
		if key(l) == k {
			return l, true
		}
	}
	return leads.Lead{}, false
}

func TestSummariesAndScores(t *testing.T) {
	snap, _ := loadTxtar(t, "rules.txtar")
	ls := leads.Derive(snap, snap.Settings.Leads, at)
	cases := []struct {
		key      string
		contains []string
		score    int
	}{
		// 35 + urgency 30-30*90/90 = 0, one device.
		{"w90 warranty ", []string{"sw-1", "2027-02-22", "还有 90 天"}, 35},
		// 35 + 30 (ends today) + 2 for the second device.
		{"wpast warranty ", []string{"2 台", "rt-1", "sw-1"}, 67},
		// 50 + 30-30*120/120.
		{"contract120 contract HT-120@2027-03-24", []string{"HT-120", "2027-03-24", "还有 120 天"}, 50},
		// 50 + 30 - 327/30 (ended 327 days ago).
		{"contract-ended contract HT-OLD@2026-01-01", []string{"已于 2026-01-01 到期"}, 50 + 30 - 10},
		{"util80 utilisation ", []string{"80%"}, 40},
		// 25 + 30*1/2.
		{"spares spares ", []string{"缺 1 件", "光模块", "2026-12-01"}, 40},
		// 45 + 10*(3-3+1).
		{"repeat repeat_faults sw-1", []string{"sw-1", "3 次", "2026-11-20"}, 55},
		// 55 + 30-30*4/365 = 30 - 0.
		{"need need N1", []string{"新院区明年开业需要千兆专线", "liqiang"}, 85},
		// a year old: no recency.
		{"need need 2025-11-24 门诊楼监控扩容", []string{"门诊楼监控扩容"}, 55},
	}
	for _, c := range cases {
		l, ok := find(ls, c.key)
		if !ok {
			t.Errorf("no lead %s", c.key)
			continue
		}
		for _, s := range c.contains {
			if !strings.Contains(l.Summary, s) {
				t.Errorf("%s: summary %q lacks %q", c.key, l.Summary, s)
			}
		}
		if l.Score != c.score {
			t.Errorf("%s: score %d, want %d", c.key, l.Score, c.score)
		}
	}
	if l, _ := find(ls, "need need 2025-11-24 门诊楼监控扩容"); l.Status != leads.StatusContacted {
		t.Errorf("a need's own status is the lead's starting status: got %s", l.Status)
	}
}

func TestSetStatus(t *testing.T) {
	snap, files := loadTxtar(t, "rules.txtar")
	const p = "customers/need/leads.md"
	id := leads.ID("need", leads.SignalNeed, "N1")
	day := archive.Date{Year: 2026, Month: 11, Day: 25}
	out, err := leads.SetStatus(files[p], id, "contacted", "shichang", day)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, files[p][:len(files[p])-4]) {
		t.Errorf("SetStatus changed what was there:\n%s", out)
	}
	// Setting it again updates the entry in place and keeps the note.
	out2, err := leads.SetTracked(out, archive.Tracked{Lead: id, Status: "won", By: "shichang", Date: day, Note: "签约：千兆专线"})
	if err != nil {
		t.Fatal(err)
	}
	out3, err := leads.SetStatus(out2, id, "won", "xiaoma", day.AddDays(1))
	if err != nil {
		t.Fatal(err)
	}
	if c := bytes.Count(out3, []byte("\n")); c != bytes.Count(out, []byte("\n")) {
		t.Errorf("updating a tracked entry added lines:\n%s", out3)
	}
	if !bytes.Contains(out3, []byte("note: 签约：千兆专线")) || !bytes.Contains(out3, []byte("by: xiaoma")) {
		t.Errorf("the note or the new author is missing:\n%s", out3)
	}
	// Marketing may save exactly this change.
	pol := access.Policy{Settings: snap.Settings}
	mk := access.Viewer{Name: "xiaoma", Role: access.Marketing}
	if err := pol.CheckChange(mk, snap.Customer("need"), p, out2, out3); err != nil {
		t.Errorf("marketing may not save its status change: %v", err)
	}
	// The derived lead carries the status.
	snap2 := snap.With("next", []archive.File{{Path: p, Data: out3}}, nil)
	l, _ := find(leads.Derive(snap2, snap2.Settings.Leads, at), "need need N1")
	if l.Status != leads.StatusWon || l.StatusBy != "xiaoma" || l.StatusNote != "签约：千兆专线" || l.StatusDate != day.AddDays(1) {
		t.Errorf("lead after SetStatus: %s by %s on %s (%s)", l.Status, l.StatusBy, l.StatusDate, l.StatusNote)
	}

	// A customer without leads.md gets one; marketing may create it.
	created, err := leads.SetStatus(nil, "abc123abc123", "dismissed", "xiaoma", day)
	if err != nil {
		t.Fatal(err)
	}
	if err := pol.CheckChange(mk, snap.Customer("w90"), "customers/w90/leads.md", nil, created); err != nil {
		t.Errorf("marketing may not create leads.md with a status: %v\n%s", err, created)
	}
	// CRLF and a BOM survive; other styles are re-encoded but still read.
	crlf := []byte("\uFEFF---\r\nkind: leads\r\n# 备注\r\ntracked:\r\n  - lead: x1\r\n    status: new\r\n---\r\n正文\r\n")
	out, err = leads.SetStatus(crlf, "x1", "lost", "xiaoma", day)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("\uFEFF---\r\n")) || bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\n")) || !bytes.HasSuffix(out, []byte("正文\r\n")) {
		t.Errorf("line endings, BOM or body lost:\n%q", out)
	}
	r := archive.Parse(p, out)
	if n := r.AsNeeds(); n == nil || len(n.Tracked) != 1 || n.Tracked[0].Status != "lost" {
		t.Errorf("re-encoded file reads back wrong: %+v", r.Data)
	}
	for _, bad := range []struct{ content, id, status string }{
		{"", "x", "maybe"},
		{"", "", "new"},
		{"no front matter", "x", "new"},
		{"---\nkind: leads\ntracked: 3\n---\n", "x", "new"},
	} {
		if _, err := leads.SetStatus([]byte(bad.content), bad.id, bad.status, "u", day); err == nil {
			t.Errorf("SetStatus(%q, %q, %q) accepted", bad.content, bad.id, bad.status)
		}
	}
}

func TestRedact(t *testing.T) {
	snap, _ := loadTxtar(t, "rules.txtar")
	ls := leads.Derive(snap, snap.Settings.Leads, at)
	pol := access.Policy{Settings: snap.Settings}
	mk := access.Viewer{Name: "xiaoma", Role: access.Marketing}
	hidden := func(f string) bool { return pol.Hidden(mk, f) }
	red := leads.RedactAll(ls, hidden)
	all, _ := json.Marshal(red)
	for _, secret := range []string{"SN-W90", "SN-R1", "10.0.0.1", "10.0.0.9", "机房空间不足", "信息科说明年要扩容存储", "notes/plan.md", "搬迁到新区"} {
		if bytes.Contains(all, []byte(secret)) {
			t.Errorf("redacted leads still say %q", secret)
		}
	}
	full, _ := json.Marshal(ls)
	for _, s := range []string{"SN-W90", "10.0.0.9", "机房空间不足", "notes/plan.md"} {
		if !bytes.Contains(full, []byte(s)) {
			t.Errorf("unredacted leads should carry %q as evidence", s)
		}
	}
	u, _ := find(red, "util80 utilisation ")
	if strings.Contains(u.Summary, "利用率 80%") || !strings.Contains(u.Summary, "80% 以上") {
		t.Errorf("marketing's utilisation summary: %q", u.Summary)
	}
	if len(red) != len(ls) {
		t.Errorf("Redact dropped leads: %d of %d", len(red), len(ls))
	}
	// Nothing hidden: nothing changes.
	same := leads.RedactAll(ls, func(string) bool { return false })
	sameJSON, _ := json.Marshal(same)
	if d := cmp.Diff(string(full), string(sameJSON)); d != "" {
		t.Errorf("Redact with nothing hidden changed leads:\n%s", d)
	}
}

// The sections Redact uses are those of archive/access.
func TestSectionOf(t *testing.T) {
	for _, p := range []string{
		"customers/a/customer.md", "customers/a/devices.md", "customers/a/topology.md", "customers/a/progress.md",
		"customers/a/training.md", "customers/a/spares.md", "customers/a/leads.md", "customers/a/visits/2026-01-01-repair.md",
		"customers/a/notes/x.md", "customers/a/notes/img/x.png", "customers/a/wiring.md", "customers/a/photo.jpg",
		"customers/a", "guides/x.md", "dangan.yaml", "customers/a/visits/x/y.png",
	} {
		if got, want := leads.SectionOfForTest(p), access.SectionOf(p); got != want {
			t.Errorf("section of %s: %q, access says %q", p, got, want)
		}
	}
}

// The cache gives what Derive gives, for the first snapshot and after a
// commit that changed one customer.
func TestCache(t *testing.T) {
	snap, files := loadTxtar(t, "rules.txtar")
	var c leads.Cache
	check := func(s *archive.Snapshot) {
		t.Helper()
		want, _ := json.Marshal(leads.Derive(s, s.Settings.Leads, at))
		got, _ := json.Marshal(c.Derive(s, s.Settings.Leads, at))
		if d := cmp.Diff(string(want), string(got)); d != "" {
			t.Errorf("Cache.Derive differs from Derive:\n%s", d)
		}
	}
	check(snap)
	const p = "customers/w90/devices.md"
	next := snap.With("next", []archive.File{{Path: p, Data: bytes.Replace(files[p], []byte("2027-02-22"), []byte("2026-12-01"), 1)}}, nil)
	check(next)
	check(next.With("gone", nil, []string{"customers/need/leads.md"}))
	check(snap)
}

// A dangan.yaml that hides what a summary quotes reduces it to the signal.
func TestRedactStricterSettings(t *testing.T) {
	snap, _ := loadTxtar(t, "rules.txtar")
	ls := leads.Derive(snap, snap.Settings.Leads, at)
	hide := []string{"devices.model", "customer.contract", "spares", "training.sessions.topic"}
	red := leads.RedactAll(ls, func(f string) bool {
		for _, h := range hide {
			if f == h || strings.HasPrefix(f, h+".") {
				return true
			}
		}
		return false
	})
	all, _ := json.Marshal(red)
	for _, s := range []string{"S5735", "HT-120", "光模块", "云主机日常运维", "spares.md"} {
		if bytes.Contains(all, []byte(s)) {
			t.Errorf("redacted leads still say %q", s)
		}
	}
}
