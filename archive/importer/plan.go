package importer

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// Options say what to import and where.
type Options struct {
	Kind Kind
	// Customer is the customer a device list or topology goes into. For
	// devices it may be empty when the sheet has a customer column. An id
	// that does not exist yet creates the customer.
	Customer string
	// Name names a customer the import creates (default: its id, or the
	// topology's own name).
	Name string
	// Map reads other column headings (ParseMap).
	Map map[string]string
	// Sheet is the workbook sheet to read; the first one when empty.
	Sheet string
	// Strict makes any bad row block the whole import.
	Strict bool
	// Visible, when set, says whether the importing person may see a
	// customer at all: one they may not is treated exactly as one that
	// does not exist (names are not matched, ids are "not found").
	Visible func(f *archive.Folder) bool
	// Allow, when set, says whether the importing person may change a
	// customer (f is nil for one the import would create); its error is
	// reported on every row for that customer.
	Allow func(id string, f *archive.Folder) error
	// MapField and CustomerField, when set, name the fields of the
	// caller's form that messages would otherwise call --map and
	// --customer (the site's import form).
	MapField, CustomerField *Label
}

// Reader reads the current content of a file of the archive at the
// snapshot's commit (gitstore's Repo.ReadFile).
type Reader func(path string) ([]byte, error)

// RowError is a row that could not be imported.
type RowError struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`  // the column's letter (F); "" for the whole row
	Heading string `json:"heading,omitempty"` // its heading (安装日期)
	Msg     string `json:"message"`
	// Chinese is Msg in Chinese ("" when the importer has none).
	Chinese string `json:"message_zh,omitempty"`
}

func (e RowError) String() string { return e.Text(false) }

// Text is the row error as a sentence, in Chinese when zh is set.
func (e RowError) Text(zh bool) string {
	s := say(zh, "sheet %s, row %d", e.Sheet, e.Row)
	if e.Column != "" {
		s += say(zh, ", column %s (%s)", e.Column, e.Heading)
	}
	if zh {
		return s + "：" + e.Message(true)
	}
	return s + ": " + e.Msg
}

// Message is the reason the row was left out, in Chinese when zh is set
// and the importer has it.
func (e RowError) Message(zh bool) string {
	if zh && e.Chinese != "" {
		return e.Chinese
	}
	return e.Msg
}

// Note is something a person should know about an import that is not a
// bad row (columns nothing reads, nodes of a topology left out).
type Note struct {
	Msg     string `json:"message"`
	Chinese string `json:"message_zh,omitempty"`
}

func (n Note) String() string { return n.Msg }

// Message is the note in Chinese when zh is set and the importer has it.
func (n Note) Message(zh bool) string {
	if zh && n.Chinese != "" {
		return n.Chinese
	}
	return n.Msg
}

// FileChange is one file the import writes. Old is nil for a new file.
type FileChange struct {
	Path string `json:"path"`
	Old  []byte `json:"-"`
	New  []byte `json:"-"`
}

// Created reports whether the file is new.
func (f FileChange) Created() bool { return f.Old == nil }

// CustomerResult is what the import does to one customer.
type CustomerResult struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	New       bool     `json:"new,omitempty"`
	Added     int      `json:"added"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Links     int      `json:"links,omitempty"` // topology links added
	Files     []string `json:"files,omitempty"`
}

// Plan is what an import would change. It is computed against one commit
// (Base) and commits nothing itself.
type Plan struct {
	Kind      Kind              `json:"kind"`
	Source    string            `json:"source"`
	Sheet     string            `json:"sheet,omitempty"`
	Encoding  string            `json:"encoding,omitempty"`
	Base      string            `json:"base"`
	Rows      int               `json:"rows"` // data rows read (or nodes and edges of a topology)
	Nodes     int               `json:"nodes,omitempty"`
	Edges     int               `json:"edges,omitempty"`
	Customers []*CustomerResult `json:"customers"`
	Files     []FileChange      `json:"files"`
	Bad       []RowError        `json:"bad,omitempty"`
	Notes     []Note            `json:"notes,omitempty"`
	Strict    bool              `json:"strict,omitempty"`
}

// Blocked reports whether nothing may be written: --strict and a bad row.
func (p *Plan) Blocked() bool { return p.Strict && len(p.Bad) > 0 }

// Empty reports whether the import would change nothing.
func (p *Plan) Empty() bool { return len(p.Files) == 0 }

// Message is the default commit message: what was imported from where.
func (p *Plan) Message() string {
	var added, updated int
	for _, c := range p.Customers {
		added += c.Added
		updated += c.Updated
	}
	what := map[Kind]string{Devices: "设备", Customers: "客户", Topology: "拓扑"}[p.Kind]
	msg := fmt.Sprintf("导入%s: %s (新增 %d, 更新 %d)", what, p.Source, added, updated)
	if len(p.Bad) > 0 {
		msg += fmt.Sprintf("\n\n%d 行未导入:\n", len(p.Bad))
		for _, b := range p.Bad {
			msg += "- " + b.String() + "\n"
		}
	}
	return msg
}

