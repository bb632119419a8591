package site

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/importer"
	"github.com/dangan-archive/dangan/site/i18n"
)

// The import pages: upload a spreadsheet or topology, see the plan (the
// same one `dangan import --dry-run` prints, with the rows left out), and
// confirm it into one commit authored by the person, made through
// Server.Save like every other change of the site.
//
// Nothing is kept between the preview and the confirmation: the preview
// page carries the uploaded file back in a hidden field, and the
// confirmation builds the plan again from it. A digest of the previewed
// plan travels with it, so that what is committed is exactly what was
// shown; when the archive changed in between, the new plan is shown
// instead of being committed.

// maxImportUpload is the largest file the site imports. Device and
// customer lists of a branch are a few hundred kilobytes; the largest
// real topology known is 170 KB.
const maxImportUpload = 4 << 20

// importForm is what the person chose.
type importForm struct {
	Kind     importer.Kind
	Customer string // devices and topology
	Name     string // name of a customer the import creates
	Sheet    string
	Map      string
	Strict   bool
	Message  string
}

// importPage is the data of import.html.
type importPage struct {
	Form      importForm
	Kinds     []importer.Kind
	Customers []importCustomer // the customers the person may import into
	CanCreate bool             // admins may name a new customer id
	Fields    map[string]string
	MaxMB     int

	Error string // a sentence to show above the form
	Zh    bool   // the page is Chinese: the importer's messages in Chinese

	// The preview.
	Plan     *importer.Plan
	PlanText string
	Files    []importFile
	File     string // the uploaded file's name
	Payload  string // the uploaded file, base64, sent back on confirm
	Digest   string // of the previewed plan
	Changed  bool   // the archive changed since the last preview: this is a new one
	Problems []archive.Problem

	// After the commit.
	Done          string // commit id
	DoneFiles     int
	DoneCustomers []importCustomer // the customers the import changed, to go and see
}

type importCustomer struct{ ID, Name string }

type importFile struct {
	Path    string
	Created bool
	Text    string
}

// canImport reports whether a viewer may use the import at all: admins and
// technicians, who keep the archive; not marketing.
func canImport(v access.Viewer) bool {
	return v.Role == access.Admin || v.Role == access.Technician
}

// assignedTo reports whether v works for the customer (named as its
// technician or account manager).
func assignedTo(v access.Viewer, f *archive.Folder) bool {
	c := f.Profile()
	return c != nil && (slices.Contains(c.Technicians, v.Name) || c.AccountManager == v.Name)
}

// importPaths are the files an import of kind k may write for a customer.
func importPaths(k importer.Kind, id string) []string {
	switch k {
	case importer.Devices:
		return []string{archive.RecordPath(id, archive.KindDevices)}
	case importer.Topology:
		return []string{archive.RecordPath(id, archive.KindDevices), archive.RecordPath(id, archive.KindTopology)}
	}
	return []string{archive.RecordPath(id, archive.KindCustomer)}
}

// importOptions are the importer's hooks for one viewer: restricted
// customers of others do not exist; a technician imports only into
// customers they are assigned to and creates none; admins import anywhere.
// Save checks every file again when the plan is committed.
func (s *Server) importOptions(r *http.Request, v view, form importForm) importer.Options {
	c := s.catalog(r)
	mapping, _ := importer.ParseMap(form.Kind, form.Map)
	return importer.Options{
		Kind: form.Kind, Customer: form.Customer, Name: form.Name, Sheet: form.Sheet, Map: mapping, Strict: form.Strict,
		MapField: s.importLabel("import.map"), CustomerField: s.importLabel("import.customer"),
		Visible: func(f *archive.Folder) bool { return v.policy.CanSeeFolder(v.Viewer, f) },
		Allow: func(id string, f *archive.Folder) error {
			if f == nil {
				if v.Viewer.Role != access.Admin {
					return errors.New(c.T("import.deny_new", id))
				}
				return nil
			}
			if v.Viewer.Role != access.Admin && !assignedTo(v.Viewer, f) {
				return errors.New(c.T("import.deny_unassigned", id))
			}
			for _, p := range importPaths(form.Kind, id) {
				if !v.policy.CanEditFolder(v.Viewer, f, p) {
					return errors.New(c.T("import.deny_edit", id))
				}
			}
			return nil
		},
	}
}

