package site

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/edit"
)

// New records: a visit, a customer from the template, a need in one step.

// visitFolder finds the customer a new visit is for, with the same 404/403
// answers as an edit.
func (s *Server) visitFolder(r *http.Request) (*archive.Folder, error) {
	id := r.PathValue("id")
	v := s.viewOf(r)
	f := s.live.Snapshot().Customer(id)
	if f == nil || !v.policy.CanSeeFolder(v.Viewer, f) {
		return nil, notFound(fmt.Errorf("customer %q", id))
	}
	probe := archive.CustomersDir + "/" + id + "/" + archive.VisitsDir + "/new.md"
	if !v.policy.CanEditFolder(v.Viewer, f, probe) {
		return nil, forbidden(fmt.Errorf("%s may not add visits to %s", v.Viewer.Name, id))
	}
	return f, nil
}

// handleVisitNew shows an empty visit form, the technician filled in.
func (s *Server) handleVisitNew(w http.ResponseWriter, r *http.Request) error {
	f, err := s.visitFolder(r)
	if err != nil {
		return err
	}
	page := s.newVisitPage(f)
	content, _ := edit.New(archive.KindVisit).Bytes()
	s.fillEditPage(r, page, f, content, nil)
	// A new form starts with who is filling it in.
	if tech, ok := page.F["technician"]; ok && tech.Value == "" {
		tech.Value = s.viewOf(r).Viewer.Name
		page.F["technician"] = tech
	}
	return s.renderEdit(w, r, http.StatusOK, page)
}

func (s *Server) newVisitPage(f *archive.Folder) *editPage {
	return &editPage{Action: customerHref(f.ID) + "/visits/new", Kind: archive.KindVisit, Commit: s.live.Snapshot().Commit}
}

// handleVisitCreate saves a new visit as visits/YYYY-MM-DD-TYPE.md, the day
// being the appointment's (or the arrival's, or today).
func (s *Server) handleVisitCreate(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r); err != nil {
		return err
	}
	folder, err := s.visitFolder(r)
	if err != nil {
		return err
	}
	form := r.PostForm
	page := s.newVisitPage(folder)
	ef := edit.New(archive.KindVisit)
	ef.Apply(archive.KindVisit, form)
	ef.SetBody(form.Get("body"))
	content, err := ef.Bytes()
	if err != nil {
		return err
	}
	day := s.today()
	for _, k := range []string{"f.appointment", "f.arrived"} {
		if t, err := archive.ParseDateTime(strings.TrimSpace(form.Get(k))); err == nil {
			day = t.Date()
			break
		}
	}
	typ := archive.VisitType(form.Get("f.type"))
	if !archive.ValidCustomerID(string(typ)) {
		typ = "" // the checker says the type is wrong; the name stays clean
	}
	snap := s.live.Snapshot()
	p := edit.VisitPath(folder.ID, day, typ, func(p string) bool { return snap.Record(p) != nil })
	req := SaveRequest{Path: p, Content: content, Message: s.commitMessage(r, form.Get("message"), p, true)}
	if err := s.attachUpload(r, &req, page); err != nil {
		var fe *formError
		if errors.As(err, &fe) {
			return s.refused(w, r, page, folder, content, fe.problems)
		}
		return err
	}
	return s.finishSave(w, r, page, folder, req)
}

// handleCustomerNew shows the new-customer form.
func (s *Server) handleCustomerNew(w http.ResponseWriter, r *http.Request) error {
	if err := s.mayCreateCustomer(r, ""); err != nil {
		return err
	}
	page := s.newCustomerPage(r)
	content, _ := edit.New(archive.KindCustomer).Bytes()
	s.fillEditPage(r, page, nil, content, nil)
	return s.renderWith(w, r, http.StatusOK, "newcustomer", layoutData{Title: page.Title, Data: page})
}

func (s *Server) newCustomerPage(r *http.Request) *editPage {
	cat := s.catalog(r)
	return &editPage{Action: "/customers/new", Kind: archive.KindCustomer, Commit: s.live.Snapshot().Commit, Title: cat.T("form.customer_new"), IDHelp: cat.T("form.customer_id_help")}
}

// mayCreateCustomer: anyone who may edit a customer's files may start one
// (not marketing); id "" asks in general.
func (s *Server) mayCreateCustomer(r *http.Request, id string) error {
	v := s.viewOf(r)
	probe := id
	if probe == "" {
		probe = "new-customer"
	}
	if v.Viewer.Anonymous() || !v.Viewer.Role.Valid() {
		return notFound(errors.New("new customer for nobody"))
	}
	if v.Viewer.Role == access.Marketing || !v.policy.CanEditFolder(v.Viewer, nil, archive.RecordPath(probe, archive.KindCustomer)) {
		return forbidden(fmt.Errorf("%s may not create customers", v.Viewer.Name))
	}
	return nil
}

