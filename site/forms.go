package site

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/edit"
	"github.com/dangan-archive/dangan/archive/standard"
	"github.com/dangan-archive/dangan/site/i18n"
	"github.com/dangan-archive/dangan/site/markdown"
)

// The record forms. Every form is generated from the record's schema
// (archive.Schema) and filled by archive/edit, which also applies what is
// posted back, so a save changes only what the person changed. Saving goes
// through Server.Save like every other change: the same access rules, the
// same checker, one commit on top of the version the form was read at.

// maxFormBytes bounds a posted form; uploads have their own limit.
const maxFormBytes = 2 << 20

// formField is one input of a generated form, or a group of them.
type formField struct {
	Name     string // the input's name: f.devices.0.id
	Key      string // the schema key: id
	Label    string
	Type     string // text, number, date, datetime, true/false, list of text, list, mapping
	Input    string // the HTML input type for scalars
	Value    string
	Enum     []formOption
	Required bool
	Long     bool // a text that may run over several lines
	Errors   []string
	Fields   []formField // of a mapping
	Rows     []formRow   // of a list
	Blank    *formRow    // the empty row offered for adding one
}

type formOption struct {
	Value, Label string
	Selected     bool
}

type formRow struct {
	Prefix string // f.devices.3
	N      int
	Orig   string // the row's index in the file; "" for a new row
	Fields []formField
	Title  string // what the row is, for its heading (an id or name)
}

// formBuilder turns a schema and form values into formFields.
type formBuilder struct {
	cat    *i18n.Catalog
	kind   archive.Kind
	values url.Values
	errs   map[string][]string // by field path without Prefix
}

func (b *formBuilder) fields(fields []archive.Field, prefix, labelPath string) []formField {
	var out []formField
	for _, fd := range fields {
		name := prefix + fd.Key
		ff := formField{Name: name, Key: fd.Key, Label: b.label(labelPath+"."+fd.Key, fd.Label), Type: fd.Type, Required: fd.Required}
		ff.Errors = b.errs[strings.TrimPrefix(name, edit.Prefix)]
		switch fd.Type {
		case "list":
			ff.Rows = b.rows(fd, name, labelPath+"."+fd.Key)
			blank := b.row(fd, name, labelPath+"."+fd.Key, nextRow(ff.Rows), "")
			ff.Blank = &blank
		case "mapping":
			ff.Fields = b.fields(fd.Fields, name+".", labelPath+"."+fd.Key)
		default:
			ff.Value = b.values.Get(name)
			if vs := b.values[name]; len(vs) > 0 {
				ff.Value = vs[len(vs)-1]
			}
			if fd.Type == "list of text" && len(b.values[name]) > 1 {
				ff.Value = strings.Join(edit.ListItemsOf(b.values[name]), ", ")
			}
			ff.Input = inputType(fd.Type, ff.Value)
			ff.Long = fd.Type == "text" && (fd.Key == "need" || fd.Key == "note" || fd.Key == "reason" || fd.Key == "address" || strings.Contains(ff.Value, "\n"))
			if len(fd.Enum) > 0 {
				ff.Enum = b.options(fd.Key, fd.Enum, ff.Value)
			}
		}
		out = append(out, ff)
	}
	return out
}

func nextRow(rows []formRow) int {
	n := 0
	for _, r := range rows {
		n = max(n, r.N+1)
	}
	return n
}

// rows lists the rows the values carry, in their order.
func (b *formBuilder) rows(fd archive.Field, name, labelPath string) []formRow {
	var out []formRow
	for _, n := range rowNumbers(b.values, name+".") {
		if v := b.values.Get(fmt.Sprintf("%s.%d._delete", name, n)); v != "" && v != "false" {
			continue
		}
		out = append(out, b.row(fd, name, labelPath, n, b.values.Get(fmt.Sprintf("%s.%d._orig", name, n))))
	}
	// A new row left blank is not worth showing again after a failed save.
	return slices.DeleteFunc(out, func(r formRow) bool { return r.Orig == "" && blankRow(r.Fields) })
}

