package edit

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// patched returns the front matter with changed values replaced where they
// are written, when only values changed: the rest of the text (alignment
// of comments, indentation, quoting of untouched values) stays exactly as
// the person wrote it, so the commit's diff is the change. It reports false
// when the change needs the YAML written again, or when the patched text
// would not read back as the edited document.
func (f *File) patched() ([]byte, bool) {
	if f.ed == nil || f.ed.structural || len(f.ed.patches) == 0 || f.frontEnd <= f.frontStart {
		return nil, false
	}
	src := f.text[f.frontStart:f.frontEnd]
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	type span struct {
		from, to int
		text     string
	}
	var spans []span
	for _, p := range f.ed.patches {
		if p.line < 1 || p.line > len(starts) {
			return nil, false
		}
		ls := starts[p.line-1]
		from, ok := runeOffset(src[ls:], p.col-1)
		if !ok {
			return nil, false
		}
		from += ls
		to, ok := scalarEnd(src, from, p.old)
		if !ok {
			return nil, false
		}
		text, ok := flowScalar(p.new)
		if !ok {
			return nil, false
		}
		spans = append(spans, span{from, to, text})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var out bytes.Buffer
	at := 0
	for _, sp := range spans {
		if sp.from < at {
			return nil, false // one value patched twice
		}
		out.Write(src[at:sp.from])
		out.WriteString(sp.text)
		at = sp.to
	}
	out.Write(src[at:])
	// The patched text must mean what the edited document means.
	var got yaml.Node
	if err := yaml.Unmarshal(out.Bytes(), &got); err != nil {
		return nil, false
	}
	a, errA := encode(&got)
	b, errB := encode(f.doc)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		return nil, false
	}
	return out.Bytes(), true
}

func encode(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	err := enc.Close()
	return buf.Bytes(), err
}

// runeOffset returns the byte offset of the n-th rune of a line.
func runeOffset(b []byte, n int) (int, bool) {
	off := 0
	for range n {
		if off >= len(b) || b[off] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(b[off:])
		off += size
	}
	return off, true
}

// scalarEnd finds where the scalar old, written at from, ends.
func scalarEnd(src []byte, from int, old *yaml.Node) (int, bool) {
	rest := src[from:]
	switch {
	case old.Style&yaml.DoubleQuotedStyle != 0:
		if len(rest) == 0 || rest[0] != '"' {
			return 0, false
		}
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				i++
			case '"':
				return from + i + 1, true
			case '\n':
				return 0, false // a quoted value over several lines: write it all again
			}
		}
	case old.Style&yaml.SingleQuotedStyle != 0:
		if len(rest) == 0 || rest[0] != '\'' {
			return 0, false
		}
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\'':
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				return from + i + 1, true
			case '\n':
				return 0, false
			}
		}
	case old.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0:
	default:
		// A plain value on one line is written as its value.
		if !bytes.HasPrefix(rest, []byte(old.Value)) || old.Value == "" {
			return 0, false
		}
		end := len(old.Value)
		if end < len(rest) && !strings.ContainsRune(" \t\n,]}#", rune(rest[end])) {
			return 0, false
		}
		return from + end, true
	}
	return 0, false
}

// flowScalar writes a value so that it reads the same anywhere: inside
// {...} and [...] as well as after "key: ".
func flowScalar(n *yaml.Node) (string, bool) {
	// The comments beside the value stay where they are written.
	bare := &yaml.Node{Kind: n.Kind, Style: n.Style, Tag: n.Tag, Value: n.Value}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{bare}}
	b, err := yaml.Marshal(seq)
	if err != nil {
		return "", false
	}
	s := strings.TrimSuffix(string(b), "\n")
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") || strings.Contains(s, "\n") {
		return "", false
	}
	return s[1 : len(s)-1], true
}
