package index

import (
	"html"
	"slices"
	"strings"
)

// snippetRunes is about how much text a snippet shows.
const snippetRunes = 140

// snippet renders the stored lines of a record that the caller may see,
// starting at the line with most marks, as HTML: escaped text with <mark>
// around what the query looked for. Hidden fields never reach it.
func snippet(text textAnalyzer, raw string, vis visibility, m marks) string {
	lines := decodeLines(raw)
	type rendered struct {
		html  string
		runes int
		hits  int
	}
	var out []rendered
	for _, l := range lines {
		var b strings.Builder
		n, hits := 0, 0
		for _, p := range l {
			if vis.hidden(p.F) {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(" ")
				n++
			}
			if p.L != "" {
				b.WriteString(html.EscapeString(p.L) + " ")
				n += runeLen(p.L) + 1
			}
			h, k := markPart(text, p, m)
			b.WriteString(h)
			n += runeLen(p.T)
			hits += k
		}
		if b.Len() > 0 {
			out = append(out, rendered{b.String(), n, hits})
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
	var parts []string
	n := 0
	for _, r := range out[best:] {
		if n > 0 && n+r.runes > snippetRunes {
			break
		}
		parts = append(parts, r.html)
		n += r.runes
	}
	s := strings.Join(parts, " … ")
	if best > 0 {
		s = "… " + s
	}
	return s
}

// markPart escapes a part's text and marks the words the query looked for.
func markPart(text textAnalyzer, p part, m marks) (string, int) {
	if _, ok := identFields[p.F]; ok {
		if identMatches(p.F, p.T, m.idents) {
			return "<mark>" + html.EscapeString(p.T) + "</mark>", 1
		}
		return html.EscapeString(p.T), 0
	}
	if len(m.terms) == 0 || !containsAny(text.fold(p.T), m.terms) {
		return html.EscapeString(p.T), 0
	}
	var b strings.Builder
	at, hits := 0, 0
	for _, w := range text.words(p.T) {
		if !m.terms[w.Term] || w.Start < at {
			continue
		}
		b.WriteString(html.EscapeString(p.T[at:w.Start]))
		b.WriteString("<mark>" + html.EscapeString(p.T[w.Start:w.End]) + "</mark>")
		at = w.End
		hits++
	}
	b.WriteString(html.EscapeString(p.T[at:]))
	return b.String(), hits
}

func identMatches(field, v string, idents []string) bool {
	terms := identTerms(v, identFields[field])
	for _, id := range idents {
		if slices.ContainsFunc(terms, func(t string) bool { return strings.HasPrefix(t, id) }) {
			return true
		}
	}
	return false
}

// containsAny reports whether s contains one of the terms: segmenting a
// line (the costly part of a snippet) is needed only then.
func containsAny(s string, terms map[string]bool) bool {
	for t := range terms {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
