package site

import (
	"encoding/json"
	"html"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

// scanSearch answers a search without an index, for a site started
// without one (tests, a first start while the index is built elsewhere): a
// record matches when it contains every word; kind: and customer: filter.
// It reads the viewer's redacted records, so it cannot leak either.
func scanSearch(v view, req index.Request) (*index.Result, error) {
	var words []string
	kinds, customers := map[string]bool{}, map[string]bool{}
	for _, w := range strings.Fields(req.Query) {
		switch {
		case strings.HasPrefix(w, "kind:"):
			kinds[strings.TrimPrefix(w, "kind:")] = true
		case strings.HasPrefix(w, "customer:"):
			customers[strings.TrimPrefix(w, "customer:")] = true
		default:
			words = append(words, strings.ToLower(strings.Trim(w, `"`)))
		}
	}
	res := &index.Result{Facets: map[string][]index.Facet{}}
	kindCount := map[string]int{}
	var hits []index.Hit
	consider := func(r *archive.Record, name string) {
		if r == nil || (len(kinds) > 0 && !kinds[string(r.Kind)]) || (len(customers) > 0 && !customers[r.Customer]) {
			return
		}
		data, _ := json.Marshal(r.Data)
		text := r.Title + "\n" + r.Body + "\n" + string(data)
		low := strings.ToLower(text)
		for _, w := range words {
			if !strings.Contains(low, w) {
				return
			}
		}
		kindCount[string(r.Kind)]++
		hits = append(hits, index.Hit{Customer: r.Customer, CustomerName: name, Path: r.Path, Kind: r.Kind,
			Title: r.Title, Snippet: scanSnippet(r.Title+" "+r.Body, words), Score: 1})
	}
	for _, f := range v.customers() {
		for _, r := range f.Records() {
			consider(r, f.Name())
		}
	}
	for _, g := range v.guides() {
		consider(g, "")
	}
	res.Total = uint64(len(hits))
	size := req.Size
	if size <= 0 {
		size = pageSize
	}
	from := min(req.From, len(hits))
	res.Hits = hits[from:min(len(hits), from+size)]
	if req.Facets {
		for k, n := range kindCount {
			res.Facets["kind"] = append(res.Facets["kind"], index.Facet{Value: k, Count: n})
		}
		slices.SortFunc(res.Facets["kind"], func(a, b index.Facet) int { return b.Count - a.Count })
	}
	return res, nil
}

// scanSnippet cuts about 120 characters around the first word found.
func scanSnippet(text string, words []string) string {
	text = strings.Join(strings.Fields(text), " ")
	low := strings.ToLower(text)
	start := 0
	for _, w := range words {
		if i := strings.Index(low, w); i >= 0 {
			start = max(0, i-30)
			break
		}
	}
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	cut := []rune(text[start:])
	if len(cut) > 120 {
		cut = cut[:120]
	}
	out := html.EscapeString(string(cut))
	for _, w := range words {
		if w == "" {
			continue
		}
		ew := html.EscapeString(w)
		var b strings.Builder
		lo := strings.ToLower(out)
		for i := 0; i < len(out); {
			j := strings.Index(lo[i:], ew)
			if j < 0 || len(lo) != len(out) {
				b.WriteString(out[i:])
				break
			}
			b.WriteString(out[i : i+j])
			b.WriteString("<mark>" + out[i+j:i+j+len(ew)] + "</mark>")
			i += j + len(ew)
		}
		out = b.String()
	}
	return out
}
