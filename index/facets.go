package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facet counts, computed from tables kept in memory rather than by bleve.
//
// bleve counts facets by visiting the doc values of every facet field of
// every match: for a frequent word over 100,000 records that was most of a
// search's time (the profile in docs/BENCHMARKS.md). Here each segment of
// the index (immutable once written) gets, on first use, a table from its
// document numbers to the facet values of each document, read once from
// the segment's term dictionaries. A search wraps its query's searcher so
// that each match the collector sees is counted from the table as it
// passes: one pass over the matches, a few array reads per match. The
// counts are exact, and since the visibility filter is part of the query,
// they count only what the caller may see.

// segFacets is the facet table of one segment: for facet field i and
// document d, the values are vals[i][starts[i][d]:starts[i][d+1]] (ids in
// facetDict.values[i]).
type segFacets struct {
	starts [][]uint32
	vals   [][]uint32
}

// facetDict numbers the values of each facet field, across segments.
type facetDict struct {
	ids    []map[string]uint32
	values [][]string
}

// facetCache holds the tables of the segments in use.
type facetCache struct {
	mu   sync.Mutex
	dict facetDict
	segs map[segment.Segment]*segFacets
}

func newFacetCache() *facetCache {
	fc := &facetCache{segs: map[segment.Segment]*segFacets{}}
	fc.dict.ids = make([]map[string]uint32, len(facetFields))
	fc.dict.values = make([][]string, len(facetFields))
	for i := range facetFields {
		fc.dict.ids[i] = map[string]uint32{}
	}
	return fc
}

// tables returns the table of each segment of a snapshot (building the
// missing ones) and the number of values of each field so far.
func (fc *facetCache) tables(is *scorch.IndexSnapshot) ([]*segFacets, []int, error) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	segs := is.Segments()
	out := make([]*segFacets, len(segs))
	live := make(map[segment.Segment]bool, len(segs))
	for i, ss := range segs {
		s := ss.Segment()
		live[s] = true
		t := fc.segs[s]
		if t == nil {
			var err error
			if t, err = fc.build(s); err != nil {
				return nil, nil, err
			}
			fc.segs[s] = t
		}
		out[i] = t
	}
	// Segments merged away are forgotten; a search still running on an
	// older snapshot would rebuild what it needs.
	if len(fc.segs) > 2*len(segs)+8 {
		for s := range fc.segs {
			if !live[s] {
				delete(fc.segs, s)
			}
		}
	}
	n := make([]int, len(facetFields))
	for i := range facetFields {
		n[i] = len(fc.dict.values[i])
	}
	return out, n, nil
}

// build reads a segment's facet fields: every term and its postings.
func (fc *facetCache) build(s segment.Segment) (*segFacets, error) {
	docs := int(s.Count())
	t := &segFacets{starts: make([][]uint32, len(facetFields)), vals: make([][]uint32, len(facetFields))}
	perDoc := make([][]uint32, docs)
	for fi, f := range facetFields {
		for d := range perDoc {
			perDoc[d] = perDoc[d][:0]
		}
		dict, err := s.Dictionary(f.field)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", f.name, err)
		}
		if dict != nil {
			it := dict.AutomatonIterator(everything{}, nil, nil)
			var pl segment.PostingsList
			var pi segment.PostingsIterator
			for {
				e, err := it.Next()
				if err != nil {
					return nil, fmt.Errorf("facet %s: %w", f.name, err)
				}
				if e == nil {
					break
				}
				id, ok := fc.dict.ids[fi][e.Term]
				if !ok {
					id = uint32(len(fc.dict.values[fi]))
					fc.dict.ids[fi][e.Term] = id
					fc.dict.values[fi] = append(fc.dict.values[fi], e.Term)
				}
				if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
					return nil, fmt.Errorf("facet %s: %w", f.name, err)
				}
				pi = pl.Iterator(false, false, false, pi)
				for {
					p, err := pi.Next()
					if err != nil {
						return nil, fmt.Errorf("facet %s: %w", f.name, err)
					}
					if p == nil {
						break
					}
					if n := p.Number(); n < uint64(docs) {
						perDoc[n] = append(perDoc[n], id)
					}
				}
			}
		}
		starts := make([]uint32, docs+1)
		var vals []uint32
		for d, vs := range perDoc {
			starts[d] = uint32(len(vals))
			vals = append(vals, vs...)
		}
		starts[docs] = uint32(len(vals))
		t.starts[fi], t.vals[fi] = starts, slices.Clip(vals)
	}
	return t, nil
}

// everything is the automaton that accepts every term.
type everything struct{}

func (everything) Start() int               { return 0 }
func (everything) IsMatch(int) bool         { return true }
func (everything) CanMatch(int) bool        { return true }
func (everything) WillAlwaysMatch(int) bool { return true }
func (everything) Accept(int, byte) int     { return 0 }

// facetCounts counts the facet values of the matches of one search.
type facetCounts struct {
	fields  []bool // which facet fields are counted (not hidden)
	tables  []*segFacets
	offsets []uint64 // first document number of each segment in the snapshot
	counts  [][]int
	values  [][]string
}

func (c *facetCounts) add(id bindex.IndexInternalID) {
	if len(id) != 8 {
		return
	}
	n := binary.BigEndian.Uint64(id)
	s, _ := slices.BinarySearch(c.offsets, n+1)
	s-- // the last segment starting at or before n
	if s < 0 || s >= len(c.tables) {
		return
	}
	t, d := c.tables[s], n-c.offsets[s]
	for fi, on := range c.fields {
		if !on {
			continue
		}
		st := t.starts[fi]
		if d+1 >= uint64(len(st)) {
			continue
		}
		for _, v := range t.vals[fi][st[d]:st[d+1]] {
			c.counts[fi][v]++
		}
	}
}

// result gives the facets in the order people read them: most frequent
// first, equal counts by value, at most facetSize each.
func (c *facetCounts) result() map[string][]Facet {
	out := map[string][]Facet{}
	for fi, f := range facetFields {
		if !c.fields[fi] {
			continue
		}
		fs := []Facet{}
		for v, n := range c.counts[fi] {
			if n > 0 {
				fs = append(fs, Facet{Value: c.values[fi][v], Count: n})
			}
		}
		slices.SortFunc(fs, func(a, b Facet) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[f.name] = fs[:min(len(fs), facetSize)]
	}
	return out
}

// facetQuery is a query whose searcher counts the facets of every match it
// hands to the collector.
type facetQuery struct {
	query.Query
	fc     *facetCache
	fields []bool
	counts *facetCounts // set by Searcher
}

func (q *facetQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("facets need a scorch index, not %T", r)
	}
	inner, err := q.Query.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	tables, sizes, err := q.fc.tables(is)
	if err != nil {
		_ = inner.Close()
		return nil, err
	}
	c := &facetCounts{fields: q.fields, tables: tables, counts: make([][]int, len(facetFields)), values: make([][]string, len(facetFields))}
	var running uint64
	for _, ss := range is.Segments() {
		c.offsets = append(c.offsets, running)
		running += ss.Segment().Count()
	}
	q.fc.mu.Lock()
	for fi := range facetFields {
		c.counts[fi] = make([]int, sizes[fi])
		c.values[fi] = q.fc.dict.values[fi][:sizes[fi]]
	}
	q.fc.mu.Unlock()
	q.counts = c
	return &countingSearcher{Searcher: inner, c: c}, nil
}

// countingSearcher counts each match it returns. The collector only calls
// Next on the root searcher, so every hit is counted once.
type countingSearcher struct {
	search.Searcher
	c *facetCounts
}

func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.c.add(d.IndexInternalID)
	}
	return d, err
}

func (s *countingSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.c.add(d.IndexInternalID)
	}
	return d, err
}