// Change is the commit that carries out the plan: every file in one
// commit on top of Base, so the store refuses it if the archive moved since
// the plan was made.
func (p *Plan) Change(author gitstore.Signature, message string) gitstore.Change {
	if message == "" {
		message = p.Message()
	}
	c := gitstore.Change{Parent: p.Base, Author: author, Message: message}
	for _, f := range p.Files {
		c.Files = append(c.Files, gitstore.FileChange{Path: f.Path, Data: f.New})
	}
	return c
}

// WriteText prints the plan for a person: per customer what changes, the
// files, then the rows left out and why.
func (p *Plan) WriteText(w io.Writer) { p.write(w, false) }

// WriteChinese prints the plan as WriteText does, in Chinese.
func (p *Plan) WriteChinese(w io.Writer) { p.write(w, true) }

func (p *Plan) write(w io.Writer, zh bool) {
	src := p.Source
	if p.Sheet != "" && p.Sheet != p.Source {
		src += say(zh, ", sheet %s", p.Sheet)
	}
	if p.Encoding != "" && p.Encoding != "UTF-8" {
		src += say(zh, ", read as %s", p.Encoding)
	}
	read := say(zh, "%d rows read", p.Rows)
	if p.Kind == Topology {
		read = say(zh, "%d nodes and %d links read", p.Nodes, p.Edges)
	}
	io.WriteString(w, say(zh, "import %s from %s at %.10s: %s\n", phrase(p.Kind), src, p.Base, read))
	for _, c := range p.Customers {
		state := ""
		if c.New {
			state = say(zh, " (new customer)")
		}
		io.WriteString(w, say(zh, "customer %s %s%s: %s\n", c.ID, c.Name, state, c.summary(p.Kind, zh)))
	}
	for _, f := range p.Files {
		if f.Created() {
			io.WriteString(w, say(zh, "  create %s\n", f.Path))
		} else {
			io.WriteString(w, say(zh, "  change %s\n", f.Path))
		}
	}
	if len(p.Bad) > 0 {
		if len(p.Bad) == 1 {
			io.WriteString(w, say(zh, "1 row cannot be imported:\n"))
		} else {
			io.WriteString(w, say(zh, "%d rows cannot be imported:\n", len(p.Bad)))
		}
		for _, b := range p.Bad {
			fmt.Fprintf(w, "  %s\n", b.Text(zh))
		}
	}
	for _, n := range p.Notes {
		io.WriteString(w, say(zh, "note: %s\n", n.Message(zh)))
	}
}

func (c *CustomerResult) summary(k Kind, zh bool) string {
	if k == Customers {
		switch {
		case c.New:
			return say(zh, "created")
		case c.Updated > 0:
			return say(zh, "updated")
		default:
			return say(zh, "unchanged")
		}
	}
	s := say(zh, "%d devices added, %d updated, %d unchanged", c.Added, c.Updated, c.Unchanged)
	if k == Topology {
		s += say(zh, ", ") + say(zh, "%d links added", c.Links)
	}
	return s
}

