package edit

import (
	"strconv"

	"github.com/dangan-archive/dangan/archive"
	"go.yaml.in/yaml/v3"
)

// FieldAt returns the form name (without Prefix) of the field written on a
// line of a record file (1-based, as in archive.Problem), so that an error
// the checker reports at a line is shown beside the input that holds it:
// "devices.2.mgmt_ip", "contract", "body". It returns "" when the line is
// the front matter's fences or cannot be told.
func FieldAt(content []byte, line, col int) string {
	f, err := Open(content)
	if err != nil || line < 1 {
		return ""
	}
	if f.root == nil {
		return "body"
	}
	// Lines of the file: 1 is the opening ---, the YAML starts on line 2.
	fenceLines := 1 + countLines(f.text[:f.bodyOff])
	if f.bodyOff > 0 && line >= fenceLines {
		return "body"
	}
	if line == 1 || line == fenceLines-1 {
		return "" // the fences
	}
	// The last node, in the order of the text, that starts at or before the
	// position is the one the problem is about.
	col = max(col, 1)
	before := func(n *yaml.Node) bool {
		l := n.Line + 1
		return l < line || l == line && n.Column <= col
	}
	best := ""
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if path != "" && before(n) {
			best = path
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := join(path, k.Value)
				if before(k) {
					best = p
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, join(path, strconv.Itoa(i)))
			}
		}
	}
	walk(f.root, "")
	return best
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

// ProblemFields maps each problem of a record to the form field it is
// about, by its line.
func ProblemFields(content []byte, ps []archive.Problem) map[string][]archive.Problem {
	out := map[string][]archive.Problem{}
	for _, p := range ps {
		k := FieldAt(content, p.Line, p.Col)
		out[k] = append(out[k], p)
	}
	return out
}
