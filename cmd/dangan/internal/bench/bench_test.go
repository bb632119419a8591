package bench

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestQuantile(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{[]float64{3, 1, 2}, 0.5, 2},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		{[]float64{10, 20}, 0.9, 19},
		{[]float64{5}, 0.99, 5},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 1},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 10},
	} {
		if got := quantile(tc.xs, tc.q); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("quantile(%v, %v) = %v, want %v", tc.xs, tc.q, got, tc.want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of nothing is not NaN")
	}
}

func TestFigureJudge(t *testing.T) {
	for _, tc := range []struct {
		f    Figure
		want string
	}{
		{runs("build", "s", []float64{20, 25, 40}, below(30)), "pass"},
		{runs("build", "s", []float64{31, 32, 29}, below(30)), "MISSED"},
		{runs("ratio", "×", []float64{150}, atLeast(100)), "pass"},
		{runs("ratio", "×", []float64{99}, atLeast(100)), "MISSED"},
		{runs("no data", "ms", nil, below(5)), "MISSED"},
		{runs("no target", "ms", []float64{1}, nil), ""},
	} {
		if tc.f.Status != tc.want {
			t.Errorf("%s %v: status %q, want %q", tc.f.Name, tc.f.Median, tc.f.Status, tc.want)
		}
	}
	f := samples("fresh", "ms", "commits", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, below(50))
	if f.Median != 5.5 || f.Lo != 1.9 || f.Hi != 9.1 || f.Spread != "p10–p90 of 10 commits" {
		t.Errorf("samples = %+v", f)
	}
}

func TestGrepTerms(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"交换机", []string{"交换机"}},
		{"交换机 光衰", []string{"交换机", "光衰"}},
		{`"光衰偏高" 华为`, []string{"光衰偏高", "华为"}},
		{"vendor:华为 -掉线 kind:visit", []string{"华为", "visit"}},
		{`"unclosed phrase`, []string{"unclosed phrase"}},
		{"  ", nil},
		{"date:2026-01-01..2026-06-30 米脂", []string{"米脂"}},
	} {
		if d := cmp.Diff(tc.want, grepTerms(tc.q)); d != "" {
			t.Errorf("grepTerms(%q) (-want +got):\n%s", tc.q, d)
		}
	}
}

func TestMakeQueries(t *testing.T) {
	texts := [][]byte{
		[]byte("---\nkind: devices\ndevices:\n  - id: core-sw-1\n    vendor: Huawei\n    model: S5731-H24T4XC\n    serial: \"21023M8YKQ10P8065031\"\n---\n核心交换机上联光模块光衰偏高，更换尾纤后恢复正常。Huawei switch firmware upgrade.\n"),
		[]byte("---\nkind: visit\n---\n二楼办公区电脑无法上网，更换跳线并重新压接水晶头后端口恢复，业务正常。客户反映网速慢，已测速。\n"),
	}
	qs := makeQueries(texts, []string{"mz-school", "mz-bank"}, 60, 1)
	if len(qs) < 30 {
		t.Fatalf("%d queries from a small corpus, want at least 30", len(qs))
	}
	kinds := map[string]int{}
	seen := map[string]bool{}
	for _, q := range qs {
		kinds[q.Kind]++
		if seen[q.Text] {
			t.Errorf("query %q twice", q.Text)
		}
		seen[q.Text] = true
		if len(q.Terms) == 0 {
			t.Errorf("query %q has no grep terms", q.Text)
		}
	}
	for _, k := range []string{"zh", "en", "ident", "two", "phrase"} {
		if kinds[k] == 0 {
			t.Errorf("no %s query in %v", k, kinds)
		}
	}
	again := makeQueries(texts, []string{"mz-school", "mz-bank"}, 60, 1)
	if d := cmp.Diff(qs, again); d != "" {
		t.Errorf("the same seed gave another query set:\n%s", d)
	}
}

func TestMarkdownReport(t *testing.T) {
	r := &Report{Started: time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC), Command: "dangan bench", Reps: 3, Clients: 8,
		Archives: []ArchiveStat{{Customers: 1000}, {Customers: 10000}}}
	for _, n := range []int{1000, 10000} {
		f := runs("full index build", "s", []float64{float64(n) / 300, float64(n) / 310}, below(30))
		f.Customers, f.Group = n, "build"
		r.Figures = append(r.Figures, f)
	}
	md := Markdown(r)
	for _, want := range []string{
		"| figure | target | 1000 customers | 10000 customers |",
		"| full index build | < 30.0 s | 3.28 s (3.23–3.33) pass | **32.8 s (32.3–33.3) MISSED** |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestBenchQueriesClassified(t *testing.T) {
	qs, err := benchQueries()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 500 {
		t.Errorf("%d queries, issue 9 asks for at least 500", len(qs))
	}
	for _, tc := range []struct{ q, want string }{
		{"交换机", "zh"},
		{"PON", "en"},
		{"10.28.157", "ident"},
		{"G1TD19C901843", "ident"},
		{"整改 光猫", "two"},
		{`"重新熔接"`, "phrase"},
		{"视频 -政府", "filter"},
		{"date:2026-01-01..2026-06-30 米脂", "filter"},
	} {
		if got := classify(tc.q); got != tc.want {
			t.Errorf("classify(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}
