package index_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/index"
)

// scoredView is a search's answer with each hit's score: documents
// written by several workers in batches of any size must make the index
// one worker makes, statistics included (a term's document frequency,
// a field's length), or scores would differ.
func scoredView(tb testing.TB, ix *index.Index, q string, f index.Filter) view {
	res := search(tb, ix, index.Request{Query: q, Size: 200, Facets: true, Filter: f})
	v := view{Total: res.Total, Facets: res.Facets}
	// Every hit, page by page: which of the hits of equal score make the
	// first page is up to the order of the documents.
	for from := 0; ; {
		for _, h := range res.Hits {
			v.Hits = append(v.Hits, fmt.Sprintf("%.9g|%s|%s|%s|%s|%s", h.Score, h.Path, h.Customer, h.CustomerName, h.Title, h.Snippet))
		}
		from += len(res.Hits)
		if len(res.Hits) == 0 || uint64(from) >= res.Total {
			break
		}
		res = search(tb, ix, index.Request{Query: q, Size: 200, From: from, Filter: f})
	}
	// Records of equal score come in the order of the documents in the
	// index, which the workers' interleaving decides.
	slices.Sort(v.Hits)
	return v
}

// TestRebuildWorkers holds the parallel rebuild to the sequential one:
// the same hits, scores, facets and snippets for every query of the
// fixture tests and the benchmark's query set on a demo archive, for the
// caller who sees everything, a technician and marketing.
func TestRebuildWorkers(t *testing.T) {
	qs, err := index.BenchQueries()
	if err != nil {
		t.Fatal(err)
	}
	files, err := demo.Files(demo.Options{Customers: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	archives := []struct {
		name    string
		files   map[string][]byte
		queries []string
	}{
		{"fixture", readArchive(t, "testdata/archive"), []string{"", "交换机", "米脂县人民医院", "人民医院", "industry:医疗", "status:faulty",
			"2102359988EF", "收银台", "天源酒店", "customer:mz-tianyuan-hotel", "冷链仓库", "technician:zhaolei", "kind:visit", "vendor:华为", "\"光衰偏高\""}},
		{"demo", files, qs},
	}
	technician := index.Filter{AllowRestricted: []string{"mz-renmin-hospital"}}
	for _, a := range archives {
		snap := snapshot(t, "c1", a.files)
		one := mustBuild(t, snap, index.Options{BuildWorkers: 1, BatchSize: 1 << 20})
		for _, o := range []index.Options{{BuildWorkers: 4, BatchSize: 7}, {BuildWorkers: 3, BatchSize: 100}} {
			many := mustBuild(t, snap, o)
			if many.Commit() != "c1" {
				t.Errorf("%s, %+v: commit %q after the rebuild, want c1", a.name, o, many.Commit())
			}
			// Ten batches or more are built in two parts, each merged
			// into a segment of its own; fewer into one segment.
			wantSegs := 1
			if snap.Len() >= 10*o.BatchSize {
				wantSegs = 2
			}
			if n, deleted, err := many.Segments(); err != nil || n != wantSegs || deleted != 0 {
				t.Errorf("%s, %+v: %d segments (%d deleted records, %v) after the rebuild of %d records, want %d", a.name, o, n, deleted, err, snap.Len(), wantSegs)
			}
			for _, f := range []index.Filter{{AllRestricted: true}, technician, marketing} {
				found := 0
				for _, q := range a.queries {
					want, got := scoredView(t, one, q, f), scoredView(t, many, q, f)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s, %q with %+v: %d workers in batches of %d differ from one (-one +several):\n%s", a.name, q, f, o.BuildWorkers, o.BatchSize, diff)
					}
					if want.Total > 0 {
						found++
					}
				}
				if found < len(a.queries)/3 {
					t.Errorf("%s with %+v: only %d of %d queries find anything: the comparison proves little", a.name, f, found, len(a.queries))
				}
			}
		}
	}
}