func blankRow(fs []formField) bool {
	for _, f := range fs {
		if strings.TrimSpace(f.Value) != "" && f.Value != "false" || !blankRow(f.Fields) {
			return false
		}
		for _, r := range f.Rows {
			if !blankRow(r.Fields) {
				return false
			}
		}
	}
	return true
}

func (b *formBuilder) row(fd archive.Field, name, labelPath string, n int, orig string) formRow {
	prefix := fmt.Sprintf("%s.%d", name, n)
	r := formRow{Prefix: prefix, N: n, Orig: orig, Fields: b.fields(fd.Fields, prefix+".", labelPath)}
	for _, f := range r.Fields {
		if (f.Key == "id" || f.Key == "name" || f.Key == "part" || f.Key == "product" || f.Key == "topic" || f.Key == "need") && f.Value != "" {
			r.Title = f.Value
			break
		}
	}
	return r
}

// rowNumbers lists the row positions posted under prefix.
func rowNumbers(v url.Values, prefix string) []int {
	seen := map[int]bool{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if n, err := strconv.Atoi(num); err == nil && n >= 0 && n < 10000 && strconv.Itoa(n) == num {
			seen[n] = true
		}
	}
	var out []int
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// label is the field's name in the page's language: the catalog's, else
// the schema's Chinese label.
func (b *formBuilder) label(path, zh string) string {
	if key := "ff." + string(b.kind) + path; b.cat.Has(key) {
		return b.cat.T(key)
	}
	return zh
}

// enumGroups are the catalog groups that already name enum values.
var enumGroups = map[string]string{"status": "status", "type": "visit", "outcome": "outcome", "satisfaction": "satisfaction"}

func (b *formBuilder) options(key string, enum []string, value string) []formOption {
	group := enumGroups[key]
	switch {
	case b.kind == archive.KindLeads && key == "status":
		group = "lead"
	case b.kind == archive.KindProgress && key == "status":
		group = "mstatus"
	}
	opts := []formOption{{Value: "", Label: "—", Selected: value == ""}}
	known := false
	for _, e := range enum {
		label := e
		if b.cat.Has(group + "." + e) {
			label = b.cat.T(group + "." + e)
		}
		opts = append(opts, formOption{Value: e, Label: label, Selected: e == value})
		known = known || e == value
	}
	if !known && value != "" {
		// A value the archive holds but the list lacks stays choosable:
		// the form must not change it behind the person's back.
		opts = append(opts, formOption{Value: value, Label: value, Selected: true})
	}
	return opts
}

// inputType picks the HTML input for a scalar. A date the browser's date
// input could not show (written wrongly in the file) gets a text input, so
// that it is shown and not silently emptied.
func inputType(t, value string) string {
	switch t {
	case "number":
		if _, err := strconv.Atoi(value); value == "" || err == nil {
			return "number"
		}
	case "date":
		if _, err := archive.ParseDate(value); value == "" || err == nil {
			return "date"
		}
	case "datetime":
		if d, err := archive.ParseDateTime(value); value == "" || err == nil && d.Second() == 0 {
			return "datetime-local"
		}
	case "true/false":
		return "checkbox"
	}
	return "text"
}

// fieldMap indexes top-level fields by key, for hand-laid-out forms.
func fieldMap(fs []formField) map[string]formField {
	m := make(map[string]formField, len(fs))
	for _, f := range fs {
		m[f.Key] = f
	}
	return m
}

// editPage is the data of edit.html, visit.html and newcustomer.html.
type editPage struct {
	Action     string // where the form posts
	Path       string // the record; "" for a record not yet created
	Kind       archive.Kind
	Commit     string // the commit the form was read at
	Version    string // the file's version then; "" for a new file
	Title      string
	CustomerID string
	Customer   string // its name
	Fields     []formField
	F          map[string]formField
	Body       string
	HasBody    bool
	Message    string
	PreviewDir string
	Upload     bool
	// After a refused save.
	Invalid      bool
	Problems     []archive.Problem // those not shown beside a field
	fieldErrs    map[string][]string
	Uploaded     bool           // an image was attached: it must be attached again
	Findings     []finding      // the standard's, for visits
	Devices      []deviceChoice // a visit's devices to pick from
	Rules        []standard.Rule
	RuleTexts    []ruleText // the standard's rules in the page's language, for live warnings
	FiveExplicit bool       // unticked five items are written as false
	Marketing    bool       // only lead statuses
	Leads        []leadStatusRow
	// New customer.
	CustomerIDValue string
	IDError         string
	IDHelp          string
}

type ruleText struct{ ID, Text string }

type finding struct {
	Rule, Field, Message string
	Missing              bool
}

type deviceChoice struct {
	ID, Label string
	Checked   bool
}

type leadStatusRow struct {
	N                       int
	Date, Need, Product, By string
	Options                 []formOption
}

// forbidden is the answer to someone who may see a record but not edit it.
func forbidden(err error) error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Key: "error.forbidden", Err: err}
}

