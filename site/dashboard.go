package site

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/leads"
	"github.com/dangan-archive/dangan/archive/standard"
	"github.com/dangan-archive/dangan/site/i18n"
)

// dashboardPage is /dashboard: the archive in four charts, each over what
// the viewer may see.
type dashboardPage struct {
	Today  archive.Date
	Charts []chart
}

// handleDashboard draws the warranty and end-of-life timeline, the leads
// by signal and status, health by technician and visit punctuality. Every
// figure is counted over the viewer's view: restricted customers they may
// not see and fields their role hides count for nothing.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	c := s.catalog(r)
	today := s.today()
	folders := v.visibleFolders()
	page := dashboardPage{Today: today}
	page.Charts = append(page.Charts, warrantyChart(c, folders, today, v.hidden("devices.warranty_until"), v.hidden("devices.eol")))
	page.Charts = append(page.Charts, s.dashboardLeadCharts(r, v, c)...)
	page.Charts = append(page.Charts, s.dashboardHealthCharts(r, v, c, today)...)
	page.Charts = append(page.Charts, punctualityChart(c, folders, today, v.hidden("visits.appointment") || v.hidden("visits.arrived")))
	return s.render(w, r, http.StatusOK, "dashboard", "dashboard.title", page)
}

// month is a calendar month, the step of the timelines.
type month struct {
	Year int
	Mon  time.Month
}

func monthOf(d archive.Date) month { return month{d.Year, d.Month} }

func (m month) add(n int) month {
	t := time.Date(m.Year, m.Mon+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return month{t.Year(), t.Month()}
}

func (m month) before(o month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Mon < o.Mon)
}

func (m month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Mon) }

// monthIndex places d in the window of n months from first: -1 before it,
// n after it.
func monthIndex(first month, n int, d archive.Date) int {
	m := monthOf(d)
	if m.before(first) {
		return -1
	}
	i := (m.Year-first.Year)*12 + int(m.Mon-first.Mon)
	return min(i, n)
}

// warrantyChart counts, per month from six months ago to two years ahead,
// the devices still in use (not removed) whose warranty ends and those that
// reach end of life then; what ended earlier is counted apart.
//
// The folders are not redacted (redacting every record of the archive
// would cost more than the chart): the caller says which of the dates the
// viewer may not see, and those count for nothing.
func warrantyChart(c *i18n.Catalog, folders []*archive.Folder, today archive.Date, hideWarranty, hideEOL bool) chart {
	const before, ahead = 6, 24
	first := monthOf(today).add(-before)
	n := before + ahead + 1
	warranty := make([]float64, n+1) // [0] earlier, [1..n] months
	eol := make([]float64, n+1)
	seen := false
	for _, f := range folders {
		for _, d := range f.DeviceList() {
			if d.Status == archive.Removed {
				continue
			}
			for _, x := range []struct {
				day    archive.Date
				to     []float64
				hidden bool
			}{{d.WarrantyUntil, warranty, hideWarranty}, {d.EOL, eol, hideEOL}} {
				if x.day.IsZero() || x.hidden {
					continue
				}
				if i := monthIndex(first, n, x.day); i < n {
					x.to[i+1]++
					seen = true
				}
			}
		}
	}
	var cats []string
	for i := range n {
		cats = append(cats, first.add(i).String())
	}
	ch := chart{ID: "warranty", Title: c.T("dashboard.warranty"), Note: c.T("dashboard.warranty_note"), Empty: !seen}
	// What ended before the window would dwarf the months ahead: it is a
	// sentence and a table row, not a column.
	if warranty[0] != 0 || eol[0] != 0 {
		ch.Note += " " + c.T("dashboard.warranty_earlier", first.String(), c.Num(int(warranty[0])), c.Num(int(eol[0])))
	}
	ch.Options = axisChart(cats, []chartSeries{
		{Name: c.T("dashboard.warranty_ends"), Type: "bar", Data: warranty[1:], Color: colorNear},
		{Name: c.T("dashboard.eol"), Type: "bar", Data: eol[1:], Color: colorPast},
	}, nil)
	ch.Table.Head = []string{c.T("dashboard.month"), c.T("dashboard.warranty_ends"), c.T("dashboard.eol")}
	for i, cat := range append([]string{c.T("dashboard.earlier")}, cats...) {
		if warranty[i] != 0 || eol[i] != 0 {
			ch.Table.Rows = append(ch.Table.Rows, []string{cat, c.Num(int(warranty[i])), c.Num(int(eol[i]))})
		}
	}
	return ch
}

