package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/index"
)

// Query is one search of the query set, with the literal strings git grep
// and ripgrep look for to answer the same question (all must occur).
type Query struct {
	Text  string   `json:"q"`
	Kind  string   `json:"kind"` // zh, en, ident, two, phrase
	Terms []string `json:"terms"`
}

// zhWords are words of the archive's trade, frequent and rare, as a
// technician types them; the query set uses those the archive contains.
var zhWords = []string{
	"交换机", "路由器", "防火墙", "光模块", "光衰", "光猫", "光缆", "光纤", "尾纤", "跳纤", "熔接",
	"配线架", "弱电间", "机柜", "机房", "上联", "核心交换机", "汇聚交换机", "接入交换机", "摄像头",
	"硬盘录像机", "视频监控", "门禁", "专线", "互联网专线", "天翼云", "云主机", "千兆", "万兆", "割接",
	"巡检", "派单", "工单", "备件", "扩容", "掉线", "断网", "环路", "端口", "业务恢复", "更换", "重启",
	"固件", "升级", "保修", "过保", "电源", "风扇", "告警", "无线", "信号", "网速", "客户经理", "培训",
	"智慧校园", "冷链仓库", "学校", "医院", "银行", "营业厅", "办公区", "水晶头", "网线", "停电",
	"满意", "回访", "投诉", "测速", "宽带", "线路", "施工", "验收", "合同", "续约", "商机", "报价",
	"交換機", "路由器", "網線", "監控", // traditional forms, folded by the index
}

var (
	identRe  = regexp.MustCompile(`(?m)^\s+(?:serial|model|mgmt_ip|firmware|id): "?([A-Za-z0-9][A-Za-z0-9._/-]{3,})"?\s*$`)
	asciiRe  = regexp.MustCompile(`\b[A-Za-z][A-Za-z]{2,}\b`)
	hanRunRe = regexp.MustCompile(`\p{Han}{6,}`)
)

// makeQueries builds a mixed query set of at least n queries from the
// archive's own text, the same for the same archive: Chinese words (many
// frequent), English words, identifiers (serial numbers, models, IPs,
// device ids, customer ids), two-word queries and quoted phrases.
func makeQueries(texts [][]byte, customers []string, n int, seed int64) []Query {
	rng := rand.New(rand.NewPCG(uint64(seed), 9))
	var corpus bytes.Buffer
	idents := map[string]bool{}
	en := map[string]int{}
	var runs []string
	for _, t := range texts {
		corpus.Write(t)
		corpus.WriteByte('\n')
		for _, m := range identRe.FindAllSubmatch(t, -1) {
			idents[string(m[1])] = true
		}
		_, body, _ := bytes.Cut(t[min(3, len(t)):], []byte("\n---"))
		for _, m := range asciiRe.FindAll(body, -1) {
			en[string(m)]++
		}
		for _, m := range hanRunRe.FindAll(body, -1) {
			runs = append(runs, string(m))
		}
	}
	all := corpus.String()
	var zh []string
	for _, w := range zhWords {
		if strings.Contains(all, w) || strings.ContainsFunc(w, isTraditional) {
			zh = append(zh, w)
		}
	}
	ids := sortedKeys(idents)
	ids = append(ids, customers...)
	ens := sortedKeys(en)
	slices.SortStableFunc(ens, func(a, b string) int { return en[b] - en[a] })
	ens = ens[:min(len(ens), 200)]

	var qs []Query
	seen := map[string]bool{}
	add := func(kind string, q string, terms ...string) {
		if q == "" || seen[q] {
			return
		}
		seen[q] = true
		qs = append(qs, Query{Text: q, Kind: kind, Terms: terms})
	}
	pick := func(xs []string) string {
		if len(xs) == 0 {
			return ""
		}
		return xs[rng.IntN(len(xs))]
	}
	quota := map[string]int{"zh": n * 25 / 100, "en": n * 15 / 100, "ident": n * 25 / 100, "two": n * 20 / 100, "phrase": n - n*85/100}
	for _, w := range zh[:min(len(zh), quota["zh"])] {
		add("zh", w, w)
	}
	for tries := 0; tries < 50*n && len(qs) < n; tries++ {
		counts := map[string]int{}
		for _, q := range qs {
			counts[q.Kind]++
		}
		kinds := []string{"zh", "en", "ident", "two", "phrase"}
		kind := kinds[rng.IntN(len(kinds))]
		if counts[kind] >= quota[kind] {
			continue
		}
		switch kind {
		case "zh":
			// Two-character words cut from the prose: frequent ones too.
			if r := pick(runs); r != "" {
				rs := []rune(r)
				i := rng.IntN(len(rs) - 1)
				w := string(rs[i : i+2])
				add("zh", w, w)
			}
		case "en":
			w := pick(ens)
			add("en", w, w)
		case "ident":
			w := pick(ids)
			add("ident", w, w)
		case "two":
			a, b := pick(zh), pick(append(zh, ens...))
			if a != b && a != "" && b != "" {
				add("two", a+" "+b, a, b)
			}
		case "phrase":
			if r := pick(runs); r != "" {
				rs := []rune(r)
				l := 4 + rng.IntN(3)
				if len(rs) < l {
					continue
				}
				i := rng.IntN(len(rs) - l + 1)
				p := string(rs[i : i+l])
				add("phrase", `"`+p+`"`, p)
			}
		}
	}
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}

