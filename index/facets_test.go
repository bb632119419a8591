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

// TestFacetsEqualBleve checks the facet tables against bleve's own facet
// counting (doc values) on an index of several segments, some with
// deleted documents, for queries and filters of every sort.
func TestFacetsEqualBleve(t *testing.T) {
	ctx := context.Background()
	ix := segmentedDemo(t)
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
					if want := bleveFacets(t, ix, q, f); !cmp.Equal(want, got.Facets) {
						t.Errorf("facets differ from bleve's (-bleve +tables):\n%s", cmp.Diff(want, got.Facets))
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

// bleveFacets counts facets the way bleve does, all values.
func bleveFacets(t *testing.T, ix *Index, q string, f Filter) map[string][]Facet {
	clauses, err := parseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	vis := visibility{hide: f.Hide}
	c := &compiler{text: ix.text, vis: vis}
	sr := bleve.NewSearchRequestOptions(c.compile(clauses, f), 0, 0, false)
	for _, ff := range facetFields {
		if !vis.hidden(ff.field) {
			sr.AddFacet(ff.name, bleve.NewFacetRequest(ff.field, 10000))
		}
	}
	res, err := ix.bi.Search(sr)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]Facet{}
	for _, ff := range facetFields {
		fr, ok := res.Facets[ff.name]
		if !ok {
			continue
		}
		fs := []Facet{}
		for _, tf := range fr.Terms.Terms() {
			fs = append(fs, Facet{Value: tf.Term, Count: tf.Count})
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
