package archive

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Record is one markdown file of the archive, parsed.
type Record struct {
	Path     string `json:"path"`
	Kind     Kind   `json:"kind"`
	Customer string `json:"customer,omitempty"`
	// Version is the git blob id of the file's content: what an editor read,
	// so that a save can tell whether someone else changed the file since.
	Version string `json:"version,omitempty"`
	// Data is the typed front matter: *Customer, *Devices, *Topology,
	// *Progress, *Training, *Spares, *Needs, *Visit or *Page. It is nil when
	// the front matter could not be read at all.
	Data     any    `json:"data,omitempty"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	BodyLine int    `json:"body_line"`
	// Defines and Refs are the device ids this record declares and the ones
	// it points at, with where they are written, for cross-file checks.
	Defines  []Ref     `json:"-"`
	Refs     []Ref     `json:"-"`
	Problems []Problem `json:"problems,omitempty"`
}

// Ref is a device id written at a place in a record.
type Ref struct {
	ID   string
	Line int
	Col  int
	// Topo is set on ids that only a topology declares (external nodes).
	Topo bool
}

// Broken reports whether the record has errors (warnings do not count).
func (r *Record) Broken() bool { return HasErrors(r.Problems) }

// Typed accessors, nil when the record is of another kind or unreadable.

func (r *Record) AsCustomer() *Customer { c, _ := r.data().(*Customer); return c }
func (r *Record) AsDevices() *Devices   { c, _ := r.data().(*Devices); return c }
func (r *Record) AsTopology() *Topology { c, _ := r.data().(*Topology); return c }
func (r *Record) AsProgress() *Progress { c, _ := r.data().(*Progress); return c }
func (r *Record) AsTraining() *Training { c, _ := r.data().(*Training); return c }
func (r *Record) AsSpares() *Spares     { c, _ := r.data().(*Spares); return c }
func (r *Record) AsNeeds() *Needs       { c, _ := r.data().(*Needs); return c }
func (r *Record) AsVisit() *Visit       { c, _ := r.data().(*Visit); return c }
func (r *Record) AsPage() *Page         { c, _ := r.data().(*Page); return c }

func (r *Record) data() any {
	if r == nil {
		return nil
	}
	return r.Data
}

// newData returns an empty front-matter value for a kind.
func newData(k Kind) any {
	switch k {
	case KindCustomer:
		return &Customer{}
	case KindDevices:
		return &Devices{}
	case KindTopology:
		return &Topology{}
	case KindProgress:
		return &Progress{}
	case KindTraining:
		return &Training{}
	case KindSpares:
		return &Spares{}
	case KindLeads:
		return &Needs{}
	case KindVisit:
		return &Visit{}
	case KindNote, KindGuide:
		return &Page{}
	}
	return nil
}

// Parse reads one record file. It always returns a record, with whatever
// could be read, and lists what is wrong in rec.Problems: a broken file must
// never hide the rest of the archive, nor what was readable in it.
func Parse(p string, data []byte) *Record {
	place := PlaceOf(p)
	rec := &Record{Path: p, Kind: place.Kind, Customer: place.Customer, BodyLine: 1}
	pr := &parser{rec: rec}

	if !utf8.Valid(bytes.TrimPrefix(data, utf8BOM)) {
		line, col, format, args := notUTF8(bytes.TrimPrefix(data, utf8BOM))
		pr.errAt(line, col, format, args...)
		rec.Title = titleFromPath(p)
		return rec
	}
	text := normalize(data)
	front, body, bodyLine, ok := splitFrontMatter(text)
	rec.Body, rec.BodyLine = body, bodyLine
	freeForm := place.Kind == KindNote || place.Kind == KindGuide
	if !ok {
		if front == nil && freeForm {
			// A note or guide may be plain markdown.
			rec.Data = &Page{Kind: place.Kind}
			rec.Title = pageTitle(p, "", body)
			return rec
		}
		if front == nil {
			pr.errAt(1, 1, "no front matter: a %s record starts with a line '---', then YAML such as 'kind: %s', then a closing '---'", place.Kind, place.Kind)
		} else {
			pr.errAt(1, 1, "front matter opened on line 1 is never closed: add a line '---' after the YAML")
		}
		rec.Title = titleFromPath(p)
		return rec
	}
	pr.decode(front, place)
	rec.Title = recordTitle(rec)
	return rec
}

// splitFrontMatter separates "---\nYAML\n---\nbody". front is nil when the
// file does not open with a front matter line; ok is false when it opens one
// and never closes it.
func splitFrontMatter(text []byte) (front []byte, body string, bodyLine int, ok bool) {
	first, rest, _ := bytes.Cut(text, []byte("\n"))
	if strings.TrimRight(string(first), " \t") != "---" {
		return nil, string(text), 1, false
	}
	line := 2
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l = rest[off:]
		} else {
			l = rest[off : off+end]
		}
		if t := strings.TrimRight(string(l), " \t"); t == "---" || t == "..." {
			body := ""
			if end >= 0 {
				body = string(rest[off+end+1:])
			}
			return rest[:off], body, line + 1, true
		}
		if end < 0 {
			break
		}
		off += end + 1
		line++
	}
	return rest, "", 1, false
}

type parser struct {
	rec  *Record
	root *yaml.Node // the front matter mapping
}

// frontLine is the file line of the first YAML line: line 1 is the opening ---.
const frontLine = 1

func (pr *parser) errAt(line, col int, format string, args ...any) {
	pr.add(SeverityError, line, col, format, args...)
}

func (pr *parser) warnAt(line, col int, format string, args ...any) {
	pr.add(SeverityWarning, line, col, format, args...)
}

func (pr *parser) add(sev Severity, line, col int, format string, args ...any) {
	pr.rec.Problems = append(pr.rec.Problems, problemf(pr.rec.Path, line, col, sev, format, args...))
}

// errNode reports a problem at a YAML node (whose line is relative to the
// front matter).
func (pr *parser) errNode(n *yaml.Node, format string, args ...any) {
	l, c := nodePos(n)
	pr.errAt(l, c, format, args...)
}

func (pr *parser) warnNode(n *yaml.Node, format string, args ...any) {
	l, c := nodePos(n)
	pr.warnAt(l, c, format, args...)
}

func nodePos(n *yaml.Node) (int, int) {
	if n == nil {
		return 1, 1
	}
	return n.Line + frontLine, n.Column
}

// parseFrontMatter builds the YAML node tree of a front matter. Building
// the index of a 10,000-customer archive spent 21 % of its CPU in yaml.v3
// on front matters, so the plain YAML that records are written in is read
// by a fast path that builds the very same tree; yaml.v3 remains the
// fallback for everything else, and reports the errors.
func parseFrontMatter(front []byte) (*yaml.Node, error) {
	if doc, ok := fastFrontMatter(front); ok {
		return doc, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(front, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+)(?::(\d+))?: (.*)$`)

