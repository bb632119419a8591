package access_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixture is the canary archive of testdata/archive.txtar.
type fixture struct {
	snap  *archive.Snapshot
	files map[string][]byte
	pol   access.Policy
}

func mustFixture(t testing.TB) *fixture {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "archive.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range a.Files {
		files[f.Name] = f.Data
	}
	snap, err := archive.Load("test", func(yield func(archive.File, error) bool) {
		for _, f := range a.Files {
			if !yield(archive.File{Path: f.Name, Version: "blob-" + f.Name, Data: f.Data}, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{snap: snap, files: files, pol: access.Policy{Settings: snap.Settings}}
}

// The people of the fixture.
var (
	admin     = access.Viewer{Name: "boss", Role: access.Admin}
	liqiang   = access.Viewer{Name: "liqiang", Role: access.Technician}      // assigned to gov-secret
	wangfang  = access.Viewer{Name: "wangfang", Role: access.Technician}     // not assigned to gov-secret
	zhangwei  = access.Viewer{Name: "zhangwei", Role: access.AccountManager} // gov-secret's account manager
	otherAM   = access.Viewer{Name: "zhaomin", Role: access.AccountManager}
	marketing = access.Viewer{Name: "xiaoma", Role: access.Marketing}
	mktNamed  = access.Viewer{Name: "liqiang", Role: access.Marketing} // a marketing user who shares an assigned name
	nobody    = access.Viewer{}
	bogus     = access.Viewer{Name: "eve", Role: "root"}
)

var allViewers = map[string]access.Viewer{
	"admin": admin, "liqiang": liqiang, "wangfang": wangfang, "zhangwei": zhangwei,
	"otherAM": otherAM, "marketing": marketing, "mktNamed": mktNamed, "nobody": nobody, "bogus": bogus,
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

func contains(hay, needle string) bool { return strings.Contains(hay, needle) }
