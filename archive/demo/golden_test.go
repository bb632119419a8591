package demo_test

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive/demo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden keeps one generated customer under review: a change to the
// generator shows up as a diff of what people will read.
func TestGolden(t *testing.T) {
	h := generate(t, demo.Options{Customers: 30, Seed: 1})
	const prefix = "customers/mz-renmin-hospital/"
	ar := &txtar.Archive{Comment: []byte("The final files of one customer of demo.Options{Customers: 30, Seed: 1}.\nRegenerate with: go test ./archive/demo -run TestGolden -update\n")}
	for _, p := range slices.Sorted(maps.Keys(h.files)) {
		if strings.HasPrefix(p, prefix) && strings.HasSuffix(p, ".md") {
			ar.Files = append(ar.Files, txtar.File{Name: strings.TrimPrefix(p, prefix), Data: h.files[p]})
		}
	}
	if len(ar.Files) < 5 {
		t.Fatalf("only %d files for the hospital", len(ar.Files))
	}
	got := txtar.Format(ar)
	path := filepath.Join("testdata", "renmin-hospital.txtar")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("generated customer changed (-golden +now); if intended, run with -update:\n%s", diff)
	}
}
