package index

import (
	"context"
	"errors"
	"fmt"
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
	var fq *facetQuery
	if req.Facets {
		fields := make([]bool, len(facetFields))
		for i, f := range facetFields {
			fields[i] = !vis.hidden(f.field)
		}
		fq = &facetQuery{Query: q, fields: fields}
		q = fq
	}
	sr := bleve.NewSearchRequestOptions(q, size, max(req.From, 0), false)
	sr.Fields = []string{fKind, fCustomer, fCustomerName, sTitle, sSnip}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, errors.New("search: the index is closed")
	}
	if fq != nil {
		fq.fc = ix.facets
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
	if fq != nil && fq.counts != nil {
		out.Facets = fq.counts.result()
	}
	out.Took = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}
