package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"
)

// phraseReader is the phrase searcher of a scored search: the phrase's
// terms read straight from their postings, without the term searchers and
// conjunction of phraseSearcher.
//
// Frequent phrases ("例行巡检", "机房温度": 15,719 records at 10,000
// customers) were the costliest queries of the benchmark. Per record,
// bleve's term searchers each took a match from the pool and copied the
// term's locations into it, the conjunction merged those lists and summed
// the scores, and phraseSearcher read the merged list back: about half of
// such a search. Here the postings readers are stepped together, the
// positions checked in the term vectors the readers give, and a record
// that has the phrase is scored by the same scorers bleve's term
// searchers use, summed in the order its conjunction sums them, so the
// scores are the same to the bit (TestPhraseReaderEqualsSearcher).
type phraseReader struct {
	readers []bindex.TermFieldReader // in the conjunction's order: fewest records first
	scorers []*scorer.TermQueryScorer
	tfds    []bindex.TermFieldDoc
	cur     []*bindex.TermFieldDoc // each reader's record; nil: no more
	order   []int                  // the phrase position of each reader's term
	pos     [][]uint64             // scratch: positions of each phrase term
	id      [8]byte                // scratch: a record number to advance to
	started bool
	step    bool // the readers are on the record returned last
	done    bool
}

// bm25 reports whether the index scores with BM25, which the term
// searchers' statistics are gathered for differently: phraseReader keeps
// to tf-idf, the index's model.
func bm25(ctx context.Context) bool {
	if ctx == nil {
		return false
	}
	f, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn)
	return ok && f() == bindex.BM25Scoring
}

func newPhraseReader(ctx context.Context, r bindex.IndexReader, terms []string, field string, o search.SearcherOptions) (search.Searcher, error) {
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s := &phraseReader{pos: make([][]uint64, len(terms))}
	for i, t := range terms {
		if err := search.RecordTermSearcher(ctx); err != nil {
			_ = s.Close()
			return nil, err
		}
		tr, err := r.TermFieldReader(ctx, []byte(t), field, true, true, true)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		s.readers = append(s.readers, tr)
		s.scorers = append(s.scorers, scorer.NewTermQueryScorer([]byte(t), field, 1, docs, tr.Count(), 0, o))
		s.order = append(s.order, i)
	}
	// bleve's conjunction sorts its term searchers by their counts, with
	// sort.Sort (not stable), and sums their scores in that order: the
	// same sort of the same counts gives the same order.
	sort.Sort(byCount{s})
	// As bleve's conjunction does: the readers' postings are cut to the
	// records that have every term, so that they step together.
	if len(s.readers) > 1 {
		var octx bindex.OptimizableContext
		for _, tr := range s.readers {
			o, ok := tr.(bindex.Optimizable)
			if !ok {
				octx = nil
				break
			}
			if octx, err = o.Optimize("conjunction", octx); err != nil {
				_ = s.Close()
				return nil, err
			}
			if octx == nil {
				break
			}
		}
		if octx != nil {
			if _, err := octx.Finish(); err != nil {
				_ = s.Close()
				return nil, err
			}
		}
	}
	s.tfds = make([]bindex.TermFieldDoc, len(s.readers))
	s.cur = make([]*bindex.TermFieldDoc, len(s.readers))
	// As NewConjunctionSearcher does; a parent sets its own norm later.
	sum := 0.0
	for _, sc := range s.scorers {
		sum += sc.Weight()
	}
	s.SetQueryNorm(1.0 / math.Sqrt(sum))
	return s, nil
}

// byCount sorts a phraseReader's readers as OrderedSearcherList sorts
// term searchers.
type byCount struct{ s *phraseReader }

func (b byCount) Len() int { return len(b.s.readers) }
func (b byCount) Less(i, j int) bool {
	return b.s.readers[i].Count() < b.s.readers[j].Count()
}
func (b byCount) Swap(i, j int) {
	s := b.s
	s.readers[i], s.readers[j] = s.readers[j], s.readers[i]
	s.scorers[i], s.scorers[j] = s.scorers[j], s.scorers[i]
	s.order[i], s.order[j] = s.order[j], s.order[i]
}

func (s *phraseReader) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if err := s.start(nil); err != nil || s.done {
		return nil, err
	}
	return s.find(ctx)
}

func (s *phraseReader) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	if len(id) != 8 {
		return nil, fmt.Errorf("phrase: document number %x is not 8 bytes", id)
	}
	if err := s.start(id); err != nil || s.done {
		return nil, err
	}
	if s.step {
		if err := s.stepAll(); err != nil || s.done {
			return nil, err
		}
	}
	target := binary.BigEndian.Uint64(id)
	for i := range s.readers {
		if docNum(s.cur[i]) < target {
			if err := s.advance(i, target); err != nil || s.done {
				return nil, err
			}
		}
	}
	return s.find(ctx)
}

