// Package edit applies what a person typed into a form to a record file of
// the archive, changing only what they changed. The rest of the file stays
// as it was written: the order of keys, comments, keys dangan does not know,
// rows nobody touched, and the markdown body byte for byte.
//
// Forms post flat values (the shape of url.Values) named by the record's
// schema (archive.Schema), with a prefix and dots for nesting:
//
//	f.name                       a text, number, date or time field
//	f.contract.end               a field of a mapping
//	f.technicians                a list of text: one value per item, or one
//	                             value split at commas, 、 and line ends
//	f.devices._list              marks that the form carries the rows of a list
//	f.devices.3.id               a field of the row in position 3 of the form
//	f.devices.3._orig            which row of the file (0-based) that row was;
//	                             empty for a new row
//	f.devices.3._delete          the row is removed
//
// A field the form does not carry is left alone, so a form may show only
// part of a record. An empty value removes an optional key; "true" and
// "false" set a true/false field and "" removes it.
package edit

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/archive"
	"go.yaml.in/yaml/v3"
)

// Prefix starts the name of every structured field in a form, so that
// the form's own inputs (body, message, version) never collide with a key.
const Prefix = "f."

// File is a record file being edited.
type File struct {
	orig    []byte
	text    []byte // orig without BOM and with LF line ends
	crlf    bool
	hasBOM  bool
	doc     *yaml.Node // document node; nil when the file has no front matter
	root    *yaml.Node // its mapping
	bodyOff int        // where the body starts in text
	body    string
	// where the YAML between the fences lies in text
	frontStart, frontEnd int
	ed                   *edits

	frontChanged bool
	bodyChanged  bool
}

