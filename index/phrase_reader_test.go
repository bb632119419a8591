package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// viaConjunction is a phrase searched the way phraseReader replaced:
// bleve's term searchers and conjunction, checked by phraseSearcher.
type viaConjunction struct{ *phraseQuery }

func (q viaConjunction) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	return q.conjunctionSearcher(ctx, r, o)
}

// TestPhraseReaderEqualsSearcher runs the benchmark's queries (phrases,
// and words of several terms, whose phrase ranks records where the terms
// stand together) with phraseReader and with the searchers it replaced,
// on an index of several segments with deleted records, for three
// filters: the same totals, hits, order and scores to the last bit. Then
// each phrase alone in each field, where nothing else adds to its score.
func TestPhraseReaderEqualsSearcher(t *testing.T) {
	ix := segmentedDemo(t)
	qs, err := BenchQueries()
	if err != nil {
		t.Fatal(err)
	}
	qs = append(qs, `"机房温度"`, `"例行巡检"`, `"交换机 交换机"`, `"温度机房"`, "核心交换机故障", `"nosuchword 机房"`)
	old := func(q query.Query) query.Query {
		if p, ok := q.(*phraseQuery); ok {
			return viaConjunction{p}
		}
		return q
	}
	phrases := map[string]*phraseQuery{}
	found := 0
	eachCompiled(t, ix, qs, func(f Filter, qs string, q query.Query) {
		rewrite(q, nil, func(q query.Query) query.Query {
			if p, ok := q.(*phraseQuery); ok {
				phrases[p.field+" "+fmt.Sprint(p.terms)] = p
			}
			return q
		})
		want, got := hitList(t, ix, rewrite(q, nil, old)), hitList(t, ix, q)
		if got != want {
			t.Errorf("%q %v:\n got %s\nwant %s", qs, f, got, want)
		}
	})
	for k, p := range phrases {
		want, got := hitList(t, ix, viaConjunction{p}), hitList(t, ix, p)
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", k, got, want)
		}
		if !strings.HasPrefix(want, "0:") {
			found++
		}
	}
	t.Logf("%d phrases compared alone, %d of them found", len(phrases), found)
	if found < 30 {
		t.Errorf("only %d phrases found anything: the test compares too little", found)
	}
}
