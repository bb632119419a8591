package index

import (
	_ "embed"
	"strings"
)

//go:embed testdata/queries.txt
var benchQueries string

// BenchQueries returns the query set the search benchmarks run (more than
// 500 queries: Chinese words, frequent ones included, English words,
// models, serials, IP addresses and their prefixes, customer ids, two-word
// queries, quoted phrases, field filters and exclusions), sampled from the
// 10,000-customer demo archive (archive/demo, seed 1), so that every query
// finds something there. The benchmark of the whole product (dangan bench)
// and this package's BenchmarkSearch10k use the same set.
func BenchQueries() ([]string, error) {
	var qs []string
	for _, l := range strings.Split(benchQueries, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, l)
		}
	}
	return qs, nil
}
