package gitstore

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/dangan-archive/dangan/archive"
)

// history is the first-parent chain of the branch, oldest first, and the
// per-path index over it: for every file path and every folder prefix, the
// positions in the chain of the commits that changed something there.
//
// It is built by walking the chain once and comparing each commit's tree
// with its parent's (skipping equal subtrees), then extended with only the
// new commits whenever the branch moves. If the branch no longer contains
// the commit the index ended at (history rewritten), the index is cut back
// to the last commit both share and rebuilt from there.
type history struct {
	mu        sync.RWMutex
	loaded    bool // the cache file was tried
	commits   []histCommit
	byHash    map[plumbing.Hash]int32
	minSuffix []int64 // minSuffix[i] = earliest commit time of commits[i:]
	paths     map[string][]int32
	indexed   int // commits[:indexed] are in paths
	saved     int // indexed when last saved (or loaded)

	// bg is set by IndexHistoryInBackground: long gaps are indexed by a
	// goroutine (building while it runs) with bgCtx and pause.
	// bgMu guards these five; it is never held for long, so requests can
	// ask about the build while a writer holds mu.
	bgMu     sync.Mutex
	bg       bool
	building bool
	bgCtx    context.Context
	bgCancel context.CancelFunc
	pause    Pause
	builds   sync.WaitGroup
	loadMu   sync.Mutex // one reading of the cache file at a time
	// loadedFlag is loaded, readable without mu.
	loadedFlag atomic.Bool
	// wanted is when (UnixNano) a request last made do with a bounded
	// walk because the index was behind: the build is then as good as
	// waited for, and does not step aside for requests.
	wanted atomic.Int64

	// Tests shrink these; zero means historyBudget, historyBatch and
	// historyCheckpoint.
	budget            time.Duration
	batch, checkpoint int
}

type histCommit struct {
	Hash       plumbing.Hash
	Tree       plumbing.Hash
	Author     string
	Email      string
	AuthorTime int64
	AuthorTZ   int32 // seconds east of UTC
	CommitTime int64
	Message    string
}

func (c histCommit) commit() Commit {
	return Commit{Hash: c.Hash.String(), Author: c.Author, Email: c.Email,
		When: time.Unix(c.AuthorTime, 0).In(zone(int(c.AuthorTZ))), Message: c.Message}
}

func zone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", off)
}

func toHist(c *object.Commit) histCommit {
	_, off := c.Author.When.Zone()
	return histCommit{Hash: c.Hash, Tree: c.TreeHash, Author: c.Author.Name, Email: c.Author.Email,
		AuthorTime: c.Author.When.Unix(), AuthorTZ: int32(off), CommitTime: c.Committer.When.Unix(), Message: c.Message}
}

// withHistory brings the index up to the current branch head (with the
// path index when paths is set) and runs fn on it.
func (r *Repo) withHistory(paths bool, fn func(h *history) error) error {
	head, err := r.head()
	if err != nil {
		return err
	}
	h := &r.hist
	h.mu.RLock()
	if h.current(head, paths) {
		defer h.mu.RUnlock()
		return fn(h)
	}
	h.mu.RUnlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.current(head, paths) {
		if err := r.syncHistory(head, paths); err != nil {
			return fmt.Errorf("history of %s: %w", r.branch, err)
		}
	}
	return fn(h)
}

func (h *history) current(head plumbing.Hash, paths bool) bool {
	if !h.loaded {
		return false
	}
	n := len(h.commits)
	if head.IsZero() {
		return n == 0
	}
	return n > 0 && h.commits[n-1].Hash == head && (!paths || h.indexed == n)
}

// syncHistory runs with h.mu held for writing.
func (r *Repo) syncHistory(head plumbing.Hash, paths bool) error {
	h := &r.hist
	if !h.loaded {
		h.loaded = true
		h.byHash = map[plumbing.Hash]int32{}
		h.paths = map[string][]int32{}
		if err := r.loadHistory(); err != nil {
			r.logger().Warn("history index cache ignored; rebuilding", "err", err)
			h.truncate(0)
		}
		h.loadedFlag.Store(true)
	}
	if n := len(h.commits); head.IsZero() {
		h.truncate(0)
	} else if n == 0 || h.commits[n-1].Hash != head {
		fresh, known, err := r.listFresh(head, func(c plumbing.Hash) (int, bool) {
			k, ok := h.byHash[c]
			return int(k), ok
		})
		if err != nil {
			return err
		}
		if known < len(h.commits)-1 {
			r.logger().Info("branch history was rewritten; history index cut back", "branch", r.branch, "kept", known+1, "dropped", len(h.commits)-known-1)
			h.truncate(known + 1)
		}
		for k := len(fresh) - 1; k >= 0; k-- {
			h.append(fresh[k])
		}
	}
	if !paths || h.indexed == len(h.commits) {
		return nil
	}
	from := h.indexed
	var changed [][]string
	var err error
	if len(h.commits)-from > historyInline {
		changed, err = r.walkPaths(h.commits, from)
	} else {
		changed, err = r.changedPaths(h.commits, from)
	}
	if err != nil {
		return err
	}
	h.addPaths(from, changed)
	if r.CacheDir != "" && (h.indexed-from >= 100 || h.indexed-h.saved >= 500) {
		if err := r.writeHistory(); err != nil {
			r.logger().Warn("cannot save history index", "dir", r.CacheDir, "err", err)
		}
	}
	return nil
}

