package index

import (
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

// TestFieldsTermEqualsDisjunction runs the benchmark's queries (and a few
// more) with fieldsTermSearcher and with bleve's disjunction of term
// queries it replaced, on an index of several segments with deleted
// records, for three filters (marketing's hides a kind's part of a
// field, which keeps the disjunction): the same totals, hits, order and
// scores to the last bit.
func TestFieldsTermEqualsDisjunction(t *testing.T) {
	ix := segmentedDemo(t)
	qs, err := BenchQueries()
	if err != nil {
		t.Fatal(err)
	}
	qs = append(qs, "机房", "交换机 机房", "核心交换机故障", `"机房温度"`, "nosuchword", "机房 -巡检", "Huawei", "kind:visit 温度")
	old := func(q query.Query) query.Query {
		if f, ok := q.(*fieldsTermQuery); ok {
			return f.disjunction()
		}
		return q
	}
	fused := 0
	eachCompiled(t, ix, qs, func(f Filter, qs string, q query.Query) {
		rewrite(q, nil, func(q query.Query) query.Query {
			if _, ok := q.(*fieldsTermQuery); ok {
				fused++
			}
			return q
		})
		want, got := hitList(t, ix, rewrite(q, nil, old)), hitList(t, ix, q)
		if got != want {
			t.Errorf("%q %v:\n got %s\nwant %s", qs, f, got, want)
		}
	})
	t.Logf("%d words searched by fieldsTermSearcher", fused)
	if fused < 500 {
		t.Errorf("only %d words went to fieldsTermSearcher: the test compares too little", fused)
	}
}