// editable finds the record at p for an edit by the viewer: 404 when they
// may not see it (or it does not exist and is not a one-per-customer file
// of a customer they see), 403 when they may see but not edit it.
func (s *Server) editable(r *http.Request, p string) (snap *archive.Snapshot, rec *archive.Record, folder *archive.Folder, err error) {
	v := s.viewOf(r)
	snap = s.live.Snapshot()
	c := archive.CustomerOf(p)
	if c != "" {
		folder = snap.Customer(c)
		if folder == nil || !v.policy.CanSeeFolder(v.Viewer, folder) {
			return nil, nil, nil, notFound(fmt.Errorf("customer of %q", p))
		}
	}
	rec = snap.Record(p)
	if rec == nil {
		place := archive.PlaceOf(p)
		if c == "" || place.Kind == "" || archive.RecordPath(c, place.Kind) != p {
			return nil, nil, nil, notFound(fmt.Errorf("record %q", p))
		}
	} else if _, err := v.record(snap, p); err != nil {
		return nil, nil, nil, err
	}
	if !v.policy.CanEditFolder(v.Viewer, folder, p) {
		return nil, nil, nil, forbidden(fmt.Errorf("%s may not edit %s", v.Viewer.Name, p))
	}
	return snap, rec, folder, nil
}

// canEdit reports whether the viewer may edit the file at p now, for the
// Edit buttons.
func (s *Server) canEdit(r *http.Request, p string) bool {
	v := s.viewOf(r)
	snap := s.live.Snapshot()
	var f *archive.Folder
	if c := archive.CustomerOf(p); c != "" {
		if f = snap.Customer(c); f == nil || !v.policy.CanSeeFolder(v.Viewer, f) {
			return false
		}
	}
	return v.policy.CanEditFolder(v.Viewer, f, p)
}

// markEditable sets CanEdit on the record views of a customer page.
func (s *Server) markEditable(r *http.Request, views ...*recordView) {
	for _, rv := range views {
		if rv != nil && rv.Rec != nil && rv.Version == "" {
			rv.CanEdit = s.canEdit(r, rv.Rec.Path)
		}
	}
}

func editURL(p string) string { return "/edit/" + escapePath(p) }

// handleEditForm shows the form of a record, filled with what it holds now.
func (s *Server) handleEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := cleanPathValue(r)
	if err != nil {
		return err
	}
	snap, rec, folder, err := s.editable(r, p)
	if err != nil {
		return err
	}
	kind := archive.PlaceOf(p).Kind
	page := &editPage{Action: editURL(p), Path: p, Kind: kind, Commit: snap.Commit}
	var content []byte
	if rec != nil {
		f, err := s.Store.ReadFile(snap.Commit, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		content, page.Version = f.Data, f.Version
		if _, err := edit.Open(content); err != nil {
			// Front matter the form cannot read is fixed as text.
			http.Redirect(w, r, sourceURL(p), http.StatusSeeOther)
			return nil
		}
	} else {
		content, _ = edit.New(kind).Bytes()
	}
	s.fillEditPage(r, page, folder, content, nil)
	return s.renderEdit(w, r, http.StatusOK, page)
}

