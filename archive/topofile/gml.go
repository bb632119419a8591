package topofile

import (
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// GML (Himsolt's Graph Modelling Language) is a tree of `key value` pairs
// where a value is a number, a "string" or a [ list ]. The graph is the list
// under the top-level key `graph`; its `node` and `edge` lists hold the
// vertices and links.
//
// Strings follow the spec (no quote inside; `&name;` and `&#123;` entities,
// as NetworkX writes non-ASCII), and also accept the backslash escapes \" and
// \\ that some writers emit. Bytes that are not UTF-8 are read as ISO 8859-1,
// the spec's character set.

// maxDepth bounds list nesting: real files nest three deep (graph, node,
// graphics); the bound keeps hostile input from exhausting the stack.
const maxDepth = 64

type gmlKind int

const (
	gmlNumber gmlKind = iota
	gmlString
	gmlList
)

// gmlPair is one `key value` of the tree.
type gmlPair struct {
	Key       string
	Kind      gmlKind
	Text      string // number or string value
	List      []gmlPair
	Line, Col int // of the key
}

type gmlParser struct {
	src       []byte
	pos       int
	line, col int
}

// ReadGML reads a GML graph.
func ReadGML(r io.Reader) (*Graph, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, err
	}
	return parseGML(data)
}

func parseGML(data []byte) (*Graph, error) {
	data = trimBOM(data)
	p := &gmlParser{src: data, line: 1, col: 1}
	top, err := p.list(0, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, kv := range top {
		if kv.Key == "graph" {
			if kv.Kind != gmlList {
				return nil, p.errAt(kv.Line, kv.Col, "graph must be a list: graph [ ... ]")
			}
			return gmlGraph(p, kv)
		}
	}
	return nil, p.errAt(1, 1, "no graph [ ... ] in the file")
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

func (p *gmlParser) errAt(line, col int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// advance moves over n bytes, keeping line and column (in characters).
func (p *gmlParser) advance(n int) {
	for i := 0; i < n && p.pos < len(p.src); i++ {
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == '\n':
			p.line++
			p.col = 1
		case c < utf8.RuneSelf || utf8.RuneStart(c):
			p.col++
		}
	}
}

// skipSpace skips blanks and # comments (to the end of the line).
func (p *gmlParser) skipSpace() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.advance(1)
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.advance(1)
			}
		default:
			return
		}
	}
}

// list reads pairs until the closing bracket (or the end of the file at the
// top level, depth 0). openLine/openCol locate the opening bracket for the
// error when it is never closed.
func (p *gmlParser) list(depth, openLine, openCol int) ([]gmlPair, error) {
	if depth > maxDepth {
		return nil, p.errAt(openLine, openCol, "lists nested more than %d deep", maxDepth)
	}
	var out []gmlPair
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			if depth == 0 {
				return out, nil
			}
			return nil, p.errAt(p.line, p.col, "expected ']' to close the list opened at %d:%d, found the end of the file", openLine, openCol)
		}
		c := p.src[p.pos]
		if c == ']' {
			if depth == 0 {
				return nil, p.errAt(p.line, p.col, "unexpected ']' with no list open")
			}
			p.advance(1)
			return out, nil
		}
		if !isKeyStart(c) {
			return nil, p.errAt(p.line, p.col, "expected a key or ']', found %s", p.describe())
		}
		kv := gmlPair{Line: p.line, Col: p.col}
		start := p.pos
		for p.pos < len(p.src) && isKeyByte(p.src[p.pos]) {
			p.advance(1)
		}
		kv.Key = string(p.src[start:p.pos])
		p.skipSpace()
		if p.pos >= len(p.src) {
			return nil, p.errAt(p.line, p.col, "expected a value for %q, found the end of the file", kv.Key)
		}
		switch c := p.src[p.pos]; {
		case c == '[':
			l, cl := p.line, p.col
			p.advance(1)
			sub, err := p.list(depth+1, l, cl)
			if err != nil {
				return nil, err
			}
			kv.Kind, kv.List = gmlList, sub
		case c == '"':
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			kv.Kind, kv.Text = gmlString, s
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			kv.Kind, kv.Text = gmlNumber, n
		default:
			return nil, p.errAt(p.line, p.col, "expected a value for %q (a number, a \"string\" or a [ list ]), found %s", kv.Key, p.describe())
		}
		out = append(out, kv)
	}
}

func isKeyStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isKeyByte(c byte) bool  { return isKeyStart(c) || (c >= '0' && c <= '9') }

// describe names the token at the current position for an error message.
func (p *gmlParser) describe() string {
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", p.src[p.pos])
	}
	return strconv.QuoteRune(r)
}

func (p *gmlParser) number() (string, error) {
	l, c := p.line, p.col
	start := p.pos
	for p.pos < len(p.src) {
		b := p.src[p.pos]
		if (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E' {
			p.advance(1)
			continue
		}
		break
	}
	text := string(p.src[start:p.pos])
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		// NetworkX writes these for floats it cannot represent.
		if t := strings.ToUpper(strings.TrimLeft(text, "+-")); t != "INF" && t != "NAN" {
			return "", p.errAt(l, c, "%q is not a number", text)
		}
	}
	if p.pos < len(p.src) && isKeyStart(p.src[p.pos]) {
		return "", p.errAt(l, c, "%q is not a number", text+string(p.src[p.pos]))
	}
	return strings.TrimPrefix(text, "+"), nil
}

