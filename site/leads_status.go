package site

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/leads"
)

// handleLeadStatus sets the status of one lead from the board's form: the
// customer's leads.md gets the status, who set it and the day, as a
// commit authored by the viewer, so a status has history like any record.
// The site's CSRF guard (site/auth) refuses cross-site posts before this
// runs.
func (s *Server) handleLeadStatus(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	id := r.PathValue("id")
	status := leads.Status(r.PostFormValue("status"))
	if !status.Valid() {
		return badRequest("leads.error_status", fmt.Errorf("status %q", status))
	}
	set, _, err := s.currentLeads(r.Context(), true)
	if err != nil {
		return err
	}
	var lead *leads.Lead
	for i := range set.All {
		if set.All[i].ID == id {
			lead = &set.All[i]
			break
		}
	}
	// A lead of a customer the viewer may not see is answered like one
	// that does not exist.
	if lead == nil || len(v.viewLeads([]leads.Lead{*lead})) == 0 {
		return notFound(fmt.Errorf("lead %q", id))
	}
	if _, err := s.saveLeadStatus(r.Context(), v, lead.Customer, id, status); err != nil {
		return err
	}
	// The board shown next must hold the new status, not the leads of the
	// commit before: derive them now (one commit more for the tracker).
	if err := s.RefreshLeads(r.Context()); err != nil {
		s.Logger.Warn("leads after a status change", "err", err)
	}
	next := localURL(r.PostFormValue("next"))
	if next == "/" {
		next = "/leads"
	}
	u, _ := url.Parse(next)
	q := u.Query()
	q.Set("saved", id)
	u.RawQuery = q.Encode()
	u.Fragment = "lead-" + id
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
	return nil
}

// saveLeadStatus writes one lead's status into its customer's leads.md
// and commits it through the site's one save path (Server.Save: the
// access policy, which lets marketing change statuses and nothing else,
// the checker, a commit authored by the viewer). Someone else changing
// leads.md meanwhile is no conflict for a status: it is set again on the
// new version.
func (s *Server) saveLeadStatus(ctx context.Context, v view, customer, id string, status leads.Status) (string, error) {
	p := leadsPath(customer)
	for range 8 {
		head, err := s.Store.Head()
		if err != nil {
			return "", fmt.Errorf("set lead status: %w", err)
		}
		var old []byte
		base := ""
		f, err := s.Store.ReadFile(head, p)
		switch {
		case err == nil:
			old, base = f.Data, f.Version
		case !errors.Is(err, gitstore.ErrNotFound):
			return "", fmt.Errorf("set lead status: %w", err)
		}
		content, err := leads.SetStatus(old, id, string(status), v.Viewer.Name, s.today())
		if err != nil {
			return "", &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Key: "leads.error_file", Err: err}
		}
		res, err := s.Save(ctx, v.Viewer, SaveRequest{Path: p, Content: content, Base: base,
			Message: fmt.Sprintf("商机 %s：状态改为%s", id, status.Label("zh-CN"))})
		var conflict *SaveConflict
		if errors.As(err, &conflict) {
			continue
		}
		if err != nil {
			return "", err
		}
		s.Logger.Info("lead status set", "lead", id, "status", status, "by", v.Viewer.Name, "commit", short(res.Commit))
		return res.Commit, nil
	}
	return "", fmt.Errorf("set lead status: %s kept changing; try again", p)
}
