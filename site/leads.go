package site

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/leads"
)

// boardState is what the lead board and the health pages derive from the
// archive, cached per commit and day (derived): leads follow HEAD without
// any page waiting for them to be recomputed.
type boardState struct {
	once  sync.Once
	leads *derived[*leadSet]
	// tracker finds the commit where each lead first appeared; nil when
	// the store has no history to walk.
	tracker *leads.Tracker
	health  *derived[*healthSet]
}

func (s *Server) boardInit() {
	s.board.once.Do(func() {
		// A set of leads or health scores of the 10,000-customer archive
		// takes about 50 MB: keep the live one, the one being computed
		// after a commit, and (health) one past day someone looks at.
		s.board.leads = newDerived[*leadSet](2)
		s.board.health = newDerived[*healthSet](3)
		if h, ok := s.Store.(leads.History); ok {
			s.board.tracker = &leads.Tracker{History: h, CacheDir: s.CacheDir, Logger: s.Logger, Pause: s.busy.pause}
		}
	})
}

// leadSet is every lead of the archive at one commit, as of one day, for
// nobody in particular: pages take the viewer's part of it (viewLeads).
type leadSet struct {
	Commit string
	At     archive.Date
	All    []leads.Lead

	// redacted holds All redacted once per set of hidden fields (in
	// practice one per role): redaction writes every summary again, which
	// is the cost of a board page on a big archive.
	mu       sync.Mutex
	redacted map[string][]leads.Lead
}

// setLeads returns the leads the viewer may see, redacted: viewLeads over
// the whole set, with the redaction shared by every viewer who hides the
// same fields.
func (v view) setLeads(set *leadSet) []leads.Lead {
	hide := v.policy.Hide(v.Viewer)
	key := strings.Join(hide, "\x00")
	set.mu.Lock()
	red, ok := set.redacted[key]
	set.mu.Unlock()
	if !ok {
		red = redactLeads(set.All, func(field string) bool { return v.policy.Hidden(v.Viewer, field) })
		set.mu.Lock()
		if set.redacted == nil {
			set.redacted = map[string][]leads.Lead{}
		}
		set.redacted[key] = red
		set.mu.Unlock()
	}
	return v.visibleLeads(red)
}

// computeLeads derives the leads of a snapshot as of a day.
func (s *Server) computeLeads(_ context.Context, snap *archive.Snapshot, at archive.Date) (*leadSet, error) {
	all := leads.Derive(snap, snap.Settings.Leads, at)
	if t := s.board.tracker; t != nil && snap.Commit != "" {
		if err := t.FirstSeen(snap, snap.Settings.Leads, all); errors.Is(err, leads.ErrWalking) {
			// The dates come when the walk is done: currentLeads's key
			// changes then, and the leads are derived again.
		} else if err != nil {
			// Leads without their first commit are still leads: show
			// them, and say in the log why the dates are missing.
			s.Logger.Warn("leads: first seen", "commit", short(snap.Commit), "err", err)
		}
	}
	return &leadSet{Commit: snap.Commit, At: at, All: all}, nil
}

// currentLeads returns the leads of the live archive as of today. With
// fresh unset (pages) it may return the previous commit's leads while
// this commit's are computed in the background; stale says so. Exports
// and feeds ask for fresh ones.
func (s *Server) currentLeads(ctx context.Context, fresh bool) (set *leadSet, stale bool, err error) {
	s.boardInit()
	snap := s.live.Snapshot()
	today := s.today()
	group := "leads\x00" + today.String()
	key := snap.Commit + "\x00" + today.String()
	if t := s.board.tracker; t != nil && t.Walking() {
		key += "\x00walking"
	}
	compute := func(ctx context.Context) (*leadSet, error) { return s.computeLeads(ctx, snap, today) }
	if fresh {
		set, err = s.board.leads.get(ctx, group, key, compute)
		return set, false, err
	}
	return s.board.leads.latest(ctx, group, key, pageGrace, compute)
}

// RefreshLeads derives the leads of the live commit now, for tests and
// for a warm start; pages do it by themselves.
func (s *Server) RefreshLeads(ctx context.Context) error {
	_, _, err := s.currentLeads(ctx, true)
	return err
}