// fillEditPage fills the form from a file's content, or from posted values
// when a save was refused (posted != nil), so nothing typed is lost.
func (s *Server) fillEditPage(r *http.Request, page *editPage, folder *archive.Folder, content []byte, posted url.Values) {
	v := s.viewOf(r)
	cat := s.catalog(r)
	if folder != nil {
		page.CustomerID, page.Customer = folder.ID, folder.Name()
	}
	switch {
	case page.Title != "":
	case page.Path == "" && page.Kind == archive.KindVisit:
		page.Title = cat.T("form.visit_new")
	default:
		page.Title = cat.T("form.edit_title", cat.T("kind."+string(page.Kind)))
	}
	page.PreviewDir = path.Dir(page.Path)
	if page.Path == "" && page.CustomerID != "" {
		page.PreviewDir = archive.CustomersDir + "/" + page.CustomerID + "/" + archive.VisitsDir
	}
	page.Upload = page.Path != "" || page.Kind == archive.KindVisit
	page.Rules = standard.Rules
	page.RuleTexts = nil
	for _, rule := range standard.Rules {
		text := rule.Zh
		if s.lang(r) == "en" {
			text = rule.En
		}
		page.RuleTexts = append(page.RuleTexts, ruleText{ID: string(rule.ID), Text: text})
	}
	f, err := edit.Open(content)
	if err != nil {
		// Callers send files the form cannot show to the text editor first.
		f = edit.New(page.Kind)
	}
	values := f.Values(page.Kind)
	page.Body, page.HasBody = f.Body(), true
	if posted != nil {
		values = posted
		page.Body = strings.ReplaceAll(posted.Get("body"), "\r\n", "\n")
		page.Message = posted.Get("message")
	}
	if v.Viewer.Role == access.Marketing && page.Kind == archive.KindLeads {
		page.Marketing = true
		s.leadStatusRows(r, page, content, posted)
		return
	}
	b := &formBuilder{cat: cat, kind: page.Kind, values: values, errs: page.fieldErrs}
	page.Fields = b.fields(archive.Schema(page.Kind), edit.Prefix, "")
	page.F = fieldMap(page.Fields)
	if page.Kind == archive.KindVisit {
		// The five items are always recorded on a new visit (unticked means
		// not carried); on an old visit that never recorded them, only when
		// one is ticked, so an untouched save changes nothing.
		page.FiveExplicit = page.Version == ""
		for _, fd := range page.F["five_ones"].Fields {
			page.FiveExplicit = page.FiveExplicit || fd.Value != ""
		}
		// The labels come from the devices as this viewer may see them.
		var seen *archive.Folder
		if folder != nil {
			seen = v.policy.Folder(v.Viewer, folder)
		}
		page.Devices = deviceChoices(seen, page.F["devices"].Value, values["f.devices"])
		if posted != nil {
			// The standard's warnings of what was just posted.
			if vis := archive.Parse("customers/x/visits/x.md", content).AsVisit(); vis != nil {
				page.Findings = findings(standard.CheckVisit(vis), s.lang(r))
			}
		}
	}
}

// customerForms are the editing actions of a customer page.
type customerForms struct {
	ID          string
	CanVisit    bool
	CanNeed     bool
	ProfilePath string // set when the profile may be edited
	create      map[archive.Kind]string
}

// Create returns the path of a record of kind k the viewer may start for
// the customer (the page offers it where the record is missing), or "".
func (cf *customerForms) Create(k string) string {
	if cf == nil {
		return ""
	}
	return cf.create[archive.Kind(k)]
}