func (pr *parser) decode(front []byte, place Place) {
	doc, err := parseFrontMatter(front)
	if err != nil {
		line, col, msg := 1, 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[3]
			if strings.HasPrefix(msg, "did not find expected") && msg != "did not find expected node content" {
				// yaml.v3 reports these parser errors at the line of the
				// construct left open, counting from zero: point at it.
				line++
			}
		}
		pr.errAt(line+frontLine, col, "YAML syntax error: %s", phrase(msg))
		return
	}
	if len(doc.Content) == 0 {
		if place.Kind == KindNote || place.Kind == KindGuide {
			pr.rec.Data = &Page{Kind: place.Kind}
			return
		}
		pr.errAt(2, 1, "front matter is empty: it needs at least 'kind: %s'", place.Kind)
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		pr.errNode(root, "front matter must be a mapping of keys to values (key: value), not %s", phrase(describe(root)))
		return
	}
	pr.root = root

	kind := place.Kind
	if kn := lookup(root, "kind"); kn == nil {
		if kind != KindNote && kind != KindGuide {
			pr.errAt(2, 1, "missing 'kind: %s'", kind)
		}
	} else if k := Kind(kn.Value); !k.Valid() {
		pr.errNode(kn, "unknown kind %q; the kinds are %s", kn.Value, kindList())
		return
	} else if k != kind && !(kind == KindNote && k == KindGuide) {
		if kind == "" {
			// A record outside the known places: trust what it says.
			kind = k
			pr.rec.Kind = k
		} else {
			pr.errNode(kn, "kind: %s does not belong at %s; a file at this path must be kind: %s", k, pr.rec.Path, kind)
			return
		}
	}

	v := newData(kind)
	if v == nil {
		return
	}
	if err := root.Decode(v); err != nil {
		pr.typeErrors(err)
	}
	// The kind key is checked above; fill it for records that may omit it.
	setKind(v, kind)
	pr.rec.Data = v
	pr.validate()
}

