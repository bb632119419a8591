package index

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/dangan-archive/dangan/archive"
)

// planSeg is a segment as scorch's merge planner sees it: a live size in
// documents, no deletions.
type planSeg struct {
	id   uint64
	size int64
}

func (s planSeg) Id() uint64          { return s.id }
func (s planSeg) FullSize() int64     { return s.size }
func (s planSeg) LiveSize() int64     { return s.size }
func (s planSeg) HasVector() bool     { return false }
func (s planSeg) FileSize() int64     { return s.size * 400 }
func (s planSeg) LiveFileSize() int64 { return s.size * 400 }

// planOptions decodes a scorchMergePlanOptions setting the way scorch
// does: JSON over bleve's defaults.
func planOptions(t *testing.T, setting map[string]any) mergeplan.MergePlanOptions {
	t.Helper()
	mo := mergeplan.DefaultMergePlanOptions
	b, err := json.Marshal(setting)
	if err != nil {
		t.Fatal(err)
	}
	// A misspelt key would be ignored by scorch: refuse it here.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&mo); err != nil {
		t.Fatalf("merge plan setting %v: %v", setting, err)
	}
	if err := mergeplan.ValidateMergePlannerOptions(&mo); err != nil {
		t.Fatalf("scorch refuses the merge plan %v: %v", setting, err)
	}
	return mo
}

// saves replays one-file saves over a freshly built index of big records
// under the merge plan mo, applying each plan at once as scorch's merger
// does, and returns the most segments seen and the documents rewritten
// by merges involving the big segment.
func saves(t *testing.T, mo mergeplan.MergePlanOptions, big int64, n int) (most int, bigRewrites int64) {
	t.Helper()
	next := uint64(1)
	segs := []mergeplan.Segment{planSeg{id: next, size: big}}
	for i := range n {
		next++
		segs = append(segs, planSeg{id: next, size: int64(1 + i%9)})
		plan, err := mergeplan.Plan(segs, &mo)
		if err != nil {
			t.Fatal(err)
		}
		if plan == nil {
			most = max(most, len(segs))
			continue
		}
		for _, task := range plan.Tasks {
			var merged int64
			for _, s := range task.Segments {
				merged += s.LiveSize()
				if s.Id() == 1 {
					bigRewrites += big
				}
				segs = slices.DeleteFunc(segs, func(x mergeplan.Segment) bool { return x.Id() == s.Id() })
			}
			next++
			segs = append(segs, planSeg{id: next, size: merged})
		}
		most = max(most, len(segs))
	}
	return most, bigRewrites
}

func TestServingMergesKeepFewSegments(t *testing.T) {
	mo := planOptions(t, servingMerges)
	for _, tc := range []struct {
		big  int64 // records of the rebuild
		most int   // segments allowed: one per tier of ten
	}{{900, 2}, {8_900, 2}, {89_000, 3}, {900_000, 4}} {
		t.Run(fmt.Sprint(tc.big), func(t *testing.T) {
			big := tc.big
			most, rewrites := saves(t, mo, big, 200)
			if most > tc.most {
				t.Errorf("after one-file saves the index had %d segments, want at most %d", most, tc.most)
			}
			if big >= 8_900 && rewrites > 0 {
				t.Errorf("saves rewrote the rebuild's segment (%d documents)", rewrites)
			}
		})
	}
	// Why the setting exists: bleve's default plan leaves a dozen.
	if most, _ := saves(t, mergeplan.DefaultMergePlanOptions, 89_000, 20); most < 10 {
		t.Errorf("bleve's default plan kept %d segments; if it merges small segments now, servingMerges may be unneeded", most)
	}
}

// TestLiveIndexMergesSaves checks that scorch takes the setting at open
// and merges the segments of one-file saves on an index opened from disk.
// liveFixture is an index of testdata/archive built, closed and opened
// again as a server opens it; load makes a snapshot of files, which the
// caller may change.
func liveFixture(t *testing.T) (*Index, map[string][]byte, func(commit string) *archive.Snapshot) {
	t.Helper()
	files := map[string][]byte{}
	root := filepath.Join("testdata", "archive")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	load := func(commit string) *archive.Snapshot {
		snap, err := archive.Load(commit, func(yield func(archive.File, error) bool) {
			for _, p := range slices.Sorted(maps.Keys(files)) {
				h := sha1.Sum(files[p])
				if !yield(archive.File{Path: p, Version: hex.EncodeToString(h[:]), Data: files[p]}, nil) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), load("c0"), nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if ix, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, files, load
}

func TestLiveIndexMergesSaves(t *testing.T) {
	ctx := context.Background()
	ix, files, load := liveFixture(t)
	const visit = "customers/mz-lvyuan-coldchain/visits/2026-08-02-repair.md"
	body := files[visit]
	for i := range 12 {
		files[visit] = fmt.Appendf(slices.Clone(body), "\n第 %d 次补记。\n", i)
		if err := ix.Update(ctx, load(fmt.Sprint("c", i+1)), []string{visit}, nil); err != nil {
			t.Fatal(err)
		}
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	s := adv.(*scorch.Scorch)
	segments := func() uint64 {
		m := s.StatsMap()
		return m["num_root_memorysegments"].(uint64) + m["num_root_filesegments"].(uint64)
	}
	// Merges run in the background: give them a moment.
	deadline := time.Now().Add(10 * time.Second)
	for segments() > 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := segments(); n > 3 {
		t.Errorf("after 12 one-file saves the live index has %d segments, want at most 3", n)
	}
	res, err := ix.Search(ctx, Request{Query: "补记", Filter: Filter{AllRestricted: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("补记 after the saves: %d hits, want the one visit", res.Total)
	}
}

func TestCompact(t *testing.T) {
	// No merges after saves here: the segments they leave must still be
	// there when the test looks.
	defer func(m map[string]any) { servingMerges = m }(servingMerges)
	servingMerges = noMerges
	ctx := context.Background()
	ix, files, load := liveFixture(t)
	const visit = "customers/mz-lvyuan-coldchain/visits/2026-08-02-repair.md"
	body := files[visit]
	for i := range 3 {
		files[visit] = fmt.Appendf(slices.Clone(body), "\n第 %d 次补记。\n", i)
		if err := ix.Update(ctx, load(fmt.Sprint("c", i+1)), []string{visit}, nil); err != nil {
			t.Fatal(err)
		}
	}
	n, deleted, err := ix.Segments()
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 || deleted == 0 {
		t.Fatalf("after three saves: %d segments, %d deleted records; the test needs several and some", n, deleted)
	}
	before, err := ix.Search(ctx, Request{Query: "设备", Facets: true, Filter: Filter{AllRestricted: true}})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := ix.Compact(ctx)
	if err != nil || !merged {
		t.Fatalf("Compact = %v, %v", merged, err)
	}
	if n, deleted, _ = ix.Segments(); n != 1 || deleted != 0 {
		t.Errorf("after Compact: %d segments, %d deleted records, want 1 and 0", n, deleted)
	}
	after, err := ix.Search(ctx, Request{Query: "设备", Facets: true, Filter: Filter{AllRestricted: true}})
	if err != nil {
		t.Fatal(err)
	}
	if before.Total != after.Total || len(before.Hits) != len(after.Hits) {
		t.Errorf("search before compaction: %d hits, after: %d", before.Total, after.Total)
	}
	if again, err := ix.Compact(ctx); again || err != nil {
		t.Errorf("Compact of one segment = %v, %v; want nothing to do", again, err)
	}
}
