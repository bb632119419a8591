package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches terms standing together, in this order, in one
// field: what bleve's PhraseQuery does, checked more cheaply. bleve's
// phrase searcher turns the term locations of every record that has all
// the terms into maps of maps before it compares positions; for the
// words of the trade that stand together in thousands of visit reports
// ("例行巡检", "机房温度") those maps were most of a search. Here the
// positions are compared straight from the list the conjunction of the
// terms gives. Scores are the conjunction's, as bleve's.
type phraseQuery struct {
	terms []string
	field string
}

func newPhraseQuery(terms []string, field string) *phraseQuery {
	return &phraseQuery{terms: terms, field: field}
}

func (q *phraseQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	if o.Score != "none" && !o.Explain && !bm25(ctx) && len(q.terms) > 0 {
		return newPhraseReader(ctx, r, q.terms, q.field, o)
	}
	return q.conjunctionSearcher(ctx, r, o)
}

// conjunctionSearcher is the phrase as bleve's term searchers and
// conjunction, checked by phraseSearcher: for unscored searches and
// explanations, which phraseReader does not give.
func (q *phraseQuery) conjunctionSearcher(ctx context.Context, r bindex.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	o.IncludeTermVectors = true
	var ts []search.Searcher
	closeAll := func() {
		for _, s := range ts {
			_ = s.Close()
		}
	}
	for _, t := range q.terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, 1, o)
		if err != nil {
			closeAll()
			return nil, err
		}
		ts = append(ts, s)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, ts, o)
	if err != nil {
		closeAll()
		return nil, err
	}
	return &phraseSearcher{Searcher: conj, terms: q.terms, pos: make([][]uint64, len(q.terms))}, nil
}

// phraseSearcher passes on the matches of a conjunction of the terms
// where they stand at consecutive positions.
type phraseSearcher struct {
	search.Searcher
	terms []string
	pos   [][]uint64 // scratch: positions of each term in the current record
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	return s.first(ctx, d, err)
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	return s.first(ctx, d, err)
}

// first returns d or the first match after it where the terms stand
// together.
func (s *phraseSearcher) first(ctx *search.SearchContext, d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for d != nil && err == nil {
		if s.together(d) {
			// Nothing reads the locations of a hit (no highlighting):
			// dropping them spares the collector building their maps.
			d.FieldTermLocations = d.FieldTermLocations[:0]
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
		d, err = s.Searcher.Next(ctx)
	}
	return d, err
}

// together reports whether the terms stand at consecutive positions.
func (s *phraseSearcher) together(d *search.DocumentMatch) bool {
	for i := range s.pos {
		s.pos[i] = s.pos[i][:0]
	}
	for _, l := range d.FieldTermLocations {
		if len(l.Location.ArrayPositions) > 0 {
			continue // fields here are never arrays
		}
		for i, t := range s.terms {
			if t == l.Term {
				s.pos[i] = append(s.pos[i], l.Location.Pos)
			}
		}
	}
	return consecutive(s.pos)
}

func (s *phraseSearcher) Min() int { return 0 }

func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.Searcher.DocumentMatchPoolSize() + 1 }

// consecutive says whether pos[0] holds a position p such that every
// pos[i] holds p+i: the phrase's words one after the other.
func consecutive(pos [][]uint64) bool {
next:
	for _, p := range pos[0] {
		for i := 1; i < len(pos); i++ {
			found := false
			for _, q := range pos[i] {
				if q == p+uint64(i) {
					found = true
					break
				}
			}
			if !found {
				continue next
			}
		}
		return true
	}
	return false
}
