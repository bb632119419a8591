package leads

import (
	"cmp"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dangan-archive/dangan/archive"
)

// WordsDays is how far back visits are searched for the configured words:
// a visit note of three years ago says little about a need today. The
// profile and the notes are current by nature and are always searched.
const WordsDays = 365

// Derive returns the leads of every customer of the snapshot as of a day,
// best first (score, then customer, then id). Statuses come from each
// customer's leads.md; FirstSeen is nil: a Tracker fills it from history.
// It is a pure function of its arguments and safe to call concurrently.
func Derive(snap *archive.Snapshot, rules archive.LeadRules, at archive.Date) []Lead {
	ids := snap.CustomerIDs()
	parts := make([][]Lead, len(ids))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ids)/256))
	var wg sync.WaitGroup
	ev := evaluator{rules: rules, at: at}
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ids); i += workers {
				parts[i] = ev.folder(snap.Customer(ids[i]))
			}
		})
	}
	wg.Wait()
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]Lead, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	Sort(out)
	return out
}

// DeriveCustomer returns the leads of one customer as of a day, best first.
func DeriveCustomer(f *archive.Folder, rules archive.LeadRules, at archive.Date) []Lead {
	out := evaluator{rules: rules, at: at}.folder(f)
	Sort(out)
	return out
}

// Sort orders leads best first: score, then customer, then id. Leads are
// large: it sorts small keys and moves each lead once.
func Sort(ls []Lead) {
	type key struct {
		score    int
		customer string
		id       string
		i        int
	}
	keys := make([]key, len(ls))
	for i := range ls {
		keys[i] = key{ls[i].Score, ls[i].Customer, ls[i].ID, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.customer, b.customer), cmp.Compare(a.id, b.id))
	})
	sorted := make([]Lead, len(ls))
	for i, k := range keys {
		sorted[i] = ls[k.i]
	}
	copy(ls, sorted)
}

// evaluator applies the rules to one customer at a time.
type evaluator struct {
	rules archive.LeadRules
	at    archive.Date
	// latent is history mode: the date windows of warranty, end of life
	// and contracts are ignored, so that a lead counts as present from the
	// commit that wrote its evidence (the device with its warranty date),
	// not from the day the window opened, which no commit marks.
	latent bool
}

func (e evaluator) folder(f *archive.Folder) []Lead {
	if f == nil {
		return nil
	}
	var out []Lead
	out = append(out, e.needs(f)...)
	out = append(out, e.deviceDates(f, SignalWarranty)...)
	out = append(out, e.deviceDates(f, SignalEOL)...)
	out = append(out, e.utilisation(f)...)
	out = append(out, e.spares(f)...)
	out = append(out, e.contract(f)...)
	out = append(out, e.askedAbout(f)...)
	out = append(out, e.repeatFaults(f)...)
	out = append(out, e.words(f)...)
	if len(out) == 0 {
		return nil
	}
	if e.latent {
		// History only needs the ids.
		for i := range out {
			out[i].ID = ID(f.ID, out[i].Signal, out[i].Subject)
		}
		return out
	}
	p := f.Profile()
	tracked := trackedOf(f)
	for i := range out {
		l := &out[i]
		l.Customer, l.CustomerName = f.ID, f.Name()
		l.Industry, l.District, l.AccountManager = p.Industry, p.District, p.AccountManager
		l.Technicians = p.Technicians
		l.ID = ID(f.ID, l.Signal, l.Subject)
		if l.Status == "" {
			l.Status = StatusNew
		}
		if t, ok := tracked[l.ID]; ok && Status(t.Status).Valid() {
			l.Status, l.StatusBy, l.StatusDate, l.StatusNote = Status(t.Status), t.By, t.Date, t.Note
		}
		l.Summary, l.SummaryEN = summarize(l, nothingHidden)
		l.Score = max(0, min(100, l.Score))
	}
	return out
}

func nothingHidden(string) bool { return false }

// trackedOf returns the last tracked entry of each lead id in leads.md.
func trackedOf(f *archive.Folder) map[string]archive.Tracked {
	n := f.Leads.AsNeeds()
	if n == nil || len(n.Tracked) == 0 {
		return nil
	}
	m := make(map[string]archive.Tracked, len(n.Tracked))
	for _, t := range n.Tracked {
		m[t.Lead] = t
	}
	return m
}

// Score parts: see the package documentation.

// urgency is up to 30 points for a date: full on the day, falling linearly
// to 0 at the far end of the window, and losing a point per month once
// passed (a contract that ended two years ago was probably renewed
// without anyone updating the record).
func urgency(days, window int) int {
	if days >= 0 {
		if window <= 0 {
			return 30
		}
		return max(0, 30-30*days/window)
	}
	return max(0, 30-(-days)/30)
}

