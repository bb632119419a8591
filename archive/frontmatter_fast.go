package archive

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// fastFrontMatter builds the node tree yaml.Unmarshal(front, &doc) would
// build, for the plain subset of YAML that archive files use: block
// mappings and sequences, one-line flow collections, and one-line plain or
// quoted scalars without escapes. It returns false on anything else, and
// whenever it is not certain to build the very same tree, so that yaml.v3
// parses (and reports errors on) everything unusual. Equality with yaml.v3,
// down to tags, styles, lines and columns, is what the tests and the fuzzer
// check: the caller trusts the tree as if yaml.v3 had built it.
func fastFrontMatter(front []byte) (*yaml.Node, bool) {
	src := string(front)
	nodes, ok := scanPlainText(src)
	if !ok {
		return nil, false
	}
	p := &fmParser{lines: splitLines(src)}
	p.slab = make([]yaml.Node, 0, nodes)
	ptrs := make([]*yaml.Node, 2*nodes)
	p.stack, p.contents = ptrs[:0:nodes], ptrs[nodes:nodes]
	if !p.nextContent() {
		// yaml.v3 leaves the document zero when there is no content.
		return &yaml.Node{}, true
	}
	if indentOf(p.lines[p.i]) != 0 {
		return nil, false
	}
	root, ok := p.blockMapping(0, 0)
	if !ok || p.nextContent() {
		return nil, false
	}
	doc := p.node(yaml.DocumentNode, root.Line, root.Column)
	p.stack = append(p.stack[:0], root)
	p.finish(doc, 0)
	return doc, true
}

const (
	// maxDepth bounds nesting, block and flow, far above what records use.
	maxDepth = 32
	// maxKeyLen keeps keys below libyaml's 1024-character simple key limit.
	maxKeyLen = 512
	// blockStart lists the characters that may not start a plain scalar
	// (or that make it something else), for the fast path to decline.
	blockStart = "-?:,[]{}#&*!|>'\"%@`"
)

// scanPlainText checks that src has none of the characters that would
// make yaml.v3 read it differently from the fast path (comments, tabs,
// carriage returns, control and non-printable characters, a byte order
// mark, Unicode line breaks), nor document markers or directives. It also
// returns an upper bound of the number of nodes, to allocate them at once:
// the document and its mapping, a key and a value per colon, an item per
// dash, and per opening bracket and comma of a flow sequence (a nested
// collection is the value or item that its parent counts).
func scanPlainText(src string) (nodes int, ok bool) {
	nodes = 2
	var inMap uint64 // a bit per open flow collection: is it a mapping
	depth := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(src[i:])
			if !printableRune(r, size) {
				return 0, false
			}
			i += size - 1
			continue
		}
		switch asciiClass[c] {
		case asciiPlain:
		case asciiBad:
			return 0, false
		case asciiNewline:
			if rest := src[i+1:]; strings.HasPrefix(rest, "---") || strings.HasPrefix(rest, "...") {
				return 0, false
			}
		case asciiIndicator:
			if i+1 == len(src) || src[i+1] == ' ' || src[i+1] == '\n' {
				nodes++
				if c == ':' {
					nodes++
				}
			}
		case asciiOpen:
			if depth++; depth > maxDepth {
				return 0, false
			}
			inMap <<= 1
			if c == '{' {
				inMap |= 1
			} else {
				nodes++
			}
		case asciiClose:
			if depth > 0 {
				depth--
				inMap >>= 1
			}
		case asciiComma:
			if inMap&1 == 0 {
				nodes++
			}
		}
	}
	if strings.HasPrefix(src, "---") || strings.HasPrefix(src, "...") {
		return 0, false
	}
	return nodes, true
}

// Classes of ASCII bytes for scanPlainText.
const (
	asciiPlain = iota
	asciiBad   // control characters, DEL and #: left to yaml.v3
	asciiNewline
	asciiIndicator // ':' and '-': a key or an item when before a space
	asciiOpen
	asciiClose
	asciiComma
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		if c < 0x20 || c == 0x7f {
			t[c] = asciiBad
		}
	}
	t['#'] = asciiBad
	t['\n'] = asciiNewline
	t[':'], t['-'] = asciiIndicator, asciiIndicator
	t['['], t['{'] = asciiOpen, asciiOpen
	t[']'], t['}'] = asciiClose, asciiClose
	t[','] = asciiComma
	return t
}()

