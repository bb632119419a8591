package snapcache

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
)

// edgeCases are records whose parse a careless cache would change: zero
// values behind pointers, empty versus missing lists, unknown keys of every
// YAML type, broken files of every sort.
var edgeCases = map[string]string{
	"customers/edge-a/customer.md":                 "---\nkind: customer\nname: 边界客户\ntags: []\nrestricted: true\ntechnicians: [liqiang]\nunknown_map: {a: 1, b: [x, 2.5, true, null], 3: three}\nunknown_time: !!timestamp 2026-01-02T03:04:05Z\nunknown_big: 18446744073709551615\nunknown_neg: -9223372036854775808\nunknown_empty: {}\nunknown_null: ~\n---\n# 正文\n\n正文第二行\n",
	"customers/edge-a/devices.md":                  "---\nkind: devices\ndevices:\n  - id: SW-1\n    utilisation: 0\n    installed: 2025-02-03\n  - id: SW-2\n    status: broken\n---\n",
	"customers/edge-a/visits/2026-01-05-repair.md": "---\nkind: visit\ntype: repair\ntechnician: liqiang\nconsent: false\nfive_ones: {}\narrived: 2026-01-05T09:30\ndevices: [SW-1, SW-9]\n---\n修好了\n",
	"customers/edge-a/visits/2026-01-06-bad.md":    "---\nkind: visit\ntype: [oops\n---\n",
	"customers/edge-a/notes/plain.md":              "没有前言的笔记\n",
	"customers/edge-a/notes/unclosed.md":           "---\ntitle: 没关上\n",
	"customers/edge-a/leads.md":                    "---\nkind: leads\nleads: []\ntracked:\n  - lead: x\n    status: new\n---\n",
	"customers/edge-b/devices.md":                  "---\nkind: devices\n---\n",
	"customers/edge-c/customer.md":                 "\xff\xfe not utf-8",
	"guides/how.md":                                "---\nkind: guide\ntitle: 指南\n---\n正文\n",
}

func testFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := demo.Files(demo.Options{Customers: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join("..", "testdata", "broken")
	err = filepath.WalkDir(broken, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(broken, p)
		files[filepath.ToSlash(rel)] = b // its dangan.yaml replaces the demo's
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range edgeCases {
		files[p] = []byte(s)
	}
	return files
}

func load(t testing.TB, commit string, files map[string][]byte) *archive.Snapshot {
	t.Helper()
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range files {
			if !yield(p) {
				return
			}
		}
	})
	s, err := archive.Load(commit, func(yield func(archive.File, error) bool) {
		for _, p := range paths {
			if !yield(archive.File{Path: p, Version: "v-" + p, Data: files[p]}, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sameSnapshot fails the test where a and b differ in anything a reader of
// a snapshot can see.
func sameSnapshot(t *testing.T, want, got *archive.Snapshot) {
	t.Helper()
	if want.Commit != got.Commit {
		t.Errorf("commit %q, want %q", got.Commit, want.Commit)
	}
	if d := cmp.Diff(want.Settings, got.Settings); d != "" {
		t.Errorf("settings differ (-parsed +cached):\n%s", d)
	}
	if d := cmp.Diff(want.Problems(), got.Problems()); d != "" {
		t.Errorf("problems differ (-parsed +cached):\n%s", d)
	}
	if want.Len() != got.Len() {
		t.Errorf("%d records, want %d", got.Len(), want.Len())
	}
	for r := range want.Records() {
		if d := cmp.Diff(r, got.Record(r.Path)); d != "" {
			t.Errorf("record %s differs (-parsed +cached):\n%s", r.Path, d)
		}
	}
	if d := cmp.Diff(want.CustomerIDs(), got.CustomerIDs()); d != "" {
		t.Errorf("customers differ:\n%s", d)
	}
	for f := range want.Customers() {
		if d := cmp.Diff(f, got.Customer(f.ID)); d != "" {
			t.Errorf("folder %s differs (-parsed +cached):\n%s", f.ID, d)
		}
	}
	if d := cmp.Diff(want.Guides(), got.Guides()); d != "" {
		t.Errorf("guides differ:\n%s", d)
	}
}

func TestCachedEqualsParsed(t *testing.T) {
	files := testFiles(t)
	parsed := load(t, "c1", files)
	if len(parsed.Problems()) < 10 {
		t.Fatalf("only %d problems: the test archive should be broken in many ways", len(parsed.Problems()))
	}
	c := Cache{Dir: t.TempDir()}
	if _, err := c.Load(); !errors.Is(err, ErrNone) {
		t.Fatalf("empty cache: err %v, want ErrNone", err)
	}
	if _, err := c.Commit(); !errors.Is(err, ErrNone) {
		t.Fatalf("empty cache: Commit err %v, want ErrNone", err)
	}
	if err := c.Save(parsed); err != nil {
		t.Fatal(err)
	}
	cached, err := c.Load()
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, parsed, cached)
	if commit, err := c.Commit(); commit != "c1" || err != nil {
		t.Errorf("Commit() = %q, %v; want c1", commit, err)
	}

	// The cached snapshot moves forward like a parsed one.
	changed := []archive.File{{Path: "customers/edge-b/devices.md", Version: "v2", Data: []byte("---\nkind: devices\ndevices: [{id: R-1}]\n---\n")}}
	removed := []string{"customers/edge-a/notes/unclosed.md"}
	sameSnapshot(t, parsed.With("c2", changed, removed), cached.With("c2", changed, removed))

	// Saving over a cache replaces it.
	next := parsed.With("c3", changed, nil)
	if err := c.Save(next); err != nil {
		t.Fatal(err)
	}
	again, err := c.Load()
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, next, again)
	left, _ := filepath.Glob(filepath.Join(c.Dir, "*"))
	if len(left) != 1 {
		t.Errorf("files in the cache folder: %v, want only %s", left, FileName)
	}
}

func TestDamagedCacheIsRefused(t *testing.T) {
	parsed := load(t, "c1", testFiles(t))
	c := Cache{Dir: t.TempDir()}
	if err := c.Save(parsed); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(c.Dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte { b := slices.Clone(good); b[i] ^= 0x40; return b }
	cases := map[string][]byte{
		"empty":            nil,
		"not a cache":      []byte("hello"),
		"truncated":        good[:len(good)/2],
		"one byte short":   good[:len(good)-1],
		"byte flipped":     flip(len(good) - 100),
		"header flipped":   flip(len(magic) + 5),
		"other version":    append(append(slices.Clone(magic), 99), good[len(magic)+1:]...),
		"trailing garbage": append(slices.Clone(good), 1, 2, 3),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(c.Dir, FileName), b, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := c.Load()
			if err == nil || errors.Is(err, ErrNone) || s != nil {
				t.Fatalf("Load of a damaged cache: %v, %v; want an error", s, err)
			}
			if name != "byte flipped" && name != "one byte short" && name != "truncated" && name != "trailing garbage" {
				if commit, err := c.Commit(); err == nil {
					t.Errorf("Commit() of a cache with a damaged header = %q, want an error", commit)
				}
			}
		})
	}
}

func TestUnknownValueIsNotCached(t *testing.T) {
	r := &archive.Record{Path: "guides/x.md", Kind: archive.KindGuide, Data: &archive.Page{Kind: archive.KindGuide, Extra: archive.Extra{"odd": complex(1, 2)}}}
	s := archive.Assemble("c", archive.DefaultSettings(), nil, []*archive.Record{r})
	c := Cache{Dir: t.TempDir()}
	if err := c.Save(s); err == nil {
		t.Fatal("Save of a value the cache cannot hold exactly succeeded")
	}
	if _, err := c.Load(); !errors.Is(err, ErrNone) {
		t.Fatalf("after a failed Save: %v, want no cache", err)
	}
}

func FuzzDecode(f *testing.F) {
	cs, err := theCodecs()
	if err != nil {
		f.Fatal(err)
	}
	files := map[string][]byte{}
	for p, s := range edgeCases {
		files[p] = []byte(s)
	}
	s := load(f, "c", files)
	pieces, err := encode(cs, s)
	if err != nil {
		f.Fatal(err)
	}
	b := bytes.Join(pieces, nil)
	f.Add(b)
	f.Add(b[:len(b)/2])
	// The body too, past the checksum that would refuse nearly every
	// mutation of the whole file.
	_, d, err := readHeader(cs, b)
	if err != nil {
		f.Fatal(err)
	}
	d.uvarint()
	d.uint32()
	f.Add(d.b)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, dec := range []func() (*archive.Snapshot, error){
			func() (*archive.Snapshot, error) { return decode(cs, b) },
			func() (*archive.Snapshot, error) { return decodeBody(cs, "c", b) },
		} {
			s, err := dec()
			if (s == nil) == (err == nil) {
				t.Fatalf("decode: %v and %v", s, err)
			}
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	files, err := demo.Files(demo.Options{Customers: 500, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	parsed := load(b, "c", files)
	c := Cache{Dir: b.TempDir()}
	if err := c.Save(parsed); err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			load(b, "c", files)
		}
	})
	b.Run("cache", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Load(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestPrefetch(t *testing.T) {
	parsed := load(t, "c1", testFiles(t))
	c := Cache{Dir: t.TempDir()}
	if err := c.Save(parsed); err != nil {
		t.Fatal(err)
	}
	p := c.Prefetch()
	first, err := p.Load()
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, parsed, first)
	// Later loads read the file again: a change since shows.
	next := parsed.With("c2", nil, []string{"guides/how.md"})
	if err := p.Save(next); err != nil {
		t.Fatal(err)
	}
	second, err := p.Load()
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, next, second)
	if _, err := (Cache{Dir: t.TempDir()}).Prefetch().Load(); !errors.Is(err, ErrNone) {
		t.Errorf("prefetch of no cache: %v, want ErrNone", err)
	}
}