// recency is up to 30 points for how recent a record is: full today, none
// after a year; 15 when the record has no date.
func recency(d, at archive.Date) int {
	if d.IsZero() {
		return 15
	}
	return max(0, 30-30*max(0, d.DaysUntil(at))/365)
}

// breadth is up to 10 points for evidence about several things (devices,
// parts, records): 2 for each beyond the first.
func breadth(n int) int { return min(10, 2*max(0, n-1)) }

// The base of each signal's score: how strongly it says "a sale".
var base = map[Signal]int{
	SignalNeed:         55,
	SignalContract:     50,
	SignalRepeatFaults: 45,
	SignalAskedAbout:   40,
	SignalUtilisation:  40,
	SignalWords:        35,
	SignalWarranty:     35,
	SignalEOL:          30,
	SignalSpares:       25,
}

func inService(d archive.Device) bool { return d.Status == "" || d.Status == archive.InService }

// deviceLine is where a device is declared in devices.md.
func deviceLine(f *archive.Folder, id string) int {
	if f.Devices == nil {
		return 0
	}
	for _, r := range f.Devices.Defines {
		if r.ID == id {
			return r.Line
		}
	}
	return 0
}

func deviceEvidence(f *archive.Folder, d archive.Device, field, value string) Evidence {
	return Evidence{Path: archive.RecordPath(f.ID, archive.KindDevices), Line: deviceLine(f, d.ID), Device: d.ID,
		Field: field, Value: value, Serial: d.Serial, MgmtIP: d.MgmtIP}
}

func (e evaluator) needs(f *archive.Folder) []Lead {
	n := f.Leads.AsNeeds()
	if n == nil {
		return nil
	}
	var out []Lead
	for _, need := range n.Leads {
		if strings.TrimSpace(need.Need) == "" || (!e.latent && need.Date.After(e.at)) {
			continue
		}
		subject := need.ID
		if subject == "" {
			subject = need.Date.String() + " " + strings.TrimSpace(need.Need)
		}
		st := Status(need.Status)
		if !st.Valid() {
			st = StatusNew
		}
		out = append(out, Lead{
			Signal: SignalNeed, Subject: subject, Product: need.Product, ProductEN: need.Product,
			Score: base[SignalNeed] + recency(need.Date, e.at), Status: st, Since: need.Date,
			Evidence: []Evidence{{Path: f.Leads.Path, Field: "leads.need", Value: need.Need, Date: need.Date}},
			det:      &detail{need: need},
		})
	}
	return out
}

// deviceDates is the warranty and the end-of-life rule: one lead per
// customer listing every device in service whose date is past or within
// the window.
func (e evaluator) deviceDates(f *archive.Folder, s Signal) []Lead {
	window, field := e.rules.WarrantyDays, "devices.warranty_until"
	date := func(d archive.Device) archive.Date { return d.WarrantyUntil }
	if s == SignalEOL {
		window, field = e.rules.EOLDays, "devices.eol"
		date = func(d archive.Device) archive.Date { return d.EOL }
	}
	var devs []devFact
	for _, d := range f.DeviceList() {
		dd := date(d)
		if !inService(d) || dd.IsZero() {
			continue
		}
		if days := e.at.DaysUntil(dd); e.latent || days <= window {
			devs = append(devs, devFact{dev: d, date: dd, days: days})
		}
	}
	if len(devs) == 0 {
		return nil
	}
	// Nearest first: the next date to come, then the most recently passed.
	slices.SortStableFunc(devs, func(a, b devFact) int {
		if (a.days >= 0) != (b.days >= 0) {
			return cmp.Compare(b.days, a.days) // upcoming before passed
		}
		if a.days >= 0 {
			return cmp.Compare(a.days, b.days)
		}
		return cmp.Compare(b.days, a.days)
	})
	l := Lead{Signal: s, Due: devs[0].date, Since: devs[0].date.AddDays(-window)}
	for _, d := range devs {
		if s := d.date.AddDays(-window); s.Before(l.Since) {
			l.Since = s
		}
		l.Evidence = append(l.Evidence, deviceEvidence(f, d.dev, field, d.date.String()))
	}
	l.Score = base[s] + urgency(devs[0].days, window) + breadth(len(devs))
	l.det = &detail{devs: devs, window: window}
	l.Product, l.ProductEN = products[s][0], products[s][1]
	return []Lead{l}
}