// printableRune reports whether libyaml accepts r as ordinary text (not a
// line break, a byte order mark or a non-printable character).
func printableRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return false
	case r < 0xA0, r == 0x2028, r == 0x2029, r == 0xFEFF:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return true
}

func splitLines(src string) []string {
	lines := make([]string, 0, strings.Count(src, "\n")+1)
	for {
		line, rest, found := strings.Cut(src, "\n")
		lines = append(lines, line)
		if !found {
			return lines
		}
		src = rest
	}
}

func indentOf(s string) int {
	n := 0
	for n < len(s) && s[n] == ' ' {
		n++
	}
	return n
}

// column is libyaml's 1-based column of byte offset off: it counts
// characters, not bytes.
func column(s string, off int) int {
	return utf8.RuneCountInString(s[:off]) + 1
}

func onlySpaces(s string) bool {
	return indentOf(s) == len(s)
}

// fmParser reads the lines of a front matter; i is the first line not yet
// consumed.
type fmParser struct {
	lines []string
	i     int
	depth int
	slab  []yaml.Node
	// stack holds the children of the collections being read; contents
	// is where their Content slices are cut from once complete.
	stack    []*yaml.Node
	contents []*yaml.Node
}

// nextContent skips blank lines and reports whether a line is left.
func (p *fmParser) nextContent() bool {
	for p.i < len(p.lines) && onlySpaces(p.lines[p.i]) {
		p.i++
	}
	return p.i < len(p.lines)
}

// node allocates from a slab; a full slab is replaced, never grown, so the
// pointers already handed out stay valid.
func (p *fmParser) node(kind yaml.Kind, line, col int) *yaml.Node {
	if len(p.slab) == cap(p.slab) {
		// Not reached when the estimate of scanPlainText holds.
		p.slab = make([]yaml.Node, 0, 32)
	}
	p.slab = p.slab[:len(p.slab)+1]
	n := &p.slab[len(p.slab)-1]
	n.Kind, n.Line, n.Column = kind, line, col
	return n
}

func (p *fmParser) collection(kind yaml.Kind, style yaml.Style, line, col int) *yaml.Node {
	n := p.node(kind, line, col)
	n.Style = style
	if kind == yaml.MappingNode {
		n.Tag = "!!map"
	} else {
		n.Tag = "!!seq"
	}
	return n
}

// plain makes a plain scalar, tagged as yaml.v3 would.
func (p *fmParser) plain(value string, line, col int) *yaml.Node {
	n := p.node(yaml.ScalarNode, line, col)
	n.Value = value
	if n.Tag = plainTag(value); n.Tag == "" {
		n.Tag = n.ShortTag()
	}
	return n
}

func (p *fmParser) quoted(value string, style yaml.Style, line, col int) *yaml.Node {
	n := p.node(yaml.ScalarNode, line, col)
	n.Value, n.Style, n.Tag = value, style, "!!str"
	return n
}

func (p *fmParser) null(line, col int) *yaml.Node {
	n := p.node(yaml.ScalarNode, line, col)
	n.Tag = "!!null"
	return n
}

// finish gives n the children pushed on the stack since start.
func (p *fmParser) finish(n *yaml.Node, start int) {
	k := len(p.stack) - start
	if k == 0 {
		return
	}
	if len(p.contents)+k > cap(p.contents) {
		// Not reached when the estimate of scanPlainText holds.
		p.contents = make([]*yaml.Node, 0, max(k, 32))
	}
	from := len(p.contents)
	p.contents = append(p.contents, p.stack[start:]...)
	n.Content = p.contents[from : from+k : from+k]
	p.stack = p.stack[:start]
}

func (p *fmParser) enter() bool {
	p.depth++
	return p.depth <= maxDepth
}

