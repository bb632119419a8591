package site

import (
	"net/http"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/health"
	"github.com/dangan-archive/dangan/archive/leads"
)

// customerBoard is what the customer page shows of the lead board and the
// health page: the customer's open leads and its health score, as of the
// page's version.
type customerBoard struct {
	ID     string
	Leads  []leadRow // open leads (new, contacted), best first
	Closed int       // leads won, lost or dismissed
	Health *healthCustomerRow
}

// customerBoard derives one customer's leads and health for the page: a
// single folder is cheap, so they are computed per request from the
// snapshot the page shows (the live one, or a past one for ?at= and ?v=),
// then cut to what the viewer may see like the board and /health.
func (s *Server) customerBoard(r *http.Request, q requested, id string) *customerBoard {
	f := q.snap.Customer(id)
	if f == nil {
		return nil
	}
	c := s.catalog(r)
	day := s.today()
	var until time.Time
	if q.at.Past {
		day = archive.DateOf(q.at.Commit.When)
		if !q.at.At.IsZero() {
			day = q.at.At
		}
		until = time.Date(day.Year, day.Month, day.Day, 23, 59, 59, 0, s.Now().Location())
	}
	b := &customerBoard{ID: id}
	for _, l := range q.view.viewLeads(leads.DeriveCustomer(f, q.snap.Settings.Leads, day)) {
		if !l.Status.Open() {
			b.Closed++
			continue
		}
		b.Leads = append(b.Leads, newLeadRow(c, l))
	}
	if mayUseHealth(q.view.Viewer) {
		hc, err := health.CheckCustomer(f, q.snap.Settings, health.Options{At: day, Users: s.knownUsers(s.live.Snapshot()), History: s.Store, Until: until})
		if err != nil {
			s.Logger.Warn("customer health", "customer", id, "err", err)
			return b
		}
		set := &healthSet{Report: &health.Report{At: day, Customers: []health.Customer{hc}}, Snap: q.snap}
		if rep := q.view.viewHealth(set); len(rep.Customers) == 1 {
			hc = rep.Customers[0]
			row := &healthCustomerRow{Customer: hc, Class: scoreClass(hc.Score), Problems: healthProblems(c, hc.Problems)}
			lang := string(c.Lang)
			for _, a := range health.Aspects {
				row.Aspects = append(row.Aspects, aspectScore{Label: a.Label(lang), Score: hc.Scores.Of(a), Class: scoreClass(hc.Scores.Of(a))})
			}
			b.Health = row
		}
	}
	return b
}