// importLabel names a field of the import form in both languages, for the
// importer's messages that would name a flag of the command line.
func (s *Server) importLabel(key string) *importer.Label {
	return &importer.Label{En: s.catalogs.Get(i18n.English).T(key), Zh: s.catalogs.Get(i18n.Chinese).T(key)}
}

// importMessage is an error of the importer in the page's language.
func importMessage(r *http.Request, s *Server, err error) string {
	if s.catalog(r).Lang == i18n.Chinese {
		return importer.Chinese(err)
	}
	return err.Error()
}

// newImportPage fills what every state of the page shows.
func (s *Server) newImportPage(r *http.Request, v view, form importForm) *importPage {
	p := &importPage{Zh: s.catalog(r).Lang == i18n.Chinese, Form: form, Kinds: importer.Kinds, CanCreate: v.Viewer.Role == access.Admin, MaxMB: maxImportUpload >> 20,
		Fields: map[string]string{}}
	for _, k := range []importer.Kind{importer.Devices, importer.Customers} {
		p.Fields[string(k)] = strings.Join(importer.Fields(k), ", ")
	}
	if p.Form.Kind == "" {
		p.Form.Kind = importer.Devices
	}
	for _, f := range v.customers() {
		if v.Viewer.Role == access.Admin || assignedTo(v.Viewer, f) {
			p.Customers = append(p.Customers, importCustomer{ID: f.ID, Name: f.Name()})
		}
	}
	return p
}

func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !canImport(v.Viewer) {
		return fmt.Errorf("%w: %s may not import", access.ErrForbidden, v.Viewer.Name)
	}
	form := importForm{Kind: importer.Kind(r.URL.Query().Get("kind")), Customer: r.URL.Query().Get("customer")}
	if !form.Kind.Valid() {
		form.Kind = importer.Devices
	}
	p := s.newImportPage(r, v, form)
	if done := r.URL.Query().Get("done"); done != "" {
		if info, err := s.Store.CommitInfo(done); err == nil {
			p.Done = info.Hash
			fmt.Sscan(r.URL.Query().Get("files"), &p.DoneFiles)
			for _, id := range r.URL.Query()["c"] {
				if f := v.live.Customer(id); f != nil && v.visible(id) {
					p.DoneCustomers = append(p.DoneCustomers, importCustomer{ID: id, Name: f.Name()})
				}
			}
		}
	}
	return s.render(w, r, http.StatusOK, "import", "import.title", p)
}

// readImportForm reads the form fields common to the preview and the
// confirmation.
func readImportForm(r *http.Request) importForm {
	return importForm{
		Kind:     importer.Kind(r.FormValue("kind")),
		Customer: strings.ToLower(strings.TrimSpace(r.FormValue("customer"))),
		Name:     strings.TrimSpace(r.FormValue("name")),
		Sheet:    strings.TrimSpace(r.FormValue("sheet")),
		Map:      strings.TrimSpace(r.FormValue("map")),
		Strict:   r.FormValue("strict") != "",
		Message:  strings.TrimSpace(r.FormValue("message")),
	}
}

// handleImportPreview reads an upload and shows its plan. It commits
// nothing.
func (s *Server) handleImportPreview(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !canImport(v.Viewer) {
		return fmt.Errorf("%w: %s may not import", access.ErrForbidden, v.Viewer.Name)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportUpload+1<<20)
	if err := r.ParseMultipartForm(maxImportUpload); err != nil {
		return s.importFailed(w, r, v, importForm{Kind: importer.Devices}, s.catalog(r).T("import.error.too_large", fmt.Sprint(maxImportUpload>>20)))
	}
	defer r.MultipartForm.RemoveAll()
	form := readImportForm(r)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.importFailed(w, r, v, form, s.catalog(r).T("import.error.no_file"))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxImportUpload+1))
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	if len(data) > maxImportUpload {
		return s.importFailed(w, r, v, form, s.catalog(r).T("import.error.too_large", fmt.Sprint(maxImportUpload>>20)))
	}
	return s.importPreview(w, r, v, form, hdr.Filename, data, false)
}

