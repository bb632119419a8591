package importer

import (
	"flag"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// memArchive is an archive held in memory: path → content.
type memArchive map[string]string

func (m memArchive) snapshot(t testing.TB) *archive.Snapshot {
	t.Helper()
	files := func(yield func(archive.File, error) bool) {
		for _, p := range slices.Sorted(maps.Keys(m)) {
			if !yield(archive.File{Path: p, Data: []byte(m[p])}, nil) {
				return
			}
		}
	}
	s, err := archive.Load("0123456789abcdef0123456789abcdef01234567", files)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (m memArchive) read(p string) ([]byte, error) {
	if s, ok := m[p]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

// apply returns the archive with the plan's files written.
func (m memArchive) apply(p *Plan) memArchive {
	n := maps.Clone(m)
	for _, f := range p.Files {
		n[f.Path] = string(f.New)
	}
	return n
}

// loadDir reads a fixture archive folder.
func loadDir(t testing.TB, dir string) memArchive {
	t.Helper()
	m := memArchive{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// errorsIn lists the errors dangan check would print for the archive.
func errorsIn(t testing.TB, m memArchive) []string {
	var out []string
	for _, p := range m.snapshot(t).Problems() {
		if p.Severity == archive.SeverityError {
			out = append(out, p.String())
		}
	}
	return out
}

// golden compares got with testdata/NAME, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test -update if the change is right)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }
