package leads

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// History is what a Tracker reads of the archive's git history;
// *gitstore.Repo provides it.
type History interface {
	// Log returns the branch's first-parent commits, newest first (all of
	// them when limit <= 0).
	Log(limit int) ([]gitstore.Commit, error)
	// Changes returns the files added or modified between two commits and
	// the paths removed ("" is the empty tree).
	Changes(from, to string) ([]archive.File, []string, error)
	// Snapshot parses the archive at a commit.
	Snapshot(commit string) (*archive.Snapshot, error)
}

// Walker makes a long walk fast: one pass of git log for the changed paths
// instead of comparing trees commit by commit. *gitstore.Repo provides it;
// a History without it is walked with Changes.
type Walker interface {
	WalkChanges(ctx context.Context, after, to string, pause gitstore.Pause, fn func(commit string, changes []gitstore.PathChange) error) error
	Blob(id string) ([]byte, error)
}

// ErrWalking says FirstSeen left the dates out because the walk through
// history runs in the background (see Start); they come with a later call.
var ErrWalking = errors.New("leads: the walk through history is still running")

// walkInline is how many new commits FirstSeen walks itself once Start was
// called; more are left to the background.
const walkInline = 64

// checkpointEvery is how often (in commits) a long walk saves its state,
// so an interrupted walk resumes from there.
const checkpointEvery = 10000

// FolderLoader reads one customer's folder at a commit; *gitstore.Repo
// has it. A History that has it spares a walk resumed from the cache the
// parse of the whole archive at the cache's last commit (about 4 s of CPU
// at 10,000 customers, on a server that has just started).
type FolderLoader interface {
	Folder(commit, customer string) (*archive.Folder, error)
}

// Tracker finds when each lead first appeared in the archive's history. It
// walks the branch's first-parent chain once, re-evaluating after each
// commit only the customers whose folders it changed, and keeps for every
// lead id the runs of commits in which the records carried it. Later calls
// only walk the commits made since. It is safe for concurrent use.
type Tracker struct {
	History History
	// CacheDir, when set, keeps the walk between runs (leads-seen.gob); it
	// is keyed by the rules and the commits, so a change of either is
	// noticed.
	CacheDir string
	// Logger receives a line when the cache cannot be read or written.
	// Nil means slog.Default().
	Logger *slog.Logger
	// Progress, when set, is told how far a walk of new commits has come
	// (done of total), every few hundred commits and at the end. The first
	// walk of a large archive is long: about two minutes of CPU for the
	// 10,000-customer demo's 67,000 commits, once (then CacheDir keeps it);
	// a site should make that call in the background and show leads from
	// a Cache meanwhile.
	Progress func(done, total int)
	// Pause, when set, is called between commits of a walk: a server
	// makes walks step aside while requests are in flight.
	Pause gitstore.Pause

	// bg is set by Start: long walks run in the background with bgCtx,
	// walking while one does.
	bg      atomic.Bool
	walking atomic.Bool
	bgCtx   context.Context
	rules   archive.LeadRules

	cache  Cache
	mu     sync.Mutex
	st     *seenState
	loaded bool
	// last is the snapshot at the state's last commit when known: the
	// base of the next walk, so resuming needs no full load.
	last *archive.Snapshot
}

const seenVersion = 1

// seenState is the result of a walk, what the cache file holds.
type seenState struct {
	Version int
	Rules   string
	Commits []seenCommit
	// Runs are, per lead id, the [Start, End) ranges of positions in
	// Commits where the lead was present; End is -1 while it still is.
	Runs map[string][]seenRun
	// Present is, per customer, the lead ids present at the last commit.
	Present map[string][]string
}

type seenCommit struct {
	Hash   string
	Author string
	When   int64
	Zone   int32
}

type seenRun struct{ Start, End int32 }

