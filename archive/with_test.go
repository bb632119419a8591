package archive_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
)

// TestWithEqualsLoad replays a generated history commit by commit with
// With, and checks along the way that the snapshot equals the one Load
// makes of the same files: the same records, folders and problems.
func TestWithEqualsLoad(t *testing.T) {
	files := map[string][]byte{}
	var snap *archive.Snapshot
	n := 0
	err := demo.Generate(demo.Options{Customers: 30, Seed: 5}, func(c demo.Commit) error {
		var changed []archive.File
		for _, f := range c.Files {
			files[f.Path] = f.Data
			changed = append(changed, archive.File{Path: f.Path, Data: f.Data})
		}
		for _, p := range c.Deleted {
			delete(files, p)
		}
		n++
		if snap == nil {
			snap = load(t, fmt.Sprint(n), files)
		} else {
			snap = snap.With(fmt.Sprint(n), changed, c.Deleted)
		}
		if n%50 == 0 {
			compareSnapshots(t, n, snap, load(t, fmt.Sprint(n), files))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, n, snap, load(t, fmt.Sprint(n), files))

	// A customer removed altogether, one added, a profile rewritten.
	id := snap.CustomerIDs()[0]
	var gone []string
	for _, r := range snap.Customer(id).Records() {
		gone = append(gone, r.Path)
		delete(files, r.Path)
	}
	add := []archive.File{
		{Path: "customers/zz-new/customer.md", Data: []byte("---\nkind: customer\nname: 新客户\n---\n")},
		{Path: "customers/zz-new/visits/2026-01-01-repair.md", Data: []byte("---\nkind: visit\ntype: repair\n---\n修好了\n")},
		{Path: "customers/zz-orphan/visits/2026-01-01-repair.md", Data: []byte("---\nkind: visit\ntype: repair\n---\n没有档案的客户\n")},
	}
	for _, f := range add {
		files[f.Path] = f.Data
	}
	snap = snap.With("last", add, gone)
	compareSnapshots(t, n+1, snap, load(t, "last", files))
	if snap.Customer(id) != nil {
		t.Errorf("customer %s removed with all its files is still there", id)
	}
}

func load(t *testing.T, commit string, files map[string][]byte) *archive.Snapshot {
	t.Helper()
	s, err := archive.Load(commit, func(yield func(archive.File, error) bool) {
		for _, p := range slices.Sorted(maps.Keys(files)) {
			if !yield(archive.File{Path: p, Data: files[p]}, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func compareSnapshots(t *testing.T, n int, got, want *archive.Snapshot) {
	t.Helper()
	type folder struct {
		Records  []string
		Problems []archive.Problem
	}
	summary := func(s *archive.Snapshot) (int, []string, map[string]folder) {
		var paths []string
		for r := range s.Records() {
			paths = append(paths, r.Path)
		}
		fs := map[string]folder{}
		for f := range s.Customers() {
			var rs []string
			for _, r := range f.Records() {
				rs = append(rs, r.Path)
			}
			fs[f.ID] = folder{rs, f.Problems}
		}
		return s.Len(), paths, fs
	}
	gl, gp, gf := summary(got)
	wl, wp, wf := summary(want)
	if gl != wl || !slices.Equal(gp, wp) {
		t.Fatalf("after commit %d: With has %d records, Load %d; paths differ: %s", n, gl, wl, cmp.Diff(wp, gp))
	}
	if diff := cmp.Diff(wf, gf); diff != "" {
		t.Fatalf("after commit %d: folders differ (-Load +With):\n%s", n, diff)
	}
}
