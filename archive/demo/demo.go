package demo

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// Options says what archive to generate.
type Options struct {
	Customers int
	Seed      int64
	// Today is the "now" of the archive: history ends on this day.
	// Zero means DefaultToday.
	Today archive.Date
	// Years of history before Today (default 4).
	Years int
	// Extra, when set, is called once per customer, in customer order, and
	// the files it returns (paths from the archive root) are written in the
	// commit that creates the customer. The generator never rewrites those
	// paths afterwards, so a caller can add pages or override records (for
	// example canary values for confidentiality tests) and rely on them
	// being in the final archive as given.
	Extra func(customerID string) []File
}

// DefaultToday is the day generated histories end on unless told otherwise.
var DefaultToday = archive.Date{Year: 2026, Month: time.November, Day: 24}

// Commit is one commit of the generated history, in chronological order.
type Commit struct {
	Author, Email string
	When          time.Time
	Message       string
	Files         []File // full new content of each file written in this commit
	Deleted       []string
}

// File is a file of the archive, its path relative to the archive root.
type File struct {
	Path string
	Data []byte
}

func (o Options) withDefaults() (Options, error) {
	if o.Customers < 0 {
		return o, fmt.Errorf("demo: customers must not be negative, got %d", o.Customers)
	}
	if o.Years < 0 {
		return o, fmt.Errorf("demo: years must not be negative, got %d", o.Years)
	}
	if o.Today.IsZero() {
		o.Today = DefaultToday
	}
	if o.Years == 0 {
		o.Years = 4
	}
	return o, nil
}

// Generate produces the archive's history and hands each commit to emit,
// oldest first. The same options always give the same commits. An error
// from emit stops the generation and is returned.
func Generate(opts Options, emit func(Commit) error) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	first := addYears(opts.Today, -opts.Years)
	w := &world{
		seed: opts.Seed, today: opts.Today,
		start: clock(first, 9, 0), end: clock(opts.Today, 23, 59),
		shift: DefaultToday.DaysUntil(opts.Today),
	}
	cands, err := pickCustomers(opts.Customers, w.rng(0))
	if err != nil {
		return err
	}
	custs := make([]*cust, len(cands))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Go(func() {
			for i := k; i < len(cands); i += workers {
				custs[i] = w.planCustomer(i, cands[i])
			}
		})
	}
	wg.Wait()

	var events []*event
	for _, c := range custs {
		if opts.Extra != nil {
			created := c.createdEv
			for _, f := range opts.Extra(c.cand.ID) {
				created.files = append(created.files, f)
				c.extra[f.Path] = true
			}
		}
		events = append(events, c.events...)
	}
	events = append(events, sharedEvents(w)...)
	slices.SortFunc(events, func(a, b *event) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.custIndex(), b.custIndex()), cmp.Compare(a.seq, b.seq))
	})
	for _, e := range events {
		if err := emit(e.commit()); err != nil {
			return err
		}
	}
	return nil
}

func (e *event) custIndex() int {
	if e.cust == nil {
		return -1
	}
	return e.cust.idx
}

// commit renders the files of an event as they stand at its time.
func (e *event) commit() Commit {
	cm := Commit{Author: e.author.Name, Email: e.author.email(), When: e.at, Message: e.msg, Deleted: e.deleted}
	written := map[string]bool{}
	add := func(p string, data []byte) {
		if written[p] {
			return
		}
		written[p] = true
		cm.Files = append(cm.Files, File{Path: p, Data: data})
	}
	for _, f := range e.files {
		add(f.Path, f.Data)
	}
	if c := e.cust; c != nil {
		owned := func(p string) bool { return c.extra[p] }
		for _, k := range e.kinds {
			if p := archive.RecordPath(c.cand.ID, k); !owned(p) {
				add(p, c.render(k, e.at))
			}
		}
		for _, v := range e.visits {
			if p := v.pathAt(e.at); !owned(p) {
				add(p, renderVisit(&v.v, v.body))
			}
		}
		for _, n := range e.notes {
			if !owned(n.path) {
				add(n.path, n.data)
			}
		}
	}
	slices.SortFunc(cm.Files, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return cm
}

// sharedEvents are the commits of files that belong to no customer: the
// settings, the README for editors and the guides, added over the years.
func sharedEvents(w *world) []*event {
	first := dateOf(w.start)
	in := func(days int) (time.Time, bool) {
		d := workday(first.AddDays(days))
		return clock(d, 16, 30), !d.After(w.today)
	}
	settingsLater := false
	if _, ok := in(380); ok {
		settingsLater = true
	}
	initial := []File{
		{archive.SettingsFile, settingsFile(demoArchiveName, !settingsLater)},
		{"README.md", []byte(readme)},
		{".gitignore", []byte(gitignore)},
		guideFile(guides[0]),
	}
	evs := []*event{{at: w.start, author: teamLead, msg: "初始化档案库: 设置、编辑说明和上门服务五个一", files: initial}}
	for i, g := range guides[1:] {
		if at, ok := in(20 + i*170); ok {
			evs = append(evs, &event{at: at, author: personByID(g.author), msg: "新增操作指南: " + g.title, files: []File{guideFile(g)}})
		}
	}
	if at, ok := in(380); ok {
		evs = append(evs, &event{at: at, author: teamLead, msg: "调整设置: 商机关键词增加「升级」，市场部不看设备位置和软件版本", files: []File{{archive.SettingsFile, settingsFile(demoArchiveName, true)}}})
	}
	for i, e := range evs {
		e.seq = i
	}
	return evs
}