// Derive is leads.Derive with FirstSeen filled in from history. It
// derives incrementally (see Cache): call it with each new snapshot.
func (t *Tracker) Derive(snap *archive.Snapshot, rules archive.LeadRules, at archive.Date) ([]Lead, error) {
	ls := t.cache.Derive(snap, rules, at)
	return ls, t.FirstSeen(snap, rules, ls)
}

// FirstSeen sets FirstSeen on leads derived from snap, whose commit must
// be on the branch's first-parent chain. A lead the history does not show
// at that commit (a repeat-fault window judged at a later day than the
// commit's) keeps a nil FirstSeen.
//
// After Start, FirstSeen never waits for a long walk: it returns
// ErrWalking (FirstSeen left nil) while one runs, and starts one when
// more than a few commits are new.
func (t *Tracker) FirstSeen(snap *archive.Snapshot, rules archive.LeadRules, ls []Lead) error {
	if t.walking.Load() {
		return ErrWalking
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	limit := 0
	if t.bg.Load() {
		limit = walkInline
	}
	// A walk made here is made for a caller who waits for it (a request,
	// when the tracker was not started): it must not step aside for
	// requests, its own among them, so it walks without Pause.
	if err := t.update(context.Background(), rules, snap, limit, nil); err != nil {
		if errors.Is(err, errTooLong) {
			t.startWalk(rules)
			return ErrWalking
		}
		return err
	}
	pos := -1
	for i := len(t.st.Commits) - 1; i >= 0; i-- {
		if t.st.Commits[i].Hash == snap.Commit {
			pos = i
			break
		}
	}
	if pos < 0 {
		return fmt.Errorf("first seen: commit %.10s is not on the branch's first-parent history", snap.Commit)
	}
	for i := range ls {
		ls[i].FirstSeen = nil
		for _, r := range t.st.Runs[ls[i].ID] {
			if int(r.Start) <= pos && (r.End < 0 || int(r.End) > pos) {
				c := t.st.Commits[r.Start]
				ls[i].FirstSeen = &Seen{Commit: c.Hash, Author: c.Author, When: time.Unix(c.When, 0).In(zoneOf(c.Zone))}
				break
			}
		}
	}
	return nil
}

func zoneOf(off int32) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", int(off))
}

func rulesKey(r archive.LeadRules) string {
	b, _ := json.Marshal(struct {
		R archive.LeadRules
		W int
	}{r, WordsDays})
	return string(b)
}

func (t *Tracker) logger() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.Default()
}

func (t *Tracker) cachePath() string { return filepath.Join(t.CacheDir, "leads-seen.gob") }

// Start makes later FirstSeen calls leave long walks to the background,
// and starts one now (to the branch head, with rules): a server calls it
// at start. ctx ends the walks.
func (t *Tracker) Start(ctx context.Context, rules archive.LeadRules) {
	t.mu.Lock()
	t.bgCtx = ctx
	t.bg.Store(true)
	t.mu.Unlock()
	t.startWalk(rules)
}

// Walking says a background walk is running.
func (t *Tracker) Walking() bool { return t.walking.Load() }

// startWalk starts a background walk unless one runs.
func (t *Tracker) startWalk(rules archive.LeadRules) {
	if !t.walking.CompareAndSwap(false, true) {
		return
	}
	ctx := t.bgCtx
	if ctx == nil {
		ctx = context.Background()
	}
	go func() {
		defer t.walking.Store(false)
		start := time.Now()
		if err := t.Walk(ctx, rules); err != nil {
			if ctx.Err() == nil {
				t.logger().Warn("leads: walk through history", "err", err)
			}
			return
		}
		t.logger().Info("leads: walk through history done", "took", time.Since(start).Round(time.Millisecond))
	}()
}

// Walk brings the state to the branch's head now, saving it in CacheDir
// (checkpoints included): dangan index calls it so that a server finds it
// done.
func (t *Tracker) Walk(ctx context.Context, rules archive.LeadRules) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.update(ctx, rules, nil, 0, t.Pause)
}

