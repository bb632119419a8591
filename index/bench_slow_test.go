package index_test

import (
	"context"
	"flag"
	"slices"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/index"
)

// BenchmarkSearch10kSlowest runs each query of the benchmark's set alone
// (one client, as a technician with facets, as a search page asks) and
// logs the 20 that cost the most, with their hit counts: where the
// search's p99 comes from.
//
//	go test ./index -run '^$' -bench Search10kSlowest -benchtime 5x
func BenchmarkSearch10kSlowest(b *testing.B) {
	if testing.Short() {
		b.Skip("the 10,000-customer demo index takes a minute to build; skipped with -short")
	}
	qs, err := index.BenchQueries()
	if err != nil {
		b.Fatal(err)
	}
	ix := demoIndex(b, demo10k)
	ctx := context.Background()
	f := index.Filter{AllowRestricted: []string{"mz-renmin-hospital"}}
	type cost struct {
		q     string
		took  time.Duration
		total uint64
	}
	costs := make([]cost, len(qs))
	for i, q := range qs {
		costs[i].q = q
	}
	for _, q := range qs { // the facet tables are built on first use
		if _, err := ix.Search(ctx, index.Request{Query: q, Size: 20, Facets: true, Filter: f}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		for i, q := range qs {
			start := time.Now()
			res, err := ix.Search(ctx, index.Request{Query: q, Size: 20, Facets: true, Filter: f})
			if err != nil {
				b.Fatal(err)
			}
			costs[i].took += time.Since(start)
			costs[i].total = res.Total
		}
	}
	b.StopTimer()
	slices.SortFunc(costs, func(x, y cost) int { return int(y.took - x.took) })
	var sum time.Duration
	for _, c := range costs[:20] {
		sum += c.took
		b.Logf("%8.2f ms %6d hits  %s", float64(c.took.Microseconds())/1000/float64(b.N), c.total, c.q)
	}
	b.ReportMetric(float64(sum.Microseconds())/1000/float64(b.N)/20, "top20-ms/query")
}

var oneQuery = flag.String("query", "交换机", "the query BenchmarkSearch10kOne runs")

// BenchmarkSearch10kOne runs one query (-query) as BenchmarkSearch10kSlowest
// does, to profile it:
//
//	go test ./index -run '^$' -bench Search10kOne -query '"机房温度"' -benchtime 200x -cpuprofile cpu.prof
func BenchmarkSearch10kOne(b *testing.B) {
	if testing.Short() {
		b.Skip("the 10,000-customer demo index takes a minute to build; skipped with -short")
	}
	ix := demoIndex(b, demo10k)
	ctx := context.Background()
	f := index.Filter{AllowRestricted: []string{"mz-renmin-hospital"}}
	q := *oneQuery
	b.ResetTimer()
	for range b.N {
		res, err := ix.Search(ctx, index.Request{Query: q, Size: 20, Facets: true, Filter: f})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Total), "hits")
	}
}
