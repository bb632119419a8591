package site

import (
	"context"
	"fmt"
	"html/template"
	"path"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/site/markdown"
)

// A date mark says how a date stands against today: past, near (within the
// archive's warning window) or "" (fine, or no date).
type mark string

const (
	markPast mark = "past"
	markNear mark = "near"
)

func markOf(d, today archive.Date, days int) mark {
	switch {
	case d.IsZero():
		return ""
	case d.Before(today):
		return markPast
	case days > 0 && today.DaysUntil(d) <= days:
		return markNear
	}
	return ""
}

// recordView is one record ready for its templates: the typed front
// matter with what pages mark (late, short, past warranty) worked out, and
// the body rendered. The same view is used on the customer page and on the
// record's own page, so both always show a record the same way.
type deviceCols struct{ Serial, MgmtIP, Location, Utilisation bool }

type recordView struct {
	Rec     *archive.Record
	Version string // commit links pin to, "" for the live archive
	Today   archive.Date
	Body    template.HTML

	Customer     *archive.Customer
	ContractMark mark
	Devices      *archive.Devices
	DeviceRows   []deviceRow
	// DeviceCols says which optional device columns have a value in some
	// row: a column that is empty everywhere (often because the viewer's
	// role may not see it) is left out rather than shown as a blank heading.
	DeviceCols deviceCols
	Topology   *archive.Topology
	Projects   []projectRow
	Training   *archive.Training
	Spares     *archive.Spares
	Parts      []partRow
	Needs      *archive.Needs
	Visit      *archive.Visit
	Open       bool // a visit whose follow-up has not happened yet
	Page       *archive.Page
	Extra      []extraRow
	// CanEdit offers the Edit button (site/forms.go sets it).
	CanEdit bool
}

type deviceRow struct {
	archive.Device
	WarrantyMark, EOLMark mark
	Busy                  bool // utilisation at or above the lead threshold
}

type projectRow struct {
	archive.Project
	Milestones []milestoneRow
}

type milestoneRow struct {
	archive.Milestone
	Late bool
}

type partRow struct {
	archive.Part
	Short int
}

type extraRow struct{ Key, Value string }

// newRecordView prepares a (redacted) record for the page.
func (s *Server) newRecordView(r *archive.Record, settings archive.Settings, today archive.Date, pin string) *recordView {
	if r == nil {
		return nil
	}
	v := &recordView{Rec: r, Version: pin, Today: today}
	rules := settings.Leads
	var extra archive.Extra
	switch d := r.Data.(type) {
	case *archive.Customer:
		v.Customer, extra = d, d.Extra
		if d.Contract != nil {
			v.ContractMark = markOf(d.Contract.End, today, rules.ContractDays)
		}
	case *archive.Devices:
		v.Devices, extra = d, d.Extra
		for _, dev := range d.Devices {
			row := deviceRow{Device: dev}
			if dev.Status != archive.Removed {
				row.WarrantyMark = markOf(dev.WarrantyUntil, today, rules.WarrantyDays)
				row.EOLMark = markOf(dev.EOL, today, rules.EOLDays)
			}
			row.Busy = dev.Utilisation != nil && rules.UtilisationPercent > 0 && *dev.Utilisation >= rules.UtilisationPercent
			v.DeviceRows = append(v.DeviceRows, row)
			v.DeviceCols.Serial = v.DeviceCols.Serial || dev.Serial != ""
			v.DeviceCols.MgmtIP = v.DeviceCols.MgmtIP || dev.MgmtIP != ""
			v.DeviceCols.Location = v.DeviceCols.Location || dev.Location != ""
			v.DeviceCols.Utilisation = v.DeviceCols.Utilisation || dev.Utilisation != nil
		}
	case *archive.Topology:
		v.Topology, extra = d, d.Extra
	case *archive.Progress:
		extra = d.Extra
		for _, p := range d.Projects {
			row := projectRow{Project: p}
			for _, m := range p.Milestones {
				row.Milestones = append(row.Milestones, milestoneRow{Milestone: m, Late: m.Late(today)})
			}
			v.Projects = append(v.Projects, row)
		}
	case *archive.Training:
		v.Training, extra = d, d.Extra
	case *archive.Spares:
		v.Spares, extra = d, d.Extra
		for _, p := range d.Parts {
			v.Parts = append(v.Parts, partRow{Part: p, Short: p.Short()})
		}
	case *archive.Needs:
		v.Needs, extra = d, d.Extra
	case *archive.Visit:
		v.Visit, extra = d, d.Extra
		v.Open = openOutcome(d.Outcome)
	case *archive.Page:
		v.Page, extra = d, d.Extra
	}
	v.Extra = extraRows(extra)
	if strings.TrimSpace(r.Body) != "" {
		body, err := s.md.Render([]byte(r.Body), markdown.Source{Dir: path.Dir(r.Path), Version: pin})
		if err != nil {
			s.Logger.Warn("render record body", "path", r.Path, "err", err)
		}
		v.Body = body
	}
	return v
}

