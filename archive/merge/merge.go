// Package merge is the three-way merge of text a save needs when someone
// else changed a file since the version the user started from: the
// changes of both sides are combined line by line where they do not
// overlap, and where they do, both versions are kept between git's
// conflict markers for a person to choose.
//
// It is diff3 as GNU diff3 and git compute it: the base is matched line by
// line against each side (a longest common subsequence, from
// github.com/sergi/go-diff), base lines matched in both sides are stable
// and split the files into chunks; a chunk that only one side changed takes
// that side, one both sides changed the same way takes either, and the
// rest are conflicts. Two changes separated by at least one unchanged line
// do not overlap; changes that touch or are adjacent do.
package merge

import (
	"bytes"
	"time"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Labels name the two sides in conflict markers.
type Labels struct {
	Yours  string // the text being saved
	Theirs string // what is in the archive now
}

// DefaultLabels are the labels Merge uses for empty ones.
var DefaultLabels = Labels{Yours: "yours", Theirs: "theirs"}

// Chunk is one stretch of the three texts: a stable one (all three agree),
// a change made by one side or by both alike, or a conflict. Lines keep
// their line ends, so joining a side's lines of every chunk gives back that
// side's text byte for byte.
type Chunk struct {
	Base, Yours, Theirs []string
	Conflict            bool
}

// Merged returns the lines the merge takes for a chunk that is not a
// conflict: the side that changed it (yours when both changed it alike).
func (c Chunk) Merged() []string {
	if equalLines(c.Yours, c.Base) {
		return c.Theirs
	}
	return c.Yours
}

// Result is a three-way merge.
type Result struct {
	// Text is the merged text; where Conflicts > 0 it holds conflict
	// markers and must not be saved as it is.
	Text      []byte
	Conflicts int
	Chunks    []Chunk
}

// Clean reports whether the changes did not overlap: Text is the merge.
func (r Result) Clean() bool { return r.Conflicts == 0 }

// Conflict markers, as git writes them.
const (
	MarkerYours  = "<<<<<<<"
	MarkerSep    = "======="
	MarkerTheirs = ">>>>>>>"
)

// Merge combines the changes from base to yours and from base to theirs.
func Merge(base, yours, theirs []byte, l Labels) Result {
	if l.Yours == "" {
		l.Yours = DefaultLabels.Yours
	}
	if l.Theirs == "" {
		l.Theirs = DefaultLabels.Theirs
	}
	o, a, b := splitLines(base), splitLines(yours), splitLines(theirs)
	ids := lineIDs{}
	or, ar, br := ids.runes(o), ids.runes(a), ids.runes(b)
	ma, mb := match(or, ar), match(or, br)

	var res Result
	var text bytes.Buffer
	// i, j, k walk base, yours and theirs; every line before them is in a
	// chunk already.
	i, j, k := 0, 0, 0
	for i < len(o) || j < len(a) || k < len(b) {
		if i < len(o) && ma[i] == j && mb[i] == k {
			n := 1 // a stable run: matched in both sides, consecutively
			for i+n < len(o) && ma[i+n] == j+n && mb[i+n] == k+n {
				n++
			}
			res.add(Chunk{Base: o[i : i+n], Yours: a[j : j+n], Theirs: b[k : k+n]})
			i, j, k = i+n, j+n, k+n
			continue
		}
		// An unstable chunk runs to the next base line matched in both
		// sides (or to the ends).
		ni, nj, nk := len(o), len(a), len(b)
		for x := i; x < len(o); x++ {
			if ma[x] >= 0 && mb[x] >= 0 {
				ni, nj, nk = x, ma[x], mb[x]
				break
			}
		}
		c := Chunk{Base: o[i:ni], Yours: a[j:nj], Theirs: b[k:nk]}
		c.Conflict = !equalLines(c.Yours, c.Base) && !equalLines(c.Theirs, c.Base) && !equalLines(c.Yours, c.Theirs)
		res.add(c)
		i, j, k = ni, nj, nk
	}
	for _, c := range res.Chunks {
		if !c.Conflict {
			writeLines(&text, c.Merged())
			continue
		}
		res.Conflicts++
		text.WriteString(MarkerYours + " " + l.Yours + "\n")
		writeSide(&text, c.Yours)
		text.WriteString(MarkerSep + "\n")
		writeSide(&text, c.Theirs)
		text.WriteString(MarkerTheirs + " " + l.Theirs + "\n")
	}
	res.Text = text.Bytes()
	return res
}

// add appends a chunk unless it is empty.
func (r *Result) add(c Chunk) {
	if len(c.Base) == 0 && len(c.Yours) == 0 && len(c.Theirs) == 0 {
		return
	}
	r.Chunks = append(r.Chunks, c)
}

// HasMarkers reports whether text holds a line that starts like a conflict
// marker: a merge saved without being resolved.
func HasMarkers(text []byte) (line int, ok bool) {
	n := 0
	for len(text) > 0 {
		n++
		l, rest, _ := bytes.Cut(text, []byte("\n"))
		text = rest
		for _, m := range []string{MarkerYours, MarkerTheirs} {
			if bytes.HasPrefix(l, []byte(m)) && (len(l) == len(m) || l[len(m)] == ' ' || l[len(m)] == '\r') {
				return n, true
			}
		}
	}
	return 0, false
}

func writeLines(w *bytes.Buffer, lines []string) {
	for _, l := range lines {
		w.WriteString(l)
	}
}

// writeSide writes one side of a conflict so that the marker after it
// starts a line of its own, also when the side's last line has no end.
func writeSide(w *bytes.Buffer, lines []string) {
	writeLines(w, lines)
	if n := len(lines); n > 0 && lines[n-1][len(lines[n-1])-1] != '\n' {
		w.WriteByte('\n')
	}
}

// splitLines cuts text after each line break; the last line may have none.
func splitLines(text []byte) []string {
	var out []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			out = append(out, string(text))
			break
		}
		out = append(out, string(text[:i+1]))
		text = text[i+1:]
	}
	return out
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// lineIDs numbers distinct lines, shared by the three texts, so that the
// line diff is a diff of rune sequences.
type lineIDs map[string]rune

func (ids lineIDs) runes(lines []string) []rune {
	out := make([]rune, len(lines))
	for i, l := range lines {
		r, ok := ids[l]
		if !ok {
			r = rune(len(ids) + 1)
			// The diff library turns runes into strings on its way: a
			// surrogate would come back as U+FFFD and two different lines
			// would compare equal. Skip the surrogate range.
			if r >= 0xD800 {
				r += 0x800
			}
			ids[l] = r
		}
		out[i] = r
	}
	return out
}

// diffTimeout bounds the line diff; past it the library returns a valid
// but longer diff (more conflicts, never a wrong merge).
const diffTimeout = 5 * time.Second

// match returns, for each line of base, the index of the line of other it
// is matched with, or -1. The matching is monotonic (a common
// subsequence).
func match(base, other []rune) []int {
	m := make([]int, len(base))
	for i := range m {
		m[i] = -1
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	i, j := 0, 0
	for _, d := range dmp.DiffMainRunes(base, other, false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for x := range n {
				m[i+x] = j + x
			}
			i, j = i+n, j+n
		case diffmatchpatch.DiffDelete:
			i += n
		case diffmatchpatch.DiffInsert:
			j += n
		}
	}
	return m
}
