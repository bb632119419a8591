package archive_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func mustLoad(t testing.TB, dir string) *archive.Snapshot {
	t.Helper()
	s, err := archive.Load("test", archive.FSFiles(os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, d)
	}
}

func TestGoodArchiveHasNoProblems(t *testing.T) {
	s := mustLoad(t, "testdata/good")
	if ps := s.Problems(); len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%v", ps)
	}
	f := s.Customer("mz-renmin-hospital")
	if f == nil {
		t.Fatal("customer mz-renmin-hospital not loaded")
	}
	if got := f.Name(); got != "米脂县人民医院" {
		t.Errorf("name = %q", got)
	}
	for kind, r := range map[archive.Kind]*archive.Record{
		archive.KindCustomer: f.Customer, archive.KindDevices: f.Devices, archive.KindTopology: f.Topology,
		archive.KindProgress: f.Progress, archive.KindTraining: f.Training, archive.KindSpares: f.Spares, archive.KindLeads: f.Leads,
	} {
		if r == nil || r.Kind != kind || r.Data == nil {
			t.Errorf("%s record missing or unread: %+v", kind, r)
		}
	}
	if len(f.Visits) != 1 || len(f.Notes) != 1 {
		t.Errorf("visits=%d notes=%d, want 1 and 1", len(f.Visits), len(f.Notes))
	}
	if got := f.Notes[0].Title; got != "机房照片说明" {
		t.Errorf("note title from heading = %q", got)
	}
	if gs := s.Guides(); len(gs) != 1 || gs[0].Title != "光猫更换步骤" {
		t.Errorf("guides = %+v", gs)
	}
	if s.Settings.Leads.WarrantyDays != 90 || !s.Settings.Hidden("marketing", "devices.serial") {
		t.Errorf("settings not read: %+v", s.Settings)
	}
}

// TestCheckGolden is the checker's output over an archive broken in every
// way the issue lists; the golden file is what `dangan check` prints.
func TestCheckGolden(t *testing.T) {
	s := mustLoad(t, "testdata/broken")
	var b strings.Builder
	for _, p := range s.Problems() {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	golden(t, "broken.golden", b.String())

	// A broken file never hides the rest: good customers are all there.
	for _, id := range []string{"ok-school", "crlf", "refs", "no-profile"} {
		if s.Customer(id) == nil {
			t.Errorf("customer %s missing from a broken archive", id)
		}
	}
	if got := s.Customer("crlf").Name(); got != "视窗编辑" {
		t.Errorf("BOM+CRLF customer name = %q", got)
	}
	// What could be read of a broken record is still there.
	if f := s.Customer("refs"); len(f.DeviceList()) != 3 {
		t.Errorf("refs devices = %d, want 3 (broken ones included)", len(f.DeviceList()))
	}
}
