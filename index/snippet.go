package index

import (
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// snippetRunes is about how much text a snippet shows.
const snippetRunes = 140

// snippet renders the stored lines of a record that the caller may see,
// starting at the line with most marks, as HTML: escaped text with <mark>
// around what the query looked for. Hidden fields never reach it.
//
// Lines are weighed first by how often the query's terms occur in them
// (a substring count of the folded text), and only the lines shown are
// segmented to place the marks: segmenting every line of a long record was
// a good part of a search page's CPU.
func snippet(text textAnalyzer, raw string, vis visibility, m marks) string {
	// The stored lines are walked in place, twice (to weigh, then to write
	// the lines shown), rather than decoded into parts: decoding every
	// line of twenty records was a good part of a search's allocation.
	type weighed struct {
		line  string
		runes int
		hits  int
	}
	var buf [64]weighed
	out := buf[:0]
	for line := range storedLines(raw) {
		w := weighed{line: line}
		n := 0
		for p := range lineParts(line) {
			if vis.hidden(p.F) {
				continue
			}
			if n > 0 {
				w.runes++
			}
			if p.L != "" {
				w.runes += runeLen(p.L) + 1
			}
			w.runes += runeLen(p.T)
			w.hits += partHits(text, p, m)
			n++
		}
		if n > 0 {
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
	var b strings.Builder
	b.Grow(4 * snippetRunes)
	if best > 0 {
		b.WriteString("… ")
	}
	n := 0
	for k, r := range out[best:] {
		if n > 0 && n+r.runes > snippetRunes {
			break
		}
		if k > 0 {
			b.WriteString(" … ")
		}
		i := 0
		for p := range lineParts(r.line) {
			if vis.hidden(p.F) {
				continue
			}
			if i > 0 {
				b.WriteString(" ")
			}
			if p.L != "" {
				escapeTo(&b, p.L)
				b.WriteString(" ")
			}
			markPartTo(&b, text, p, m)
			i++
		}
		n += r.runes
	}
	return b.String()
}

// storedLines are the lines of a stored snippet field (decodeLines' split).
func storedLines(raw string) iter.Seq[string] {
	return strings.SplitSeq(strings.TrimSuffix(raw, "\x1e"), "\x1e")
}

// lineParts are the well-formed parts of a stored line, as decodeLines
// reads them.
func lineParts(line string) iter.Seq[part] {
	return func(yield func(part) bool) {
		for raw := range strings.SplitSeq(strings.TrimSuffix(line, "\x1f"), "\x1f") {
			code, rest, ok1 := strings.Cut(raw, "\x1d")
			label, text, ok2 := strings.Cut(rest, "\x1d")
			i, err := strconv.Atoi(code)
			if !ok1 || !ok2 || err != nil || i < 0 || i >= len(snipFields) {
				continue
			}
			if !yield(part{F: snipFields[i], L: label, T: text}) {
				return
			}
		}
	}
}

// partHits is about how many marks a part will get, without segmenting
// it: identifiers that match, and occurrences of the query's terms.
func partHits(text textAnalyzer, p part, m marks) int {
	if _, ok := identFields[p.F]; ok {
		if identMatches(p.F, p.T, m.idents) {
			return 1
		}
		return 0
	}
	if len(m.terms) == 0 {
		return 0
	}
	folded, hits := text.fold(p.T), 0
	for t := range m.terms {
		if t != "" {
			hits += strings.Count(folded, t)
		}
	}
	return hits
}

// markPart escapes a part's text and marks the words the query looked for.
func markPart(text textAnalyzer, p part, m marks) (string, int) {
	var b strings.Builder
	hits := markPartTo(&b, text, p, m)
	return b.String(), hits
}

// markPartTo writes markPart's HTML to b and says how many marks it has.
// Words are found as substrings of the folded text (simplified, lower
// case), which is what a reader expects marked and costs far less than
// segmenting the line again; letters and digits only where they stand as
// a whole word (sg does not mark inside SG1024). When folding changed the
// text's rune count, offsets would not line up: the line is segmented then.
func markPartTo(b *strings.Builder, text textAnalyzer, p part, m marks) int {
	if _, ok := identFields[p.F]; ok {
		if identMatches(p.F, p.T, m.idents) {
			b.WriteString("<mark>")
			escapeTo(b, p.T)
			b.WriteString("</mark>")
			return 1
		}
		escapeTo(b, p.T)
		return 0
	}
	if len(m.terms) == 0 {
		escapeTo(b, p.T)
		return 0
	}
	folded := text.fold(p.T)
	if !containsAny(folded, m.terms) {
		escapeTo(b, p.T)
		return 0
	}
	var spans [][2]int
	if len(folded) == len(p.T) {
		spans = termSpans(folded, m.terms)
	} else if runeLen(folded) == runeLen(p.T) {
		// Folding maps rune to rune (，to , is shorter in bytes): carry
		// the spans over by rune index.
		spans = termSpans(folded, m.terms)
		carrySpans(spans, folded, p.T)
	} else {
		for _, w := range text.words(p.T) {
			if m.terms[w.Term] {
				spans = append(spans, [2]int{w.Start, w.End})
			}
		}
	}
	at, hits := 0, 0
	for _, sp := range spans {
		if sp[0] < at {
			continue
		}
		escapeTo(b, p.T[at:sp[0]])
		b.WriteString("<mark>")
		escapeTo(b, p.T[sp[0]:sp[1]])
		b.WriteString("</mark>")
		at = sp[1]
		hits++
	}
	escapeTo(b, p.T[at:])
	return hits
}

// carrySpans turns byte offsets in folded into offsets of the same runes
// in orig, which has as many runes: spans are in order and do not overlap
// (termSpans), so one walk of both strings does. An offset inside a rune
// moves to the start of the next.
func carrySpans(spans [][2]int, folded, orig string) {
	fb, ob := 0, 0
	carry := func(x int) int {
		for fb < x && fb < len(folded) {
			_, n := utf8.DecodeRuneInString(folded[fb:])
			fb += n
			_, n = utf8.DecodeRuneInString(orig[ob:])
			ob += n
		}
		return ob
	}
	for i := range spans {
		spans[i][0] = carry(spans[i][0])
		spans[i][1] = carry(spans[i][1])
	}
}

// escapeTo writes html.EscapeString(s) to b.
func escapeTo(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// termSpans are the byte ranges of the terms in s, leftmost first and the
// longest of those starting together, without overlaps.
func termSpans(s string, terms map[string]bool) [][2]int {
	var spans [][2]int
	for t := range terms {
		if t == "" {
			continue
		}
		word := !strings.ContainsFunc(t, func(r rune) bool { return !isASCIIAlnum(r) })
		for from := 0; from < len(s); {
			i := strings.Index(s[from:], t)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(t)
			if !word || (start == 0 || !isASCIIAlnum(rune(s[start-1]))) && (end == len(s) || !isASCIIAlnum(rune(s[end]))) {
				spans = append(spans, [2]int{start, end})
			}
			from = start + 1
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return b[1] - a[1]
	})
	out := spans[:0]
	at := 0
	for _, sp := range spans {
		if sp[0] >= at {
			out = append(out, sp)
			at = sp[1]
		}
	}
	return out
}

func identMatches(field, v string, idents []string) bool {
	if len(idents) == 0 {
		return false
	}
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
