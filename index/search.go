package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/dangan-archive/dangan/archive"
)

// Facets computed for each search, by the name results use.
var facetFields = []struct{ name, field string }{
	{"kind", fKind}, {"industry", fIndustry}, {"district", fDistrict},
	{"vendor", fVendor}, {"account_manager", fAccountManager}, {"technician", fTechnician},
}

const (
	defaultSize = 20
	maxSize     = 200
	facetSize   = 20
)

// Search runs a query as a person typed it. A query that cannot be read
// gives a *QueryError. The Filter is part of the query itself: hidden
// fields are not searched, restricted customers not matched, so totals,
// facets and snippets only count and show what the caller may see.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	clauses, err := parseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	vis := visibility{hide: req.Filter.Hide}
	c := &compiler{text: ix.text, vis: vis}
	q := c.compile(clauses, req.Filter)

	size := req.Size
	if size <= 0 {
		size = defaultSize
	}
	size = min(size, maxSize)
	sr := bleve.NewSearchRequestOptions(q, size, max(req.From, 0), false)
	sr.Fields = []string{fKind, fCustomer, fCustomerName, sTitle, sSnip}
	if req.Facets {
		for _, f := range facetFields {
			if !vis.hidden(f.field) {
				sr.AddFacet(f.name, bleve.NewFacetRequest(f.field, facetSize))
			}
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, errors.New("search: the index is closed")
	}
	res, err := ix.bi.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		str := func(k string) string { s, _ := h.Fields[k].(string); return s }
		out.Hits = append(out.Hits, Hit{
			Customer:     str(fCustomer),
			CustomerName: str(fCustomerName),
			Path:         h.ID,
			Kind:         archive.Kind(str(fKind)),
			Title:        str(sTitle),
			Snippet:      snippet(ix.text, str(sSnip), vis, c.marks),
			Score:        h.Score,
		})
	}
	if req.Facets {
		out.Facets = map[string][]Facet{}
		for _, f := range facetFields {
			fr, ok := res.Facets[f.name]
			if !ok {
				continue
			}
			fs := []Facet{}
			for _, t := range fr.Terms.Terms() {
				fs = append(fs, Facet{Value: t.Term, Count: t.Count})
			}
			// bleve leaves the order of equal counts open; people and
			// tests want the same list every time.
			slices.SortStableFunc(fs, func(a, b Facet) int {
				if a.Count != b.Count {
					return b.Count - a.Count
				}
				return strings.Compare(a.Value, b.Value)
			})
			out.Facets[f.name] = fs
		}
	}
	out.Took = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}
