package index_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

type judged struct {
	query    string
	relevant map[string]bool
}

func readJudged(tb testing.TB) []judged {
	tb.Helper()
	f, err := os.Open("testdata/judged.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []judged
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, rel, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("judged.txt: no tab in %q", line)
		}
		j := judged{query: q, relevant: map[string]bool{}}
		for _, p := range strings.Fields(rel) {
			j.relevant[p] = true
		}
		out = append(out, j)
	}
	return out
}

// relevance returns the mean precision at 5 and recall at 10 over the
// judged queries. Precision at 5 divides by min(5, relevant records), so
// that a query with two relevant records can score 1.
func relevance(tb testing.TB, ix *index.Index, js []judged) (p5, r10 float64, worst []string) {
	for _, j := range js {
		res := search(tb, ix, index.Request{Query: j.query, Size: 10, Filter: all})
		top5, top10 := 0, 0
		for i, h := range res.Hits {
			if j.relevant[h.Path] {
				top10++
				if i < 5 {
					top5++
				}
			}
		}
		p := float64(top5) / float64(min(5, len(j.relevant)))
		r := float64(top10) / float64(len(j.relevant))
		if p < 1 || r < 1 {
			worst = append(worst, fmt.Sprintf("%s p@5=%.2f r@10=%.2f", j.query, p, r))
		}
		p5 += p
		r10 += r
	}
	return p5 / float64(len(js)), r10 / float64(len(js)), worst
}

// The default analyzer keeps relevance above a floor on the judged set.
func TestRelevance(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	p5, r10, worst := relevance(t, ix, readJudged(t))
	t.Logf("P@5 %.3f R@10 %.3f; imperfect: %v", p5, r10, worst)
	if p5 < 0.85 || r10 < 0.85 {
		t.Errorf("P@5 %.3f R@10 %.3f, floor 0.85 each; imperfect queries: %v", p5, r10, worst)
	}
}

// BenchmarkAnalyzers compares the analyzers for docs/ANALYZERS.md:
//
//	go test ./index -run '^$' -bench BenchmarkAnalyzers -benchtime 1x
//
// per analyzer: relevance on the judged set, then build time, index size
// and bytes of markdown of a synthetic archive of 1,000 customers, and
// the time to segment its text.
func BenchmarkAnalyzers(b *testing.B) {
	files := synthetic(1000, 7)
	mdBytes := 0
	for _, d := range files {
		mdBytes += len(d)
	}
	snap := snapshot(b, "s", files)
	js := readJudged(b)
	for _, name := range []string{index.AnalyzerZh, index.AnalyzerZhFull, index.AnalyzerZhHMM, index.AnalyzerCJK} {
		b.Run(name, func(b *testing.B) {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			start := time.Now()
			ix := mustBuild(b, fixture(b), index.Options{Analyzer: name})
			load := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&m1)
			p5, r10, _ := relevance(b, ix, js)
			b.ReportMetric(p5, "P@5")
			b.ReportMetric(r10, "R@10")
			b.ReportMetric(float64(load.Milliseconds()), "first-open-ms")
			b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/(1<<20), "heap-MB")
			for range b.N {
				dir := b.TempDir()
				big, err := index.OpenWith(dir, index.Options{Analyzer: name})
				if err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				if err := big.Rebuild(context.Background(), snap, nil); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(snap.Len())/time.Since(t0).Seconds(), "records/s")
				big.Close()
				b.ReportMetric(float64(dirSize(b, dir))/float64(mdBytes), "size/md")
			}
		})
	}
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

var _ = archive.KindVisit
