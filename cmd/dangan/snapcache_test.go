package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/snapcache"
)

// TestCheckFromSnapshotCache: dangan index leaves the parsed snapshot in
// the data folder, and check, reading it instead of parsing, prints
// exactly the golden problems.
func TestCheckFromSnapshotCache(t *testing.T) {
	dir := commitDir(t, "../../archive/testdata/broken")
	data := t.TempDir()
	if code, _, errOut := run(t, "", "--archive", dir, "--data", data, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	repo, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	repo.Close()
	if err != nil {
		t.Fatal(err)
	}
	if commit, err := (snapcache.Cache{Dir: filepath.Join(data, "cache")}).Commit(); commit != head || err != nil {
		t.Fatalf("after dangan index the cache holds %q (%v), want the head %s", commit, err, head)
	}
	code, out, errOut := run(t, "", "--archive", dir, "--data", data, "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (errors); stderr: %s", code, errOut)
	}
	want, err := os.ReadFile("../../archive/testdata/broken.golden")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), out); d != "" {
		t.Errorf("check from the cache differs from archive/testdata/broken.golden (-want +got):\n%s", d)
	}
}