// walkPaths is changedPaths for many commits: one pass of WalkChanges.
func (r *Repo) walkPaths(chain []histCommit, from int) ([][]string, error) {
	after := ""
	if from > 0 {
		after = chain[from-1].Hash.String()
	}
	out := make([][]string, 0, len(chain)-from)
	err := r.walkChanges(context.Background(), after, chain[len(chain)-1].Hash.String(), nil, func(c string, changes []PathChange) error {
		if i := from + len(out); i >= len(chain) || chain[i].Hash.String() != c {
			return fmt.Errorf("history walk out of step at %.10s", c)
		}
		ps := make([]string, len(changes))
		for i, ch := range changes {
			ps[i] = ch.Path
		}
		out = append(out, ps)
		return nil
	})
	if err == nil && len(out) != len(chain)-from {
		err = fmt.Errorf("history walk stopped after %d of %d commits", len(out), len(chain)-from)
	}
	return out, err
}

// changedPaths returns, for each commit of chain from index from on, the
// files it changed compared with the commit before it in the chain. The
// commits are split into one contiguous run per core (contiguous, so each
// tree is read once and found in the cache for the next commit).
func (r *Repo) changedPaths(chain []histCommit, from int) ([][]string, error) {
	n := len(chain) - from
	out := make([][]string, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/64))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := from+n*w/workers, from+n*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				var parent plumbing.Hash
				if i > 0 {
					parent = chain[i-1].Tree
				}
				err := r.diffTrees(parent, chain[i].Tree, "", func(p string, _, _ plumbing.Hash) error {
					out[i-from] = append(out[i-from], p)
					return nil
				})
				if err != nil {
					errs[w] = fmt.Errorf("changes of %s: %w", chain[i].Hash, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (h *history) append(c histCommit) {
	i := len(h.commits)
	h.commits = append(h.commits, c)
	h.byHash[c.Hash] = int32(i)
	h.minSuffix = append(h.minSuffix, c.CommitTime)
	for j := i - 1; j >= 0 && h.minSuffix[j] > c.CommitTime; j-- {
		h.minSuffix[j] = c.CommitTime
	}
}

// truncate keeps the first n commits of the chain.
func (h *history) truncate(n int) {
	for _, c := range h.commits[n:] {
		delete(h.byHash, c.Hash)
	}
	h.commits = h.commits[:n]
	h.minSuffix = h.minSuffix[:n]
	for j := n - 1; j >= 0; j-- {
		h.minSuffix[j] = h.commits[j].CommitTime
		if j < n-1 {
			h.minSuffix[j] = min(h.minSuffix[j], h.minSuffix[j+1])
		}
	}
	if h.indexed > n {
		for k, ids := range h.paths {
			cut := sort.Search(len(ids), func(i int) bool { return ids[i] >= int32(n) })
			if cut == 0 {
				delete(h.paths, k)
			} else {
				h.paths[k] = ids[:cut]
			}
		}
		h.indexed = n
	}
	h.saved = min(h.saved, n)
}

// Log returns the commits of the branch, newest first, following first
// parents only; limit <= 0 means all.
func (r *Repo) Log(limit int) ([]Commit, error) {
	if limit <= 0 {
		var out []Commit
		err := r.withHistory(false, func(h *history) error {
			for i := len(h.commits) - 1; i >= 0; i-- {
				out = append(out, h.commits[i].commit())
			}
			return nil
		})
		return out, err
	}
	head, err := r.head()
	if err != nil {
		return nil, err
	}
	var out []Commit
	for cur := head; !cur.IsZero() && len(out) < limit; {
		c, err := r.commitObject(cur)
		if err != nil {
			return out, fmt.Errorf("log of %s: %w", r.branch, err)
		}
		out = append(out, toCommit(c))
		cur = plumbing.ZeroHash
		if len(c.ParentHashes) > 0 {
			cur = c.ParentHashes[0]
		}
	}
	return out, nil
}

// CommitInfo describes one commit; errors.Is(err, ErrNotFound) when there
// is no such commit.
func (r *Repo) CommitInfo(id string) (Commit, error) {
	h, err := r.commitish(id)
	if err != nil {
		return Commit{}, err
	}
	c, err := r.commitObject(h)
	if err != nil {
		return Commit{}, err
	}
	return toCommit(c), nil
}

// History returns the commits of the branch (first parent) that changed a
// file, or anything under a folder ("customers/x"), newest first; limit
// <= 0 means all; "" means every commit (Log). The first call builds the
// per-path index, later calls only add the commits made since; after
// IndexHistoryInBackground a long gap is left to the background build and
// the answer, bounded in time, may be partial: the most recent commits and
// an error that errors.Is ErrIndexing.
func (r *Repo) History(path string, limit int) ([]Commit, error) {
	if path == "" || path == "/" {
		return r.Log(limit)
	}
	p, ok := archive.CleanPath(path)
	if !ok {
		return nil, fmt.Errorf("history of %q: not a path inside the archive: %w", path, ErrNotFound)
	}
	if out, err, done := r.backgroundHistory(p, limit); done {
		return out, err
	}
	var out []Commit
	err := r.withHistory(true, func(h *history) error {
		ids := h.paths[p]
		for k := len(ids) - 1; k >= 0 && (limit <= 0 || len(out) < limit); k-- {
			out = append(out, h.commits[ids[k]].commit())
		}
		return nil
	})
	return out, err
}

// AsOf returns the last commit of the branch (first parent) committed at or
// before t; errors.Is(err, ErrNotFound) when there is none.
//
// Commit times are searched with the earliest time of every suffix of the
// chain, which never decreases along it: the binary search is exact even
// when a clock went backwards between commits.
func (r *Repo) AsOf(t time.Time) (string, error) {
	ts := t.Unix()
	var out string
	err := r.withHistory(false, func(h *history) error {
		i := sort.Search(len(h.minSuffix), func(i int) bool { return h.minSuffix[i] > ts }) - 1
		if i < 0 {
			return fmt.Errorf("no commit of %s at or before %s: %w", r.branch, t.Format(time.RFC3339), ErrNotFound)
		}
		out = h.commits[i].Hash.String()
		return nil
	})
	return out, err
}

// The cache file.

const histVersion = 1

type histFile struct {
	Version int
	Branch  string
	Commits []histCommit
	Paths   map[string][]int32
	Indexed int
}

func (r *Repo) histPath() string {
	return filepath.Join(r.CacheDir, "history-"+strings.ReplaceAll(r.branch, "/", "_")+".gob")
}

// loadHistory reads the cache file if there is one. Its commits are only
// trusted as far as the branch still contains them (syncHistory checks).
func (r *Repo) loadHistory() error {
	hf, err := r.readHistoryFile()
	if err != nil || hf == nil {
		return err
	}
	r.hist.install(hf)
	return nil
}

// readHistoryFile reads and checks the cache file; nil when there is none.
func (r *Repo) readHistoryFile() (*histFile, error) {
	if r.CacheDir == "" {
		return nil, nil
	}
	data, err := os.ReadFile(r.histPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	name := r.histPath()
	hf, err := decodeHistFile(data)
	if errors.Is(err, errHistFormat) && !bytes.HasPrefix(data, histMagic) {
		// Written by an earlier version: gob.
		hf = &histFile{}
		err = gob.NewDecoder(bytes.NewReader(data)).Decode(hf)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if hf.Version != histVersion || hf.Branch != r.branch || hf.Indexed < 0 || hf.Indexed > len(hf.Commits) {
		return nil, fmt.Errorf("%s: written for another version or branch", name)
	}
	for _, ids := range hf.Paths {
		for k, id := range ids {
			if id < 0 || int(id) >= hf.Indexed || (k > 0 && ids[k-1] >= id) {
				return nil, fmt.Errorf("%s: inconsistent", name)
			}
		}
	}
	return hf, nil
}

// install puts a cache file's content in h, which is empty; h.mu is held
// for writing.
func (h *history) install(hf *histFile) {
	if len(h.byHash) == 0 {
		h.byHash = make(map[plumbing.Hash]int32, len(hf.Commits))
		h.minSuffix = make([]int64, 0, len(hf.Commits))
		// The file's commits are h's from now on: copying them was 10 MB
		// at 67,000 commits.
		h.commits = hf.Commits[:0]
	}
	for _, c := range hf.Commits {
		h.append(c)
	}
	if hf.Paths != nil {
		h.paths = hf.Paths
	}
	h.indexed, h.saved = hf.Indexed, hf.Indexed
}

// saveHistory writes the cache file when it is behind.
func (r *Repo) saveHistory() error {
	if r.CacheDir == "" {
		return nil
	}
	h := &r.hist
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded || h.indexed == h.saved {
		return nil
	}
	return r.writeHistory()
}

func (r *Repo) writeHistory() error {
	h := &r.hist
	// The index names restricted customers' paths and commit messages:
	// the folder is the data folder's, private to the server's user.
	if err := os.MkdirAll(r.CacheDir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(r.CacheDir, ".history-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	hf := histFile{Version: histVersion, Branch: r.branch, Commits: h.commits[:h.indexed], Paths: h.paths, Indexed: h.indexed}
	if err := encodeHistFile(tmp, &hf); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), r.histPath()); err != nil {
		return err
	}
	h.saved = h.indexed
	return nil
}
