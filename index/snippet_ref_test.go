package index

// The snippet code as it was before it walked the stored lines in place
// (snippet.go): TestSnippetSameAsBefore wants the same HTML from both.

import (
	"html"
	"slices"
	"strings"
)

// snippet renders the stored lines of a record that the caller may see,
// starting at the line with most marks, as HTML: escaped text with <mark>
// around what the query looked for. Hidden fields never reach it.
//
// Lines are weighed first by how often the query's terms occur in them
// (a substring count of the folded text), and only the lines shown are
// segmented to place the marks: segmenting every line of a long record was
// a good part of a search page's CPU.
func snippetRef(text textAnalyzer, raw string, vis visibility, m marks) string {
	lines := decodeLines(raw)
	type weighed struct {
		parts []part // the visible parts
		runes int
		hits  int
	}
	var out []weighed
	for _, l := range lines {
		w := weighed{}
		for _, p := range l {
			if vis.hidden(p.F) {
				continue
			}
			if len(w.parts) > 0 {
				w.runes++
			}
			if p.L != "" {
				w.runes += runeLen(p.L) + 1
			}
			w.runes += runeLen(p.T)
			w.hits += partHitsRef(text, p, m)
			w.parts = append(w.parts, p)
		}
		if len(w.parts) > 0 {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return ""
	}
	best := 0
	for i, r := range out {
		if r.hits > out[best].hits {
			best = i
		}
	}
	var shown []string
	n := 0
	for _, r := range out[best:] {
		if n > 0 && n+r.runes > snippetRunes {
			break
		}
		var b strings.Builder
		for i, p := range r.parts {
			if i > 0 {
				b.WriteString(" ")
			}
			if p.L != "" {
				b.WriteString(html.EscapeString(p.L) + " ")
			}
			h, _ := markPartRef(text, p, m)
			b.WriteString(h)
		}
		shown = append(shown, b.String())
		n += r.runes
	}
	s := strings.Join(shown, " … ")
	if best > 0 {
		s = "… " + s
	}
	return s
}

// partHits is about how many marks a part will get, without segmenting
// it: identifiers that match, and occurrences of the query's terms.
func partHitsRef(text textAnalyzer, p part, m marks) int {
	if _, ok := identFields[p.F]; ok {
		if identMatches(p.F, p.T, m.idents) {
			return 1
		}
		return 0
	}
	if len(m.terms) == 0 {
		return 0
	}
	folded, hits := refFold(text, p.T), 0
	for t := range m.terms {
		if t != "" {
			hits += strings.Count(folded, t)
		}
	}
	return hits
}

// markPart escapes a part's text and marks the words the query looked for.
// Words are found as substrings of the folded text (simplified, lower
// case), which is what a reader expects marked and costs far less than
// segmenting the line again; letters and digits only where they stand as
// a whole word (sg does not mark inside SG1024). When folding changed the
// text's rune count, offsets would not line up: the line is segmented then.
func markPartRef(text textAnalyzer, p part, m marks) (string, int) {
	if _, ok := identFields[p.F]; ok {
		if identMatches(p.F, p.T, m.idents) {
			return "<mark>" + html.EscapeString(p.T) + "</mark>", 1
		}
		return html.EscapeString(p.T), 0
	}
	if len(m.terms) == 0 {
		return html.EscapeString(p.T), 0
	}
	folded := refFold(text, p.T)
	if !containsAny(folded, m.terms) {
		return html.EscapeString(p.T), 0
	}
	var spans [][2]int
	if len(folded) == len(p.T) {
		spans = termSpans(folded, m.terms)
	} else if fo, oo := runeStarts(folded), runeStarts(p.T); len(fo) == len(oo) {
		// Folding maps rune to rune (，to , is shorter in bytes): carry
		// the spans over by rune index.
		for _, sp := range termSpans(folded, m.terms) {
			i, _ := slices.BinarySearch(fo, sp[0])
			j, _ := slices.BinarySearch(fo, sp[1])
			spans = append(spans, [2]int{oo[i], oo[j]})
		}
	} else {
		for _, w := range text.words(p.T) {
			if m.terms[w.Term] {
				spans = append(spans, [2]int{w.Start, w.End})
			}
		}
	}
	var b strings.Builder
	at, hits := 0, 0
	for _, sp := range spans {
		if sp[0] < at {
			continue
		}
		b.WriteString(html.EscapeString(p.T[at:sp[0]]))
		b.WriteString("<mark>" + html.EscapeString(p.T[sp[0]:sp[1]]) + "</mark>")
		at = sp[1]
		hits++
	}
	b.WriteString(html.EscapeString(p.T[at:]))
	return b.String(), hits
}

// runeStarts are the byte offsets where the runes of s start, and len(s).
func runeStarts(s string) []int {
	offs := make([]int, 0, len(s)+1)
	for i := range s {
		offs = append(offs, i)
	}
	return append(offs, len(s))
}

// refFold is the folding snippets used before fold left plain text alone.
func refFold(text textAnalyzer, s string) string {
	if zh, ok := text.(zhAnalyzer); ok {
		return strings.ToLower(zh.c.simplify(s))
	}
	return text.fold(s)
}
