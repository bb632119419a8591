package index

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

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
	// The stored fields of the hits are read from the snapshot the search
	// ran on (hold), not by bleve's loader: that looks each hit up by its
	// id and copies every field into a document first, a quarter of a
	// search's allocation.
	hold := &holdQuery{Query: q}
	sr := bleve.NewSearchRequestOptions(hold, size, max(req.From, 0), false)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, errors.New("search: the index is closed")
	}
	if fq != nil {
		fq.fc = ix.facets
	}
	res, err := ix.bi.SearchInContext(ctx, sr)
	defer hold.release()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		f, err := hold.stored(h.IndexInternalID, h.ID)
		if err != nil {
			return nil, fmt.Errorf("search %q: read %s: %w", req.Query, h.ID, err)
		}
		out.Hits = append(out.Hits, Hit{
			Customer:     f.customer,
			CustomerName: f.name,
			Path:         h.ID,
			Kind:         archive.Kind(f.kind),
			Title:        f.title,
			Snippet:      snippet(ix.text, f.snip, vis, c.marks),
			Score:        h.Score,
		})
	}
	if fq != nil && fq.counts != nil {
		out.Facets = fq.counts.result()
	}
	out.Took = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// holdQuery is a query that keeps the index snapshot its search runs on
// until release, so that the hits' stored fields can be read from it by
// document number after the search.
type holdQuery struct {
	query.Query
	is *scorch.IndexSnapshot
}

func (q *holdQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search needs a scorch index, not %T", r)
	}
	if q.is == nil {
		is.AddRef()
		q.is = is
	}
	return q.Query.Searcher(ctx, r, m, o)
}

// release lets the snapshot go.
func (q *holdQuery) release() {
	if q.is != nil {
		_ = q.is.DecRef()
		q.is = nil
	}
}

// hitFields are the stored fields a hit shows.
type hitFields struct{ kind, customer, name, title, snip string }

// stored reads the stored fields of the document numbered id, which must
// be the record at path: a numbering gone wrong must not show one record's
// text under another's name.
func (q *holdQuery) stored(id bindex.IndexInternalID, path string) (hitFields, error) {
	var f hitFields
	if q.is == nil || len(id) != 8 {
		return f, fmt.Errorf("no document %x in the searched snapshot", id)
	}
	n := id.Value()
	for _, ss := range q.is.Segments() {
		if c := ss.Segment().Count(); n >= c { // numbered with its deleted documents, as bleve does
			n -= c
			continue
		}
		seen := false
		err := ss.VisitDocument(n, func(field string, _ byte, v []byte, _ []uint64) bool {
			switch field {
			case "_id":
				seen = string(v) == path
				return seen
			case fKind:
				f.kind = string(v)
			case fCustomer:
				f.customer = string(v)
			case fCustomerName:
				f.name = string(v)
			case sTitle:
				f.title = string(v)
			case sSnip:
				f.snip = string(v)
			}
			return true
		})
		if err == nil && !seen {
			err = fmt.Errorf("document %x is not %s", id, path)
		}
		return f, err
	}
	return f, fmt.Errorf("no document %x in the searched snapshot", id)
}