// isTraditional is true for a few traditional characters of the word list,
// which the archive (simplified) never contains but the index folds.
func isTraditional(r rune) bool { return strings.ContainsRune("換機網監", r) }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// benchQueries is the index package's query set (index.BenchQueries),
// the one its own search benchmarks run, classified for the report.
func benchQueries() ([]Query, error) {
	ss, err := index.BenchQueries()
	if err != nil {
		return nil, err
	}
	qs := make([]Query, len(ss))
	for i, q := range ss {
		qs[i] = Query{Text: q, Kind: classify(q), Terms: grepTerms(q)}
	}
	return qs, nil
}

// classify names the kind of a query for the report's mix.
func classify(q string) string {
	f := strings.Fields(q)
	switch {
	case strings.Contains(q, `"`):
		return "phrase"
	case strings.Contains(q, ":") || strings.Contains(q, " -") || strings.HasPrefix(q, "-"):
		return "filter"
	case len(f) > 1:
		return "two"
	case strings.IndexFunc(q, func(r rune) bool { return r >= 0x80 }) >= 0:
		return "zh"
	case strings.IndexFunc(q, func(r rune) bool { return unicode.IsDigit(r) || r == '-' || r == '.' }) >= 0:
		return "ident"
	default:
		return "en"
	}
}

// readQueries reads a query file: one query a line, # comments; a line
// may carry a tab and judged terms after it (index/testdata's format),
// which are ignored. git grep looks for the query's words.
func readQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []Query
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(t), "#") || strings.TrimSpace(t) == "" {
			continue
		}
		q, _, _ := strings.Cut(t, "\t")
		q = strings.TrimSpace(q)
		if !utf8.ValidString(q) {
			return nil, fmt.Errorf("%s:%d: not UTF-8", path, line)
		}
		qs = append(qs, Query{Text: q, Kind: "file", Terms: grepTerms(q)})
	}
	return qs, sc.Err()
}

// grepTerms turns a query into the literal strings a grep must all find:
// each quoted phrase whole, every other word alone, a field filter's
// value; exclusions and ranges are dropped (grep has no equivalent).
func grepTerms(q string) []string {
	var terms []string
	for i := 0; i < len(q); {
		if q[i] == '"' {
			j := strings.IndexByte(q[i+1:], '"')
			if j < 0 {
				j = len(q) - i - 1
			}
			if p := strings.TrimSpace(q[i+1 : i+1+j]); p != "" {
				terms = append(terms, p)
			}
			i += j + 2
			continue
		}
		j := strings.IndexFunc(q[i:], func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
		if j < 0 {
			j = len(q) - i
		}
		w := q[i : i+j]
		if j == 0 {
			i++
			continue
		}
		if _, v, ok := strings.Cut(w, ":"); ok {
			w = v
			if strings.Contains(v, "..") || strings.ContainsAny(v, "<>") {
				w = "" // a date range: no literal for grep to find
			}
		}
		if w != "" && !strings.HasPrefix(w, "-") {
			terms = append(terms, w)
		}
		i += j
	}
	return terms
}