// importPreview builds the plan on the archive's head and shows it.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, v view, form importForm, name string, data []byte, changed bool) error {
	if !form.Kind.Valid() {
		return badRequest("import.error.kind", fmt.Errorf("import kind %q", form.Kind))
	}
	if _, err := importer.ParseMapField(form.Kind, form.Map, s.importLabel("import.map")); err != nil {
		return s.importFailed(w, r, v, form, importMessage(r, s, err))
	}
	snap, err := s.headSnapshot(r.Context())
	if err != nil {
		return err
	}
	plan, err := importer.Build(snap, s.reader(snap.Commit), name, data, s.importOptions(r, v, form))
	if err != nil {
		return s.importFailed(w, r, v, form, importMessage(r, s, err))
	}
	p := s.newImportPage(r, v, form)
	p.Plan, p.File, p.Changed = plan, name, changed
	p.Payload = base64.StdEncoding.EncodeToString(data)
	p.Digest = planDigest(plan)
	var text strings.Builder
	if p.Zh {
		plan.WriteChinese(&text)
	} else {
		plan.WriteText(&text)
	}
	p.PlanText = text.String()
	for _, f := range plan.Files {
		p.Files = append(p.Files, importFile{Path: f.Path, Created: f.Created(), Text: string(f.New)})
	}
	return s.render(w, r, http.StatusOK, "import", "import.preview_title", p)
}

func (s *Server) reader(commit string) importer.Reader {
	return func(p string) ([]byte, error) {
		f, err := s.Store.ReadFile(commit, p)
		return f.Data, err
	}
}

// importFailed shows the form again with what is wrong, as a sentence.
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, v view, form importForm, msg string) error {
	p := s.newImportPage(r, v, form)
	p.Error = msg
	return s.render(w, r, http.StatusUnprocessableEntity, "import", "import.title", p)
}

// handleImportConfirm commits a previewed plan, when it is still the plan.
func (s *Server) handleImportConfirm(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !canImport(v.Viewer) {
		return fmt.Errorf("%w: %s may not import", access.ErrForbidden, v.Viewer.Name)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxImportUpload)
	if err := r.ParseForm(); err != nil {
		return badRequest("import.error.too_large", err)
	}
	form := readImportForm(r)
	name := r.PostFormValue("filename")
	data, err := base64.StdEncoding.DecodeString(r.PostFormValue("payload"))
	if err != nil || len(data) == 0 || len(data) > maxImportUpload || !form.Kind.Valid() {
		return badRequest("import.error.no_file", fmt.Errorf("confirm without a valid payload: %v", err))
	}
	snap, err := s.headSnapshot(r.Context())
	if err != nil {
		return err
	}
	plan, err := importer.Build(snap, s.reader(snap.Commit), name, data, s.importOptions(r, v, form))
	if err != nil {
		return s.importFailed(w, r, v, form, importMessage(r, s, err))
	}
	if planDigest(plan) != r.PostFormValue("digest") {
		return s.importPreview(w, r, v, form, name, data, true)
	}
	if plan.Blocked() || plan.Empty() {
		return s.importPreview(w, r, v, form, name, data, false)
	}
	req := SaveRequest{Message: plan.Message()}
	if form.Message != "" {
		req.Message = form.Message + "\n\n" + req.Message
	}
	for i, f := range plan.Files {
		base := ""
		if rec := snap.Record(f.Path); rec != nil && f.Old != nil {
			base = rec.Version
		}
		if i == 0 {
			req.Path, req.Content, req.Base = f.Path, f.New, base
			continue
		}
		req.Files = append(req.Files, SaveFile{Path: f.Path, Data: f.New, Base: base})
	}
	res, err := s.Save(r.Context(), v.Viewer, req)
	var conflict *SaveConflict
	var invalid *InvalidError
	switch {
	case errors.As(err, &conflict):
		return s.importPreview(w, r, v, form, name, data, true)
	case errors.As(err, &invalid):
		p := s.newImportPage(r, v, form)
		p.Error = s.catalog(r).T("import.error.invalid")
		p.Problems = invalid.Problems
		return s.render(w, r, http.StatusUnprocessableEntity, "import", "import.title", p)
	case err != nil:
		return err
	}
	q := url.Values{"done": {res.Commit}, "files": {fmt.Sprint(len(plan.Files))}, "kind": {string(form.Kind)}}
	for i, c := range plan.Customers {
		if i < 10 && len(c.Files) > 0 {
			q.Add("c", c.ID)
		}
	}
	http.Redirect(w, r, "/import?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// planDigest identifies a plan by what it would write.
func planDigest(p *importer.Plan) string {
	h := sha256.New()
	for _, f := range p.Files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Path, len(f.New))
		h.Write(f.New)
	}
	for _, b := range p.Bad {
		fmt.Fprintf(h, "%s\x00", b)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
