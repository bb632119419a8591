package site

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/leads"
	"github.com/dangan-archive/dangan/site/i18n"
)

// leadsPerPage is how many leads the board shows at once (the exports
// hold them all): executing the template for a lead card costs about
// 0.1 ms, the bulk of a page.
const leadsPerPage = 50

// leadBoard is /leads.
type leadBoard struct {
	Filter   leadFilter
	Query    template.URL // the filter as a query string, for export and feed links
	Facets   map[string][]facetChoice
	Rows     []leadRow
	Total    int // leads the viewer may see, before the filter
	Matched  int // leads that pass the filter
	Page     int
	Pages    int
	Stale    bool // the previous commit's leads, while this one's are derived
	Commit   string
	Statuses []leads.Status
	Saved    string // the id of a lead whose status was just saved
	FeedURL  string // the feed's address for a reader, with the filter and a token to fill in
	// CanMakeFeed says the site has accounts, so the board can make the
	// viewer a feed token.
	CanMakeFeed bool
}

// leadRow is one lead on the board, redacted for the viewer.
type leadRow struct {
	leads.Lead
	SignalLabel string
	Text        string // the summary in the page's language
	ProductText string
	Seen        archive.Date // first seen
	Evidence    []evidenceRow
	CanEdit     bool // the viewer may set its status
}

// evidenceRow is one fact behind a lead, linked to its record (at the
// line when known).
type evidenceRow struct {
	Text, URL string
}

func evidenceRows(l leads.Lead) []evidenceRow {
	var out []evidenceRow
	for _, e := range l.Evidence {
		u := ""
		if archive.PlaceOf(e.Path).Kind != "" {
			u = recordURL(e.Path)
			if e.Line > 0 {
				u += "#L" + strconv.Itoa(e.Line)
			}
		}
		out = append(out, evidenceRow{Text: e.String(), URL: u})
	}
	return out
}

// newLeadRow presents a lead in a language.
func newLeadRow(c *i18n.Catalog, l leads.Lead) leadRow {
	lang := string(c.Lang)
	return leadRow{Lead: l, SignalLabel: l.Signal.Label(lang), Text: l.Text(lang), ProductText: l.ProductIn(lang),
		Seen: firstSeen(l), Evidence: evidenceRows(l)}
}

// leadLabel names a filter's choice in the page's language.
func leadLabel(c *i18n.Catalog) func(dim, value string) string {
	return func(dim, value string) string {
		switch dim {
		case "signal":
			return leads.Signal(value).Label(string(c.Lang))
		case "status":
			if value == "open" || value == "all" {
				return c.T("leads.status_" + value)
			}
			return c.T("lead." + value)
		case "age":
			if value == "older" {
				return c.T("leads.age_older")
			}
			return c.T("leads.age_within", value)
		}
		return value
	}
}

// handleLeads is the lead board: the leads the viewer may see, filtered
// and sorted, with each lead's evidence and a form to set its status.
func (s *Server) handleLeads(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !v.Viewer.Role.Valid() {
		return errForbiddenPage
	}
	set, stale, err := s.currentLeads(r.Context(), false)
	if err != nil {
		return err
	}
	c := s.catalog(r)
	today := s.today()
	f := leadFilterOf(r)
	mine := v.setLeads(set)
	matched := f.apply(mine, today)
	b := leadBoard{Filter: f, Query: template.URL(f.Query()), Facets: f.facets(mine, today, leadLabel(c)), Total: len(mine),
		Matched: len(matched), Stale: stale, Commit: set.Commit, Statuses: leads.Statuses, Saved: r.URL.Query().Get("saved")}
	b.keepSelected(c)
	b.FeedURL = siteURL(r) + "/feeds/leads.atom?token=TOKEN"
	b.CanMakeFeed = s.NewFeedToken != nil
	if b.Query != "" {
		b.FeedURL += "&" + string(b.Query)
	}
	b.Pages = max(1, (len(matched)+leadsPerPage-1)/leadsPerPage)
	b.Page = min(f.Page, b.Pages)
	page := matched[(b.Page-1)*leadsPerPage : min(len(matched), b.Page*leadsPerPage)]
	editable := map[string]bool{}
	for _, l := range page {
		row := newLeadRow(c, l)
		ok, known := editable[l.Customer]
		if !known {
			ok = v.policy.CanEditFolder(v.Viewer, v.live.Customer(l.Customer), leadsPath(l.Customer))
			editable[l.Customer] = ok
		}
		row.CanEdit = ok
		b.Rows = append(b.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "leads", "leads.title", b)
}

// keepSelected makes sure a chosen filter value is offered even when no
// lead has it any more, so the form shows what is applied.
func (b *leadBoard) keepSelected(c *i18n.Catalog) {
	for dim, val := range map[string]string{"industry": b.Filter.Industry, "district": b.Filter.District, "account_manager": b.Filter.AccountManager} {
		if val == "" {
			continue
		}
		found := false
		for _, ch := range b.Facets[dim] {
			found = found || ch.Value == val
		}
		if !found {
			b.Facets[dim] = append(b.Facets[dim], facetChoice{Value: val, Label: val})
		}
	}
}

// leadsPath is the file of a customer that holds its leads and their
// statuses.
func leadsPath(customer string) string {
	return archive.CustomersDir + "/" + customer + "/leads.md"
}
