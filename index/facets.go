package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
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
// the segment's term dictionaries (so the index keeps no doc values: they
// were 3 MB of 75 at 10,000 customers, for nothing else). A search wraps its query's searcher so
// that each match the collector sees is counted from the table as it
// passes: one pass over the matches, a few array reads per match. The
// counts are exact, and since the visibility filter is part of the query,
// they count only what the caller may see.

// segFacets is the facet table of one segment: the values of document d,
// every facet field's, are vals[starts[d]:starts[d+1]], numbered in
// facetDict. One run per document rather than one per field and
// document: counting a match reads two adjacent numbers and a few
// consecutive ones, where the tables per field cost a cache miss each on
// an index of 100,000 records.
//
// When the values numbered so far are few (at most bitsMax; the demo of
// 10,000 customers has 50), a document's values are instead the bits of
// one word: an eighth of the memory, and counting a match reads one word
// where it read two arrays. The tables are 0.7 MB instead of 2.2 MB at
// 89,000 records, and it was the reads that missed the cache, not the
// counting, that made facets 7 % of a server's CPU under load.
type segFacets struct {
	starts []uint32
	vals   []uint32
	bits   []uint64 // when set, instead of starts and vals: bit v of bits[d] is value v
}

// bitsMax is the most values a table of bits can hold.
const bitsMax = 64

// facetDict numbers the values of the facet fields, across segments and
// fields: value i is values[i] of facet field field[i].
type facetDict struct {
	ids    []map[string]uint32 // by facet field
	field  []uint8
	values []string
}

// facetCache holds the tables of the segments in use.
type facetCache struct {
	mu   sync.Mutex
	dict facetDict
	segs map[segment.Segment]*segFacets
	// bitsMax is the most values numbered for a table to be made of bits
	// (tests lower it to check the other form).
	bitsMax int
}

func newFacetCache() *facetCache {
	fc := &facetCache{segs: map[segment.Segment]*segFacets{}, bitsMax: bitsMax}
	fc.dict.ids = make([]map[string]uint32, len(facetFields))
	for i := range facetFields {
		fc.dict.ids[i] = map[string]uint32{}
	}
	return fc
}

// tables returns the table of each segment of a snapshot (building the
// missing ones) and the number of values numbered so far.
func (fc *facetCache) tables(is *scorch.IndexSnapshot) ([]*segFacets, int, error) {
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
				return nil, 0, err
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
	return out, len(fc.dict.values), nil
}

// build reads a segment's facet fields: every term and its postings.
func (fc *facetCache) build(s segment.Segment) (*segFacets, error) {
	docs := int(s.Count())
	perDoc := make([][]uint32, docs)
	for fi, f := range facetFields {
		dict, err := s.Dictionary(f.field)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", f.name, err)
		}
		if dict == nil {
			continue
		}
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
				id = uint32(len(fc.dict.values))
				fc.dict.ids[fi][e.Term] = id
				fc.dict.field = append(fc.dict.field, uint8(fi))
				fc.dict.values = append(fc.dict.values, e.Term)
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
	if len(fc.dict.values) <= min(fc.bitsMax, bitsMax) {
		t := &segFacets{bits: make([]uint64, docs)}
		for d, vs := range perDoc {
			for _, v := range vs {
				t.bits[d] |= 1 << v
			}
		}
		return t, nil
	}
	t := &segFacets{starts: make([]uint32, docs+1)}
	for d, vs := range perDoc {
		t.starts[d] = uint32(len(t.vals))
		t.vals = append(t.vals, vs...)
	}
	t.starts[docs] = uint32(len(t.vals))
	t.vals = slices.Clip(t.vals)
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
	fields  []bool // which facet fields are shown (not hidden)
	tables  []*segFacets
	offsets []uint64 // first document number of each segment in the snapshot
	counts  []int32  // by value number
	field   []uint8
	values  []string
}

func (c *facetCounts) add(id bindex.IndexInternalID) {
	if len(id) != 8 {
		return
	}
	n := binary.BigEndian.Uint64(id)
	s := 0
	if len(c.offsets) > 1 {
		s, _ = slices.BinarySearch(c.offsets, n+1)
		s-- // the last segment starting at or before n
	}
	if s < 0 || s >= len(c.tables) {
		return
	}
	t, d := c.tables[s], n-c.offsets[s]
	if t.bits != nil {
		if d < uint64(len(t.bits)) {
			for b := t.bits[d]; b != 0; b &= b - 1 {
				c.counts[bits.TrailingZeros64(b)]++
			}
		}
		return
	}
	if d+1 >= uint64(len(t.starts)) {
		return
	}
	// Hidden fields are counted too (it costs less than telling them
	// apart) and left out of the result.
	for _, v := range t.vals[t.starts[d]:t.starts[d+1]] {
		c.counts[v]++
	}
}

// result gives the facets in the order people read them: most frequent
// first, equal counts by value, at most facetSize each.
func (c *facetCounts) result() map[string][]Facet {
	per := make([][]Facet, len(facetFields))
	for v, n := range c.counts {
		if fi := c.field[v]; n > 0 && c.fields[fi] {
			per[fi] = append(per[fi], Facet{Value: c.values[v], Count: int(n)})
		}
	}
	out := map[string][]Facet{}
	for fi, f := range facetFields {
		if !c.fields[fi] {
			continue
		}
		fs := per[fi]
		if fs == nil {
			fs = []Facet{}
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
	tables, size, err := q.fc.tables(is)
	if err != nil {
		_ = inner.Close()
		return nil, err
	}
	c := &facetCounts{fields: q.fields, tables: tables, counts: make([]int32, size)}
	var running uint64
	for _, ss := range is.Segments() {
		c.offsets = append(c.offsets, running)
		running += ss.Segment().Count()
	}
	q.fc.mu.Lock()
	c.field = q.fc.dict.field[:size]
	c.values = q.fc.dict.values[:size]
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