// Warm derives the leads and the health of the live commit, so that the
// first person to open the board does not wait for the walk through
// history. dangan serve runs it in the background after Open.
//
// It also starts the walks through history that would otherwise make a
// request wait (the per-path history index, the leads' first-seen
// dates): in the background, stepping aside while requests run. Then it
// compacts the search index if saves left it in pieces, logs "start-up
// work done", and keeps the index compact while the site is quiet, until
// ctx ends.
func (s *Server) Warm(ctx context.Context) {
	start := time.Now()
	if b, ok := s.Store.(interface {
		IndexHistoryInBackground(context.Context, gitstore.Pause)
	}); ok {
		b.IndexHistoryInBackground(ctx, s.busy.pause)
	}
	s.boardInit()
	if t := s.board.tracker; t != nil {
		t.Start(ctx, s.live.Snapshot().Settings.Leads)
	}
	if err := s.RefreshLeads(ctx); err != nil {
		s.Logger.Warn("derive leads", "err", err)
	} else if _, _, err := s.healthNow(ctx); err != nil {
		s.Logger.Warn("judge health", "err", err)
	} else {
		s.Logger.Info("leads and health derived", "commit", short(s.live.Snapshot().Commit), "took", time.Since(start).Round(time.Millisecond))
	}
	s.waitIndexed(ctx, 10*time.Minute)
	s.compactIndex(ctx)
	if ctx.Err() != nil {
		return
	}
	s.Logger.Info("start-up work done", "took", time.Since(start).Round(time.Millisecond))
	go s.keepIndexCompact(ctx)
}

// viewLeads returns the leads the viewer may see, redacted for them: none
// of a customer restricted from them (judged by today's rules, like every
// page), and no hidden field in summaries and evidence.
func (v view) viewLeads(all []leads.Lead) []leads.Lead {
	return redactLeads(v.visibleLeads(all), func(field string) bool { return v.policy.Hidden(v.Viewer, field) })
}