// Open reads a record file for editing. It fails when the front matter is
// not a readable YAML mapping: such a file can only be edited as text.
func Open(content []byte) (*File, error) {
	f := &File{orig: content}
	text := bytes.TrimPrefix(content, bom)
	f.hasBOM = len(text) != len(content)
	if bytes.Contains(text, []byte("\r\n")) {
		f.crlf = true
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	}
	f.text = text
	if !utf8.Valid(text) {
		// A form would have to replace what it cannot show.
		return nil, fmt.Errorf("the file is not UTF-8 text: convert it first (dangan check says how)")
	}
	front, bodyOff, ok, hasFront := split(text)
	if !hasFront {
		f.body = string(text)
		return f, nil
	}
	if !ok {
		return nil, fmt.Errorf("the front matter opened on line 1 is never closed: add a line '---' after the YAML")
	}
	f.bodyOff = bodyOff
	f.body = string(text[bodyOff:])
	f.frontStart = bytes.Index(text, []byte("\n")) + 1
	f.frontEnd = f.frontStart + len(front)
	var doc yaml.Node
	if err := yaml.Unmarshal(front, &doc); err != nil {
		return nil, fmt.Errorf("the front matter is not readable YAML (%v): edit the file as text", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return f, nil
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the front matter is not a mapping of keys to values: edit the file as text")
	}
	f.doc, f.root = &doc, doc.Content[0]
	return f, nil
}

// New starts an empty record of kind k.
func New(k archive.Kind) *File {
	f, err := Open([]byte("---\nkind: " + string(k) + "\n---\n"))
	if err != nil {
		panic(err) // a constant document
	}
	return f
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// split finds the front matter the way archive.Parse does: a first line
// "---", then YAML up to a line "---" or "...".
func split(text []byte) (front []byte, bodyOff int, ok, hasFront bool) {
	first, _, found := bytes.Cut(text, []byte("\n"))
	if strings.TrimRight(string(first), " \t") != "---" || !found {
		return nil, 0, false, false
	}
	start := len(first) + 1
	for off := start; off <= len(text); {
		end := bytes.IndexByte(text[off:], '\n')
		var l []byte
		if end < 0 {
			l = text[off:]
		} else {
			l = text[off : off+end]
		}
		if t := strings.TrimRight(string(l), " \t"); t == "---" || t == "..." {
			if end < 0 {
				return text[start:off], len(text), true, true
			}
			return text[start:off], off + end + 1, true, true
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return nil, 0, false, true
}

// Body returns the markdown body.
func (f *File) Body() string { return f.body }

// SetBody replaces the markdown body. Browsers send text areas with CRLF
// line ends; those are read as LF, so an untouched body stays unchanged.
func (f *File) SetBody(body string) {
	body = strings.ReplaceAll(strings.ToValidUTF8(body, "\uFFFD"), "\r\n", "\n")
	if body == f.body {
		return
	}
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
		if body == f.body {
			return
		}
	}
	f.body, f.bodyChanged = body, true
}

// Changed reports whether anything differs from the file as opened.
func (f *File) Changed() bool { return f.frontChanged || f.bodyChanged }

// Bytes returns the file's new content. Parts nobody changed are the
// original bytes; changed values are replaced where they are written, and
// a front matter whose keys or rows changed is written again by yaml.v3,
// which keeps comments and order but not alignment of comments.
func (f *File) Bytes() ([]byte, error) {
	if !f.Changed() {
		return f.orig, nil
	}
	var out bytes.Buffer
	if f.frontChanged {
		if front, ok := f.patched(); ok {
			out.Write(f.text[:f.frontStart])
			out.Write(front)
			out.Write(f.text[f.frontEnd:f.bodyOff])
			goto body
		}
		out.WriteString("---\n")
		enc := yaml.NewEncoder(&out)
		enc.SetIndent(2)
		if err := enc.Encode(f.doc); err != nil {
			return nil, fmt.Errorf("writing the front matter: %w", err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("writing the front matter: %w", err)
		}
		out.WriteString("---\n")
	} else {
		out.Write(f.text[:f.bodyOff])
	}
body:
	out.WriteString(f.body)
	b := out.Bytes()
	if f.crlf {
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
	}
	if f.hasBOM {
		b = append(slices.Clone(bom), b...)
	}
	return b, nil
}

// Apply sets the structured fields of a record of kind k from a form.
func (f *File) Apply(k archive.Kind, form url.Values) {
	fields := archive.Schema(k)
	if fields == nil {
		return
	}
	if f.root == nil {
		if !carries(form, fields, Prefix) {
			return
		}
		// A plain markdown note gets front matter only when a field is set.
		f.doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Content: []*yaml.Node{str("kind"), str(string(k))}}}}
		f.root = f.doc.Content[0]
		f.bodyOff = 0
		before := f.frontChanged
		a := applier{form: form, ed: f.edits()}
		a.fields(f.root, fields, Prefix, false)
		f.ed.structural = true
		if !a.changed {
			f.doc, f.root, f.frontChanged = nil, nil, before
			return
		}
		f.frontChanged = true
		return
	}
	a := applier{form: form, ed: f.edits()}
	a.fields(f.root, fields, Prefix, false)
	f.frontChanged = f.frontChanged || a.changed
}

func (f *File) edits() *edits {
	if f.ed == nil {
		f.ed = &edits{}
	}
	return f.ed
}

// carries reports whether a form has any value for the fields.
func carries(form url.Values, fields []archive.Field, prefix string) bool {
	for key := range form {
		for _, fd := range fields {
			if key == prefix+fd.Key || strings.HasPrefix(key, prefix+fd.Key+".") {
				return true
			}
		}
	}
	return false
}

type applier struct {
	form    url.Values
	changed bool
	ed      *edits
}

// edits is what an Apply changed, so that Bytes can patch the original
// text when only values changed, and write the YAML again otherwise.
type edits struct {
	patches    []patch
	structural bool // keys added or removed, rows moved: write it all again
}

// patch is one scalar value replaced in place.
type patch struct {
	line, col int // of the old value, as yaml.v3 counts them (1-based, runes)
	old, new  *yaml.Node
}

// sub is an applier for a nested mapping, sharing the record of edits.
func (a *applier) sub() applier { return applier{form: a.form, ed: a.ed} }

// value returns the last value posted for a key (checkboxes post a hidden
// default first), made valid UTF-8.
func (a *applier) value(key string) (string, bool) {
	vs, ok := a.form[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return strings.ToValidUTF8(vs[len(vs)-1], "\uFFFD"), true
}

// fields applies a schema's fields to mapping m. explicit is set for a
// mapping the form created, where false is worth writing.
func (a *applier) fields(m *yaml.Node, fields []archive.Field, prefix string, explicit bool) {
	order := make([]string, len(fields))
	for i, fd := range fields {
		order[i] = fd.Key
	}
	for _, fd := range fields {
		key := prefix + fd.Key
		switch fd.Type {
		case "list":
			a.rows(m, fd, key, order)
		case "mapping":
			a.mapping(m, fd, key, order)
		case "list of text":
			vs, ok := a.form[key]
			if !ok {
				continue
			}
			a.setList(m, fd.Key, splitList(vs), order)
		default:
			v, ok := a.value(key)
			if !ok {
				continue
			}
			a.setScalar(m, fd, v, order)
		}
	}
}

// setScalar writes one text, number, date, time or true/false value.
func (a *applier) setScalar(m *yaml.Node, fd archive.Field, v string, order []string) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	if v == "" {
		a.remove(m, fd.Key)
		return
	}
	tag := "!!str"
	switch fd.Type {
	case "number":
		if _, err := strconv.Atoi(v); err == nil {
			tag = "!!int"
		}
	case "true/false":
		switch strings.ToLower(v) {
		case "true", "on", "1", "yes":
			v, tag = "true", "!!bool"
		case "false", "off", "0", "no":
			v, tag = "false", "!!bool"
		}
	case "date":
		if _, err := archive.ParseDate(v); err == nil {
			tag = ""
		}
	case "datetime":
		// <input type=datetime-local> may send seconds; the archive writes minutes.
		if t, err := archive.ParseDateTime(v); err == nil {
			v, tag = t.String(), ""
			if t.Second() != 0 {
				v = t.Format("2006-01-02T15:04:05")
			}
		}
	}
	old := lookup(m, fd.Key)
	if old != nil && old.Kind == yaml.ScalarNode && old.Value == v && sameTag(old, tag) {
		return
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
	if strings.Contains(v, "\n") {
		n.Style = yaml.LiteralStyle
	}
	if old != nil && old.Kind == yaml.ScalarNode {
		// Keep how the person quoted it and the comment beside it.
		if old.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && tag == "!!str" && n.Style == 0 {
			n.Style = old.Style
		}
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	a.set(m, fd.Key, n, order)
}

// sameTag reports whether a scalar read from the file already has the type
// the form means: "2021" typed into a text field must become "2021" quoted.
func sameTag(old *yaml.Node, tag string) bool {
	got := old.ShortTag()
	switch tag {
	case "":
		return true // a date or time: the same text is the same value, quoted or not
	case "!!str":
		return got == "!!str"
	}
	return got == tag
}

// setList writes a list of text, keeping the list's style ([a, b] or rows).
func (a *applier) setList(m *yaml.Node, key string, items []string, order []string) {
	old := lookup(m, key)
	if len(items) == 0 {
		a.remove(m, key)
		return
	}
	if old != nil && old.Kind == yaml.SequenceNode && len(old.Content) == len(items) {
		same := true
		for i, c := range old.Content {
			if c.Kind != yaml.ScalarNode || c.Value != items[i] {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	if old != nil && old.Kind == yaml.SequenceNode {
		n.Style = old.Style
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	for _, it := range items {
		n.Content = append(n.Content, str(it))
	}
	a.set(m, key, n, order)
}

// splitList reads the items of a list of text: each posted value is split
// at commas (, ，), 、 and line ends.
func splitList(vs []string) []string {
	var items []string
	for _, v := range vs {
		v = strings.ToValidUTF8(v, "\uFFFD")
		for _, it := range strings.FieldsFunc(v, func(r rune) bool {
			return r == ',' || r == '，' || r == '、' || r == '\n' || r == '\r' || r == ';' || r == '；'
		}) {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
	}
	return items
}

// mapping applies the fields of a nested mapping (contract, five_ones).
func (a *applier) mapping(m *yaml.Node, fd archive.Field, key string, order []string) {
	if !carries(a.form, fd.Fields, key+".") {
		return
	}
	old := lookup(m, fd.Key)
	if old != nil && old.Kind == yaml.MappingNode {
		before := len(old.Content)
		a.fields(old, fd.Fields, key+".", false)
		if len(old.Content) == 0 && before > 0 {
			a.remove(m, fd.Key)
		}
		return
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	sub := a.sub()
	sub.fields(n, fd.Fields, key+".", true)
	if len(n.Content) == 0 {
		if old != nil {
			a.remove(m, fd.Key)
		}
		return
	}
	if old != nil {
		n.HeadComment, n.LineComment = old.HeadComment, old.LineComment
	}
	a.set(m, fd.Key, n, order)
}

// rows applies the rows of a list of mappings.
func (a *applier) rows(m *yaml.Node, fd archive.Field, key string, order []string) {
	if _, ok := a.form[key+"._list"]; !ok {
		return
	}
	old := lookup(m, fd.Key)
	var oldRows []*yaml.Node
	if old != nil && old.Kind == yaml.SequenceNode {
		oldRows = old.Content
	}
	flow := len(oldRows) > 0 && oldRows[0].Style&yaml.FlowStyle != 0
	var rows []*yaml.Node
	used := map[int]bool{}
	changed := false
	for _, i := range rowIndexes(a.form, key+".") {
		rk := key + "." + strconv.Itoa(i) + "."
		if v, _ := a.value(rk + "_delete"); v != "" && v != "false" && v != "0" {
			continue
		}
		orig := -1
		if v, _ := a.value(rk + "_orig"); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < len(oldRows) && !used[n] && oldRows[n].Kind == yaml.MappingNode {
				orig = n
			}
		}
		if orig >= 0 {
			used[orig] = true
			row := oldRows[orig]
			sub := a.sub()
			sub.fields(row, fd.Fields, rk, false)
			a.changed = a.changed || sub.changed
			changed = changed || orig != len(rows)
			rows = append(rows, row)
			continue
		}
		row := &yaml.Node{Kind: yaml.MappingNode}
		if flow {
			row.Style = yaml.FlowStyle
		}
		sub := a.sub()
		sub.fields(row, fd.Fields, rk, true)
		if len(row.Content) == 0 {
			continue // the blank row a form offers for adding
		}
		changed = true
		rows = append(rows, row)
	}
	if len(rows) != len(oldRows) {
		changed = true
	}
	if !changed {
		return // values changed inside rows that stayed where they were, if any
	}
	if len(rows) == 0 {
		a.remove(m, fd.Key)
		return
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Content: rows}
	if old != nil && old.Kind == yaml.SequenceNode {
		n.Style = old.Style
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	a.set(m, fd.Key, n, order)
}

// rowIndexes lists the row positions a form posts under prefix, in order.
func rowIndexes(form url.Values, prefix string) []int {
	seen := map[int]bool{}
	for k := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if n, err := strconv.Atoi(num); err == nil && n >= 0 && n < maxRows && strconv.Itoa(n) == num {
			seen[n] = true
		}
	}
	idx := make([]int, 0, len(seen))
	for n := range seen {
		idx = append(idx, n)
	}
	slices.Sort(idx)
	return idx
}

// maxRows bounds the rows one list may have, so a hostile form cannot ask
// for a billion.
const maxRows = 10000

// set puts value under key in mapping m: in place when the key exists,
// else after the nearest key that comes before it in the schema.
func (a *applier) set(m *yaml.Node, key string, v *yaml.Node, order []string) {
	a.changed = true
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			if old.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && a.ed != nil {
				a.ed.patches = append(a.ed.patches, patch{line: old.Line, col: old.Column, old: old, new: v})
			} else {
				a.structural()
			}
			m.Content[i+1] = v
			return
		}
	}
	a.structural()
	k := str(key)
	at := len(m.Content)
	mine := slices.Index(order, key)
	after, before := -1, -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		name := m.Content[i].Value
		if name == "kind" {
			after = i
			continue
		}
		p := slices.Index(order, name)
		switch {
		case p >= 0 && p < mine:
			after = i
		case p > mine && before < 0:
			before = i
		}
	}
	switch {
	case after >= 0:
		at = after + 2
	case before >= 0:
		at = before
	}
	m.Content = slices.Insert(m.Content, at, k, v)
}

// remove deletes key from mapping m.
func (a *applier) remove(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			a.structural()
			m.Content = slices.Delete(m.Content, i, i+2)
			a.changed = true
			return
		}
	}
}

func (a *applier) structural() {
	if a.ed != nil {
		a.ed.structural = true
	}
}

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

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