var errTooLong = errors.New("walk too long to run inline")

// update brings the state to the branch's head; with limit > 0 it does
// nothing and returns errTooLong when more commits than that are new.
// pause, when set, is called between commits.
func (t *Tracker) update(ctx context.Context, rules archive.LeadRules, snap *archive.Snapshot, limit int, pause gitstore.Pause) error {
	key := rulesKey(rules)
	if !t.loaded {
		t.loaded = true
		t.load()
	}
	if t.st == nil || t.st.Rules != key || t.st.Version != seenVersion {
		t.st = &seenState{Version: seenVersion, Rules: key, Runs: map[string][]seenRun{}, Present: map[string][]string{}}
		t.last = nil
	}
	// Most calls find the branch where the last one left it: one commit
	// read says so, without listing the whole history.
	if n := len(t.st.Commits); n > 0 {
		head, err := t.History.Log(1)
		if err != nil {
			return fmt.Errorf("first seen: %w", err)
		}
		if len(head) == 1 && head[0].Hash == t.st.Commits[n-1].Hash {
			t.remember(snap)
			return nil
		}
	}
	log, k, err := t.newCommits()
	if err != nil {
		return fmt.Errorf("first seen: %w", err)
	}
	st := t.st
	if k < len(st.Commits) {
		// History was rewritten under us: start again.
		st = &seenState{Version: seenVersion, Rules: key, Runs: map[string][]seenRun{}, Present: map[string][]string{}}
		t.st, t.last, k = st, nil, 0
	}
	if k == len(log) {
		t.remember(snap)
		return nil
	}
	if limit > 0 && len(log)-k > limit {
		return errTooLong
	}
	w := &walk{t: t, st: st, overlay: map[string]map[string]*archive.Record{}}
	if k > 0 {
		w.base = t.last
		w.baseCommit = st.Commits[k-1].Hash
	}
	after := func(i int) error {
		if t.Progress != nil && ((i-k)%500 == 499 || i == len(log)-1) {
			t.Progress(i-k+1, len(log)-k)
		}
		if (i-k)%checkpointEvery == checkpointEvery-1 && i < len(log)-1 {
			t.save()
		}
		return nil
	}
	if wk, ok := t.History.(Walker); ok && len(log)-k > walkInline {
		prev := ""
		if k > 0 {
			prev = log[k-1].Hash
		}
		i := k
		err := wk.WalkChanges(ctx, prev, log[len(log)-1].Hash, pause, func(c string, changes []gitstore.PathChange) error {
			if i >= len(log) || log[i].Hash != c {
				return fmt.Errorf("first seen: history walk out of step at %.10s", c)
			}
			if err := w.apply(i, log, rules, changes, wk.Blob); err != nil {
				return err
			}
			i++
			return after(i - 1)
		})
		if err == nil && i != len(log) {
			err = fmt.Errorf("first seen: history walk stopped after %d of %d commits", i-k, len(log)-k)
		}
		if err != nil {
			t.save() // what was walked is kept
			return err
		}
	} else {
		for i := k; i < len(log); i++ {
			if pause != nil {
				if err := pause(ctx); err != nil {
					t.save()
					return err
				}
			} else if err := ctx.Err(); err != nil {
				t.save()
				return err
			}
			if err := w.step(i, log, rules); err != nil {
				return err
			}
			_ = after(i)
		}
	}
	t.remember(snap)
	t.save()
	return nil
}