// blockMapping reads a block mapping whose keys are at indent ind, the
// first one on the current line at byte offset off (after "- " when the
// mapping is a sequence item).
func (p *fmParser) blockMapping(ind, off int) (*yaml.Node, bool) {
	defer func() { p.depth-- }()
	if !p.enter() {
		return nil, false
	}
	s := p.lines[p.i]
	n := p.collection(yaml.MappingNode, 0, p.i+1, column(s, off))
	start := len(p.stack)
	for {
		if !p.mappingEntry(ind, off, start) {
			return nil, false
		}
		if !p.nextContent() {
			break
		}
		s = p.lines[p.i]
		m := indentOf(s)
		if m < ind {
			break
		}
		if m > ind || isSeqEntry(s, m) {
			return nil, false
		}
		off = m
	}
	p.finish(n, start)
	return n, true
}

// mappingEntry reads "key: value" at offset off of the current line, and
// the lines below that belong to the value.
func (p *fmParser) mappingEntry(ind, off, start int) bool {
	s := p.lines[p.i]
	colon := findKeyColon(s, off)
	if colon < 0 {
		return false
	}
	key, ok := p.blockKey(s, off, colon)
	if !ok || duplicateKey(p.stack[start:], key.Value) {
		return false
	}
	p.stack = append(p.stack, key)
	j := colon + 1
	j += indentOf(s[j:])
	var value *yaml.Node
	if j == len(s) {
		value, ok = p.valueBelow(ind, p.i+1, column(s, colon+1))
	} else {
		value, ok = p.inlineValue(s, j)
		p.i++
	}
	if !ok {
		return false
	}
	p.stack = append(p.stack, value)
	return true
}

// duplicateKey reports a key already in the mapping: yaml.v3 rejects it
// when decoding, so it is left to yaml.v3.
func duplicateKey(pairs []*yaml.Node, key string) bool {
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i].Value == key {
			return true
		}
	}
	return false
}

// valueBelow reads the value of a key written alone on its line: a block
// collection on the following lines, or null (placed by yaml.v3 just after
// the colon).
func (p *fmParser) valueBelow(ind, nullLine, nullCol int) (*yaml.Node, bool) {
	p.i++
	if !p.nextContent() {
		return p.null(nullLine, nullCol), true
	}
	s := p.lines[p.i]
	m := indentOf(s)
	switch {
	case m == ind && isSeqEntry(s, m):
		return p.blockSequence(m, true)
	case m <= ind:
		return p.null(nullLine, nullCol), true
	case isSeqEntry(s, m):
		return p.blockSequence(m, false)
	}
	return p.blockMapping(m, m)
}

func isSeqEntry(s string, m int) bool {
	return m < len(s) && s[m] == '-' && (m+1 == len(s) || s[m+1] == ' ')
}

// blockSequence reads "- " items at indent ind. An indentless sequence
// (at its key's indent) ends at the next line of that indent that is not
// an item; any other sequence must not be followed by one.
func (p *fmParser) blockSequence(ind int, indentless bool) (*yaml.Node, bool) {
	defer func() { p.depth-- }()
	if !p.enter() {
		return nil, false
	}
	n := p.collection(yaml.SequenceNode, 0, p.i+1, ind+1)
	start := len(p.stack)
	for {
		item, ok := p.sequenceItem(ind)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, item)
		if !p.nextContent() {
			break
		}
		s := p.lines[p.i]
		m := indentOf(s)
		if m < ind || (m == ind && !isSeqEntry(s, m) && indentless) {
			break
		}
		if m > ind || !isSeqEntry(s, m) {
			return nil, false
		}
	}
	p.finish(n, start)
	return n, true
}

// sequenceItem reads the item whose "-" is at offset ind of the current
// line: null, a compact mapping ("- key: value" and the keys aligned under
// it), or a value on the line.
func (p *fmParser) sequenceItem(ind int) (*yaml.Node, bool) {
	s := p.lines[p.i]
	j := ind + 1
	j += indentOf(s[j:])
	switch {
	case j == len(s):
		// yaml.v3 places the null just after the "-".
		null := p.null(p.i+1, ind+2)
		p.i++
		if p.nextContent() && indentOf(p.lines[p.i]) > ind {
			return nil, false
		}
		return null, true
	case isSeqEntry(s, j):
		return nil, false
	case findKeyColon(s, j) >= 0:
		return p.blockMapping(j, j)
	}
	v, ok := p.inlineValue(s, j)
	p.i++
	return v, ok
}

