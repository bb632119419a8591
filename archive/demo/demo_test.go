package demo_test

import (
	"crypto/sha256"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
)

// history is a generated archive replayed in memory.
type history struct {
	commits []demo.Commit
	files   map[string][]byte
	deleted int
}

func generate(t testing.TB, opts demo.Options) *history {
	t.Helper()
	h := &history{files: map[string][]byte{}}
	err := demo.Generate(opts, func(c demo.Commit) error {
		h.commits = append(h.commits, c)
		for _, f := range c.Files {
			h.files[f.Path] = f.Data
		}
		for _, p := range c.Deleted {
			if _, ok := h.files[p]; !ok {
				return fmt.Errorf("commit %q deletes %s, which does not exist", c.Message, p)
			}
			delete(h.files, p)
			h.deleted++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *history) load(t testing.TB) *archive.Snapshot {
	t.Helper()
	return load(t, h.files)
}

func load(t testing.TB, files map[string][]byte) *archive.Snapshot {
	t.Helper()
	var seq iter.Seq2[archive.File, error] = func(yield func(archive.File, error) bool) {
		for _, p := range slices.Sorted(maps.Keys(files)) {
			if !yield(archive.File{Path: p, Data: files[p]}, nil) {
				return
			}
		}
	}
	snap, err := archive.Load("demo", seq)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// intendedWarnings are the lapses the generator writes on purpose, rarely,
// so that the checker has something to warn about.
var intendedWarnings = []string{
	"escalated visit does not say to whom",
	"visit without a follow_up date",
}

func TestGenerateSmallArchive(t *testing.T) {
	const customers = 30
	h := generate(t, demo.Options{Customers: customers, Seed: 1})
	snap := h.load(t)

	var warnings int
	for _, p := range snap.Problems() {
		if p.Severity == archive.SeverityError {
			t.Errorf("generated archive has an error: %s", p)
			continue
		}
		warnings++
		if !slices.ContainsFunc(intendedWarnings, func(w string) bool { return strings.Contains(p.Message, w) }) {
			t.Errorf("unintended warning: %s", p)
		}
	}
	if warnings > snap.Len()/50 {
		t.Errorf("%d warnings in %d records; the generator should write few", warnings, snap.Len())
	}
	if got := len(snap.CustomerIDs()); got != customers {
		t.Errorf("%d customers, want %d", got, customers)
	}

	// The history: in time order, over the years asked for, by several people.
	for i := 1; i < len(h.commits); i++ {
		if h.commits[i].When.Before(h.commits[i-1].When) {
			t.Fatalf("commit %d (%s) is older than the one before it", i, h.commits[i].Message)
		}
	}
	first, last := h.commits[0].When, h.commits[len(h.commits)-1].When
	if span := last.Sub(first); span < 3*365*24*time.Hour {
		t.Errorf("history spans %v, want about 4 years", span)
	}
	if d := archive.DateOf(last); d.After(demo.DefaultToday) {
		t.Errorf("history ends %s, after Today %s", d, demo.DefaultToday)
	}
	authors := map[string]bool{}
	for _, c := range h.commits {
		authors[c.Email] = true
		if c.Message == "" || c.Author == "" || !strings.HasSuffix(c.Email, "@mz.example.cn") {
			t.Errorf("commit without message or author: %+v", c)
		}
	}
	if len(authors) < 6 {
		t.Errorf("%d authors, want several technicians and account managers", len(authors))
	}
	if per := float64(len(h.commits)) / customers; per < 3 || per > 25 {
		t.Errorf("%.1f commits per customer", per)
	}

	industries, restricted := map[string]bool{}, 0
	for f := range snap.Customers() {
		c := f.Profile()
		industries[c.Industry] = true
		if c.Restricted {
			restricted++
		}
		for _, k := range archive.StandardKinds[:2] { // devices and topology: every customer has them
			if recordOf(f, k) == nil {
				t.Errorf("%s has no %s", f.ID, k)
			}
		}
	}
	for _, want := range []string{"医疗卫生", "教育", "政府机关", "金融", "能源矿业", "商贸零售", "酒店餐饮", "物流仓储", "农业合作社"} {
		if !industries[want] {
			t.Errorf("no customer in industry %s", want)
		}
	}
	if restricted == 0 {
		t.Error("no restricted customer")
	}
	if len(snap.Guides()) < 3 {
		t.Errorf("%d guides", len(snap.Guides()))
	}
}

func recordOf(f *archive.Folder, k archive.Kind) *archive.Record {
	switch k {
	case archive.KindDevices:
		return f.Devices
	case archive.KindTopology:
		return f.Topology
	}
	return nil
}

// TestArchiveHasSomethingToFind: health checks and leads need lapses and
// signals to show; the generator must keep writing them.
func TestArchiveHasSomethingToFind(t *testing.T) {
	h := generate(t, demo.Options{Customers: 60, Seed: 1})
	snap := h.load(t)
	today := demo.DefaultToday
	found := map[string]int{}
	for f := range snap.Customers() {
		for _, d := range f.DeviceList() {
			if !d.WarrantyUntil.IsZero() && d.WarrantyUntil.Before(today) && d.Status == archive.InService {
				found["device past warranty"]++
			}
			if !d.EOL.IsZero() && d.EOL.Before(today.AddDays(365)) {
				found["device near or past end of life"]++
			}
			if d.Utilisation != nil && *d.Utilisation >= 80 {
				found["device at 80% or more"]++
			}
			if d.Status == archive.Faulty {
				found["faulty device"]++
			}
			if d.Status == archive.Removed {
				found["removed device"]++
			}
		}
		if s := f.Spares.AsSpares(); s != nil {
			for _, p := range s.Parts {
				if p.Short() > 0 {
					found["spare part short"]++
				}
			}
		}
		if n := f.Leads.AsNeeds(); n != nil && len(n.Leads) > 0 {
			found["written need"]++
		}
		if p := f.Progress.AsProgress(); p != nil {
			for _, pr := range p.Projects {
				for _, m := range pr.Milestones {
					if m.Late(today) {
						found["late milestone"]++
					}
				}
			}
		}
		if tr := f.Training.AsTraining(); tr != nil {
			for _, s := range tr.Sessions {
				if len(s.AskedAbout) > 0 {
					found["training question"]++
				}
			}
		}
		if c := f.Profile().Contract; c != nil && c.End.Before(today.AddDays(120)) {
			found["contract ending"]++
		}
		for _, r := range f.Visits {
			v := r.AsVisit()
			switch {
			case !v.Arrived.IsZero() && !v.Appointment.IsZero() && v.Arrived.After(v.Appointment.Add(-5*time.Minute)):
				found["arrived late"]++
			case v.FiveOnes != nil && !v.FiveOnes.Complete():
				found["five ones incomplete"]++
			case v.Rescheduled != nil && v.Rescheduled.From.Sub(v.Rescheduled.Notified.Time) < 2*time.Hour:
				found["short notice"]++
			}
			switch v.Outcome {
			case archive.Escalated:
				found["escalated"]++
			case archive.NoAnswerO:
				found["no answer"]++
			}
			for _, w := range []string{"扩容", "新建", "搬迁", "升级", "光衰", "掉线", "环路"} {
				if strings.Contains(r.Body, w) {
					found["word "+w]++
				}
			}
		}
	}
	for _, want := range []string{
		"device past warranty", "device near or past end of life", "device at 80% or more", "faulty device",
		"spare part short", "written need", "late milestone", "training question", "contract ending",
		"arrived late", "five ones incomplete", "short notice", "escalated", "no answer",
		"word 扩容", "word 光衰", "word 掉线", "word 环路",
	} {
		if found[want] == 0 {
			t.Errorf("no %s in a 60-customer archive", want)
		}
	}
	t.Logf("found: %v", found)
}

func TestGenerateIsDeterministic(t *testing.T) {
	sum := func(seed int64) [32]byte {
		hs := sha256.New()
		err := demo.Generate(demo.Options{Customers: 20, Seed: seed}, func(c demo.Commit) error {
			fmt.Fprintf(hs, "%s|%s|%d|%s|%q\n", c.Author, c.Email, c.When.Unix(), c.Message, c.Deleted)
			for _, f := range c.Files {
				fmt.Fprintf(hs, "%s %d\n", f.Path, len(f.Data))
				hs.Write(f.Data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return [32]byte(hs.Sum(nil))
	}
	if a, b := sum(3), sum(3); a != b {
		t.Error("the same seed gave different histories")
	}
	if a, b := sum(3), sum(4); a == b {
		t.Error("different seeds gave the same history")
	}
}

func TestGenerateOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    demo.Options
		wantErr bool
	}{
		{"no customers", demo.Options{}, false},
		{"negative customers", demo.Options{Customers: -1}, true},
		{"negative years", demo.Options{Customers: 1, Years: -1}, true},
		{"too many customers", demo.Options{Customers: 1_000_000}, true},
		{"one year to another today", demo.Options{Customers: 5, Years: 1, Today: archive.Date{Year: 2030, Month: 3, Day: 2}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last demo.Commit
			n := 0
			err := demo.Generate(tt.opts, func(c demo.Commit) error { last = c; n++; return nil })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if n == 0 {
				t.Fatal("no commits")
			}
			today := tt.opts.Today
			if today.IsZero() {
				today = demo.DefaultToday
			}
			if d := archive.DateOf(last.When); d.After(today) {
				t.Errorf("last commit %s is after Today %s", d, today)
			}
		})
	}
}

func TestGenerateStopsOnEmitError(t *testing.T) {
	stop := fmt.Errorf("enough")
	n := 0
	err := demo.Generate(demo.Options{Customers: 5, Seed: 1}, func(demo.Commit) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("err = %v after %d commits, want %v after 3", err, n, stop)
	}
}

func TestExtraFilesAreKept(t *testing.T) {
	const canary = "CANARY-7f3a"
	override := "---\nkind: customer\nname: 金丝雀客户 " + canary + "\nrestricted: true\n---\n"
	opts := demo.Options{Customers: 12, Seed: 2, Extra: func(id string) []demo.File {
		return []demo.File{
			{Path: "customers/" + id + "/customer.md", Data: []byte(override)},
			{Path: "customers/" + id + "/notes/canary.md", Data: []byte("# " + canary + "\n")},
		}
	}}
	h := generate(t, opts)
	snap := h.load(t)
	if snap.Len() == 0 || len(snap.CustomerIDs()) != 12 {
		t.Fatalf("%d customers", len(snap.CustomerIDs()))
	}
	for _, id := range snap.CustomerIDs() {
		if got := string(h.files["customers/"+id+"/customer.md"]); got != override {
			t.Errorf("%s/customer.md = %q, want the override", id, got)
		}
		if _, ok := h.files["customers/"+id+"/notes/canary.md"]; !ok {
			t.Errorf("%s has no canary note", id)
		}
	}
	if archive.HasErrors(snap.Problems()) {
		t.Errorf("problems: %v", snap.Problems())
	}
}

func TestInitFiles(t *testing.T) {
	files := map[string][]byte{}
	for _, f := range demo.InitFiles() {
		files[f.Path] = f.Data
	}
	snap := load(t, files)
	if ps := snap.Problems(); len(ps) > 0 {
		t.Errorf("init files have problems: %v", ps)
	}
	ids := snap.CustomerIDs()
	if len(ids) != 1 {
		t.Fatalf("customers %v, want one example", ids)
	}
	f := snap.Customer(ids[0])
	for _, r := range []*archive.Record{f.Customer, f.Devices, f.Topology, f.Progress, f.Training, f.Spares, f.Leads} {
		if r == nil {
			t.Errorf("example customer lacks a record kind: %+v", f)
		}
	}
	if len(f.Visits) != 1 || len(f.Notes) == 0 {
		t.Errorf("example has %d visits and %d notes, want 1 and some", len(f.Visits), len(f.Notes))
	}
	if len(snap.Guides()) != 1 {
		t.Errorf("%d guides, want 1", len(snap.Guides()))
	}
	settings, problems := archive.ParseSettings(files[archive.SettingsFile])
	if len(problems) > 0 {
		t.Errorf("dangan.yaml: %v", problems)
	}
	def := archive.DefaultSettings()
	if !slices.Equal(settings.Roles["marketing"].Hide, def.Roles["marketing"].Hide) || !slices.Equal(settings.Leads.Words, def.Leads.Words) {
		t.Errorf("dangan.yaml says %+v, the defaults %+v: keep them in step", settings, def)
	}
	readme := string(files["README.md"])
	for _, want := range []string{"dangan check", "visits/", "customers/", "guides/", "五个一"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md does not mention %q", want)
		}
	}
	if !strings.Contains(string(files[".gitignore"]), ".dangan/") {
		t.Error(".gitignore does not exclude .dangan/")
	}
}

// TestFilesIsTheLastCommit: Files replays the history to the archive the
// last commit holds, and Snapshot parses exactly those files.
func TestFilesIsTheLastCommit(t *testing.T) {
	opts := demo.Options{Customers: 5, Seed: 2}
	files, err := demo.Files(opts)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := demo.Snapshot(opts, "x")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p := range files {
		if archive.PlaceOf(p).Kind != "" {
			n++
			if snap.Record(p) == nil {
				t.Errorf("%s is in Files but not in the Snapshot", p)
			}
		}
	}
	if n == 0 || snap.Len() != n || snap.Commit != "x" {
		t.Errorf("snapshot has %d records (commit %q), Files %d records", snap.Len(), snap.Commit, n)
	}
}
