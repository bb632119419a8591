package site

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/health"
	"github.com/dangan-archive/dangan/site/i18n"
)

// mayUseHealth reports whether a role may see the health pages: the staff
// who keep the archive and admins. Marketing works from leads; visit
// compliance and the records' problems are none of its business.
func mayUseHealth(v access.Viewer) bool {
	switch v.Role {
	case access.Admin, access.Technician, access.AccountManager:
		return true
	}
	return false
}

var errForbiddenPage = &Error{Status: http.StatusForbidden, Code: "forbidden", Key: "error.forbidden", Err: errors.New("role may not use this page")}

// healthSet is the health of the whole archive at one commit as of one
// day, for nobody in particular, with the snapshot it judged.
type healthSet struct {
	Report *health.Report
	Snap   *archive.Snapshot
}

// knownUsers are the people a commit may be authored by: the site's
// accounts and the staff the records name.
func (s *Server) knownUsers(snap *archive.Snapshot) map[string]bool {
	users := maps.Clone(s.staff.of(snap))
	if s.Accounts != nil {
		for _, n := range s.Accounts() {
			users[n] = true
		}
	}
	return users
}

// staffCache remembers the staff the records of one snapshot name: finding
// them reads every customer, too much for each customer page (40 ms of
// CPU a page at 10,000 customers, the benchmark's profile showed).
type staffCache struct {
	mu     sync.Mutex
	commit string
	staff  map[string]bool
}

func (c *staffCache) of(snap *archive.Snapshot) map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.staff == nil || c.commit != snap.Commit || snap.Commit == "" {
		c.commit, c.staff = snap.Commit, health.Staff(snap)
	}
	return c.staff
}

// healthNow returns the health of the live archive as of today; like the
// leads, a page may get the previous commit's while this one's is judged.
func (s *Server) healthNow(ctx context.Context) (*healthSet, bool, error) {
	s.boardInit()
	snap := s.live.Snapshot()
	today := s.today()
	compute := func(context.Context) (*healthSet, error) {
		r, err := health.Check(snap, health.Options{At: today, Users: s.knownUsers(snap), History: s.Store})
		if err != nil {
			return nil, err
		}
		return &healthSet{Report: r, Snap: snap}, nil
	}
	return s.board.health.latest(ctx, "health\x00"+today.String(), snap.Commit+"\x00"+today.String(), pageGrace, compute)
}

// healthAt returns the health of the archive as it stood at the end of a
// past day: its last commit on or before that day, judged as of the day,
// counting only the commits made by then.
func (s *Server) healthAt(ctx context.Context, commit string, at archive.Date) (*healthSet, error) {
	s.boardInit()
	end := time.Date(at.Year, at.Month, at.Day, 23, 59, 59, 0, s.Now().Location())
	compute := func(context.Context) (*healthSet, error) {
		snap, err := s.Store.Snapshot(commit)
		if err != nil {
			return nil, fmt.Errorf("health as of %s: %w", at, err)
		}
		r, err := health.Check(snap, health.Options{At: at, Users: s.knownUsers(s.live.Snapshot()), History: s.Store, Until: end})
		if err != nil {
			return nil, err
		}
		return &healthSet{Report: r, Snap: snap}, nil
	}
	return s.board.health.get(ctx, "health-past", commit+"\x00"+at.String(), compute)
}

// viewHealth returns the report as the viewer may see it: only the
// customers they may see (by today's rules), the technicians' and the
// archive's figures summed over those alone, and problem messages that
// quote a record scrubbed like the record itself. The problems of no
// customer (dangan.yaml, commits by unknown people) are for admins.
func (v view) viewHealth(set *healthSet) *health.Report {
	r := set.Report
	if v.Viewer.Role == access.Admin {
		return r
	}
	scrub := len(v.policy.Hide(v.Viewer)) > 0 || v.policy.DropsExtra(v.Viewer)
	var custs []health.Customer
	for _, c := range r.Customers {
		f := v.live.Customer(c.Customer)
		if f == nil || !v.policy.CanSeeFolder(v.Viewer, f) {
			continue
		}
		if scrub {
			c.Problems = v.scrubHealth(set.Snap, c.Customer, c.Problems)
		}
		custs = append(custs, c)
	}
	out := health.Summarize(custs, r.At)
	out.Commit = r.Commit
	out.Problems = nil
	return out
}

// scrubHealth leaves out the problems of a section hidden from the viewer
// and gives the checker's messages as the viewer's redacted record has
// them (values of hidden fields replaced).
func (v view) scrubHealth(snap *archive.Snapshot, customer string, ps []health.Problem) []health.Problem {
	red := v.policy.Folder(v.Viewer, snap.Customer(customer))
	if red == nil {
		return nil
	}
	byPlace := map[string]string{}
	for _, r := range red.Records() {
		for _, p := range r.Problems {
			byPlace[p.Path+":"+strconv.Itoa(p.Line)] = p.Message
		}
	}
	for _, p := range red.Problems {
		byPlace[p.Path+":"+strconv.Itoa(p.Line)] = p.Message
	}
	var out []health.Problem
	for _, p := range ps {
		sec := access.SectionOf(p.Path)
		if sec != "" && (v.policy.Hidden(v.Viewer, sec) || (p.Field != "" && v.policy.Hidden(v.Viewer, sec+"."+p.Field))) {
			continue
		}
		switch p.Rule {
		case "record_error", "record_warning", "unknown_device":
			msg, ok := byPlace[p.Path+":"+strconv.Itoa(p.Line)]
			if !ok {
				continue
			}
			p.Zh, p.En = msg, msg
		}
		out = append(out, p)
	}
	return out
}