// findKeyColon returns the offset of the colon ending a key that starts at
// off ("key:" followed by a space or the line end), or -1 when the text
// at off is not a key.
func findKeyColon(s string, off int) int {
	var end int
	switch s[off] {
	case '[', '{':
		return -1
	case '"':
		_, end = doubleQuoted(s, off)
	case '\'':
		_, end = singleQuoted(s, off)
	default:
		for k := off; k < len(s); k++ {
			if s[k] == ':' && (k+1 == len(s) || s[k+1] == ' ') {
				return k
			}
		}
		return -1
	}
	if end > 0 && end < len(s) && s[end] == ':' && (end+1 == len(s) || s[end+1] == ' ') {
		return end
	}
	return -1
}

// blockKey makes the key node for s[off:colon]: a quoted scalar, or a
// plain one without flow indicators, colons or spaces before the colon;
// not near libyaml's length limit.
func (p *fmParser) blockKey(s string, off, colon int) (*yaml.Node, bool) {
	if colon-off > maxKeyLen {
		return nil, false
	}
	line, col := p.i+1, column(s, off)
	switch s[off] {
	case '"':
		v, _ := doubleQuoted(s, off)
		return p.quoted(v, yaml.DoubleQuotedStyle, line, col), true
	case '\'':
		v, _ := singleQuoted(s, off)
		return p.quoted(v, yaml.SingleQuotedStyle, line, col), true
	}
	key := s[off:colon]
	if !plainStart(key) || key[len(key)-1] == ' ' || hasKeyIndicator(key) {
		return nil, false
	}
	return p.plain(key, line, col), true
}

// plainStart reports whether v may start a plain scalar that the fast path
// reads like yaml.v3: no indicator first, except "-" before a letter or
// digit (-5, -x).
func plainStart(v string) bool {
	if v == "" || v[0] == ' ' {
		return false
	}
	if v[0] == '-' {
		return len(v) > 1 && isAlnum(v[1])
	}
	return !notPlainStart[v[0]]
}

// hasKeyIndicator reports a flow indicator, colon or quote in a plain
// key, which the fast path leaves to yaml.v3.
func hasKeyIndicator(key string) bool {
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case ',', '?', '[', ']', '{', '}', ':', '\'', '"':
			return true
		}
	}
	return false
}

var notPlainStart = func() (t [256]bool) {
	for i := 0; i < len(blockStart); i++ {
		t[blockStart[i]] = true
	}
	return t
}()

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// inlineValue reads the value that fills the rest of line s from offset j
// (block context).
func (p *fmParser) inlineValue(s string, j int) (*yaml.Node, bool) {
	line, col := p.i+1, column(s, j)
	var n *yaml.Node
	var end int
	switch s[j] {
	case '"':
		var v string
		if v, end = doubleQuoted(s, j); end < 0 {
			return nil, false
		}
		n = p.quoted(v, yaml.DoubleQuotedStyle, line, col)
	case '\'':
		var v string
		if v, end = singleQuoted(s, j); end < 0 {
			return nil, false
		}
		n = p.quoted(v, yaml.SingleQuotedStyle, line, col)
	case '[', '{':
		var ok bool
		if n, end, ok = p.flowCollection(s, j, line); !ok {
			return nil, false
		}
	default:
		v := strings.TrimRight(s[j:], " ")
		if !plainStart(v) || strings.HasSuffix(v, ":") || strings.Contains(v, ": ") {
			return nil, false
		}
		return p.plain(v, line, col), true
	}
	if !onlySpaces(s[end:]) {
		return nil, false
	}
	return n, true
}

// doubleQuoted reads a one-line double-quoted scalar at s[off] without
// escapes; end is the offset after the closing quote, -1 if there is none
// or the scalar has a backslash.
func doubleQuoted(s string, off int) (value string, end int) {
	k := strings.IndexByte(s[off+1:], '"')
	if k < 0 {
		return "", -1
	}
	value = s[off+1 : off+1+k]
	if strings.IndexByte(value, '\\') >= 0 {
		return "", -1
	}
	return value, off + k + 2
}