func openOutcome(o archive.Outcome) bool {
	return o == archive.FollowUp || o == archive.Escalated || o == archive.NoAnswerO
}

// extraRows shows front-matter keys dangan does not know as plain text.
func extraRows(e archive.Extra) []extraRow {
	var rows []extraRow
	for _, k := range slices.Sorted(mapKeys(e)) {
		rows = append(rows, extraRow{Key: k, Value: plain(e[k])})
	}
	return rows
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func plain(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any, map[string]any:
		b, err := yaml.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return strings.TrimSpace(string(b))
	}
	return fmt.Sprint(v)
}

// customerView is everything the customer page shows.
type customerView struct {
	Folder   *archive.Folder
	Name     string
	At       version
	Today    archive.Date
	Profile  *recordView
	Devices  *recordView
	Topology *recordView
	Progress *recordView
	Training *recordView
	Spares   *recordView
	Leads    *recordView
	Visits   []*recordView // open follow-ups first, then newest first
	Notes    []*recordView
	Diagram  *diagramView
	// Counts for the summary at the top.
	OpenVisits, LateMilestones, ShortParts, DeviceAlerts int
	Missing                                              []archive.Kind // standard kinds the archive lacks
	Problems                                             []archive.Problem
	// Forms are the editing actions offered (site/forms.go); nil for none.
	Forms *customerForms
	// Board is the customer's open leads and health (site/customer_board.go).
	Board *customerBoard
}

type diagramView struct {
	SVG      template.HTML
	Problems []archive.Problem
	Message  string
}

func (s *Server) newCustomerView(ctx context.Context, f *archive.Folder, snap *archive.Snapshot, at version, hide []string) *customerView {
	today := s.today()
	if at.Past && !at.At.IsZero() {
		// A bid pack as of a day judges dates against that day.
		today = at.At
	}
	pin := at.Pin()
	rv := func(r *archive.Record) *recordView { return s.newRecordView(r, snap.Settings, today, pin) }
	cv := &customerView{
		Folder: f, Name: f.Name(), At: at, Today: today,
		Profile: rv(f.Customer), Devices: rv(f.Devices), Topology: rv(f.Topology),
		Progress: rv(f.Progress), Training: rv(f.Training), Spares: rv(f.Spares), Leads: rv(f.Leads),
		Problems: f.Problems,
	}
	// Visits: newest first; a visit is open when it ended without a fix and
	// no later visit resolved anything.
	resolvedAfter := false
	for i := len(f.Visits) - 1; i >= 0; i-- {
		v := rv(f.Visits[i])
		if v.Visit != nil {
			v.Open = v.Open && !resolvedAfter
			if v.Visit.Outcome == archive.Resolved {
				resolvedAfter = true
			}
		}
		cv.Visits = append(cv.Visits, v)
	}
	sort.SliceStable(cv.Visits, func(i, j int) bool { return cv.Visits[i].Open && !cv.Visits[j].Open })
	for _, v := range cv.Visits {
		if v.Open {
			cv.OpenVisits++
		}
	}
	for _, n := range f.Notes {
		cv.Notes = append(cv.Notes, rv(n))
	}
	if cv.Progress != nil {
		for _, p := range cv.Progress.Projects {
			for _, m := range p.Milestones {
				if m.Late && m.Done.IsZero() {
					cv.LateMilestones++
				}
			}
		}
	}
	if cv.Spares != nil {
		for _, p := range cv.Spares.Parts {
			if p.Short > 0 {
				cv.ShortParts++
			}
		}
	}
	if cv.Devices != nil {
		for _, d := range cv.Devices.DeviceRows {
			if d.WarrantyMark != "" || d.EOLMark != "" {
				cv.DeviceAlerts++
			}
		}
	}
	have := map[archive.Kind]bool{}
	for _, r := range f.Records() {
		have[r.Kind] = true
	}
	for _, k := range archive.StandardKinds {
		if !have[k] {
			cv.Missing = append(cv.Missing, k)
		}
	}
	cv.Diagram = s.drawTopology(ctx, f, hide)
	return cv
}

// drawTopology asks the diagram renderer for the customer's topology; nil
// when there is no topology (or it is hidden from the viewer).
func (s *Server) drawTopology(ctx context.Context, f *archive.Folder, hide []string) *diagramView {
	topo := f.Topology.AsTopology()
	if topo == nil || s.Diagrams == nil {
		return nil
	}
	out, err := s.Diagrams.SVG(ctx, diagramInput(f, topo, hide))
	if err != nil {
		s.Logger.Warn("draw topology", "customer", f.ID, "err", err)
		return nil
	}
	// The renderer returns sanitized SVG without script, event handlers or
	// external references (site/diagram's contract and its tests).
	return &diagramView{SVG: template.HTML(out.SVG), Problems: out.Problems, Message: out.Message} //nolint:gosec // sanitized by site/diagram
}