// newCommits returns the branch's first-parent chain, oldest first, and
// how much of it the state already covers. When the state's last commit is
// among the latest few, only those are read (a site calls this on every
// commit, and listing 67,000 commits costs a tenth of a second); else the
// whole chain is listed and compared.
func (t *Tracker) newCommits() ([]gitstore.Commit, int, error) {
	st := t.st
	if n := len(st.Commits); n > 0 {
		last := st.Commits[n-1].Hash
		for limit := 16; limit <= 1024; limit *= 8 {
			cs, err := t.History.Log(limit)
			if err != nil {
				return nil, 0, err
			}
			for j, c := range cs {
				if c.Hash == last {
					// cs[:j] are new, newest first: put them after the
					// known chain, whose hashes are all the walk needs.
					log := make([]gitstore.Commit, n, n+j)
					for i, sc := range st.Commits {
						log[i] = gitstore.Commit{Hash: sc.Hash}
					}
					fresh := slices.Clone(cs[:j])
					slices.Reverse(fresh)
					return append(log, fresh...), n, nil
				}
			}
			if len(cs) < limit {
				break
			}
		}
	}
	log, err := t.History.Log(0)
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(log)
	k := 0
	for k < len(st.Commits) && k < len(log) && st.Commits[k].Hash == log[k].Hash {
		k++
	}
	return log, k, nil
}

// remember keeps snap as the base of the next walk when it is the state's
// last commit.
func (t *Tracker) remember(snap *archive.Snapshot) {
	if n := len(t.st.Commits); snap != nil && n > 0 && t.st.Commits[n-1].Hash == snap.Commit {
		t.last = snap
	}
}

// walk is one pass over new commits.
type walk struct {
	t  *Tracker
	st *seenState
	// overlay holds the records of the customers touched so far, by path.
	overlay    map[string]map[string]*archive.Record
	base       *archive.Snapshot // the archive before the first new commit (loaded when needed)
	baseCommit string
}

func (w *walk) step(i int, log []gitstore.Commit, rules archive.LeadRules) error {
	prev := ""
	if i > 0 {
		prev = log[i-1].Hash
	}
	changed, removed, err := w.t.History.Changes(prev, log[i].Hash)
	if err != nil {
		return fmt.Errorf("first seen: %w", err)
	}
	changes := make([]gitstore.PathChange, 0, len(changed)+len(removed))
	data := map[string][]byte{}
	for _, p := range removed {
		changes = append(changes, gitstore.PathChange{Path: p})
	}
	for _, f := range changed {
		changes = append(changes, gitstore.PathChange{Path: f.Path, Blob: f.Version})
		data[f.Version] = f.Data
	}
	return w.apply(i, log, rules, changes, func(id string) ([]byte, error) { return data[id], nil })
}

// apply moves the state past commit i, which made changes; blob reads the
// new contents.
func (w *walk) apply(i int, log []gitstore.Commit, rules archive.LeadRules, changes []gitstore.PathChange, blob func(string) ([]byte, error)) error {
	c := log[i]
	touched := map[string]bool{}
	for _, ch := range changes {
		cust := archive.PlaceOf(ch.Path).Customer
		if cust == "" {
			continue
		}
		recs, err := w.records(cust)
		if err != nil {
			return err
		}
		touched[cust] = true
		if ch.Blob == "" {
			delete(recs, ch.Path)
			continue
		}
		data, err := blob(ch.Blob)
		if err != nil {
			return fmt.Errorf("first seen: %s at %.10s: %w", ch.Path, c.Hash, err)
		}
		recs[ch.Path] = archive.Parse(ch.Path, data)
	}
	_, off := c.When.Zone()
	w.st.Commits = append(w.st.Commits, seenCommit{Hash: c.Hash, Author: c.Author, When: c.When.Unix(), Zone: int32(off)})
	ev := evaluator{rules: rules, at: archive.DateOf(c.When), latent: true}
	for cust := range touched {
		now := idsOf(ev.folder(folderOf(cust, w.overlay[cust])))
		old := w.st.Present[cust]
		for _, id := range now {
			if !slices.Contains(old, id) {
				w.st.Runs[id] = append(w.st.Runs[id], seenRun{Start: int32(i), End: -1})
			}
		}
		for _, id := range old {
			if !slices.Contains(now, id) {
				if rs := w.st.Runs[id]; len(rs) > 0 && rs[len(rs)-1].End < 0 {
					rs[len(rs)-1].End = int32(i)
				}
			}
		}
		if len(now) == 0 {
			delete(w.st.Present, cust)
		} else {
			w.st.Present[cust] = now
		}
	}
	return nil
}