func (pr *parser) typeErrors(err error) {
	te, ok := err.(*yaml.TypeError)
	if !ok {
		pr.errAt(1, 1, "cannot read front matter: %v", err)
		return
	}
	for _, e := range te.Errors {
		m := yamlLineRE.FindStringSubmatch(e)
		if m == nil {
			pr.errAt(1, 1, "%s", e)
			continue
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		if col == 0 {
			col = columnAt(pr.root, line, quotedValue(m[3]))
		}
		format, args := humanTypeError(m[3])
		pr.errAt(line+frontLine, col, format, args...)
	}
}

var unmarshalRE = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")

// humanTypeError rewrites yaml.v3's Go-flavoured messages for the people who
// edit the archive: they know "a number", not "int".
func humanTypeError(msg string) (format string, args []any) {
	m := unmarshalRE.FindStringSubmatch(msg)
	if m == nil {
		return "%s", []any{msg}
	}
	var found any = phrase(map[string]string{"seq": "a list", "map": "a mapping (key: value)", "int": "a number", "float": "a number", "bool": "true/false", "timestamp": "a date"}[m[1]])
	if m[2] != "" {
		found = strconv.Quote(m[2])
	} else if found == phrase("") {
		found = phrase("text")
	}
	return "wrong type: expected %s, found %s", []any{phrase(goTypeWords(m[3])), found}
}

func goTypeWords(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case t == "int" || t == "int64" || t == "float64":
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string" || strings.HasSuffix(t, "Status") || strings.HasSuffix(t, "Type") || strings.HasSuffix(t, "Outcome") || strings.HasSuffix(t, "Kind"):
		return "text"
	case t == "[]string":
		return "a list of text, such as [a, b]"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping (key: value)"
	}
	return "a mapping (key: value)"
}

// columnAt finds the column of a value on a line, for yaml.v3 errors that
// only give the line: the scalar whose text is value when there is one, else
// the first value written on the line.
func columnAt(root *yaml.Node, line int, value string) int {
	first := 0
	var walk func(n *yaml.Node, isKey bool) int
	walk = func(n *yaml.Node, isKey bool) int {
		if n.Line == line && !isKey {
			if value != "" && n.Kind == yaml.ScalarNode && n.Value == value {
				return n.Column
			}
			if first == 0 {
				first = n.Column
			}
		}
		for i, c := range n.Content {
			if col := walk(c, n.Kind == yaml.MappingNode && i%2 == 0); col > 0 {
				return col
			}
		}
		return 0
	}
	if root == nil {
		return 1
	}
	if col := walk(root, false); col > 0 {
		return col
	}
	return max(first, 1)
}

var quotedRE = regexp.MustCompile("`(.*)`")

// quotedValue extracts the offending value yaml.v3 quotes in backticks.
func quotedValue(msg string) string {
	if m := quotedRE.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

func setKind(v any, k Kind) {
	switch d := v.(type) {
	case *Customer:
		d.Kind = k
	case *Devices:
		d.Kind = k
	case *Topology:
		d.Kind = k
	case *Progress:
		d.Kind = k
	case *Training:
		d.Kind = k
	case *Spares:
		d.Kind = k
	case *Needs:
		d.Kind = k
	case *Visit:
		d.Kind = k
	case *Page:
		d.Kind = k
	}
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// lookup returns the value node of key in a mapping, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
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

// at walks a path of mapping keys (string) and list indexes (int) from the
// front matter root and returns the deepest node it reaches, so a problem is
// reported as close to its cause as the file allows.
func (pr *parser) at(steps ...any) *yaml.Node {
	n := pr.root
	for _, s := range steps {
		var next *yaml.Node
		switch s := s.(type) {
		case string:
			next = lookup(n, s)
		case int:
			if n != nil && n.Kind == yaml.SequenceNode && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

var headingRE = regexp.MustCompile(`(?m)^#{1,2}\s+(.+?)\s*#*\s*$`)

func recordTitle(r *Record) string {
	switch d := r.Data.(type) {
	case *Customer:
		if d.Name != "" {
			return d.Name
		}
	case *Visit:
		t := d.Appointment
		if t.IsZero() {
			t = d.Arrived
		}
		when := strings.TrimSuffix(path.Base(r.Path), RecordSuffix)
		if !t.IsZero() {
			when = t.Date().String()
		}
		return strings.TrimSpace(when + " " + string(d.Type))
	case *Page:
		return pageTitle(r.Path, d.Title, r.Body)
	}
	return string(r.Kind)
}

func pageTitle(p, title, body string) string {
	if title != "" {
		return title
	}
	if m := headingRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return titleFromPath(p)
}

func titleFromPath(p string) string {
	return strings.TrimSuffix(path.Base(p), RecordSuffix)
}