// Build reads the file (name and content) and plans the import into the
// archive of snap; read gives the bytes of its existing records. An error
// means the file as a whole cannot be imported (unreadable, no heading row,
// no customer); rows that cannot be read are in Plan.Bad instead.
func Build(snap *archive.Snapshot, read Reader, name string, data []byte, opt Options) (*Plan, error) {
	if !opt.Kind.Valid() {
		return nil, errorf("unknown kind of import %q: use devices, customers or topology", opt.Kind)
	}
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	w := &work{snap: snap, read: read, opt: opt, files: map[string]*editFile{}, results: map[string]*CustomerResult{}}
	w.plan = &Plan{Kind: opt.Kind, Source: base, Base: snap.Commit, Strict: opt.Strict}
	var err error
	switch opt.Kind {
	case Devices, Customers:
		var t *Table
		if t, err = ReadTable(base, data, opt.Sheet); err != nil {
			return nil, err
		}
		w.plan.Sheet, w.plan.Encoding = t.Sheet, t.Encoding
		if opt.Kind == Devices {
			err = w.devices(t)
		} else {
			err = w.customers(t)
		}
	case Topology:
		err = w.topology(base, data)
	}
	if err != nil {
		return nil, err
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	return w.plan, nil
}

// work is the state of one Build.
type work struct {
	snap    *archive.Snapshot
	read    Reader
	opt     Options
	plan    *Plan
	files   map[string]*editFile
	results map[string]*CustomerResult
	newName string // the name a topology file gives a customer it creates
}

// editFile is a record the import edits.
type editFile struct {
	path string
	old  []byte // nil: created by the import
	doc  *doc
}

// bad reports a row left out, in both languages.
func (w *work) bad(sheet string, row int, at Cell, format string, args ...any) {
	w.plan.Bad = append(w.plan.Bad, RowError{Sheet: sheet, Row: row, Column: at.Column, Heading: at.Heading,
		Msg: fmt.Sprintf(format, english(args)...), Chinese: chinese(format, args...)})
}

// note tells the person something about the import, in both languages.
func (w *work) note(format string, args ...any) {
	w.plan.Notes = append(w.plan.Notes, Note{Msg: fmt.Sprintf(format, english(args)...), Chinese: chinese(format, args...)})
}

// folder returns a customer's folder if it exists and the importer may
// see it.
func (w *work) folder(id string) *archive.Folder {
	f := w.snap.Customer(id)
	if f == nil || (w.opt.Visible != nil && !w.opt.Visible(f)) {
		return nil
	}
	return f
}

// file returns the record at p for editing, reading it from the archive
// or starting it as kind k.
func (w *work) file(p string, k archive.Kind) (*editFile, error) {
	if f, ok := w.files[p]; ok {
		return f, nil
	}
	f := &editFile{path: p}
	if w.snap.Record(p) != nil {
		data, err := w.read(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		d, err := parseDoc(data)
		if err != nil {
			return nil, errorf("%s cannot be changed because %v; fix it first (dangan check shows where)", p, err)
		}
		f.old, f.doc = data, d
	} else {
		f.doc = newDoc(k)
	}
	w.files[p] = f
	return f, nil
}

// result returns the tally of a customer, creating it.
func (w *work) result(id, name string, isNew bool) *CustomerResult {
	r, ok := w.results[id]
	if !ok {
		r = &CustomerResult{ID: id, Name: name, New: isNew}
		w.results[id] = r
	}
	return r
}

// finish turns the edited documents into file changes, leaves out those
// that did not change, and checks that the archive with them has no error
// the archive without them did not have: an import must never be what
// makes dangan check fail.
func (w *work) finish() error {
	var changed []archive.File
	for _, f := range w.files {
		data, dirty, err := f.doc.bytes()
		if err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		if !dirty || f.old != nil && bytes.Equal(data, f.old) {
			continue
		}
		w.plan.Files = append(w.plan.Files, FileChange{Path: f.path, Old: f.old, New: data})
		changed = append(changed, archive.File{Path: f.path, Data: data})
		if c := archive.CustomerOf(f.path); c != "" {
			if r := w.results[c]; r != nil {
				r.Files = append(r.Files, f.path)
			}
		}
	}
	slices.SortFunc(w.plan.Files, func(a, b FileChange) int { return cmp.Compare(a.Path, b.Path) })
	for _, r := range w.results {
		slices.Sort(r.Files)
		w.plan.Customers = append(w.plan.Customers, r)
	}
	slices.SortFunc(w.plan.Customers, func(a, b *CustomerResult) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortStableFunc(w.plan.Bad, func(a, b RowError) int { return cmp.Or(cmp.Compare(a.Sheet, b.Sheet), cmp.Compare(a.Row, b.Row)) })
	if len(changed) == 0 {
		return nil
	}
	after := w.snap.With(w.snap.Commit, changed, nil)
	before := map[string]bool{}
	for _, p := range errorsOf(w.snap, changed) {
		before[p.Path+"\x00"+p.Message] = true
	}
	for _, p := range errorsOf(after, changed) {
		if !before[p.Path+"\x00"+p.Message] {
			zh := p.String()
			if p.Chinese != "" {
				zh = fmt.Sprintf("%s:%d:%d: %s", p.Path, max(p.Line, 1), max(p.Col, 1), p.Chinese)
			}
			return errorf("the import would make the archive invalid (%s); nothing was written: please report this with the file", Label{En: p.String(), Zh: zh})
		}
	}
	return nil
}

// errorsOf lists the errors of the customers the changed files belong to.
func errorsOf(s *archive.Snapshot, changed []archive.File) []archive.Problem {
	var out []archive.Problem
	seen := map[string]bool{}
	for _, f := range changed {
		c := archive.CustomerOf(f.Path)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		folder := s.Customer(c)
		if folder == nil {
			continue
		}
		for _, r := range folder.Records() {
			for _, p := range r.Problems {
				if p.Severity == archive.SeverityError {
					out = append(out, p)
				}
			}
		}
		for _, p := range folder.Problems {
			if p.Severity == archive.SeverityError {
				out = append(out, p)
			}
		}
	}
	return out
}