// singleQuoted reads a one-line single-quoted scalar at s[off], in which
// a doubled quote stands for one; end is as for doubleQuoted.
func singleQuoted(s string, off int) (value string, end int) {
	escaped := false
	for k := off + 1; k < len(s); k++ {
		if s[k] != '\'' {
			continue
		}
		if k+1 < len(s) && s[k+1] == '\'' {
			escaped = true
			k++
			continue
		}
		value = s[off+1 : k]
		if escaped {
			value = strings.ReplaceAll(value, "''", "'")
		}
		return value, k + 1
	}
	return "", -1
}

// flowCollection reads a flow sequence or mapping starting at s[off] and
// closed on the same line; end is the offset after its closing bracket.
func (p *fmParser) flowCollection(s string, off, line int) (n *yaml.Node, end int, ok bool) {
	defer func() { p.depth-- }()
	if !p.enter() {
		return nil, 0, false
	}
	kind, closing := yaml.SequenceNode, byte(']')
	if s[off] == '{' {
		kind, closing = yaml.MappingNode, '}'
	}
	n = p.collection(kind, yaml.FlowStyle, line, column(s, off))
	start := len(p.stack)
	k := skipSpaces(s, off+1)
	if k < len(s) && s[k] == closing {
		return n, k + 1, true
	}
	for {
		if k, ok = p.flowEntry(s, k, line, kind, start); !ok {
			return nil, 0, false
		}
		k = skipSpaces(s, k)
		switch {
		case k < len(s) && s[k] == closing:
			p.finish(n, start)
			return n, k + 1, true
		case k < len(s) && s[k] == ',':
			// yaml.v3 accepts a comma before the closing bracket; it is
			// rare enough to leave to it.
			if k = skipSpaces(s, k+1); k < len(s) && s[k] == closing {
				return nil, 0, false
			}
		default:
			return nil, 0, false
		}
	}
}

// endsFlowPlain reports whether s[k] ends a plain scalar in a flow
// collection: a flow indicator, or a colon before a space.
func endsFlowPlain(s string, k int) bool {
	switch s[k] {
	case ',', '?', '[', ']', '{', '}':
		return true
	case ':':
		return k+1 == len(s) || s[k+1] == ' '
	}
	return false
}

func skipSpaces(s string, k int) int {
	return k + indentOf(s[k:])
}

// flowEntry reads one item of a flow sequence, or one "key: value" pair of
// a flow mapping, at s[k], and pushes its nodes.
func (p *fmParser) flowEntry(s string, k, line int, kind yaml.Kind, start int) (int, bool) {
	if kind == yaml.MappingNode {
		key, end, ok := p.flowScalar(s, k, line)
		if !ok || key.Kind != yaml.ScalarNode || duplicateKey(p.stack[start:], key.Value) ||
			end >= len(s)-1 || s[end] != ':' || s[end+1] != ' ' || end-k > maxKeyLen {
			return 0, false
		}
		p.stack = append(p.stack, key)
		k = skipSpaces(s, end+1)
	}
	v, end, ok := p.flowScalar(s, k, line)
	if !ok {
		return 0, false
	}
	p.stack = append(p.stack, v)
	return end, true
}

// flowScalar reads a node inside a flow collection: a nested collection,
// a quoted scalar, or a plain scalar ending at a flow indicator; end is
// just after the scalar's last character.
func (p *fmParser) flowScalar(s string, k, line int) (n *yaml.Node, end int, ok bool) {
	if k >= len(s) {
		return nil, 0, false
	}
	col := column(s, k)
	switch s[k] {
	case '[', '{':
		return p.flowCollection(s, k, line)
	case '"':
		v, end := doubleQuoted(s, k)
		if end < 0 {
			return nil, 0, false
		}
		return p.quoted(v, yaml.DoubleQuotedStyle, line, col), end, true
	case '\'':
		v, end := singleQuoted(s, k)
		if end < 0 {
			return nil, 0, false
		}
		return p.quoted(v, yaml.SingleQuotedStyle, line, col), end, true
	}
	stop := k
	for stop < len(s) && !endsFlowPlain(s, stop) {
		stop++
	}
	v := strings.TrimRight(s[k:stop], " ")
	if stop == len(s) || s[stop] == '?' || !plainStart(v) || strings.HasSuffix(v, ":") {
		return nil, 0, false
	}
	return p.plain(v, line, col), k + len(v), true
}