// onTime reports whether a visit kept the standard's rule: arrived at least
// five minutes before the appointment. ok is false when the visit does not
// say both times (or the viewer may not see them).
func onTime(v *archive.Visit) (on, ok bool) {
	if v.Appointment.IsZero() || v.Arrived.IsZero() {
		return false, false
	}
	return !v.Arrived.After(v.Appointment.Add(-standard.ArriveEarly)), true
}

// punctualityChart counts, per month of the last year, the visits that
// arrived at least five minutes early and those that did not, with the
// share on time as a line.
// Like warrantyChart, it takes unredacted folders and is told whether the
// viewer may see the times (marketing may not: its chart is empty).
func punctualityChart(c *i18n.Catalog, folders []*archive.Folder, today archive.Date, hideTimes bool) chart {
	const n = 12
	first := monthOf(today).add(-(n - 1))
	on := make([]float64, n)
	late := make([]float64, n)
	seen := false
	for _, f := range folders {
		if hideTimes {
			break
		}
		for _, r := range f.Visits {
			v := r.AsVisit()
			if v == nil {
				continue
			}
			ok, known := onTime(v)
			if !known {
				continue
			}
			i := monthIndex(first, n, v.Appointment.Date())
			if i < 0 || i >= n {
				continue
			}
			seen = true
			if ok {
				on[i]++
			} else {
				late[i]++
			}
		}
	}
	share := make([]float64, n)
	cats := make([]string, n)
	ch := chart{ID: "punctuality", Title: c.T("dashboard.punctuality"), Note: c.T("dashboard.punctuality_note"), Empty: !seen}
	ch.Table.Head = []string{c.T("dashboard.month"), c.T("dashboard.on_time"), c.T("dashboard.late"), c.T("dashboard.share")}
	for i := range n {
		cats[i] = first.add(i).String()
		if total := on[i] + late[i]; total > 0 {
			share[i] = float64(int(on[i]/total*1000+0.5)) / 10
			ch.Table.Rows = append(ch.Table.Rows, []string{cats[i], c.Num(int(on[i])), c.Num(int(late[i])), strconv.FormatFloat(share[i], 'f', 1, 64) + "%"})
		}
	}
	ch.Options = axisChart(cats, []chartSeries{
		{Name: c.T("dashboard.on_time"), Type: "bar", Stack: "visits", Data: on, Color: colorOK},
		{Name: c.T("dashboard.late"), Type: "bar", Stack: "visits", Data: late, Color: colorPast},
		{Name: c.T("dashboard.share"), Type: "line", Axis: 1, Data: share, Color: colorAccent},
	}, map[string]any{"type": "value", "min": 0, "max": 100, "axisLabel": map[string]any{"formatter": "{value}%"}})
	return ch
}