// records returns the overlay of a customer, starting from the base
// snapshot the first time.
func (w *walk) records(cust string) (map[string]*archive.Record, error) {
	if recs, ok := w.overlay[cust]; ok {
		return recs, nil
	}
	f, err := w.baseFolder(cust)
	if err != nil {
		return nil, fmt.Errorf("first seen: %w", err)
	}
	recs := map[string]*archive.Record{}
	if f != nil {
		for _, r := range f.Records() {
			recs[r.Path] = r
		}
	}
	w.overlay[cust] = recs
	return recs, nil
}

// baseFolder is a customer's folder at the walk's base commit (nil when
// there is none).
func (w *walk) baseFolder(cust string) (*archive.Folder, error) {
	if w.baseCommit == "" {
		return nil, nil
	}
	if w.base == nil || w.base.Commit != w.baseCommit {
		if fl, ok := w.t.History.(FolderLoader); ok {
			// A walk resumed from the cache has no snapshot of its last
			// commit: read the folders it touches, not the archive.
			return fl.Folder(w.baseCommit, cust)
		}
		s, err := w.t.History.Snapshot(w.baseCommit)
		if err != nil {
			return nil, err
		}
		w.base = s
	}
	return w.base.Customer(cust), nil
}

// folderOf groups a customer's records as archive.Snapshot does.
func folderOf(id string, recs map[string]*archive.Record) *archive.Folder {
	f := &archive.Folder{ID: id}
	for _, r := range recs {
		switch r.Kind {
		case archive.KindCustomer:
			f.Customer = r
		case archive.KindDevices:
			f.Devices = r
		case archive.KindTopology:
			f.Topology = r
		case archive.KindProgress:
			f.Progress = r
		case archive.KindTraining:
			f.Training = r
		case archive.KindSpares:
			f.Spares = r
		case archive.KindLeads:
			f.Leads = r
		case archive.KindVisit:
			f.Visits = append(f.Visits, r)
		case archive.KindNote:
			f.Notes = append(f.Notes, r)
		}
	}
	byPath := func(a, b *archive.Record) int {
		switch {
		case a.Path < b.Path:
			return -1
		case a.Path > b.Path:
			return 1
		}
		return 0
	}
	slices.SortFunc(f.Visits, byPath)
	slices.SortFunc(f.Notes, byPath)
	return f
}

func idsOf(ls []Lead) []string {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return ids
}

func (t *Tracker) load() {
	if t.CacheDir == "" {
		return
	}
	data, err := os.ReadFile(t.cachePath())
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	var st seenState
	if err == nil {
		err = gob.NewDecoder(bytes.NewReader(data)).Decode(&st)
	}
	if err != nil {
		t.logger().Warn("leads: first-seen cache unreadable, rebuilding it", "file", t.cachePath(), "err", err)
		return
	}
	if st.Runs == nil {
		st.Runs = map[string][]seenRun{}
	}
	if st.Present == nil {
		st.Present = map[string][]string{}
	}
	t.st = &st
}

func (t *Tracker) save() {
	if t.CacheDir == "" {
		return
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(t.st)
	if err == nil {
		err = os.MkdirAll(t.CacheDir, 0o700)
	}
	if err == nil {
		tmp := t.cachePath() + ".tmp"
		if err = os.WriteFile(tmp, buf.Bytes(), 0o600); err == nil {
			err = os.Rename(tmp, t.cachePath())
		}
	}
	if err != nil {
		t.logger().Warn("leads: cannot save the first-seen cache", "file", t.cachePath(), "err", err)
	}
}
