package leads

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
)

// SetStatus returns the content of a customer's leads.md with the status
// of one lead set, by whom and on which day, keeping everything else as
// it was (comments, order, the body, other entries and the note already
// written for this lead). content may be nil or empty when the customer
// has no leads.md yet: a new file is returned. The site commits the result
// as marketing's change; access.Policy.CheckChange accepts exactly this
// kind of change from marketing.
func SetStatus(content []byte, id, status, by string, date archive.Date) ([]byte, error) {
	return setTracked(content, archive.Tracked{Lead: id, Status: status, By: by, Date: date}, true)
}

// SetTracked is SetStatus with a note: the whole tracked entry of the lead
// is replaced by t.
func SetTracked(content []byte, t archive.Tracked) ([]byte, error) {
	return setTracked(content, t, false)
}

// The path SetStatus parses its input and output as, for messages.
const leadsFile = "leads.md"

func setTracked(content []byte, t archive.Tracked, keepNote bool) ([]byte, error) {
	if strings.TrimSpace(t.Lead) == "" {
		return nil, errors.New("set lead status: no lead id")
	}
	if !Status(t.Status).Valid() {
		return nil, fmt.Errorf("set lead status: unknown status %q; use one of %s", t.Status, strings.Join(archive.LeadStatuses, ", "))
	}
	bom := bytes.HasPrefix(content, []byte("\uFEFF"))
	text := string(bytes.TrimPrefix(content, []byte("\uFEFF")))
	crlf := strings.Contains(text, "\r\n")
	text = strings.ReplaceAll(text, "\r\n", "\n")

	var out string
	if strings.TrimSpace(text) == "" {
		line, err := flowEntry(t)
		if err != nil {
			return nil, err
		}
		out = "---\nkind: leads\ntracked:\n  - " + line + "---\n"
	} else {
		front, body, ok := splitFront(text)
		if !ok {
			return nil, fmt.Errorf("set lead status: %s does not start with front matter between '---' lines; fix the file first", leadsFile)
		}
		nf, err := editFront(front, t, keepNote)
		if err != nil {
			return nil, err
		}
		out = "---\n" + nf + "---\n" + body
	}
	// The result must read back with the status set and no new errors.
	before := archive.Parse("customers/x/"+leadsFile, []byte(text))
	after := archive.Parse("customers/x/"+leadsFile, []byte(out))
	if n := after.AsNeeds(); n == nil || countErrors(after.Problems) > countErrors(before.Problems) || !tracks(n, t) {
		return nil, fmt.Errorf("set lead status: the edited %s would not read back correctly; %s", leadsFile, archive.Describe(after.Problems))
	}
	if crlf {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	if bom {
		out = "\uFEFF" + out
	}
	return []byte(out), nil
}

func countErrors(ps []archive.Problem) int {
	n := 0
	for _, p := range ps {
		if p.Severity == archive.SeverityError {
			n++
		}
	}
	return n
}

func tracks(n *archive.Needs, t archive.Tracked) bool {
	var last *archive.Tracked
	for i := range n.Tracked {
		if n.Tracked[i].Lead == t.Lead {
			last = &n.Tracked[i]
		}
	}
	return last != nil && last.Status == t.Status && last.By == t.By && last.Date == t.Date
}

// splitFront cuts "---\nFRONT---\nBODY" (front keeps its final newline).
func splitFront(text string) (front, body string, ok bool) {
	first, rest, found := strings.Cut(text, "\n")
	if !found || strings.TrimRight(first, " \t") != "---" {
		return "", "", false
	}
	off := 0
	for off <= len(rest) {
		end := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if end >= 0 {
			line = rest[off : off+end]
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			b := ""
			if end >= 0 {
				b = rest[off+end+1:]
			}
			return rest[:off], b, true
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return "", "", false
}

// flowEntry writes a tracked entry as one flow mapping line.
func flowEntry(t archive.Tracked) (string, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	add := func(k, v, tag string) {
		if v != "" {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: tag})
		}
	}
	add("lead", t.Lead, "!!str")
	add("status", t.Status, "!!str")
	add("by", t.By, "!!str")
	add("date", t.Date.String(), "!!timestamp")
	add("note", t.Note, "!!str")
	for k, v := range t.Extra {
		if s, ok := v.(string); ok {
			add(k, s, "!!str")
		}
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return "", fmt.Errorf("set lead status: %w", err)
	}
	s := string(b)
	if strings.Count(s, "\n") != 1 {
		// A note with line breaks is not one line: the caller re-encodes.
		return "", errMultiline
	}
	return s, nil
}

var errMultiline = errors.New("entry spans several lines")

// editFront sets the tracked entry in the front matter text. It edits the
// text line by line where the entries are written one per line (as dangan
// writes them), so the commit's diff is that one line; otherwise it
// re-encodes the front matter from its YAML tree, which keeps comments
// and order but may change indentation.
func editFront(front string, t archive.Tracked, keepNote bool) (string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		return "", fmt.Errorf("set lead status: %s cannot be read: %v; fix the file first", leadsFile, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return "", fmt.Errorf("set lead status: the front matter of %s is not a mapping; fix the file first", leadsFile)
	}
	root := doc.Content[0]
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "tracked" {
			seq = root.Content[i+1]
		}
	}
	// Find the last entry of this lead, and what it said.
	idx := -1
	if seq != nil && seq.Kind == yaml.SequenceNode {
		for i, e := range seq.Content {
			var old archive.Tracked
			if e.Decode(&old) == nil && old.Lead == t.Lead {
				idx = i
				if keepNote && t.Note == "" {
					t.Note = old.Note
				}
			}
		}
	}
	lines := strings.SplitAfter(front, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	entry, err := flowEntry(t)
	if err == nil {
		switch {
		case seq == nil:
			if len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
				lines[len(lines)-1] += "\n"
			}
			lines = append(lines, "tracked:\n", "  - "+entry)
			return strings.Join(lines, ""), nil
		case seq.Kind == yaml.SequenceNode && seq.Style&yaml.FlowStyle == 0 && oneLineEntries(seq):
			if idx >= 0 {
				e := seq.Content[idx]
				ln := e.Line - 1
				lines[ln] = lines[ln][:e.Column-1] + entry
				return strings.Join(lines, ""), nil
			}
			if len(seq.Content) > 0 {
				last := seq.Content[len(seq.Content)-1]
				ln := last.Line - 1
				indent := lines[ln][:last.Column-1]
				rest := append([]string{indent + entry}, lines[ln+1:]...)
				return strings.Join(append(lines[:ln+1:ln+1], rest...), ""), nil
			}
		}
	}
	// Re-encode: set or append the entry in the tree.
	en := &yaml.Node{}
	if err := en.Encode(t); err != nil {
		return "", fmt.Errorf("set lead status: %w", err)
	}
	en.Style = yaml.FlowStyle
	switch {
	case seq == nil:
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "tracked"}, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{en}})
	case seq.Kind != yaml.SequenceNode:
		return "", fmt.Errorf("set lead status: tracked in %s is not a list; fix the file first", leadsFile)
	case idx >= 0:
		seq.Content[idx] = en
	default:
		seq.Content = append(seq.Content, en)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", fmt.Errorf("set lead status: %w", err)
	}
	return buf.String(), nil
}

// oneLineEntries reports whether every entry of a block sequence is a flow
// mapping written on a line of its own.
func oneLineEntries(seq *yaml.Node) bool {
	for i, e := range seq.Content {
		if e.Kind != yaml.MappingNode || e.Style&yaml.FlowStyle == 0 {
			return false
		}
		if i > 0 && seq.Content[i-1].Line == e.Line {
			return false
		}
		for _, c := range e.Content {
			if c.Line != e.Line {
				return false
			}
		}
	}
	return true
}
