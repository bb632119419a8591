package index_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

// Benchmarks at 1,000 and 10,000 customers (about 10 records each):
//
//	go test ./index -run '^$' -bench 'Rebuild|UpdateOneFile|Search' -benchtime 1x   (Rebuild)
//	go test ./index -run '^$' -bench 'UpdateOneFile|Search'                          (the others)
//
// The 10,000-customer cases are skipped with -short.

var sizes = []int{1000, 10000}

type built struct {
	snap *archive.Snapshot
	ix   *index.Index
	md   int
}

var (
	benchDirs []string
	builtMu   sync.Mutex
	builtBy   = map[int]*built{}
)

// buildOnce builds the synthetic archive of n customers once per process.
func buildOnce(b *testing.B, n int) *built {
	builtMu.Lock()
	defer builtMu.Unlock()
	if x := builtBy[n]; x != nil {
		return x
	}
	files := synthetic(n, 42)
	md := 0
	for _, d := range files {
		md += len(d)
	}
	snap := snapshot(b, "base", files)
	// Not b.TempDir: the index outlives the sub-benchmark that built it
	// (each benchmark runs more than once); TestMain removes it.
	dir, err := os.MkdirTemp("", "dangan-index-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchDirs = append(benchDirs, dir)
	ix, err := index.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), snap, nil); err != nil {
		b.Fatal(err)
	}
	x := &built{snap, ix, md}
	builtBy[n] = x
	return x
}

func skipLarge(b *testing.B, n int) {
	if n > 1000 && testing.Short() {
		b.Skip("10,000 customers take a minute to build; skipped with -short")
	}
}

// BenchmarkRebuild builds the index of a synthetic archive from a
// snapshot in memory, with one worker and with the default (one more
// than the cores), and reports the rate in MB of markdown a second.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range sizes {
		for _, workers := range []int{1, 0} {
			name := fmt.Sprintf("customers=%d/workers=%d", n, workers)
			if workers == 0 {
				name = fmt.Sprintf("customers=%d/workers=default", n)
			}
			b.Run(name, func(b *testing.B) {
				skipLarge(b, n)
				files := synthetic(n, 42)
				md := 0
				for _, d := range files {
					md += len(d)
				}
				snap := snapshot(b, "base", files)
				b.ResetTimer()
				for range b.N {
					dir := b.TempDir()
					ix, err := index.OpenWith(dir, index.Options{BuildWorkers: workers})
					if err != nil {
						b.Fatal(err)
					}
					if err := ix.Rebuild(context.Background(), snap, nil); err != nil {
						b.Fatal(err)
					}
					ix.Close()
					b.ReportMetric(float64(dirSize(b, dir))/float64(md), "size/md")
				}
				b.ReportMetric(float64(snap.Len()), "records")
				b.ReportMetric(float64(md)/(1<<20), "md-MB")
				b.ReportMetric(float64(md)/(1<<20)*float64(b.N)/b.Elapsed().Seconds(), "MB/s")
			})
		}
	}
}

// BenchmarkUpdateOneFile commits one changed visit and searches for the
// word it adds: the time until a one-file commit is searchable.
func BenchmarkUpdateOneFile(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			skipLarge(b, n)
			x := buildOnce(b, n)
			snap := x.snap
			ctx := context.Background()
			var took []time.Duration
			b.ResetTimer()
			for i := range b.N {
				p := fmt.Sprintf("customers/c%05d/visits/2027-01-01-repair.md", i%n)
				word := fmt.Sprintf("工单%d号", i)
				data := fmt.Appendf(nil, "---\nkind: visit\ntype: repair\ntechnician: liqiang\nappointment: 2027-01-01T09:00\noutcome: resolved\n---\n更换光模块，%s。\n", word)
				start := time.Now()
				next := snap.With(fmt.Sprintf("u%d", i), []archive.File{{Path: p, Data: data}}, nil)
				if err := x.ix.Update(ctx, next, []string{p}, nil); err != nil {
					b.Fatal(err)
				}
				res, err := x.ix.Search(ctx, index.Request{Query: fmt.Sprintf(`"%s"`, word), Filter: all})
				if err != nil || res.Total == 0 {
					b.Fatalf("the new visit is not found: %v", err)
				}
				took = append(took, time.Since(start))
				snap = next
			}
			reportPercentiles(b, took)
		})
	}
}

var benchQueries = []string{"交换机", "光模块", "智慧校园", "冷链仓库", "S5735", "vendor:华为 kind:devices", "status:faulty", "交换机 风扇故障",
	"warranty_until:<2027-01-01", "kind:visit date:2026-01-01..2026-06-30", "10.3.", `"ZXR10 5960-32DL"`, "industry:教育 光衰", "专线 -kind:leads"}

// BenchmarkSearch runs the query mix from 8 concurrent clients, with
// facets, as the marketing role (filter applied).
func BenchmarkSearch(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			skipLarge(b, n)
			x := buildOnce(b, n)
			ctx := context.Background()
			var mu sync.Mutex
			var took []time.Duration
			b.SetParallelism(4) // 8 clients on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				i := 0
				for pb.Next() {
					q := benchQueries[i%len(benchQueries)]
					i++
					start := time.Now()
					if _, err := x.ix.Search(ctx, index.Request{Query: q, Facets: true, Filter: marketing}); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				took = append(took, mine...)
				mu.Unlock()
			})
			reportPercentiles(b, took)
		})
	}
}

func reportPercentiles(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(took[len(took)/2]), "median-ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, x := range builtBy {
		x.ix.Close()
	}
	for _, d := range benchDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
