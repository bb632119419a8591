package site

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// customerRow is one line of the customer list.
type customerRow struct {
	ID, Name, Industry, District, AccountManager string
	Technicians                                  []string
	Restricted                                   bool
	Devices, OpenVisits, Problems                int
	Tags                                         []string
}

// customerFilter is the list's filter form, read from the query string.
type customerFilter struct {
	Q, Industry, District, Technician, AccountManager string
}

func (f customerFilter) match(row customerRow) bool {
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		hay := strings.ToLower(row.ID + " " + row.Name + " " + strings.Join(row.Tags, " "))
		if !strings.Contains(hay, q) {
			return false
		}
	}
	return (f.Industry == "" || row.Industry == f.Industry) &&
		(f.District == "" || row.District == f.District) &&
		(f.AccountManager == "" || row.AccountManager == f.AccountManager) &&
		(f.Technician == "" || slices.Contains(row.Technicians, f.Technician))
}

type customerIndex struct {
	Filter                                              customerFilter
	Rows                                                []customerRow
	Total                                               int
	Industries, Districts, Technicians, AccountManagers []string
}

func newCustomerRow(f *archive.Folder) customerRow {
	p := f.Profile()
	row := customerRow{ID: f.ID, Name: f.Name(), Industry: p.Industry, District: p.District,
		AccountManager: p.AccountManager, Technicians: p.Technicians, Restricted: p.Restricted,
		Devices: len(f.DeviceList()), Tags: p.Tags}
	for _, r := range f.Records() {
		row.Problems += len(r.Problems)
	}
	row.Problems += len(f.Problems)
	resolvedAfter := false
	for i := len(f.Visits) - 1; i >= 0; i-- {
		if v := f.Visits[i].AsVisit(); v != nil {
			if openOutcome(v.Outcome) && !resolvedAfter {
				row.OpenVisits++
			}
			if v.Outcome == archive.Resolved {
				resolvedAfter = true
			}
		}
	}
	return row
}

// customerRows lists the customers the viewer may see, with the choices
// the filter offers.
func customerRows(folders []*archive.Folder, filter customerFilter) customerIndex {
	ci := customerIndex{Filter: filter}
	sets := [4]map[string]bool{{}, {}, {}, {}}
	for _, f := range folders {
		row := newCustomerRow(f)
		sets[0][row.Industry] = true
		sets[1][row.District] = true
		sets[3][row.AccountManager] = true
		for _, t := range row.Technicians {
			sets[2][t] = true
		}
		ci.Total++
		if filter.match(row) {
			ci.Rows = append(ci.Rows, row)
		}
	}
	list := func(m map[string]bool) []string {
		delete(m, "")
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	ci.Industries, ci.Districts, ci.Technicians, ci.AccountManagers = list(sets[0]), list(sets[1]), list(sets[2]), list(sets[3])
	slices.SortStableFunc(ci.Rows, func(a, b customerRow) int { return strings.Compare(a.Name, b.Name) })
	return ci
}

func filterOf(r *http.Request) customerFilter {
	q := r.URL.Query()
	return customerFilter{Q: strings.TrimSpace(q.Get("q")), Industry: q.Get("industry"), District: q.Get("district"),
		Technician: q.Get("technician"), AccountManager: q.Get("account_manager")}
}

// handleCustomerIndex lists the customers with filters.
func (s *Server) handleCustomerIndex(w http.ResponseWriter, r *http.Request) error {
	ci := customerRows(s.viewOf(r).customers(), filterOf(r))
	return s.render(w, r, http.StatusOK, "customers", "customers.title", ci)
}