// handleCustomerCreate saves a new customer folder from the template, all
// its files in one commit.
func (s *Server) handleCustomerCreate(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r); err != nil {
		return err
	}
	if err := s.mayCreateCustomer(r, ""); err != nil {
		return err
	}
	form := r.PostForm
	cat := s.catalog(r)
	page := s.newCustomerPage(r)
	id := strings.TrimSpace(strings.ToLower(form.Get("id")))
	page.CustomerIDValue = id
	again := func(status int) error {
		s.fillEditPage(r, page, nil, nil, form)
		page.Invalid = true
		return s.renderWith(w, r, status, "newcustomer", layoutData{Title: page.Title, Data: page})
	}
	if !archive.ValidCustomerID(id) {
		page.IDError = cat.T("form.customer_id_bad")
		return again(http.StatusUnprocessableEntity)
	}
	// An id is never reused, not even one a viewer may not see: say it is
	// taken without saying by whom.
	if snap := s.live.Snapshot(); snap.Customer(id) != nil {
		page.IDError = cat.T("form.customer_id_taken")
		return again(http.StatusConflict)
	}
	files, err := edit.NewCustomer(id, form, form.Get("body"))
	if err != nil {
		page.IDError = err.Error()
		return again(http.StatusUnprocessableEntity)
	}
	req := SaveRequest{Path: files[0].Path, Content: files[0].Data, Message: s.commitMessage(r, form.Get("message"), customerHref(id), true)}
	if strings.TrimSpace(form.Get("message")) == "" {
		req.Message = "新建客户 " + id
	}
	for _, f := range files[1:] {
		req.Files = append(req.Files, SaveFile{Path: f.Path, Data: f.Data})
	}
	page.Path = req.Path
	res, err := s.Save(r.Context(), s.viewOf(r).Viewer, req)
	var inv *InvalidError
	var conflict *SaveConflict
	switch {
	case errors.As(err, &inv):
		s.fillEditPage(r, page, nil, req.Content, form)
		page.Invalid, page.Problems = true, inv.Problems
		return s.renderWith(w, r, http.StatusUnprocessableEntity, "newcustomer", layoutData{Title: page.Title, Data: page})
	case errors.As(err, &conflict):
		page.IDError = cat.T("form.customer_id_taken")
		return again(http.StatusConflict)
	case err != nil:
		return err
	}
	_ = res
	http.Redirect(w, r, customerHref(id), http.StatusSeeOther)
	return nil
}

// handleLeadAdd notes a need from a customer page in one step.
func (s *Server) handleLeadAdd(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	p := archive.RecordPath(id, archive.KindLeads)
	v := s.viewOf(r)
	if v.Viewer.Role == access.Marketing {
		// Marketing sets statuses; needs come from the staff who saw them.
		if f := s.live.Snapshot().Customer(id); f == nil || !v.policy.CanSeeFolder(v.Viewer, f) {
			return notFound(fmt.Errorf("customer %q", id))
		}
		return forbidden(errors.New("marketing may not add needs"))
	}
	need := strings.TrimSpace(r.PostForm.Get("need"))
	if need == "" {
		http.Redirect(w, r, customerHref(id)+"#leads", http.StatusSeeOther)
		return nil
	}
	// A need is only ever appended: when someone changed leads.md meanwhile,
	// adding it again on top of their version loses nothing.
	for attempt := 0; ; attempt++ {
		snap, rec, _, err := s.editable(r, p)
		if err != nil {
			return err
		}
		var content []byte
		base := ""
		if rec != nil {
			f, err := s.Store.ReadFile(snap.Commit, p)
			if err != nil {
				return err
			}
			content, base = f.Data, f.Version
		}
		n := archive.Need{Date: s.today(), Need: need, Product: strings.TrimSpace(r.PostForm.Get("product")), NotedBy: v.Viewer.Name, Status: "new"}
		out, err := edit.AddLead(content, n)
		if err != nil {
			return badRequest("form.bad_request", err)
		}
		_, err = s.Save(r.Context(), v.Viewer, SaveRequest{Path: p, Content: out, Base: base, Message: "记录客户需求：" + firstLineOf(need)})
		var conflict *SaveConflict
		if errors.As(err, &conflict) && attempt < 3 {
			continue
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, customerHref(id)+"#leads", http.StatusSeeOther)
		return nil
	}
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}

// customerHref is the address of a customer's page.
func customerHref(id string) string { return "/customers/" + url.PathEscape(id) }