func (e evaluator) utilisation(f *archive.Folder) []Lead {
	thr := e.rules.UtilisationPercent
	if thr <= 0 {
		return nil
	}
	var devs []devFact
	for _, d := range f.DeviceList() {
		if d.Utilisation != nil && *d.Utilisation >= thr && d.Status != archive.Removed {
			devs = append(devs, devFact{dev: d, util: *d.Utilisation})
		}
	}
	if len(devs) == 0 {
		return nil
	}
	slices.SortStableFunc(devs, func(a, b devFact) int { return cmp.Compare(b.util, a.util) })
	l := Lead{Signal: SignalUtilisation, det: &detail{devs: devs, threshold: thr}}
	for _, d := range devs {
		l.Evidence = append(l.Evidence, deviceEvidence(f, d.dev, "devices.utilisation", itoa(d.util)))
	}
	top := 30
	if thr < 100 {
		top = 30 * (devs[0].util - thr) / (100 - thr)
	}
	l.Score = base[SignalUtilisation] + top + breadth(len(devs))
	l.Product, l.ProductEN = products[SignalUtilisation][0], products[SignalUtilisation][1]
	return []Lead{l}
}

func (e evaluator) spares(f *archive.Folder) []Lead {
	sp := f.Spares.AsSpares()
	if sp == nil {
		return nil
	}
	var parts []archive.Part
	short, required := 0, 0
	var due archive.Date
	for _, p := range sp.Parts {
		if p.Short() == 0 {
			continue
		}
		parts = append(parts, p)
		short += p.Short()
		required += p.Required
		if !p.Due.IsZero() && (due.IsZero() || p.Due.Before(due)) {
			due = p.Due
		}
	}
	if len(parts) == 0 {
		return nil
	}
	l := Lead{Signal: SignalSpares, Due: due, det: &detail{parts: parts, short: short}}
	for _, p := range parts {
		ev := Evidence{Path: f.Spares.Path, Device: p.For, Field: "spares.parts", Value: p.Part + " " + itoa(p.OnHand) + "/" + itoa(p.Required), Date: p.Due}
		l.Evidence = append(l.Evidence, ev)
	}
	l.Score = base[SignalSpares] + 30*short/max(1, required) + breadth(len(parts))
	l.Product, l.ProductEN = products[SignalSpares][0], products[SignalSpares][1]
	return []Lead{l}
}

func (e evaluator) contract(f *archive.Folder) []Lead {
	c := f.Customer.AsCustomer()
	if c == nil || c.Contract == nil || c.Contract.End.IsZero() {
		return nil
	}
	days := e.at.DaysUntil(c.Contract.End)
	if !e.latent && days > e.rules.ContractDays {
		return nil
	}
	l := Lead{Signal: SignalContract, Subject: c.Contract.ID + "@" + c.Contract.End.String(),
		Due: c.Contract.End, Since: c.Contract.End.AddDays(-e.rules.ContractDays),
		Score:    base[SignalContract] + urgency(days, e.rules.ContractDays),
		Evidence: []Evidence{{Path: f.Customer.Path, Field: "customer.contract.end", Value: c.Contract.End.String()}},
		det:      &detail{contract: *c.Contract, days: days},
	}
	l.Product, l.ProductEN = products[SignalContract][0], products[SignalContract][1]
	return []Lead{l}
}

func (e evaluator) askedAbout(f *archive.Folder) []Lead {
	tr := f.Training.AsTraining()
	if tr == nil {
		return nil
	}
	byProduct := map[string][]archive.Session{}
	var order []string
	for _, s := range tr.Sessions {
		if !e.latent && s.Date.After(e.at) {
			continue
		}
		for _, p := range s.AskedAbout {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if _, ok := byProduct[p]; !ok {
				order = append(order, p)
			}
			byProduct[p] = append(byProduct[p], s)
		}
	}
	var out []Lead
	for _, p := range order {
		ss := byProduct[p]
		slices.SortStableFunc(ss, func(a, b archive.Session) int { return a.Date.Compare(b.Date) })
		l := Lead{Signal: SignalAskedAbout, Subject: p, Product: p, ProductEN: p, Since: ss[0].Date,
			Score: base[SignalAskedAbout] + recency(ss[len(ss)-1].Date, e.at) + breadth(len(ss)),
			det:   &detail{product: p, sessions: ss}}
		for _, s := range ss {
			l.Evidence = append(l.Evidence, Evidence{Path: f.Training.Path, Field: "training.sessions.topic", Value: s.Topic, Date: s.Date})
		}
		out = append(out, l)
	}
	return out
}

// visitDay is the day of a visit: the appointment, else the arrival, else
// the date its file name starts with.
func visitDay(r *archive.Record, v *archive.Visit) archive.Date {
	switch {
	case v != nil && !v.Appointment.IsZero():
		return v.Appointment.Date()
	case v != nil && !v.Arrived.IsZero():
		return v.Arrived.Date()
	}
	if b := path.Base(r.Path); len(b) >= 10 {
		if d, err := archive.ParseDate(b[:10]); err == nil {
			return d
		}
	}
	return archive.Date{}
}