// start puts the readers on their first record (at or after id).
func (s *phraseReader) start(id bindex.IndexInternalID) error {
	if s.started {
		return nil
	}
	s.started = true
	for i, r := range s.readers {
		var err error
		if id != nil {
			s.cur[i], err = r.Advance(id, &s.tfds[i])
		} else {
			s.cur[i], err = r.Next(&s.tfds[i])
		}
		if err != nil {
			return err
		}
		if s.cur[i] == nil {
			s.done = true
			return nil
		}
	}
	return nil
}

// find returns the first record at or after the readers' where the terms
// stand together, and leaves the readers on it.
func (s *phraseReader) find(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for !s.done {
		if s.step {
			if err := s.stepAll(); err != nil || s.done {
				return nil, err
			}
		}
		// Step the readers behind to the furthest one until all agree.
		for {
			hi, same := docNum(s.cur[0]), true
			for _, c := range s.cur[1:] {
				if n := docNum(c); n != hi {
					same = false
					hi = max(hi, n)
				}
			}
			if same {
				break
			}
			for i := range s.readers {
				if docNum(s.cur[i]) < hi {
					if err := s.advance(i, hi); err != nil || s.done {
						return nil, err
					}
				}
			}
		}
		s.step = true
		if s.together() {
			return s.score(ctx), nil
		}
	}
	return nil, nil
}

// stepAll moves every reader past the record they are on.
func (s *phraseReader) stepAll() error {
	s.step = false
	for i, r := range s.readers {
		var err error
		if s.cur[i], err = r.Next(&s.tfds[i]); err != nil {
			return err
		}
		if s.cur[i] == nil {
			s.done = true
			return nil
		}
	}
	return nil
}

func (s *phraseReader) advance(i int, n uint64) error {
	binary.BigEndian.PutUint64(s.id[:], n)
	var err error
	if s.cur[i], err = s.readers[i].Advance(s.id[:], &s.tfds[i]); err != nil {
		return err
	}
	if s.cur[i] == nil {
		s.done = true
	}
	return nil
}

func docNum(d *bindex.TermFieldDoc) uint64 {
	if len(d.ID) != 8 {
		return math.MaxUint64
	}
	return binary.BigEndian.Uint64(d.ID)
}

// together reports whether the terms stand at consecutive positions in
// the readers' record, as phraseSearcher.together does.
func (s *phraseReader) together() bool {
	for i := range s.pos {
		s.pos[i] = s.pos[i][:0]
	}
	for i, c := range s.cur {
		for _, v := range c.Vectors {
			if len(v.ArrayPositions) == 0 {
				s.pos[s.order[i]] = append(s.pos[s.order[i]], v.Pos)
			}
		}
	}
	return consecutive(s.pos)
}

// score is the record's match: each term scored by its scorer (without
// its locations, which nothing reads) and the scores summed in the
// readers' order, as ConjunctionQueryScorer sums them.
func (s *phraseReader) score(ctx *search.SearchContext) *search.DocumentMatch {
	var rv *search.DocumentMatch
	sum := 0.0
	for i, c := range s.cur {
		d := s.scorers[i].Score(ctx, &bindex.TermFieldDoc{Term: c.Term, ID: c.ID, Freq: c.Freq, Norm: c.Norm})
		sum += d.Score
		if rv == nil {
			rv = d
		} else {
			ctx.DocumentMatchPool.Put(d)
		}
	}
	rv.Score = sum
	rv.FieldTermLocations = rv.FieldTermLocations[:0]
	return rv
}

func (s *phraseReader) Close() error {
	var err error
	for _, r := range s.readers {
		if e := r.Close(); err == nil {
			err = e
		}
	}
	return err
}

func (s *phraseReader) Weight() float64 {
	var w float64
	for _, sc := range s.scorers {
		w += sc.Weight()
	}
	return w
}

func (s *phraseReader) SetQueryNorm(n float64) {
	for _, sc := range s.scorers {
		sc.SetQueryNorm(n)
	}
}

func (s *phraseReader) Count() uint64 {
	var n uint64
	for _, r := range s.readers {
		n += r.Count()
	}
	return n
}

func (s *phraseReader) Min() int { return 0 }

func (s *phraseReader) Size() int {
	n := 0
	for _, r := range s.readers {
		n += r.Size()
	}
	return n
}

func (s *phraseReader) DocumentMatchPoolSize() int { return len(s.readers) + 1 }