// customerFormsOf says what the viewer may start from a customer page, and
// marks the record views they may edit.
func (s *Server) customerFormsOf(r *http.Request, cv *customerView) *customerForms {
	if cv == nil || cv.Folder == nil || cv.At.Past {
		return nil
	}
	id := cv.Folder.ID
	views := append([]*recordView{cv.Profile, cv.Devices, cv.Topology, cv.Progress, cv.Training, cv.Spares, cv.Leads}, cv.Visits...)
	s.markEditable(r, append(views, cv.Notes...)...)
	cf := &customerForms{ID: id}
	cf.CanVisit = s.canEdit(r, archive.CustomersDir+"/"+id+"/"+archive.VisitsDir+"/new.md")
	cf.CanNeed = s.canEdit(r, archive.RecordPath(id, archive.KindLeads)) && s.viewOf(r).Viewer.Role != access.Marketing
	if p := archive.RecordPath(id, archive.KindCustomer); s.canEdit(r, p) {
		cf.ProfilePath = p
	}
	cf.create = map[archive.Kind]string{}
	for _, k := range append([]archive.Kind{archive.KindCustomer}, archive.StandardKinds...) {
		if p := archive.RecordPath(id, k); s.canEdit(r, p) {
			cf.create[k] = p
		}
	}
	return cf
}

// deviceChoices lists the customer's devices for a visit to pick from,
// with those the visit names checked (kept even when no longer listed).
func deviceChoices(folder *archive.Folder, joined string, posted []string) []deviceChoice {
	picked := edit.ListItemsOf(posted)
	if len(posted) <= 1 {
		picked = edit.ListItems(joined)
	}
	var out []deviceChoice
	seen := map[string]bool{}
	if folder != nil {
		{
			for _, dev := range folder.DeviceList() {
				if dev.ID == "" || seen[dev.ID] || dev.Status == archive.Removed && !slices.Contains(picked, dev.ID) {
					continue
				}
				seen[dev.ID] = true
				label := strings.TrimSpace(strings.Join(nonEmpty(dev.Role, dev.Model, dev.Location), " · "))
				out = append(out, deviceChoice{ID: dev.ID, Label: label, Checked: slices.Contains(picked, dev.ID)})
			}
		}
	}
	for _, id := range picked {
		if !seen[id] {
			seen[id] = true
			out = append(out, deviceChoice{ID: id, Checked: true})
		}
	}
	return out
}

func nonEmpty(ss ...string) []string {
	return slices.DeleteFunc(ss, func(s string) bool { return s == "" })
}

// leadStatusRows is marketing's form: the status of each lead, nothing else.
func (s *Server) leadStatusRows(r *http.Request, page *editPage, content []byte, posted url.Values) {
	rec := archive.Parse(page.Path, content)
	n := rec.AsNeeds()
	if n == nil {
		return
	}
	cat := s.catalog(r)
	b := &formBuilder{cat: cat, kind: archive.KindLeads}
	for i, l := range n.Leads {
		status := l.Status
		if posted != nil {
			if v, ok := posted["status."+strconv.Itoa(i)]; ok && len(v) > 0 {
				status = v[len(v)-1]
			}
		}
		page.Leads = append(page.Leads, leadStatusRow{N: i, Date: l.Date.String(), Need: l.Need, Product: l.Product, By: l.NotedBy, Options: b.options("status", archive.LeadStatuses, status)})
	}
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, status int, page *editPage) error {
	name := "edit"
	if page.Kind == archive.KindVisit {
		name = "visit"
	}
	return s.renderWith(w, r, status, name, layoutData{Title: page.Title, Data: page})
}

// readForm parses a posted form, multipart or not, within the size limits.
func readForm(w http.ResponseWriter, r *http.Request) error {
	// Read past the upload limit, so that a photo somewhat too large is
	// answered on the form (with what was typed) rather than cut off.
	r.Body = http.MaxBytesReader(w, r.Body, 4*maxUpload+maxFormBytes)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormBytes)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Key: "form.too_large", Err: err}
	}
	if err != nil {
		return badRequest("form.bad_request", err)
	}
	return nil
}