// str reads a quoted string that may span lines.
func (p *gmlParser) str() (string, error) {
	l, c := p.line, p.col
	p.advance(1)
	var b strings.Builder
	entities := false
	for p.pos < len(p.src) {
		ch := p.src[p.pos]
		switch {
		case ch == '"':
			p.advance(1)
			s := b.String()
			if entities {
				s = html.UnescapeString(s)
			}
			return s, nil
		case ch == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\\'):
			b.WriteByte(p.src[p.pos+1])
			p.advance(2)
		case ch == '&':
			entities = true
			b.WriteByte(ch)
			p.advance(1)
		case ch == '\r':
			// CRLF inside a string counts as one line break.
			p.advance(1)
		case ch < utf8.RuneSelf:
			b.WriteByte(ch)
			p.advance(1)
		default:
			r, size := utf8.DecodeRune(p.src[p.pos:])
			if r == utf8.RuneError && size == 1 {
				r = rune(ch) // ISO 8859-1
			}
			b.WriteRune(r)
			p.advance(size)
		}
	}
	return "", p.errAt(l, c, "string opened here is never closed: expected '\"'")
}

// gmlGraph turns the graph list into a Graph, checking that nodes have
// unique ids and edges name existing nodes.
func gmlGraph(p *gmlParser, g gmlPair) (*Graph, error) {
	out := &Graph{}
	var name, network string
	seen := map[string]int{}
	type pending struct {
		kv           gmlPair
		src, tgt     string
		sLine, sCol  int
		tLine, tCol  int
		haveS, haveT bool
	}
	var edges []pending
	for _, kv := range g.List {
		switch kv.Key {
		case "label", "name":
			if kv.Kind != gmlList && name == "" {
				name = kv.Text
			}
		case "Network":
			if kv.Kind != gmlList {
				network = kv.Text
			}
		case "node":
			if kv.Kind != gmlList {
				return nil, p.errAt(kv.Line, kv.Col, "node must be a list: node [ id ... ]")
			}
			n := Node{Line: kv.Line, Attrs: map[string]string{}}
			haveID := false
			for _, a := range kv.List {
				switch {
				case a.Key == "id" && a.Kind != gmlList:
					n.ID, haveID = a.Text, true
				case a.Key == "label" && a.Kind != gmlList:
					n.Label = a.Text
				default:
					flatten(n.Attrs, "", a)
				}
			}
			if !haveID {
				return nil, p.errAt(kv.Line, kv.Col, "node without an id")
			}
			if first, dup := seen[n.ID]; dup {
				return nil, p.errAt(kv.Line, kv.Col, "node id %s already used by the node on line %d", n.ID, first)
			}
			seen[n.ID] = kv.Line
			if n.Label == "" {
				n.Label = n.ID
			}
			out.Nodes = append(out.Nodes, n)
		case "edge":
			if kv.Kind != gmlList {
				return nil, p.errAt(kv.Line, kv.Col, "edge must be a list: edge [ source ... target ... ]")
			}
			e := pending{kv: kv}
			for _, a := range kv.List {
				switch {
				case a.Key == "source" && a.Kind != gmlList:
					e.src, e.sLine, e.sCol, e.haveS = a.Text, a.Line, a.Col, true
				case a.Key == "target" && a.Kind != gmlList:
					e.tgt, e.tLine, e.tCol, e.haveT = a.Text, a.Line, a.Col, true
				}
			}
			if !e.haveS || !e.haveT {
				return nil, p.errAt(kv.Line, kv.Col, "edge without a source and a target")
			}
			edges = append(edges, e)
		}
	}
	// Edges may come before the nodes they join, so they are checked last.
	for _, e := range edges {
		if _, ok := seen[e.src]; !ok {
			return nil, p.errAt(e.sLine, e.sCol, "edge source %s is not the id of any node", e.src)
		}
		if _, ok := seen[e.tgt]; !ok {
			return nil, p.errAt(e.tLine, e.tCol, "edge target %s is not the id of any node", e.tgt)
		}
		ed := Edge{Source: e.src, Target: e.tgt, Line: e.kv.Line, Attrs: map[string]string{}}
		for _, a := range e.kv.List {
			switch a.Key {
			case "source", "target":
			case "label":
				if a.Kind != gmlList {
					ed.Label = a.Text
					continue
				}
				fallthrough
			default:
				flatten(ed.Attrs, "", a)
			}
		}
		if ed.Label == "" {
			ed.Label = ed.Attrs["LinkLabel"]
		}
		out.Edges = append(out.Edges, ed)
	}
	out.Name = name
	if out.Name == "" {
		out.Name = network
	}
	return out, nil
}

// flatten stores a pair in attrs, nested lists as dotted keys. A key given
// twice keeps its last value, as other GML readers do.
func flatten(attrs map[string]string, prefix string, kv gmlPair) {
	key := prefix + kv.Key
	if kv.Kind != gmlList {
		attrs[key] = kv.Text
		return
	}
	for _, sub := range kv.List {
		flatten(attrs, key+".", sub)
	}
}
