package index_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"

	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/index"
)

// The demo archive the judged set is written over. Fixed, so that the
// judgements and the floors below stay comparable from run to run.
var demoRelevanceOptions = demo.Options{Customers: 60, Seed: 1}

// demoFiles replays the generated history in memory: the last content of
// each path is the archive.
func demoFiles(tb testing.TB, opts demo.Options) map[string][]byte {
	tb.Helper()
	files, err := demo.Files(opts)
	if err != nil {
		tb.Fatalf("generating the demo archive: %v", err)
	}
	return files
}

// judgeDemo reads testdata/judged-demo.txt and applies its rule to the
// files: a record is relevant when its file, folded to simplified, contains
// one of the query's terms (a+b: both). Only records the snapshot knows are judged, so
// non-markdown files never count.
func judgeDemo(tb testing.TB, files map[string][]byte, isRecord func(string) bool) []judged {
	tb.Helper()
	cc, err := opencc.New("t2s")
	if err != nil {
		tb.Fatalf("loading OpenCC t2s: %v", err)
	}
	simple := map[string]string{}
	for p, d := range files {
		if !isRecord(p) {
			continue
		}
		s, err := cc.Convert(string(d))
		if err != nil {
			tb.Fatalf("t2s of %s: %v", p, err)
		}
		simple[p] = s
	}
	f, err := os.Open("testdata/judged-demo.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []judged
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, terms, ok := strings.Cut(line, "\t")
		if !ok || len(strings.Fields(terms)) == 0 {
			tb.Fatalf("testdata/judged-demo.txt:%d: want a query, a tab and terms, got %q", n, line)
		}
		j := judged{query: q, relevant: map[string]bool{}}
		for p, s := range simple {
			for _, term := range strings.Fields(terms) {
				if containsAll(s, strings.Split(term, "+")) {
					j.relevant[p] = true
					break
				}
			}
		}
		if len(j.relevant) == 0 {
			tb.Fatalf("testdata/judged-demo.txt:%d: no record of the demo archive contains %s; the query judges nothing", n, terms)
		}
		out = append(out, j)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// demoRelevance is relevance with recall at 10 divided by min(10, relevant
// records), not by all of them: on the demo archive a common word such as
// 交换机 has over a hundred relevant records, and a first page of ten can
// hold at most ten of them. Both figures are therefore "how much of what
// could have been shown was shown", and 1 is attainable for every query.
func demoRelevance(tb testing.TB, ix *index.Index, js []judged) (p5, r10 float64, per []string) {
	tb.Helper()
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
		r := float64(top10) / float64(min(10, len(j.relevant)))
		per = append(per, fmt.Sprintf("%s(%d) p@5=%.2f r@10=%.2f", j.query, len(j.relevant), p, r))
		p5 += p
		r10 += r
	}
	return p5 / float64(len(js)), r10 / float64(len(js)), per
}

// The judged set over the demo archive, for the default analyzer (with
// floors) and for bleve's CJK bigrams (measured, for docs/ANALYZERS.md):
//
//	go test ./index -run TestRelevanceDemo -v
func TestRelevanceDemo(t *testing.T) {
	files := demoFiles(t, demoRelevanceOptions)
	snap := snapshot(t, "demo", files)
	js := judgeDemo(t, files, func(p string) bool { return snap.Record(p) != nil })
	// Floors a little below what was measured (docs/ANALYZERS.md, "Demo
	// archive"), so that a change that makes search worse fails here.
	floors := map[string][2]float64{
		index.AnalyzerZh:  {0.90, 0.90}, // measured 0.935, 0.935
		index.AnalyzerCJK: {0.72, 0.70}, // measured 0.768, 0.748
	}
	for _, name := range []string{index.AnalyzerZh, index.AnalyzerCJK} {
		t.Run(name, func(t *testing.T) {
			ix := mustBuild(t, snap, index.Options{Analyzer: name})
			p5, r10, per := demoRelevance(t, ix, js)
			t.Logf("%s over %d records, %d queries: P@5 %.3f R@10 %.3f", name, snap.Len(), len(js), p5, r10)
			for _, s := range per {
				t.Log("  ", s)
			}
			f := floors[name]
			if p5 < f[0] || r10 < f[1] {
				t.Errorf("%s: P@5 %.3f R@10 %.3f, floors %.2f and %.2f", name, p5, r10, f[0], f[1])
			}
		})
	}
}