// healthProblem is one problem as the page lists it, linked to what to fix.
type healthProblem struct {
	Aspect   string
	Message  string
	Location string
	URL      string
	Points   int
}

// healthURL links a problem to the record to fix (at its line), else to
// the customer.
func healthURL(p health.Problem) string {
	if u := problemURL(archive.Problem{Path: p.Path, Line: p.Line}); u != "" {
		return u
	}
	if c := archive.CustomerOf(p.Path + "/"); c != "" {
		if p.Commit != "" {
			return "/history/customers/" + c // who changed it
		}
		return "/customers/" + c
	}
	return ""
}

func healthProblems(c *i18n.Catalog, ps []health.Problem) []healthProblem {
	lang := string(c.Lang)
	out := make([]healthProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, healthProblem{Aspect: p.Aspect.Label(lang), Message: p.Message(lang), Location: p.Location(), URL: healthURL(p), Points: p.Points})
	}
	return out
}

// healthPage is /health: whether the archive is authentic, complete and
// continuous, per customer, per technician and as a whole, as of a day,
// and what `dangan check` finds in it now.
type healthPage struct {
	At         archive.Date
	Version    version // the commit judged, for the as-of banner
	Stale      bool
	Score      int
	ScoreClass string
	Aspects    []aspectScore
	// Technician narrows the customers to one technician's (?technician=).
	Technician  string
	Technicians []healthTechRow
	Customers   []healthCustomerRow
	Hidden      int // customers with problems not listed (more than the page shows)
	All         bool
	Archive     []healthProblem // problems of no customer (admins)
	Problems    []checkerProblem
	Errors      int // problems of severity error among Problems
}

type aspectScore struct {
	Label string
	Score int
	Class string
}

// scoreClass colours a score: good, fair or poor.
func scoreClass(n int) string {
	switch {
	case n >= 85:
		return "score-good"
	case n >= 60:
		return "score-fair"
	}
	return "score-poor"
}

type healthTechRow struct {
	health.Technician
	Class    string
	Problems []healthProblem
}

type healthCustomerRow struct {
	health.Customer
	Class    string
	Aspects  []aspectScore
	Problems []healthProblem
}

// healthCustomersShown is how many customers with problems the page lists
// unless asked for all.
const healthCustomersShown = 50

// handleHealthPage shows the archive's health.
func (s *Server) handleHealthPage(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !mayUseHealth(v.Viewer) {
		return errForbiddenPage
	}
	c := s.catalog(r)
	lang := string(c.Lang)
	ver, err := s.versionOf(r)
	if err != nil {
		return err
	}
	var set *healthSet
	page := healthPage{At: s.today(), Version: ver}
	if ver.Past && !ver.At.IsZero() {
		page.At = ver.At
		set, err = s.healthAt(r.Context(), ver.Commit.Hash, ver.At)
	} else if ver.Past {
		return badRequest("error.bad_date", errors.New("health takes ?at=, not ?v="))
	} else {
		set, page.Stale, err = s.healthNow(r.Context())
	}
	if err != nil {
		return err
	}
	rep := v.viewHealth(set)
	page.Score, page.ScoreClass = rep.Score, scoreClass(rep.Score)
	for _, a := range health.Aspects {
		page.Aspects = append(page.Aspects, aspectScore{Label: a.Label(lang), Score: rep.Scores.Of(a), Class: scoreClass(rep.Scores.Of(a))})
	}
	page.Technician = r.URL.Query().Get("technician")
	page.All = r.URL.Query().Get("all") != ""
	for _, t := range rep.Technicians {
		row := healthTechRow{Technician: t, Class: scoreClass(t.Score)}
		if t.Name == page.Technician {
			row.Problems = healthProblems(c, t.Problems)
		}
		page.Technicians = append(page.Technicians, row)
	}
	for _, cu := range rep.Customers {
		if page.Technician != "" && !slices.Contains(cu.Technicians, page.Technician) {
			continue
		}
		if len(cu.Problems) == 0 {
			continue
		}
		if !page.All && len(page.Customers) >= healthCustomersShown {
			page.Hidden++
			continue
		}
		row := healthCustomerRow{Customer: cu, Class: scoreClass(cu.Score), Problems: healthProblems(c, cu.Problems)}
		for _, a := range health.Aspects {
			row.Aspects = append(row.Aspects, aspectScore{Label: a.Label(lang), Score: cu.Scores.Of(a)})
		}
		page.Customers = append(page.Customers, row)
	}
	page.Archive = healthProblems(c, rep.Problems)
	if !ver.Past {
		page.Problems = v.checkerProblems()
		for _, p := range page.Problems {
			if p.Severity == archive.SeverityError {
				page.Errors++
			}
		}
	}
	return s.render(w, r, http.StatusOK, "health", "health.title", page)
}