// visibleLeads keeps the leads of the customers the viewer may see.
func (v view) visibleLeads(all []leads.Lead) []leads.Lead {
	seen := map[string]bool{}
	var out []leads.Lead
	for _, l := range all {
		ok, known := seen[l.Customer]
		if !known {
			f := v.live.Customer(l.Customer)
			ok = f != nil && v.policy.CanSeeFolder(v.Viewer, f)
			seen[l.Customer] = ok
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// redactLeads redacts every lead; Redact asks about a handful of fields
// for every lead, so each is answered once.
func redactLeads(ls []leads.Lead, hidden func(string) bool) []leads.Lead {
	known := map[string]bool{}
	memo := func(field string) bool {
		h, ok := known[field]
		if !ok {
			h = hidden(field)
			known[field] = h
		}
		return h
	}
	out := make([]leads.Lead, len(ls))
	for i, l := range ls {
		out[i] = l.Redact(memo)
	}
	return out
}

// auditLeads records that the viewer took the leads of restricted
// customers out of the site (an export, a feed): who copied a confidential
// customer's needs must be answerable, as for reading its records.
func (v view) auditLeads(ls []leads.Lead, what string) {
	seen := map[string]bool{}
	for _, l := range ls {
		if !seen[l.Customer] {
			seen[l.Customer] = true
			v.audited(l.Customer, what)
		}
	}
}

// leadFilter is the board's filter form, read from the query string. The
// exports and the feed take the same query, so they hold what the board
// shows.
type leadFilter struct {
	Signal, Industry, District, AccountManager string
	Status                                     string // "open" (new or contacted, the default), "all" or one status
	Age                                        string // "7", "30", "90": first seen at most that many days ago; "older": more than 90
	Sort                                       string // "score" (default), "new", "old"
	Q                                          string
	Page                                       int
}

// Choices the filter offers.
var (
	leadAges  = []string{"7", "30", "90", "older"}
	leadSorts = []string{"score", "new", "old"}
)

func leadFilterOf(r *http.Request) leadFilter {
	q := r.URL.Query()
	f := leadFilter{
		Signal: q.Get("signal"), Industry: q.Get("industry"), District: q.Get("district"),
		AccountManager: q.Get("account_manager"), Status: q.Get("status"), Age: q.Get("age"),
		Sort: q.Get("sort"), Q: strings.TrimSpace(q.Get("q")),
	}
	if f.Status == "" || (f.Status != "all" && f.Status != "open" && !leads.Status(f.Status).Valid()) {
		f.Status = "open"
	}
	if !slices.Contains(leadAges, f.Age) {
		f.Age = ""
	}
	if !slices.Contains(leadSorts, f.Sort) {
		f.Sort = "score"
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// Query writes the filter back as a query string (without the page), for
// links that keep it: exports, the feed, sorting, paging.
func (f leadFilter) Query() string {
	q := url.Values{}
	set := func(k, v, def string) {
		if v != "" && v != def {
			q.Set(k, v)
		}
	}
	set("signal", f.Signal, "")
	set("industry", f.Industry, "")
	set("district", f.District, "")
	set("account_manager", f.AccountManager, "")
	set("status", f.Status, "open")
	set("age", f.Age, "")
	set("sort", f.Sort, "score")
	set("q", f.Q, "")
	return q.Encode()
}

// firstSeen is the day a lead was first seen in the archive: the commit
// that revealed it, else the day its signal began.
func firstSeen(l leads.Lead) archive.Date {
	if l.FirstSeen != nil {
		return l.FirstSeen.Date()
	}
	return l.Since
}

// matches reports whether a lead passes the filter; skip names one
// dimension to leave out (for the counts of that dimension's choices).
func (f leadFilter) matches(l leads.Lead, today archive.Date, skip string) bool {
	if skip != "signal" && f.Signal != "" && string(l.Signal) != f.Signal {
		return false
	}
	if skip != "industry" && f.Industry != "" && l.Industry != f.Industry {
		return false
	}
	if skip != "district" && f.District != "" && l.District != f.District {
		return false
	}
	if skip != "account_manager" && f.AccountManager != "" && l.AccountManager != f.AccountManager {
		return false
	}
	if skip != "status" {
		switch f.Status {
		case "all":
		case "open":
			if !l.Status.Open() {
				return false
			}
		default:
			if string(l.Status) != f.Status {
				return false
			}
		}
	}
	if skip != "age" && f.Age != "" {
		seen := firstSeen(l)
		if seen.IsZero() {
			return false
		}
		days := seen.DaysUntil(today)
		if f.Age == "older" {
			if days <= 90 {
				return false
			}
		} else if n, _ := strconv.Atoi(f.Age); days > n {
			return false
		}
	}
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		hay := strings.ToLower(l.Customer + " " + l.CustomerName + " " + l.Summary + " " + l.SummaryEN + " " + l.Product + " " + l.ProductEN)
		if !strings.Contains(hay, q) {
			return false
		}
	}
	return true
}

// filterLeads returns the leads that pass the filter, in its order.
func (f leadFilter) apply(ls []leads.Lead, today archive.Date) []leads.Lead {
	var out []leads.Lead
	for _, l := range ls {
		if f.matches(l, today, "") {
			out = append(out, l)
		}
	}
	byScore := func(a, b leads.Lead) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), firstSeen(b).Compare(firstSeen(a)), cmp.Compare(a.ID, b.ID))
	}
	switch f.Sort {
	case "new":
		slices.SortStableFunc(out, func(a, b leads.Lead) int { return cmp.Or(firstSeen(b).Compare(firstSeen(a)), byScore(a, b)) })
	case "old":
		slices.SortStableFunc(out, func(a, b leads.Lead) int { return cmp.Or(firstSeen(a).Compare(firstSeen(b)), byScore(a, b)) })
	default:
		slices.SortStableFunc(out, byScore)
	}
	return out
}

// facetChoice is one choice of a filter with the number of leads it would
// show, counted over the viewer's leads only.
type facetChoice struct {
	Value, Label string
	Count        int
}

// facets counts, for each dimension, the leads each choice would show with
// the other filters kept: the numbers are what the viewer would see.
func (f leadFilter) facets(ls []leads.Lead, today archive.Date, label func(dim, value string) string) map[string][]facetChoice {
	dims := map[string]func(leads.Lead) []string{
		"signal":          func(l leads.Lead) []string { return []string{string(l.Signal)} },
		"industry":        func(l leads.Lead) []string { return []string{l.Industry} },
		"district":        func(l leads.Lead) []string { return []string{l.District} },
		"account_manager": func(l leads.Lead) []string { return []string{l.AccountManager} },
		"status": func(l leads.Lead) []string {
			out := []string{string(l.Status), "all"}
			if l.Status.Open() {
				out = append(out, "open")
			}
			return out
		},
		"age": func(l leads.Lead) []string {
			seen := firstSeen(l)
			if seen.IsZero() {
				return nil
			}
			days := seen.DaysUntil(today)
			var out []string
			for _, a := range []int{7, 30, 90} {
				if days <= a {
					out = append(out, strconv.Itoa(a))
				}
			}
			if days > 90 {
				out = append(out, "older")
			}
			return out
		},
	}
	out := map[string][]facetChoice{}
	for dim, values := range dims {
		counts := map[string]int{}
		for _, l := range ls {
			if f.matches(l, today, dim) {
				for _, v := range values(l) {
					counts[v]++
				}
			}
		}
		var order []string
		switch dim {
		case "signal":
			for _, s := range leads.Signals {
				order = append(order, string(s))
			}
		case "status":
			order = []string{"open", "all"}
			for _, s := range leads.Statuses {
				order = append(order, string(s))
			}
		case "age":
			order = leadAges
		default:
			for v := range counts {
				if v != "" {
					order = append(order, v)
				}
			}
			slices.Sort(order)
		}
		for _, v := range order {
			out[dim] = append(out[dim], facetChoice{Value: v, Label: label(dim, v), Count: counts[v]})
		}
	}
	return out
}
