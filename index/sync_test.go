package index_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

// A later version of the fixture: a customer renamed and restricted, a
// device changed, a visit added, a note and a profile removed, a customer
// added.
func laterFixture(tb testing.TB, before map[string][]byte) (files map[string][]byte, changed, removed []string) {
	files = maps.Clone(before)
	set := func(p, s string) {
		files[p] = []byte(s)
		changed = append(changed, p)
	}
	hosp := "customers/mz-renmin-hospital/customer.md"
	set(hosp, strings.NewReplacer("米脂县人民医院", "米脂县第一人民医院", "医疗卫生", "医疗", "restricted: false", "restricted: true").Replace(string(files[hosp])))
	dev := "customers/mz-no1-middle-school/devices.md"
	set(dev, strings.NewReplacer("status: faulty", "status: removed", "2102359988EF", "2102350000ZZ").Replace(string(files[dev])))
	set("customers/mz-nongshang-bank/visits/2026-12-01-install.md", "---\nkind: visit\ntype: install\ntechnician: liqiang\nappointment: 2026-12-01T09:00\noutcome: resolved\n---\n新装光猫与核心交换机联调，冷链仓库无关。\n")
	set("customers/mz-new-farm/customer.md", "---\nkind: customer\nname: 米脂小米合作社\nindustry: 农业\ndistrict: 桃镇\naccount_manager: liuyang\ntechnicians: [zhaolei]\n---\n冷库与交换机在仓库东侧。\n")
	for _, p := range []string{"customers/mz-fresh-market/notes/store.md", "customers/mz-tianyuan-hotel/customer.md"} {
		delete(files, p)
		removed = append(removed, p)
	}
	return files, changed, removed
}

type view struct {
	Total  uint64
	Hits   []string
	Facets map[string][]index.Facet
}

func viewOf(tb testing.TB, ix *index.Index, q string, f index.Filter) view {
	res := search(tb, ix, index.Request{Query: q, Size: 100, Facets: true, Filter: f})
	v := view{Total: res.Total, Facets: res.Facets}
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, fmt.Sprintf("%s|%s|%s|%s|%s", h.Path, h.Customer, h.CustomerName, h.Title, h.Snippet))
	}
	slices.Sort(v.Hits)
	return v
}

func TestUpdateEqualsRebuild(t *testing.T) {
	ctx := context.Background()
	before := readArchive(t, "testdata/archive")
	snap1 := snapshot(t, "c1", before)
	after, changed, removed := laterFixture(t, before)
	var changedFiles []archive.File
	for _, p := range changed {
		changedFiles = append(changedFiles, archive.File{Path: p, Data: after[p]})
	}
	snap2 := snap1.With("c2", changedFiles, removed)

	inc := mustBuild(t, snap1, index.Options{})
	if err := inc.Update(ctx, snap2, changed, removed); err != nil {
		t.Fatal(err)
	}
	if inc.Commit() != "c2" {
		t.Fatalf("commit %q after update, want c2", inc.Commit())
	}
	fresh := mustBuild(t, snapshot(t, "c2", after), index.Options{})

	queries := []string{"", "交换机", "米脂县第一人民医院", "人民医院", "industry:医疗", "status:faulty", "status:removed", "2102359988EF", "2102350000ZZ",
		"收银台", "天源酒店", "customer:mz-tianyuan-hotel", "冷链仓库", "冷库", "technician:zhaolei", "kind:visit", "vendor:华为"}
	for _, f := range []index.Filter{{}, {AllRestricted: true}, marketing} {
		for _, q := range queries {
			want, got := viewOf(t, fresh, q, f), viewOf(t, inc, q, f)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%q with %+v: updated index differs from a rebuild (-rebuild +updated):\n%s", q, f, diff)
			}
		}
	}
	// The change is visible: the renamed customer's records are all
	// restricted now, the removed note is gone.
	if got := searchSet(t, inc, "customer:mz-renmin-hospital", index.Filter{}); len(got) != 0 {
		t.Errorf("restricted customer still visible: %v", got)
	}
	if got := searchSet(t, inc, "收银台", all); len(got) != 0 {
		t.Errorf("removed note still found: %v", got)
	}
}

func TestSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	before := readArchive(t, "testdata/archive")
	snap1 := snapshot(t, "c1", before)

	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Stale() == "" {
		t.Error("a new index is not stale")
	}
	noChanges := func(from, to string) ([]string, []string, error) {
		t.Fatalf("changes(%s, %s) asked for an index that must be rebuilt", from, to)
		return nil, nil, nil
	}
	if err := ix.Sync(ctx, snap1, noChanges); err != nil {
		t.Fatal(err)
	}
	if ix.Commit() != "c1" || ix.Stale() != "" {
		t.Fatalf("after sync: commit %q stale %q", ix.Commit(), ix.Stale())
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened: up to date, nothing to do.
	ix, err = index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Commit() != "c1" || ix.Stale() != "" {
		t.Fatalf("reopened: commit %q stale %q", ix.Commit(), ix.Stale())
	}
	if err := ix.Sync(ctx, snap1, noChanges); err != nil {
		t.Fatal(err)
	}

	// A later commit: updated with the changes.
	after, changed, removed := laterFixture(t, before)
	snap2 := snapshot(t, "c2", after)
	asked := false
	err = ix.Sync(ctx, snap2, func(from, to string) ([]string, []string, error) {
		asked = true
		if from != "c1" || to != "c2" {
			t.Errorf("changes(%s, %s), want (c1, c2)", from, to)
		}
		return changed, removed, nil
	})
	if err != nil || !asked || ix.Commit() != "c2" {
		t.Fatalf("sync to c2: err %v, asked %v, commit %q", err, asked, ix.Commit())
	}
	if got := searchSet(t, ix, "2102350000ZZ", all); len(got) != 1 {
		t.Errorf("changed serial not found after sync: %v", got)
	}

	// Changes that cannot be had: rebuilt.
	snap3 := snapshot(t, "c3", before)
	if err := ix.Sync(ctx, snap3, func(from, to string) ([]string, []string, error) {
		return nil, nil, errors.New("commit c2 not found")
	}); err != nil {
		t.Fatal(err)
	}
	if ix.Commit() != "c3" || len(searchSet(t, ix, "2102350000ZZ", all)) != 0 || len(searchSet(t, ix, "2102359988EF", all)) != 1 {
		t.Errorf("not rebuilt at c3: commit %q", ix.Commit())
	}
}

// damage is done to an index directory, which must then be rebuilt.
func TestRecovery(t *testing.T) {
	ctx := context.Background()
	snap := fixture(t)
	damages := []struct {
		name string
		do   func(t *testing.T, dir string)
	}{
		{"truncated segment", func(t *testing.T, dir string) {
			for _, p := range glob(t, dir, "*.zap") {
				st, _ := os.Stat(p)
				if err := os.Truncate(p, st.Size()/2); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"garbage segment", func(t *testing.T, dir string) {
			for _, p := range glob(t, dir, "*.zap") {
				if err := os.WriteFile(p, []byte(strings.Repeat("garbage!", 100)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"garbage root", func(t *testing.T, dir string) {
			for _, p := range glob(t, dir, "root.bolt") {
				if err := os.WriteFile(p, []byte(strings.Repeat("\x00garbage", 2000)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"missing segment", func(t *testing.T, dir string) {
			for _, p := range glob(t, dir, "*.zap") {
				os.Remove(p)
			}
		}},
		{"garbage meta", func(t *testing.T, dir string) {
			for _, p := range glob(t, dir, "index_meta.json") {
				os.WriteFile(p, []byte("{"), 0o644)
			}
		}},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			ix, err := index.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Rebuild(ctx, snap, nil); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			d.do(t, dir)

			ix, err = index.Open(dir)
			if err != nil {
				t.Fatalf("open a damaged index: %v", err)
			}
			defer ix.Close()
			// Either the damage is seen, or bleve fell back to an older
			// snapshot of the index, which records the older commit it
			// reflects (here the empty index's ""), so Sync brings it up
			// to date just the same.
			if ix.Stale() == "" && ix.Commit() == snap.Commit {
				t.Fatal("a damaged index is taken as up to date")
			}
			t.Logf("reason: %q, commit %q", ix.Stale(), ix.Commit())
			if err := ix.Sync(ctx, snap, nil); err != nil {
				t.Fatal(err)
			}
			if got := searchSet(t, ix, "S5735-L24P4X-A1", all); len(got) != 1 {
				t.Errorf("after rebuild: %v", got)
			}
		})
	}
}

func glob(t *testing.T, dir, pattern string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if ok, _ := filepath.Match(pattern, d.Name()); ok {
				out = append(out, p)
			}
		}
		return nil
	})
	if len(out) == 0 {
		t.Fatalf("no %s in %s", pattern, dir)
	}
	return out
}

func TestLockedAndOldSchema(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), fixture(t), nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = index.OpenWith(dir, index.Options{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, index.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("second open took %s", el) // a hang, not a speed target
	}
	ix.Close()

	// Another analyzer is another schema: rebuilt, with the reason.
	ix, err = index.OpenWith(dir, index.Options{Analyzer: index.AnalyzerCJK})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !strings.Contains(ix.Stale(), "schema") {
		t.Errorf("stale reason %q does not mention the schema", ix.Stale())
	}
}