// repeatFaults counts, for each device, the repair visits touching it in
// the repeat_faults.days before the day (both ends included).
func (e evaluator) repeatFaults(f *archive.Folder) []Lead {
	n, days := e.rules.RepeatFaults.Visits, e.rules.RepeatFaults.Days
	if n <= 0 || days <= 0 {
		return nil
	}
	from := e.at.AddDays(-days)
	byDevice := map[string][]visitFact{}
	var order []string
	for _, r := range f.Visits {
		v := r.AsVisit()
		if v == nil || v.Type != archive.VisitRepair {
			continue
		}
		d := visitDay(r, v)
		if d.IsZero() || d.Before(from) || d.After(e.at) {
			continue
		}
		for _, id := range v.Devices {
			if _, ok := byDevice[id]; !ok {
				order = append(order, id)
			}
			byDevice[id] = append(byDevice[id], visitFact{path: r.Path, day: d})
		}
	}
	var out []Lead
	for _, id := range order {
		vs := byDevice[id]
		if len(vs) < n {
			continue
		}
		slices.SortStableFunc(vs, func(a, b visitFact) int { return a.day.Compare(b.day) })
		dev, _ := f.Device(id)
		if dev.ID == "" {
			dev.ID = id
		}
		l := Lead{Signal: SignalRepeatFaults, Subject: id, Since: vs[n-1].day,
			Score: base[SignalRepeatFaults] + min(30, 10*(len(vs)-n+1)),
			det:   &detail{devs: []devFact{{dev: dev}}, visits: vs, window: days}}
		l.Evidence = append(l.Evidence, deviceEvidence(f, dev, "", ""))
		for _, v := range vs {
			l.Evidence = append(l.Evidence, Evidence{Path: v.path, Device: id, Field: "visits.devices", Value: id, Date: v.day})
		}
		l.Product, l.ProductEN = products[SignalRepeatFaults][0], products[SignalRepeatFaults][1]
		out = append(out, l)
	}
	return out
}

// words looks for the configured words in the profile's text, in the
// visits of the last WordsDays and in the notes: one lead per word.
func (e evaluator) words(f *archive.Folder) []Lead {
	if len(e.rules.Words) == 0 {
		return nil
	}
	type place struct {
		r     *archive.Record
		field string
		day   archive.Date
		text  string
	}
	var places []place
	if f.Customer != nil {
		places = append(places, place{r: f.Customer, field: "customer.body", text: f.Customer.Body})
	}
	from := e.at.AddDays(-WordsDays)
	for _, r := range f.Visits {
		d := visitDay(r, r.AsVisit())
		if d.Before(from) || d.After(e.at) {
			continue
		}
		places = append(places, place{r: r, field: "visits.body", day: d, text: r.Body})
	}
	for _, r := range f.Notes {
		places = append(places, place{r: r, field: "notes", text: r.Title}, place{r: r, field: "notes", text: r.Body})
	}
	var out []Lead
	for _, w := range e.rules.Words {
		if w = strings.TrimSpace(w); w == "" {
			continue
		}
		l := Lead{Signal: SignalWords, Subject: w}
		det := &detail{word: w}
		var latest archive.Date
		for _, p := range places {
			i := strings.Index(p.text, w)
			if i < 0 {
				continue
			}
			det.hits = append(det.hits, wordHit{kind: p.r.Kind, day: p.day})
			l.Evidence = append(l.Evidence, Evidence{Path: p.r.Path, Field: p.field, Value: excerpt(p.text, i, len(w)), Date: p.day})
			if !p.day.IsZero() && (l.Since.IsZero() || p.day.Before(l.Since)) {
				l.Since = p.day
			}
			if p.day.After(latest) {
				latest = p.day
			}
		}
		if len(l.Evidence) == 0 {
			continue
		}
		rec := 15
		if !latest.IsZero() {
			rec = recency(latest, e.at)
		}
		l.Score = base[SignalWords] + rec + breadth(len(l.Evidence))
		l.det = det
		l.Product, l.ProductEN = wordProduct(w)
		out = append(out, l)
	}
	return out
}

// excerpt returns the line around a match, cut to about 24 characters on
// each side.
func excerpt(text string, at, n int) string {
	start := strings.LastIndexByte(text[:at], '\n') + 1
	end := at + n
	if j := strings.IndexByte(text[end:], '\n'); j >= 0 {
		end += j
	} else {
		end = len(text)
	}
	before, after := []rune(text[start:at]), []rune(text[at+n:end])
	pre, post := "", ""
	if len(before) > 24 {
		before, pre = before[len(before)-24:], "…"
	}
	if len(after) > 24 {
		after, post = after[:24], "…"
	}
	return strings.TrimSpace(pre + string(before) + text[at:at+n] + string(after) + post)
}
