package site

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

type homePage struct {
	Customers, Records int
	FollowUps          []followUp // open visits across the customers, most urgent first
}

type followUp struct {
	Customer, Name, Path, Title string
	Visit                       *archive.Visit
}

// handleHome is the start page: the search box, and the follow-ups a
// technician should not forget.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	folders := v.customers()
	page := homePage{Customers: len(folders)}
	for _, f := range folders {
		page.Records += len(f.Records())
		resolvedAfter := false
		for i := len(f.Visits) - 1; i >= 0; i-- {
			vis := f.Visits[i].AsVisit()
			if vis == nil {
				continue
			}
			if openOutcome(vis.Outcome) && !resolvedAfter {
				page.FollowUps = append(page.FollowUps, followUp{Customer: f.ID, Name: f.Name(), Path: f.Visits[i].Path, Title: recordTitle(s.catalog(r), f.Visits[i]), Visit: vis})
			}
			if vis.Outcome == archive.Resolved {
				resolvedAfter = true
			}
		}
	}
	slices.SortStableFunc(page.FollowUps, func(a, b followUp) int {
		if c := a.Visit.FollowUp.Compare(b.Visit.FollowUp); c != 0 && !a.Visit.FollowUp.IsZero() && !b.Visit.FollowUp.IsZero() {
			return c
		}
		return strings.Compare(b.Path, a.Path)
	})
	if len(page.FollowUps) > 15 {
		page.FollowUps = page.FollowUps[:15]
	}
	return s.render(w, r, http.StatusOK, "home", "home.title", page)
}
