package index

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// excludeQuery matches what q matches and none of not: a boolean query's
// must and must-not, without its costs. bleve's boolean searcher rescores
// every match through a conjunction (another layer of searchers for each
// match to step through), and drops a required query that matches
// nothing, which makes it match everything. Here the matches of q pass
// as they are, scores untouched, and the excluded records (found without
// scoring) are stepped over alongside.
type excludeQuery struct {
	q   query.Query
	not []query.Query
}

// excluding returns q without the records of not.
func excluding(q query.Query, not ...query.Query) query.Query {
	if len(not) == 0 {
		return q
	}
	return &excludeQuery{q: q, not: not}
}

func (e *excludeQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	inner, err := e.q.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	if _, none := inner.(*searcher.MatchNoneSearcher); none {
		return inner, nil
	}
	var not query.Query = query.NewDisjunctionQuery(e.not)
	if len(e.not) == 1 {
		not = e.not[0]
	}
	ex, err := not.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		_ = inner.Close()
		return nil, err
	}
	if _, none := ex.(*searcher.MatchNoneSearcher); none {
		_ = ex.Close()
		return inner, nil
	}
	return &excludeSearcher{Searcher: inner, ex: ex}, nil
}

// excludeSearcher passes on the matches of its searcher that the
// exclusion searcher ex does not match.
type excludeSearcher struct {
	search.Searcher
	ex      search.Searcher
	cur     *search.DocumentMatch // ex's match at or after the last one checked
	curN    uint64                // cur's document number
	started bool
	done    bool // ex has no more matches
}

func (s *excludeSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	return s.first(ctx, d, err)
}

func (s *excludeSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	return s.first(ctx, d, err)
}

// first returns d or the first match after it that is not excluded.
func (s *excludeSearcher) first(ctx *search.SearchContext, d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for d != nil && err == nil {
		var out bool
		if out, err = s.excluded(ctx, d.IndexInternalID); err != nil || !out {
			break
		}
		ctx.DocumentMatchPool.Put(d)
		d, err = s.Searcher.Next(ctx)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// excluded reports whether ex matches id; ids come in increasing order.
func (s *excludeSearcher) excluded(ctx *search.SearchContext, id bindex.IndexInternalID) (bool, error) {
	if s.done {
		return false, nil
	}
	if len(id) != 8 {
		return false, fmt.Errorf("exclude: document number %x is not 8 bytes", id)
	}
	n := binary.BigEndian.Uint64(id)
	if s.started && s.curN >= n {
		return s.curN == n, nil
	}
	var err error
	if s.started {
		ctx.DocumentMatchPool.Put(s.cur)
	}
	s.started = true
	if s.cur, err = s.ex.Advance(ctx, id); err != nil {
		return false, err
	}
	if s.cur == nil {
		s.done = true
		return false, nil
	}
	if len(s.cur.IndexInternalID) != 8 {
		return false, fmt.Errorf("exclude: document number %x is not 8 bytes", s.cur.IndexInternalID)
	}
	s.curN = binary.BigEndian.Uint64(s.cur.IndexInternalID)
	return s.curN == n, nil
}

func (s *excludeSearcher) Close() error {
	err := s.Searcher.Close()
	if e := s.ex.Close(); err == nil {
		err = e
	}
	return err
}

func (s *excludeSearcher) DocumentMatchPoolSize() int {
	return s.Searcher.DocumentMatchPoolSize() + s.ex.DocumentMatchPoolSize()
}
