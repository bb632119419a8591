package health

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// Aspect is one of the qualities the standard asks of the archive.
type Aspect string

// The aspects.
const (
	Complete   Aspect = "complete"   // 完整性
	Continuous Aspect = "continuous" // 连续性
	Authentic  Aspect = "authentic"  // 真实性
	Standard   Aspect = "standard"   // 上门服务规范
)

// Aspects lists the aspects in the order pages show them.
var Aspects = []Aspect{Complete, Continuous, Authentic, Standard}

var aspectLabels = map[Aspect][2]string{
	Complete:   {"完整性", "complete"},
	Continuous: {"连续性", "continuous"},
	Authentic:  {"真实性", "authentic"},
	Standard:   {"上门规范", "visit standard"},
}

// Label names the aspect in a language ("en", else Chinese).
func (a Aspect) Label(lang string) string { return pick(lang, aspectLabels[a][0], aspectLabels[a][1]) }

// Weights of the aspects in a customer's score (they add up to 100).
var Weights = map[Aspect]int{Complete: 30, Continuous: 30, Authentic: 20, Standard: 20}

// Problem is one reason a score is below 100, located in the record to fix.
type Problem struct {
	Aspect Aspect `json:"aspect"`
	// Rule names the check: missing_record, record_error, record_warning,
	// stale_devices, stale_topology, no_recent_visit, visit_gap,
	// follow_up_missing, unknown_author, unknown_device, or a rule of
	// archive/standard (arrival, reschedule, no_answer, five_ones, consent,
	// follow_up, survey).
	Rule       string `json:"rule"`
	Customer   string `json:"customer,omitempty"`
	Path       string `json:"path"`
	Line       int    `json:"line,omitempty"`
	Field      string `json:"field,omitempty"`
	Technician string `json:"technician,omitempty"`
	// Commit is the commit a problem of authorship is about.
	Commit string `json:"commit,omitempty"`
	// Points is what the problem took off its aspect's score (0 to 100).
	Points int    `json:"points"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
}

// Message returns the problem in a language.
func (p Problem) Message(lang string) string { return pick(lang, p.Zh, p.En) }

// Location is path:line, as editors and the checker write it.
func (p Problem) Location() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.Path, p.Line)
	}
	return p.Path
}

// Scores are the four aspect scores, each 0 to 100.
type Scores struct {
	Complete   int `json:"complete"`
	Continuous int `json:"continuous"`
	Authentic  int `json:"authentic"`
	Standard   int `json:"standard"`
}

// Of returns one aspect's score.
func (s Scores) Of(a Aspect) int {
	switch a {
	case Complete:
		return s.Complete
	case Continuous:
		return s.Continuous
	case Authentic:
		return s.Authentic
	}
	return s.Standard
}

func (s *Scores) set(a Aspect, v int) {
	switch a {
	case Complete:
		s.Complete = v
	case Continuous:
		s.Continuous = v
	case Authentic:
		s.Authentic = v
	default:
		s.Standard = v
	}
}

// Total weighs the aspects into one score.
func (s Scores) Total() int {
	t := 0
	for _, a := range Aspects {
		t += Weights[a] * s.Of(a)
	}
	return int(math.Round(float64(t) / 100))
}

// Customer is the health of one customer's archive.
type Customer struct {
	Customer       string    `json:"customer"`
	Name           string    `json:"name"`
	AccountManager string    `json:"account_manager,omitempty"`
	Technicians    []string  `json:"technicians,omitempty"`
	Restricted     bool      `json:"restricted,omitempty"`
	Score          int       `json:"score"`
	Scores         Scores    `json:"scores"`
	Problems       []Problem `json:"problems"`
	// LastVisit is the day of the latest visit on or before the day judged.
	LastVisit archive.Date `json:"last_visit,omitzero"`
	Visits    []Visit      `json:"-"`
}

// Visit is how one visit of the year judged kept the standard.
type Visit struct {
	Path       string
	Technician string
	Day        archive.Date
	Applies    int  // rules that apply
	Kept       int  // of which kept
	Timed      bool // had an appointment and an arrival time
	OnTime     bool // arrived at least 5 minutes early
}

// Technician is the health of what one technician looks after and does.
type Technician struct {
	Name string `json:"name"`
	// Customers they are assigned to, and the mean score of those.
	Customers int `json:"customers"`
	Score     int `json:"score"`
	// Visits they made in the year judged, the share of the standard's
	// applicable rules those kept, and the share of timed visits on time.
	Visits   int `json:"visits"`
	Standard int `json:"standard"`
	OnTime   int `json:"on_time"`
	// Problems of their visits (the standard) and of their customers'
	// continuity.
	Problems []Problem `json:"problems"`
}

// Month is the visit figures of one calendar month.
type Month struct {
	Month    string `json:"month"` // YYYY-MM
	Visits   int    `json:"visits"`
	Timed    int    `json:"timed"`
	OnTime   int    `json:"on_time"`
	Applies  int    `json:"applies"`
	Kept     int    `json:"kept"`
	Punctual int    `json:"punctual"` // percent of timed visits on time (100 when none)
}

// Report is the health of the whole archive as of a day.
type Report struct {
	At     archive.Date `json:"at"`
	Commit string       `json:"commit"`
	Score  int          `json:"score"`
	Scores Scores       `json:"scores"`
	// Customers, worst first.
	Customers   []Customer   `json:"customers"`
	Technicians []Technician `json:"technicians"`
	// Problems that belong to no customer: dangan.yaml, guides, commits
	// outside customer folders by unknown people.
	Problems []Problem `json:"problems"`
	// Months are the last twelve months of visits, oldest first.
	Months []Month `json:"months"`
}

// History is what health reads of git: the commits that changed a folder
// ("customers/ID") or, with "", every commit, newest first.
// *gitstore.Repo provides it.
type History interface {
	History(path string, limit int) ([]gitstore.Commit, error)
}

// Options say how to judge.
type Options struct {
	// At is the day judged (visits after it are ignored, freshness is
	// measured to it).
	At archive.Date
	// Users are the people the branch knows: the ids of the site's
	// accounts and of the staff the records name (see Staff). A commit is
	// attributed to a known user when its author email, the part of it
	// before @, or its author name is one of them.
	Users map[string]bool
	// History, when set, is read for the authors of every change; nil
	// skips the authorship check.
	History History
	// Until, when set, is the latest commit time that counts (the end of
	// At when judging the archive as it was then); zero counts all.
	Until time.Time
}

// YearDays is how far back visits are judged against the standard and
// searched for gaps.
const YearDays = 365

// Check judges every customer of the snapshot and sums them up.
func Check(snap *archive.Snapshot, opt Options) (*Report, error) {
	ids := snap.CustomerIDs()
	custs := make([]Customer, len(ids))
	authors, err := authorsByCustomer(opt, ids)
	if err != nil {
		return nil, err
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ids)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ids); i += workers {
				custs[i] = checkCustomer(snap.Customer(ids[i]), snap.Settings, opt, authors[ids[i]])
			}
		})
	}
	wg.Wait()
	r := Summarize(custs, opt.At)
	r.Commit = snap.Commit
	r.Problems = archiveProblems(snap, opt, authors[""])
	return r, nil
}

// CheckCustomer judges one customer; the site may keep the results and
// recompute only the customers a commit touched, then Summarize.
func CheckCustomer(f *archive.Folder, settings archive.Settings, opt Options) (Customer, error) {
	var commits []gitstore.Commit
	if opt.History != nil {
		cs, err := opt.History.History(archive.CustomersDir+"/"+f.ID, 0)
		if err != nil {
			return Customer{}, fmt.Errorf("health of %s: %w", f.ID, err)
		}
		for _, c := range cs {
			if !known(opt.Users, c) && counts(opt, c) {
				commits = append(commits, c)
			}
		}
	}
	return checkCustomer(f, settings, opt, commits), nil
}

// authorsByCustomer finds the commits by people the branch does not know
// and files them under the customers whose folders they changed; "" holds
// those that changed no customer folder. Such commits are rare, so only
// when there are some are the customers' histories read.
func authorsByCustomer(opt Options, ids []string) (map[string][]gitstore.Commit, error) {
	if opt.History == nil {
		return nil, nil
	}
	all, err := opt.History.History("", 0)
	if err != nil {
		return nil, fmt.Errorf("health: history: %w", err)
	}
	unknown := map[string]gitstore.Commit{}
	for _, c := range all {
		if !known(opt.Users, c) && counts(opt, c) {
			unknown[c.Hash] = c
		}
	}
	out := map[string][]gitstore.Commit{}
	if len(unknown) == 0 {
		return out, nil
	}
	if ids == nil {
		// Only the commits outside customer folders are wanted: those the
		// history of customers/ does not list.
		cs, err := opt.History.History(archive.CustomersDir, 0)
		if err != nil {
			return nil, fmt.Errorf("health: history: %w", err)
		}
		for _, c := range cs {
			delete(unknown, c.Hash)
		}
	}
	placed := map[string]bool{}
	for _, id := range ids {
		cs, err := opt.History.History(archive.CustomersDir+"/"+id, 0)
		if err != nil {
			return nil, fmt.Errorf("health: history of %s: %w", id, err)
		}
		for _, c := range cs {
			if _, ok := unknown[c.Hash]; ok {
				out[id] = append(out[id], c)
				placed[c.Hash] = true
			}
		}
	}
	for h, c := range unknown {
		if !placed[h] {
			out[""] = append(out[""], c)
		}
	}
	return out, nil
}

func counts(opt Options, c gitstore.Commit) bool {
	return opt.Until.IsZero() || !c.When.After(opt.Until)
}

func known(users map[string]bool, c gitstore.Commit) bool {
	local, _, _ := strings.Cut(c.Email, "@")
	return users[c.Email] || users[local] || users[c.Author]
}

// Summarize computes the technicians' and the archive's figures from the
// customers' results.
func Summarize(custs []Customer, at archive.Date) *Report {
	r := &Report{At: at, Customers: slices.Clone(custs)}
	slices.SortStableFunc(r.Customers, func(a, b Customer) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.Customer, b.Customer))
	})
	var sum [4]int
	total := 0
	type acc struct {
		t                                  Technician
		scoreSum, applies, kept, timed, on int
	}
	techs := map[string]*acc{}
	tech := func(name string) *acc {
		if techs[name] == nil {
			techs[name] = &acc{t: Technician{Name: name}}
		}
		return techs[name]
	}
	months := map[string]*Month{}
	first := at.AddDays(-YearDays)
	for _, c := range custs {
		total += c.Score
		for i, a := range Aspects {
			sum[i] += c.Scores.Of(a)
		}
		for _, name := range c.Technicians {
			t := tech(name)
			t.t.Customers++
			t.scoreSum += c.Score
			for _, p := range c.Problems {
				if p.Aspect == Continuous {
					t.t.Problems = append(t.t.Problems, p)
				}
			}
		}
		for _, p := range c.Problems {
			if p.Aspect == Standard && p.Technician != "" {
				t := tech(p.Technician)
				t.t.Problems = append(t.t.Problems, p)
			}
		}
		for _, v := range c.Visits {
			if v.Technician != "" {
				t := tech(v.Technician)
				t.t.Visits++
				t.applies += v.Applies
				t.kept += v.Kept
				if v.Timed {
					t.timed++
					if v.OnTime {
						t.on++
					}
				}
			}
			if v.Day.Before(first) {
				continue
			}
			key := fmt.Sprintf("%04d-%02d", v.Day.Year, v.Day.Month)
			m := months[key]
			if m == nil {
				m = &Month{Month: key}
				months[key] = m
			}
			m.Visits++
			m.Applies += v.Applies
			m.Kept += v.Kept
			if v.Timed {
				m.Timed++
				if v.OnTime {
					m.OnTime++
				}
			}
		}
	}
	if n := len(custs); n > 0 {
		r.Score = int(math.Round(float64(total) / float64(n)))
		for i, a := range Aspects {
			r.Scores.set(a, int(math.Round(float64(sum[i])/float64(n))))
		}
	} else {
		r.Score = 100
		r.Scores = Scores{100, 100, 100, 100}
	}
	for _, t := range techs {
		if t.t.Customers > 0 {
			t.t.Score = int(math.Round(float64(t.scoreSum) / float64(t.t.Customers)))
		}
		t.t.Standard = percent(t.kept, t.applies)
		t.t.OnTime = percent(t.on, t.timed)
		sortProblems(t.t.Problems)
		r.Technicians = append(r.Technicians, t.t)
	}
	slices.SortFunc(r.Technicians, func(a, b Technician) int { return cmp.Compare(a.Name, b.Name) })
	// The last twelve months, empty ones included, so charts have no holes.
	for d := (archive.Date{Year: at.Year, Month: at.Month, Day: 1}); len(r.Months) < 12; d = archive.DateOf(d.Time().AddDate(0, -1, 0)) {
		key := fmt.Sprintf("%04d-%02d", d.Year, d.Month)
		m := Month{Month: key}
		if x := months[key]; x != nil {
			m = *x
		}
		m.Punctual = percent(m.OnTime, m.Timed)
		r.Months = append(r.Months, m)
	}
	slices.Reverse(r.Months)
	return r
}

// percent is 100*a/b rounded, and 100 when there is nothing to judge.
func percent(a, b int) int {
	if b == 0 {
		return 100
	}
	return int(math.Round(100 * float64(a) / float64(b)))
}

// sortProblems orders problems by path, line and rule, stably. Problems
// are large and technicians gather thousands: it sorts small keys and
// moves each problem once.
func sortProblems(ps []Problem) {
	if len(ps) < 2 {
		return
	}
	type key struct {
		path, rule string
		line, i    int
	}
	keys := make([]key, len(ps))
	for i := range ps {
		keys[i] = key{ps[i].Path, ps[i].Rule, ps[i].Line, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.line, b.line), cmp.Compare(a.rule, b.rule), cmp.Compare(a.i, b.i))
	})
	sorted := make([]Problem, len(ps))
	for i, k := range keys {
		sorted[i] = ps[k.i]
	}
	copy(ps, sorted)
}

func pick(lang, zh, en string) string {
	if strings.HasPrefix(lang, "en") {
		return en
	}
	return zh
}

// Staff returns the people the records name as staff: technicians and
// account managers of the profiles, the technicians of visits, trainers
// and the staff who noted needs. With the site's accounts they make the
// known users of Options.Users.
func Staff(snap *archive.Snapshot) map[string]bool {
	out := map[string]bool{}
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out[s] = true
		}
	}
	for f := range snap.Customers() {
		p := f.Profile()
		add(p.AccountManager)
		for _, t := range p.Technicians {
			add(t)
		}
		for _, r := range f.Visits {
			if v := r.AsVisit(); v != nil {
				add(v.Technician)
			}
		}
		if tr := f.Training.AsTraining(); tr != nil {
			for _, s := range tr.Sessions {
				add(s.Trainer)
			}
		}
		if n := f.Leads.AsNeeds(); n != nil {
			for _, x := range n.Leads {
				add(x.NotedBy)
			}
		}
	}
	return out
}
