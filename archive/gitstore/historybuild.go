package gitstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Building the per-path history index of a long history takes a while (a
// pass of git log over 67,000 commits is about 20 s of CPU): dangan index
// builds it ahead, a server builds it in the background, and meanwhile a
// request gets an answer within historyBudget instead of waiting.
const (
	// historyInline is how many commits a request indexes by itself; a
	// longer gap is left to the background build.
	historyInline = 64
	// historyWanted is how long after a request needed the index a
	// background build runs without stepping aside for requests.
	historyWanted = 2 * time.Second
	// historyBudget bounds the direct walk that answers a request while
	// the index is being built.
	historyBudget = 80 * time.Millisecond
	// historyBatch is how many commits the build adds to the index at a
	// time: the lock that requests share is taken once per batch.
	historyBatch = 1000
	// historyCheckpoint is how often (in commits) an unfinished build
	// saves the index, so an interrupted build resumes from there.
	historyCheckpoint = 10000
)

// IndexHistory brings the per-path history index up to the branch head now
// and saves it in CacheDir, checkpointing as it goes; pause (nil: never)
// is called between commits. progress, when set, is told how many commits
// are indexed of how many.
func (r *Repo) IndexHistory(ctx context.Context, pause Pause, progress func(done, total int)) error {
	for {
		more, err := r.buildPaths(ctx, pause, progress)
		if err != nil || !more {
			return err
		}
	}
}

// IndexHistoryInBackground makes History never wait for a long build of the
// per-path index: from now on a gap of more than a few commits is indexed by
// a goroutine (started now, and again whenever the branch has moved far),
// whose walk calls pause between commits, and History answers meanwhile
// from a walk bounded in time (ErrIndexing when it is partial). ctx ends
// the builds.
func (r *Repo) IndexHistoryInBackground(ctx context.Context, pause Pause) {
	h := &r.hist
	ctx, cancel := context.WithCancel(ctx)
	h.bgMu.Lock()
	if h.bgCancel != nil {
		h.bgCancel()
	}
	h.bg, h.bgCtx, h.bgCancel, h.pause = true, ctx, cancel, pause
	h.bgMu.Unlock()
	r.startBuild()
}

// stopBuild ends a background build and waits for it, before Close.
func (r *Repo) stopBuild() {
	h := &r.hist
	h.bgMu.Lock()
	if h.bgCancel != nil {
		h.bgCancel()
	}
	h.bg = false
	h.bgMu.Unlock()
	h.builds.Wait()
}

// startBuild starts a background build unless one is running.
func (r *Repo) startBuild() {
	h := &r.hist
	h.bgMu.Lock()
	if !h.bg || h.building {
		h.bgMu.Unlock()
		return
	}
	h.building = true
	ctx, pause := h.bgCtx, h.pause
	if pause != nil {
		// Stepping aside for requests is for requests that do not need
		// the index (searches, say). When pages are asking for history
		// and making do with bounded walks, pausing for them would keep
		// them waiting: a priority inversion that made every customer
		// page of a busy server pay a bounded walk.
		yield := pause
		pause = func(ctx context.Context) error {
			if time.Now().UnixNano()-h.wanted.Load() < int64(historyWanted) {
				return ctx.Err()
			}
			return yield(ctx)
		}
	}
	h.builds.Add(1)
	h.bgMu.Unlock()
	go func() {
		defer h.builds.Done()
		start := time.Now()
		err := r.IndexHistory(ctx, pause, nil)
		h.bgMu.Lock()
		h.building = false
		h.bgMu.Unlock()
		h.mu.RLock()
		n := h.indexed
		h.mu.RUnlock()
		switch {
		case err != nil && ctx.Err() == nil:
			r.logger().Warn("history index not built", "branch", r.branch, "err", err)
		case err == nil:
			r.logger().Info("history index ready", "branch", r.branch, "commits", n, "took", time.Since(start).Round(time.Millisecond))
		}
	}()
}

// buildPaths indexes the commits not yet indexed, in batches. more says the
// branch was rewritten meanwhile and the build should look again.
func (r *Repo) buildPaths(ctx context.Context, pause Pause, progress func(done, total int)) (more bool, err error) {
	if err := r.refreshCommits(); err != nil {
		return false, err
	}
	h := &r.hist
	h.mu.RLock()
	from, n := h.indexed, len(h.commits)
	var after, to string
	if from > 0 {
		after = h.commits[from-1].Hash.String()
	}
	if n > 0 {
		to = h.commits[n-1].Hash.String()
	}
	h.mu.RUnlock()
	if from == n {
		return false, nil
	}
	errMoved := errors.New("history rewritten")
	var batch [][]string
	var hashes []string
	lastSave := from
	flush := func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		start := h.indexed
		if start+len(batch) > len(h.commits) {
			return errMoved
		}
		for k, c := range hashes {
			if h.commits[start+k].Hash.String() != c {
				return errMoved
			}
		}
		h.addPaths(start, batch)
		batch, hashes = batch[:0], hashes[:0]
		if r.CacheDir != "" && h.indexed-lastSave >= orDefault(h.checkpoint, historyCheckpoint) {
			if err := r.writeHistory(); err != nil {
				r.logger().Warn("cannot save history index", "dir", r.CacheDir, "err", err)
			}
			lastSave = h.indexed
		}
		if progress != nil {
			progress(h.indexed, len(h.commits))
		}
		return nil
	}
	err = r.walkChanges(ctx, after, to, pause, func(c string, changes []PathChange) error {
		ps := make([]string, len(changes))
		for i, ch := range changes {
			ps[i] = ch.Path
		}
		batch = append(batch, ps)
		hashes = append(hashes, c)
		if len(batch) >= orDefault(h.batch, historyBatch) {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if errors.Is(err, errMoved) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("history of %s: %w", r.branch, err)
	}
	// A background run follows every new commit: writing the whole index
	// (tens of MB at 10,000 customers) after each save would cost more
	// than the commit. The file may lag a few hundred commits; Close
	// writes what is left, and a start after a crash indexes the rest
	// again from git in milliseconds.
	if r.CacheDir != "" && r.hist.unsaved() >= historySaveEvery {
		if err := r.saveHistory(); err != nil {
			r.logger().Warn("cannot save history index", "dir", r.CacheDir, "err", err)
		}
	}
	return false, nil
}

// historySaveEvery is how many newly indexed commits make a background
// run write the cache file.
const historySaveEvery = 500

// unsaved is how many indexed commits the cache file lacks.
func (h *history) unsaved() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.indexed - h.saved
}

// addPaths adds the changed paths of commits[from:from+len(changed)] to the
// index; h.mu is held for writing.
func (h *history) addPaths(from int, changed [][]string) {
	for k, ps := range changed {
		id := int32(from + k)
		add := func(key string) {
			ids := h.paths[key]
			if len(ids) == 0 || ids[len(ids)-1] != id {
				h.paths[key] = append(ids, id)
			}
		}
		for _, p := range ps {
			add(p)
			for k := strings.LastIndexByte(p, '/'); k > 0; k = strings.LastIndexByte(p[:k], '/') {
				add(p[:k])
			}
		}
	}
	h.indexed = from + len(changed)
}

// backgroundHistory answers History after IndexHistoryInBackground
// without waiting for anything long: from the index when it is current
// (or a few commits behind, which are indexed now), else from a walk
// bounded in time. done is false when the Repo is not in that mode.
func (r *Repo) backgroundHistory(p string, limit int) (out []Commit, err error, done bool) {
	h := &r.hist
	h.bgMu.Lock()
	bg, building := h.bg, h.building
	h.bgMu.Unlock()
	if !bg {
		return nil, nil, false
	}
	head, err := r.head()
	if err != nil {
		return nil, err, true
	}
	// The cache file, when there is one, is worth its reading time (a
	// fraction of a second for 67,000 commits): it usually answers.
	r.loadOnce()
	if !h.mu.TryRLock() {
		// The build holds the lock (loading the cache, saving it): walk.
		r.startBuild()
		out, err = r.boundedHistory(p, limit, head)
		return out, err, true
	}
	n := len(h.commits)
	current := h.loaded && ((head.IsZero() && n == 0) || (n > 0 && h.commits[n-1].Hash == head))
	gap := n - h.indexed
	if current && gap == 0 {
		defer h.mu.RUnlock()
		ids := h.paths[p]
		for k := len(ids) - 1; k >= 0 && (limit <= 0 || len(out) < limit); k-- {
			out = append(out, h.commits[ids[k]].commit())
		}
		return out, nil, true
	}
	h.mu.RUnlock()
	if current && gap <= historyInline && !building {
		return nil, nil, false // a few commits: index them now
	}
	r.startBuild()
	out, err = r.boundedHistory(p, limit, head)
	return out, err, true
}

// boundedHistory answers History while the index is behind: the commits
// the index covers are looked up there, the newer ones found by a walk
// from head limited to historyBudget. ErrIndexing says the walk did not
// reach the indexed part.
func (r *Repo) boundedHistory(p string, limit int, head plumbing.Hash) ([]Commit, error) {
	h := &r.hist
	h.wanted.Store(time.Now().UnixNano())
	var stop plumbing.Hash
	indexed := 0
	if h.mu.TryRLock() {
		// The index can complete the answer when head is on its chain
		// (the commits after it are then the walk's).
		if h.indexed > 0 {
			// head newer than the chain read so far is taken to extend it
			// (a rewrite is noticed by the build, which cuts the index).
			if k, ok := h.byHash[head]; !ok || int(k) >= h.indexed-1 {
				indexed = h.indexed
				stop = h.commits[indexed-1].Hash
			}
		}
		h.mu.RUnlock()
	}
	budget := h.budget
	if budget == 0 {
		budget = historyBudget
	}
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	recent, complete := r.pathLog(ctx, p, head, stop, limit)
	locked := h.mu.TryRLock()
	if locked {
		defer h.mu.RUnlock()
	}
	var out []Commit
	for _, c := range recent {
		// The index's maps are read only under the lock: a build appends
		// to them meanwhile.
		if locked {
			if k, ok := h.byHash[c]; ok {
				out = append(out, h.commits[k].commit())
				continue
			}
		}
		if co, err := r.commitObject(c); err == nil {
			out = append(out, toCommit(co))
		}
	}
	if limit > 0 && len(out) >= limit {
		return out, nil
	}
	if !complete || (indexed > 0 && (!locked || h.indexed < indexed)) {
		return out, fmt.Errorf("history of %s: %w", p, ErrIndexing)
	}
	if indexed == 0 {
		return out, nil
	}
	ids := h.paths[p]
	for k := len(ids) - 1; k >= 0 && (limit <= 0 || len(out) < limit); k-- {
		if int(ids[k]) < indexed {
			out = append(out, h.commits[ids[k]].commit())
		}
	}
	return out, nil
}

// loadOnce reads the cache file once, holding the lock requests share
// only to install what it read.
func (r *Repo) loadOnce() {
	h := &r.hist
	if h.loadedFlag.Load() {
		return
	}
	h.loadMu.Lock()
	defer h.loadMu.Unlock()
	if h.loadedFlag.Load() {
		return
	}
	hf, err := r.readHistoryFile()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.loaded {
		return
	}
	h.loaded = true
	h.byHash = map[plumbing.Hash]int32{}
	h.paths = map[string][]int32{}
	if err != nil {
		r.logger().Warn("history index cache ignored; rebuilding", "err", err)
	} else if hf != nil {
		h.install(hf)
	}
	h.loadedFlag.Store(true)
}

// refreshCommits brings the chain of commits up to the branch head for
// the background build, holding the lock requests share only briefly:
// the cache file is read and the new commits are listed without it.
func (r *Repo) refreshCommits() error {
	h := &r.hist
	r.loadOnce()
	for {
		head, err := r.head()
		if err != nil {
			return err
		}
		h.mu.RLock()
		n := len(h.commits)
		current := (head.IsZero() && n == 0) || (n > 0 && h.commits[n-1].Hash == head)
		h.mu.RUnlock()
		if current {
			return nil
		}
		fresh, known, err := r.listFresh(head, func(c plumbing.Hash) (int, bool) {
			h.mu.RLock()
			defer h.mu.RUnlock()
			k, ok := h.byHash[c]
			return int(k), ok
		})
		if err != nil {
			return err
		}
		h.mu.Lock()
		if len(h.commits) != n {
			h.mu.Unlock()
			continue // changed meanwhile (a request indexed a few commits): again
		}
		if known < n-1 {
			r.logger().Info("branch history was rewritten; history index cut back", "branch", r.branch, "kept", known+1, "dropped", n-known-1)
			h.truncate(known + 1)
		}
		for k := len(fresh) - 1; k >= 0; k-- {
			h.append(fresh[k])
		}
		h.mu.Unlock()
		return nil
	}
}

// pathLog lists, newest first, the commits of the first-parent chain from
// head down to (not including) stop that changed p, at most limit (<= 0:
// all). complete is false when ctx ended first.
func (r *Repo) pathLog(ctx context.Context, p string, head, stop plumbing.Hash, limit int) (out []plumbing.Hash, complete bool) {
	if head.IsZero() || head == stop {
		return nil, true
	}
	if !r.NoGitBinary {
		if out, complete, err := r.gitPathLog(ctx, p, head, stop, limit); err == nil || ctx.Err() != nil {
			return out, complete && err == nil
		}
	}
	for cur := head; !cur.IsZero() && cur != stop; {
		if ctx.Err() != nil || (limit > 0 && len(out) >= limit) {
			return out, limit > 0 && len(out) >= limit
		}
		ch, err := r.commitHead(cur)
		if err != nil {
			return out, errors.Is(err, ErrNotFound) // a shallow clone ends here
		}
		var parentTree plumbing.Hash
		if !ch.parent.IsZero() {
			pch, err := r.commitHead(ch.parent)
			if err == nil {
				parentTree = pch.tree
			}
		}
		a, _, errA := r.lookup(ch.tree, p)
		b, _, errB := r.lookup(parentTree, p)
		if (errA != nil && !errors.Is(errA, ErrNotFound)) || (errB != nil && !errors.Is(errB, ErrNotFound)) {
			return out, false
		}
		if a != b {
			out = append(out, cur)
		}
		cur = ch.parent
	}
	return out, true
}

func (r *Repo) gitPathLog(ctx context.Context, p string, head, stop plumbing.Hash, limit int) (out []plumbing.Hash, complete bool, err error) {
	bin, err := exec.LookPath("git")
	if err != nil {
		return nil, false, err
	}
	args := []string{"--git-dir=" + r.gitDir, "log", "--first-parent", "--no-renames", "--format=%H", head.String()}
	if limit > 0 {
		args = append(args, fmt.Sprintf("--max-count=%d", limit))
	}
	if !stop.IsZero() {
		args = append(args, "^"+stop.String())
	}
	args = append(args, "--", ":(literal)"+p)
	cmd := exec.CommandContext(ctx, bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, false, err
	}
	if err := cmd.Start(); err != nil {
		return nil, false, err
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if h, ok := parseHash(strings.TrimSpace(sc.Text())); ok {
			out = append(out, h)
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return out, false, nil
		}
		return out, false, fmt.Errorf("git log -- %s: %w", p, err)
	}
	return out, true, nil
}

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}
