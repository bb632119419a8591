package importer

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
)

// doc is a record being edited: its front matter as YAML nodes, so that
// keys dangan does not know, comments and the order a person chose survive,
// and its markdown body, which an import never touches.
type doc struct {
	front *yaml.Node // a mapping
	body  string
	// orig is the front matter as the file had it and base the same
	// parsed and written again, kept to write back only the lines the
	// import changed (see bytes).
	orig, base string
}

// parseDoc reads a record file for editing.
func parseDoc(data []byte) (*doc, error) {
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\uFEFF"), "\r\n", "\n")
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimRight(first, " \t") != "---" {
		return nil, errorf("it does not start with front matter ('---')")
	}
	var front, body string
	found := false
	for off := 0; off <= len(rest); {
		end := strings.IndexByte(rest[off:], '\n')
		l := rest[off:]
		if end >= 0 {
			l = rest[off : off+end]
		}
		if t := strings.TrimRight(l, " \t"); t == "---" || t == "..." {
			front = rest[:off]
			if end >= 0 {
				body = rest[off+end+1:]
			}
			found = true
			break
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	if !found {
		return nil, errorf("its front matter is never closed with '---'")
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(front), &n); err != nil {
		return nil, errorf("its front matter is not valid YAML: %v", err)
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, errorf("its front matter is not a set of key: value lines")
	}
	d := &doc{front: n.Content[0], body: body, orig: front}
	base, err := encodeFront(d.front)
	if err != nil {
		return nil, err
	}
	d.base = base
	return d, nil
}

// newDoc starts a record of kind k.
func newDoc(k archive.Kind) *doc {
	d := &doc{front: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}}
	setKey(d.front, "kind", str(string(k)))
	return d
}

// bytes writes the record back: front matter, then the body untouched.
//
// The YAML encoder normalises what it writes (the spaces before a
// comment, the indentation of a list), so writing the whole front matter
// again would show a person lines the import never meant to change. The
// lines are diffed instead: front matter as parsed and written again
// (base) against the edited version; lines that are equal in both are
// taken from the original file, the others from the edited version.
// changed is false when the front matter reads exactly as before the
// edit (the record need not be written).
func (d *doc) bytes() (data []byte, changed bool, err error) {
	front, err := encodeFront(d.front)
	if err != nil {
		return nil, false, err
	}
	if d.base != "" {
		if front == d.base {
			return nil, false, nil
		}
		if spliced := splice(d.orig, d.base, front); spliced != front && sameYAML(spliced, front) {
			front = spliced
		}
	}
	return []byte("---\n" + front + "---\n" + d.body), true, nil
}

func encodeFront(n *yaml.Node) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// splice applies the line changes from base to edited onto orig, given
// that base is orig written again line for line. When the two do not have
// the same lines (the encoder joined or split some), edited is returned.
func splice(orig, base, edited string) string {
	origLines, baseLines := splitLines(orig), splitLines(base)
	if len(origLines) != len(baseLines) {
		return edited
	}
	// Lines the edit adds are indented as the encoder indents; next to
	// original lines indented otherwise they would change the structure.
	for i := range origLines {
		if indent(origLines[i]) != indent(baseLines[i]) {
			return edited
		}
	}
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(base, edited)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out strings.Builder
	i := 0 // next line of base (and orig)
	for _, df := range diffs {
		n := len(splitLines(df.Text))
		switch df.Type {
		case diffmatchpatch.DiffEqual:
			for _, l := range origLines[i : i+n] {
				out.WriteString(l)
			}
			i += n
		case diffmatchpatch.DiffDelete:
			i += n
		case diffmatchpatch.DiffInsert:
			out.WriteString(df.Text)
		}
	}
	return out.String()
}

func indent(line string) string { return line[:len(line)-len(strings.TrimLeft(line, " \t"))] }

// sameYAML reports whether two front matters read as the same YAML: the
// last guard that splicing kept the meaning of the edit.
func sameYAML(a, b string) bool {
	var na, nb yaml.Node
	if yaml.Unmarshal([]byte(a), &na) != nil || yaml.Unmarshal([]byte(b), &nb) != nil || len(na.Content) != 1 || len(nb.Content) != 1 {
		return false
	}
	ea, errA := encodeFront(na.Content[0])
	eb, errB := encodeFront(nb.Content[0])
	return errA == nil && errB == nil && ea == eb
}

// splitLines splits text after each line break, keeping the breaks (and a
// last line without one).
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// getKey returns the value of key in a mapping node, or nil.
func getKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setKey sets key to v in a mapping: a scalar is changed in place (keeping
// its comment), anything else replaced; a new key goes at the end.
func setKey(m *yaml.Node, key string, v *yaml.Node) {
	if old := getKey(m, key); old != nil {
		if old.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode {
			old.Value, old.Tag, old.Style = v.Value, v.Tag, v.Style
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				v.LineComment = old.LineComment
				m.Content[i+1] = v
			}
		}
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// scalarOf returns the text of a scalar value of a mapping ("" when the
// key is missing or not a scalar).
func scalarOf(m *yaml.Node, key string) string {
	if v := getKey(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// str is a string scalar; the encoder quotes it when it would otherwise
// read back as a number, a date or a boolean ("2102351234", "yes").
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// dateNode is a date, written plain as the archive writes dates.
func dateNode(d archive.Date) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: d.String()}
}

func intNode(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// strList is a short list written in flow style, as people write it: [a, b].
func strList(xs []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, x := range xs {
		n.Content = append(n.Content, str(x))
	}
	return n
}

// listOf returns the sequence under key, creating an empty block one.
func listOf(m *yaml.Node, key string) *yaml.Node {
	if v := getKey(m, key); v != nil && v.Kind == yaml.SequenceNode {
		return v
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	setKey(m, key, n)
	return n
}

// mapOf returns the mapping under key, creating an empty one.
func mapOf(m *yaml.Node, key string, flow bool) *yaml.Node {
	if v := getKey(m, key); v != nil && v.Kind == yaml.MappingNode {
		return v
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	setKey(m, key, n)
	return n
}

// sameScalar reports whether setting v over the value of key would change
// nothing a reader sees.
func sameScalar(m *yaml.Node, key string, v *yaml.Node) bool {
	old := getKey(m, key)
	return old != nil && old.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode && old.Value == v.Value
}
