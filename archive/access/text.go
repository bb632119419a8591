package access

import (
	"bytes"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
)

// RedactText returns the content of a file as v may see it, for raw views,
// old versions and diffs: ok is false when the whole file is hidden from v.
//
// When nothing in the file's section is hidden from v, the content comes
// back unchanged, byte for byte. Otherwise the record is parsed, redacted
// and written again: front matter in the order of the Go types (dangan's
// own order, stable across versions, so that a diff of two redacted
// versions shows only visible changes) and the body if visible. Comments
// in the front matter are not kept: they may say anything. Front matter
// that cannot be read is left out altogether.
//
// Attachments and files outside any section come back unchanged when their
// section is visible. Like Redact, it does not check the customer's
// restriction: use CanSeeFile first.
func (p Policy) RedactText(v Viewer, path string, content []byte) ([]byte, bool) {
	if !p.CanSeePath(v, path) {
		return nil, false
	}
	section := SectionOf(path)
	hide := p.Hide(v)
	if archive.PlaceOf(path).Kind == "" || (!anyUnder(hide, section) && !p.DropsExtra(v)) {
		return content, true
	}
	red := p.Redact(v, archive.Parse(path, content))
	if red == nil {
		return nil, false
	}
	var buf bytes.Buffer
	if red.Data != nil && hasFrontMatter(content) {
		front, err := marshalFront(red.Data, section, hide)
		if err != nil {
			// The types come from archive and always marshal; if one ever
			// does not, showing nothing is the safe answer.
			return nil, false
		}
		buf.WriteString("---\n")
		buf.Write(front)
		buf.WriteString("---\n")
	}
	buf.WriteString(red.Body)
	return buf.Bytes(), true
}

func hasFrontMatter(content []byte) bool {
	content = bytes.TrimPrefix(content, []byte{0xEF, 0xBB, 0xBF})
	first, _, _ := bytes.Cut(content, []byte("\n"))
	return string(bytes.TrimRight(first, " \t\r")) == "---"
}

// marshalFront writes redacted front matter as YAML. Fields hidden but
// written even when empty (five_ones.mat: false, on_hand: 0) are pruned
// from the tree, so that a hidden value does not turn into a false one.
func marshalFront(data any, section string, hide []string) ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(data); err != nil {
		return nil, fmt.Errorf("marshal %s front matter: %w", section, err)
	}
	prune(&n, section, section, hide)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("marshal %s front matter: %w", section, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal %s front matter: %w", section, err)
	}
	return buf.Bytes(), nil
}

// prune deletes the keys of hidden fields from a YAML tree found at field
// path p, naming fields the way field.go says. It also writes dates plain
// (2026-10-12, not "2026-10-12") and lists of words on one line, as people
// write them in the archive.
func prune(n *yaml.Node, p, section string, hide []string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" && dateRE.MatchString(n.Value) {
			n.Tag, n.Style = "!!timestamp", 0
		}
	case yaml.DocumentNode, yaml.SequenceNode:
		flow := n.Kind == yaml.SequenceNode
		for _, c := range n.Content {
			prune(c, p, section, hide)
			flow = flow && c.Kind == yaml.ScalarNode
		}
		if flow {
			// Lists of words stay on one line: technicians: [liqiang, wangfang].
			n.Style = yaml.FlowStyle
		}
	case yaml.MappingNode:
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			fp := p + "." + k.Value
			if p == section && k.Value == section {
				fp = p
			}
			if k.Value != "kind" && hiddenIn(hide, fp) {
				continue
			}
			prune(val, fp, section, hide)
			kept = append(kept, k, val)
		}
		n.Content = kept
	}
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