// handleEditSave applies a posted form to the version it was read from and
// saves it.
func (s *Server) handleEditSave(w http.ResponseWriter, r *http.Request) error {
	p, err := cleanPathValue(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	_, rec, folder, err := s.editable(r, p)
	if err != nil {
		return err
	}
	form := r.PostForm
	page := &editPage{Action: editURL(p), Path: p, Kind: archive.PlaceOf(p).Kind, Commit: form.Get("commit"), Version: form.Get("version")}
	if rec != nil && page.Version == "" {
		// The file exists; a form without a version was not read from it.
		return badRequest("form.bad_request", fmt.Errorf("save of %s without a version", p))
	}
	base, err := s.baseContent(page, p)
	if err != nil {
		return err
	}
	v := s.viewOf(r)
	var content []byte
	switch {
	case v.Viewer.Role == access.Marketing:
		statuses := map[int]string{}
		for k, vs := range form {
			if n, ok := strings.CutPrefix(k, "status."); ok {
				if i, err := strconv.Atoi(n); err == nil && len(vs) > 0 {
					statuses[i] = vs[len(vs)-1]
				}
			}
		}
		if content, err = edit.SetLeadStatuses(base, statuses); err != nil {
			return badRequest("form.bad_request", err)
		}
	default:
		ef, err := edit.Open(base)
		if err != nil {
			return badRequest("form.bad_request", err)
		}
		ef.Apply(page.Kind, form)
		if form.Has("body") {
			ef.SetBody(form.Get("body"))
		}
		if content, err = ef.Bytes(); err != nil {
			return err
		}
	}
	req := SaveRequest{Path: p, Content: content, Base: page.Version, Message: s.commitMessage(r, form.Get("message"), p, rec == nil)}
	if err := s.attachUpload(r, &req, page); err != nil {
		var fe *formError
		if errors.As(err, &fe) {
			return s.refused(w, r, page, folder, content, fe.problems)
		}
		return err
	}
	return s.finishSave(w, r, page, folder, req)
}

// baseContent reads the file as it was when the form was filled.
func (s *Server) baseContent(page *editPage, p string) ([]byte, error) {
	if page.Version == "" {
		b, _ := edit.New(page.Kind).Bytes()
		return b, nil
	}
	f, err := s.Store.ReadFile(page.Commit, p)
	if err != nil || f.Version != page.Version {
		return nil, badRequest("form.bad_request", fmt.Errorf("%s is not at version %.10s in commit %.10s", p, page.Version, page.Commit))
	}
	return f.Data, nil
}

// commitMessage is the person's message, or one naming the file.
func (s *Server) commitMessage(r *http.Request, msg, p string, created bool) string {
	msg = strings.TrimSpace(strings.ReplaceAll(msg, "\r\n", "\n"))
	if msg != "" {
		return msg
	}
	if created {
		return "新建 " + p
	}
	return "修改 " + p
}

// formError carries problems found before saving (a bad upload), shown
// like the checker's.
type formError struct{ problems []archive.Problem }

func (e *formError) Error() string { return archive.Describe(e.problems) }

// finishSave saves and answers: the saved page on success, the form again
// with what was typed when the checker refused it, the conflict page when
// someone else changed the file meanwhile.
func (s *Server) finishSave(w http.ResponseWriter, r *http.Request, page *editPage, folder *archive.Folder, req SaveRequest) error {
	res, err := s.Save(r.Context(), s.viewOf(r).Viewer, req)
	var inv *InvalidError
	var conflict *SaveConflict
	switch {
	case errors.As(err, &inv):
		return s.refused(w, r, page, folder, req.Content, inv.Problems)
	case errors.As(err, &conflict):
		return s.formConflict(w, r, conflict)
	case err != nil:
		return err
	}
	q := url.Values{"c": {res.Commit}}
	if res.Unchanged {
		q.Set("unchanged", "1")
	}
	http.Redirect(w, r, "/saved/"+escapePath(res.Path)+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// refused shows the form again, as typed, with the problems beside their
// fields.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, page *editPage, folder *archive.Folder, content []byte, problems []archive.Problem) error {
	page.Invalid = true
	page.Uploaded = hasUpload(r)
	var unplaced []archive.Problem
	page.fieldErrs = map[string][]string{}
	for _, p := range problems {
		if p.Path != "" && p.Path != page.Path && page.Path != "" {
			unplaced = append(unplaced, p)
			continue
		}
		field := edit.FieldAt(content, p.Line, p.Col)
		if field == "" || field == "kind" || field == "body" {
			unplaced = append(unplaced, p)
			continue
		}
		page.fieldErrs[field] = append(page.fieldErrs[field], p.Message)
		if p.Severity == archive.SeverityError {
			// Errors also go in the list at the top, with their line.
			unplaced = append(unplaced, p)
		}
	}
	s.fillEditPage(r, page, folder, content, r.PostForm)
	page.Problems = unplaced
	return s.renderEdit(w, r, http.StatusUnprocessableEntity, page)
}

// formConflict answers a save whose file changed since the form was read
// with the one conflict page (conflict.go): both versions, their merge, the
// person's text kept, saved again from there.
func (s *Server) formConflict(w http.ResponseWriter, r *http.Request, c *SaveConflict) error {
	return s.renderConflict(w, r, c, r.PostForm.Get("message"))
}

func hasUpload(r *http.Request) bool {
	if r.MultipartForm == nil {
		return false
	}
	fs := r.MultipartForm.File["image"]
	return len(fs) > 0 && fs[0].Size > 0
}

// handleSaved confirms a save and lists what a person should look at: the
// checker's warnings and, for a visit, where it falls short of the
// standard (saved anyway: a visit that broke a rule still happened).
func (s *Server) handleSaved(w http.ResponseWriter, r *http.Request) error {
	p, err := cleanPathValue(r)
	if err != nil {
		return err
	}
	v := s.viewOf(r)
	snap := s.live.Snapshot()
	rec, err := v.record(snap, p)
	if err != nil {
		return err
	}
	cat := s.catalog(r)
	page := savedPage{Path: p, Commit: r.URL.Query().Get("c"), Unchanged: r.URL.Query().Get("unchanged") != "", Title: recordTitle(cat, rec), CanEdit: s.canEdit(r, p)}
	for _, pr := range rec.Problems {
		if pr.Severity == archive.SeverityWarning {
			page.Warnings = append(page.Warnings, pr.Message)
		}
	}
	if vis := rec.AsVisit(); vis != nil && page.CanEdit {
		// Only for who may edit it: a redacted visit would look incomplete.
		page.Findings = findings(standard.CheckVisit(vis), s.lang(r))
	}
	return s.renderWith(w, r, http.StatusOK, "saved", layoutData{Title: cat.T("form.saved"), Data: page})
}

type savedPage struct {
	Path, Commit, Title string
	Unchanged, CanEdit  bool
	Warnings            []string
	Findings            []finding
}

func findings(fs []standard.Finding, lang i18n.Lang) []finding {
	out := make([]finding, len(fs))
	for i, f := range fs {
		out[i] = finding{Rule: string(f.Rule), Field: f.Field, Message: f.Message(string(lang)[:2]), Missing: f.Missing}
	}
	return out
}

// handlePreview renders markdown for the live preview beside the body.
func (s *Server) handlePreview(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return badRequest("form.bad_request", err)
	}
	if !s.viewOf(r).Viewer.Role.Valid() {
		return notFound(errors.New("preview for nobody"))
	}
	dir, ok := archive.CleanPath(r.PostForm.Get("dir"))
	if !ok {
		dir = ""
	}
	html, err := s.md.Render([]byte(r.PostForm.Get("body")), markdown.Source{Dir: dir})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(html))
	return err
}
