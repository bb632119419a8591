package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
)

// TestFacetsCountEveryMatch checks the facet tables against counts made
// from the documents of every match, on an index of several segments,
// some with deleted documents, for queries and filters of every sort.
// (The index keeps no doc values, so bleve's own facets cannot count.)
func TestFacetsCountEveryMatch(t *testing.T) {
	ctx := context.Background()
	ix, snap := segmentedDemoSnap(t)
	marketing := Filter{Hide: archive.DefaultSettings().Roles["marketing"].Hide}
	// Both forms of table: bits (few values, as here) and runs of values.
	for _, form := range []struct {
		name    string
		bitsMax int
	}{{"bits", bitsMax}, {"runs", 0}} {
		ix.facets = newFacetCache()
		ix.facets.bitsMax = form.bitsMax
		for _, f := range []Filter{{AllRestricted: true}, {}, marketing} {
			for _, q := range []string{"", "交换机", "机房 -光猫", "vendor:华为", "kind:visit", "S5735", "industry:教育", "nosuchword"} {
				t.Run(fmt.Sprintf("%s/%s/%v", form.name, q, f.Hide != nil), func(t *testing.T) {
					got, err := ix.Search(ctx, Request{Query: q, Facets: true, Filter: f})
					if err != nil {
						t.Fatal(err)
					}
					if want := documentFacets(t, ix, snap, q, f); !cmp.Equal(want, got.Facets) {
						t.Errorf("facets differ from the matches' documents (-documents +tables):\n%s", cmp.Diff(want, got.Facets))
					}
				})
			}
		}
		for _, tb := range ix.facets.segs {
			if (tb.bits != nil) != (form.name == "bits") {
				t.Errorf("%s: a table is not of that form", form.name)
			}
		}
	}
}

// documentFacets counts the facet values of the documents of every match
// of q, each value once per document, as bleve's facets do.
func documentFacets(t *testing.T, ix *Index, snap *archive.Snapshot, q string, f Filter) map[string][]Facet {
	t.Helper()
	vis := visibility{hide: f.Hide}
	counts := map[string]map[string]int{}
	for _, p := range allHits(t, ix, q, f) {
		r := snap.Record(p)
		if r == nil {
			t.Fatalf("%s: hit %s is not in the archive", q, p)
		}
		seen := map[string]bool{}
		for _, fd := range recordDoc(ix.text, r, snap.Customer(r.Customer)).Fields {
			for _, ff := range facetFields {
				v := string(fd.Value())
				if fd.Name() != ff.field || vis.hidden(ff.field) || seen[ff.name+"\x00"+v] {
					continue
				}
				seen[ff.name+"\x00"+v] = true
				if counts[ff.name] == nil {
					counts[ff.name] = map[string]int{}
				}
				counts[ff.name][v]++
			}
		}
	}
	out := map[string][]Facet{}
	for _, ff := range facetFields {
		if vis.hidden(ff.field) {
			continue
		}
		fs := []Facet{}
		for v, n := range counts[ff.name] {
			fs = append(fs, Facet{Value: v, Count: n})
		}
		slices.SortFunc(fs, func(a, b Facet) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[ff.name] = fs[:min(len(fs), facetSize)]
	}
	return out
}

// allHits is every match of q for f, in one search. Not pages of Search:
// bleve does not order hits of equal score the same way from one search
// to the next, so a page may repeat a hit of the page before and miss
// another (TestFacetsCountEveryMatch failed that way under load).
func allHits(t *testing.T, ix *Index, q string, f Filter) []string {
	t.Helper()
	clauses, err := parseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	c := &compiler{text: ix.text, vis: visibility{hide: f.Hide}}
	res, err := ix.bi.Search(bleve.NewSearchRequestOptions(c.compile(clauses, f), 1<<30, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	if int(res.Total) != len(res.Hits) {
		t.Fatalf("%s: %d hits of %d", q, len(res.Hits), res.Total)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}