// dashboardLeadCharts counts the viewer's leads by signal, stacked by
// status.
func (s *Server) dashboardLeadCharts(r *http.Request, v view, c *i18n.Catalog) []chart {
	set, _, err := s.currentLeads(r.Context(), false)
	if err != nil {
		s.Logger.Warn("dashboard: leads", "err", err)
		return nil
	}
	mine := v.setLeads(set)
	lang := string(c.Lang)
	counts := map[leads.Signal]map[leads.Status]int{}
	for _, l := range mine {
		if counts[l.Signal] == nil {
			counts[l.Signal] = map[leads.Status]int{}
		}
		counts[l.Signal][l.Status]++
	}
	var cats []string
	var signals []leads.Signal
	for _, sig := range leads.Signals {
		if counts[sig] != nil {
			cats = append(cats, sig.Label(lang))
			signals = append(signals, sig)
		}
	}
	colors := map[leads.Status]string{leads.StatusNew: colorAccent, leads.StatusContacted: colorNear, leads.StatusWon: colorOK, leads.StatusLost: colorPast, leads.StatusDismissed: colorGrey}
	var series []chartSeries
	ch := chart{ID: "leads", Title: c.T("dashboard.leads"), Note: c.T("dashboard.leads_note", c.Num(len(mine))), Empty: len(mine) == 0}
	ch.Table.Head = []string{c.T("leads.signal")}
	for _, st := range leads.Statuses {
		data := make([]float64, len(signals))
		for i, sig := range signals {
			data[i] = float64(counts[sig][st])
		}
		series = append(series, chartSeries{Name: c.T("lead." + string(st)), Type: "bar", Stack: "status", Data: data, Color: colors[st]})
		ch.Table.Head = append(ch.Table.Head, c.T("lead."+string(st)))
	}
	for i, sig := range signals {
		row := []string{cats[i]}
		for _, st := range leads.Statuses {
			row = append(row, c.Num(counts[sig][st]))
		}
		ch.Table.Rows = append(ch.Table.Rows, row)
	}
	ch.Options = axisChart(cats, series, nil)
	// Signal names are long: turn them so they all show.
	ch.Options["xAxis"].(map[string]any)["axisLabel"] = map[string]any{"interval": 0, "rotate": 30}
	return []chart{ch}
}

// dashboardHealthCharts draws health by technician for those who may see
// health: each technician's score (the mean of their customers') with the
// share of the visit standard they kept and of their visits on time.
func (s *Server) dashboardHealthCharts(r *http.Request, v view, c *i18n.Catalog, today archive.Date) []chart {
	if !mayUseHealth(v.Viewer) {
		return nil
	}
	set, _, err := s.healthNow(r.Context())
	if err != nil {
		s.Logger.Warn("dashboard: health", "err", err)
		return nil
	}
	rep := v.viewHealth(set)
	ch := chart{ID: "health", Title: c.T("dashboard.health"), Note: c.T("dashboard.health_note"), Empty: len(rep.Technicians) == 0}
	var names []string
	var score, kept, on []float64
	ch.Table.Head = []string{c.T("health.technician"), c.T("health.score"), c.T("health.standard"), c.T("health.on_time"), c.T("health.customers")}
	for _, t := range rep.Technicians {
		names = append(names, t.Name)
		score = append(score, float64(t.Score))
		kept = append(kept, float64(t.Standard))
		on = append(on, float64(t.OnTime))
		ch.Table.Rows = append(ch.Table.Rows, []string{t.Name, c.Num(t.Score), c.Num(t.Standard) + "%", c.Num(t.OnTime) + "%", c.Num(t.Customers)})
	}
	ch.Options = axisChart(names, []chartSeries{
		{Name: c.T("health.score"), Type: "bar", Data: score, Color: colorAccent},
		{Name: c.T("health.standard"), Type: "bar", Data: kept, Color: colorOK},
		{Name: c.T("health.on_time"), Type: "bar", Data: on, Color: colorNear},
	}, nil)
	ch.Options["yAxis"] = []map[string]any{{"type": "value", "min": 0, "max": 100}}
	ch.Options["xAxis"].(map[string]any)["axisLabel"] = map[string]any{"interval": 0, "rotate": 30}
	return []chart{ch}
}

// visibleFolders returns the live customers the viewer may see, NOT
// redacted: for figures that read a few fields whose visibility the caller
// checks with hidden.
func (v view) visibleFolders() []*archive.Folder {
	var out []*archive.Folder
	for f := range v.live.Customers() {
		if v.policy.CanSeeFolder(v.Viewer, f) {
			out = append(out, f)
		}
	}
	return out
}

// hidden reports whether a field is hidden from the viewer.
func (v view) hidden(field string) bool { return v.policy.Hidden(v.Viewer, field) }
