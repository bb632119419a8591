package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
)

// TestConjunctionEqualsBleve runs the benchmark's queries (and a few
// more) with every conjunction prefiltered, whatever its size, and with
// bleve's conjunctions instead, on an index of several segments with
// deleted documents, for three filters: the same totals, the same hits in
// the same order, the same scores to the last bit.
func TestConjunctionEqualsBleve(t *testing.T) {
	ctx := context.Background()
	ix := segmentedDemo(t)
	qs, err := BenchQueries()
	if err != nil {
		t.Fatal(err)
	}
	qs = append(qs, "交换机 机房", "机房 交换机 光模块", "客户经理", "核心交换机故障", "机房 -巡检", "kind:visit 机房 温度", "nosuchword 机房",
		"vendor:华为 交换机", "date:2026-01-01..2026-06-30 机房", "交换机交换机")
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	compared, prefilteredN := 0, 0
	eachCompiled(t, ix, qs, func(f Filter, qs string, q query.Query) {
		always := rewriteConjunctions(q, func(c conjunctionQuery) query.Query {
			c.min = 0
			return c
		})
		plain := rewriteConjunctions(q, func(c conjunctionQuery) query.Query { return c.ConjunctionQuery })
		want, got := hitList(t, ix, plain), hitList(t, ix, always)
		if got != want {
			t.Errorf("%q %v:\n got %s\nwant %s", qs, f, got, want)
		}
		compared++
		walkConjunctions(always, func(c conjunctionQuery) {
			s, err := c.Searcher(ctx, r, ix.bi.Mapping(), search.SearcherOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := s.(*prefiltered); ok {
				prefilteredN++
			}
			_ = s.Close()
		})
	})
	t.Logf("%d searches compared, %d conjunctions prefiltered", compared, prefilteredN)
	if prefilteredN < 100 {
		t.Errorf("only %d conjunctions of %d queries were prefiltered: the test compares too little", prefilteredN, compared)
	}
}

// eachCompiled compiles each query as three callers would, and hands it
// to f: a technician (one restricted customer of theirs), marketing
// (whose hidden fields include one kind's part of a prose field) and one
// who sees everything. The equality tests compare two ways of running
// each.
func eachCompiled(t *testing.T, ix *Index, qs []string, f func(filter Filter, qs string, q query.Query)) {
	t.Helper()
	marketing := Filter{Hide: archive.DefaultSettings().Roles["marketing"].Hide}
	for _, filter := range []Filter{{AllowRestricted: []string{"mz-renmin-hospital"}}, marketing, {AllRestricted: true}} {
		for _, qs := range qs {
			clauses, err := parseQuery(qs)
			if err != nil {
				t.Fatalf("%q: %v", qs, err)
			}
			c := &compiler{text: ix.text, vis: visibility{hide: filter.Hide}}
			f(filter, qs, c.compile(clauses, filter))
		}
	}
}

// hitList is a search's total and every hit (ids and exact scores), in
// order of score and, among equal scores, of id. Every hit, and not the
// collector's order of ties, because scorch merges segments in the
// background: two searches may run on two numberings of the same
// records, and ties come in the order of the numbering.
func hitList(t *testing.T, ix *Index, q query.Query) string {
	t.Helper()
	const all = 2000
	res, err := ix.bi.Search(bleve.NewSearchRequestOptions(q, all, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	if res.Total > all {
		t.Fatalf("%d hits: the comparison needs them all (at most %d)", res.Total, all)
	}
	hits := res.Hits
	slices.SortStableFunc(hits, func(a, b *search.DocumentMatch) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return strings.Compare(a.ID, b.ID)
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", res.Total)
	for _, h := range hits {
		fmt.Fprintf(&b, " %s %x", h.ID, math.Float64bits(h.Score))
	}
	return b.String()
}

// rewriteConjunctions copies the query tree with each conjunctionQuery
// replaced by f's answer.
func rewriteConjunctions(q query.Query, f func(conjunctionQuery) query.Query) query.Query {
	return rewrite(q, f, nil)
}

// rewrite copies the query tree with each conjunctionQuery replaced by
// conj's answer and each phraseQuery and fieldsTermQuery by leaf's (nil:
// kept).
func rewrite(q query.Query, conj func(conjunctionQuery) query.Query, leaf func(query.Query) query.Query) query.Query {
	all := func(qs []query.Query) []query.Query {
		out := make([]query.Query, len(qs))
		for i, q := range qs {
			out[i] = rewrite(q, conj, leaf)
		}
		return out
	}
	switch q := q.(type) {
	case conjunctionQuery:
		c := q
		c.ConjunctionQuery = query.NewConjunctionQuery(all(q.Conjuncts))
		if conj == nil {
			return c
		}
		return conj(c)
	case *phraseQuery, *fieldsTermQuery:
		if leaf == nil {
			return q
		}
		return leaf(q)
	case *query.ConjunctionQuery:
		return query.NewConjunctionQuery(all(q.Conjuncts))
	case *query.DisjunctionQuery:
		return query.NewDisjunctionQuery(all(q.Disjuncts))
	case *query.BooleanQuery:
		b := *q
		for _, p := range []*query.Query{&b.Must, &b.Should, &b.MustNot} {
			if *p != nil {
				*p = rewrite(*p, conj, leaf)
			}
		}
		return &b
	case *excludeQuery:
		return &excludeQuery{q: rewrite(q.q, conj, leaf), not: all(q.not)}
	}
	return q
}

func walkConjunctions(q query.Query, f func(conjunctionQuery)) {
	rewriteConjunctions(q, func(c conjunctionQuery) query.Query {
		f(c)
		return c
	})
}

// segmentedDemo indexes a demo archive of 40 customers in one build and
// several updates: segments of different sizes, some with deleted
// documents, as a server's index has between merges.
func segmentedDemo(t *testing.T) *Index {
	t.Helper()
	ix, _ := segmentedDemoSnap(t)
	return ix
}

// segmentedDemoSnap is segmentedDemo and the snapshot the index is at.
func segmentedDemoSnap(t *testing.T) (*Index, *archive.Snapshot) {
	t.Helper()
	ctx := context.Background()
	files, err := demo.Files(demo.Options{Customers: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var all []archive.File
	for p, d := range files {
		all = append(all, archive.File{Path: p, Data: d})
	}
	slices.SortFunc(all, func(a, b archive.File) int { return strings.Compare(a.Path, b.Path) })
	half := map[string][]byte{}
	for _, f := range all[:len(all)/2] {
		half[f.Path] = f.Data
	}
	ix, snap := indexFiles(t, half)
	for i := len(all) / 2; i < len(all); i += 97 {
		chunk := all[i:min(i+97, len(all))]
		var paths []string
		for _, f := range chunk {
			paths = append(paths, f.Path)
		}
		snap = snap.With(fmt.Sprint("u", i), chunk, nil)
		if err := ix.Update(ctx, snap, paths, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Records rewritten: their old versions are deleted documents.
	var again []string
	var changed []archive.File
	for i := 0; i < len(all); i += 5 {
		again = append(again, all[i].Path)
		changed = append(changed, all[i])
	}
	snap = snap.With("again", changed, nil)
	if err := ix.Update(ctx, snap, again, nil); err != nil {
		t.Fatal(err)
	}
	return ix, snap
}
