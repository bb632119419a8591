package site

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/snapcache"
)

// LiveStore is what Live needs of the store.
type LiveStore interface {
	Head() (string, error)
	Snapshot(commit string) (*archive.Snapshot, error)
	Changes(from, to string) (changed []archive.File, removed []string, err error)
}

// Live holds the archive as of the branch's head and follows new commits:
// made by the site, by `git commit` in the archive or pushed into it. Pages
// take one snapshot per request, so each sees one consistent commit.
type Live struct {
	Store    LiveStore
	Index    Index // optional
	Logger   *slog.Logger
	Interval time.Duration // how often the head is read; default 1s
	// Cache, when set, keeps the parsed snapshot between runs
	// (archive/snapcache): Open restores it instead of parsing every
	// file, and brings it forward when the head moved since it was saved.
	Cache SnapshotCache
	// CacheEvery is how often, at most, a server following new commits
	// writes the cache again, so that the next start has few commits to
	// apply; default 10 minutes.
	CacheEvery time.Duration

	cur     atomic.Pointer[archive.Snapshot]
	indexed atomic.Pointer[string] // commit the index was last synced to
	mu      sync.Mutex             // one refresh at a time
	poke    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
	saving  sync.WaitGroup // a cache being written
	// cachedAt is when the cache was last brought to the live commit;
	// writing says a write is under way (one at a time).
	cachedAt atomic.Int64
	writing  atomic.Bool
}

// SnapshotCache keeps one parsed snapshot on disk.
type SnapshotCache interface {
	Load() (*archive.Snapshot, error)
	Save(*archive.Snapshot) error
}

// Open loads the head commit and starts following the branch. The index is
// brought up to date in the background: pages do not wait for a rebuild.
func (l *Live) Open(ctx context.Context) error {
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
	if l.Interval <= 0 {
		l.Interval = time.Second
	}
	head, err := l.Store.Head()
	if err != nil {
		return fmt.Errorf("read archive head: %w", err)
	}
	snap, err := l.open(head)
	if err != nil {
		return err
	}
	l.cur.Store(snap)
	l.poke = make(chan struct{}, 1)
	l.done = make(chan struct{})
	ctx, l.stop = context.WithCancel(context.WithoutCancel(ctx))
	go l.run(ctx)
	return nil
}

func (l *Live) load(commit string) (*archive.Snapshot, error) {
	if commit == "" {
		// An empty repository: an empty archive, not an error.
		return archive.Load("", func(func(archive.File, error) bool) {})
	}
	snap, err := l.Store.Snapshot(commit)
	if err != nil {
		return nil, fmt.Errorf("load archive at %.10s: %w", commit, err)
	}
	return snap, nil
}

// open loads the head at the start: from the cache when it holds the head,
// or an older commit the changes since can be applied to; else by parsing
// every file, and then the cache is written in the background for the
// next start.
func (l *Live) open(head string) (*archive.Snapshot, error) {
	if l.Cache == nil || head == "" {
		return l.load(head)
	}
	start := time.Now()
	snap, err := l.Cache.Load()
	switch {
	case err != nil:
		if !errors.Is(err, snapcache.ErrNone) {
			l.Logger.Warn("snapshot cache not used: parsing the archive", "reason", err)
		}
	case snap.Commit == head:
		l.Logger.Info("archive restored from the snapshot cache", "commit", short(head), "took", time.Since(start).Round(time.Millisecond))
		l.cachedAt.Store(time.Now().UnixNano())
		return snap, nil
	default:
		changed, removed, cerr := l.Store.Changes(snap.Commit, head)
		if cerr == nil {
			from := snap.Commit
			snap = snap.With(head, changed, removed)
			l.Logger.Info("archive restored from the snapshot cache", "commit", short(head), "cached", short(from), "changed", len(changed), "removed", len(removed), "took", time.Since(start).Round(time.Millisecond))
			l.saveCache(snap)
			return snap, nil
		}
		l.Logger.Info("snapshot cache not used: parsing the archive", "cached", short(snap.Commit), "reason", cerr)
	}
	if snap, err = l.load(head); err != nil {
		return nil, err
	}
	l.saveCache(snap)
	return snap, nil
}

// saveCache writes the snapshot to the cache in the background: the site
// does not wait for it.
func (l *Live) saveCache(snap *archive.Snapshot) {
	if !l.writing.CompareAndSwap(false, true) {
		return // the next refresh writes a later one
	}
	l.cachedAt.Store(time.Now().UnixNano())
	l.saving.Go(func() {
		defer l.writing.Store(false)
		start := time.Now()
		if err := l.Cache.Save(snap); err != nil {
			l.Logger.Warn("write snapshot cache", "err", err)
			return
		}
		l.Logger.Info("snapshot cache written", "commit", short(snap.Commit), "took", time.Since(start).Round(time.Millisecond))
	})
}

// Close stops following the branch and waits for the follower (and a
// cache being written) to end.
func (l *Live) Close() {
	if l.stop != nil {
		l.stop()
		<-l.done
	}
	l.saving.Wait()
}

// Snapshot returns the archive at the latest commit seen.
func (l *Live) Snapshot() *archive.Snapshot { return l.cur.Load() }

// Indexed returns the commit the search index was last brought to.
func (l *Live) Indexed() string {
	if p := l.indexed.Load(); p != nil {
		return *p
	}
	return ""
}

// Poke asks for a refresh now rather than at the next tick.
func (l *Live) Poke() {
	select {
	case l.poke <- struct{}{}:
	default:
	}
}

func (l *Live) run(ctx context.Context) {
	defer close(l.done)
	l.syncIndex(ctx, l.Snapshot(), nil)
	t := time.NewTicker(l.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-l.poke:
		}
		if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
			l.Logger.Warn("follow archive", "err", err)
		}
	}
}

// Refresh reads the head and, when it moved, applies the new commits to the
// snapshot and the index. It is what the follower does every tick.
func (l *Live) Refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.Snapshot()
	head, err := l.Store.Head()
	if err != nil {
		return fmt.Errorf("read archive head: %w", err)
	}
	if head == old.Commit {
		if l.Index != nil && l.Indexed() != head {
			l.syncIndex(ctx, old, nil)
		}
		return nil
	}
	var snap *archive.Snapshot
	var changed []archive.File
	var removed []string
	if old.Commit != "" && head != "" {
		changed, removed, err = l.Store.Changes(old.Commit, head)
	} else {
		err = errors.New("no previous commit")
	}
	if err == nil {
		snap = old.With(head, changed, removed)
	} else {
		// History rewritten (a force push) or an empty archive: load it all.
		l.Logger.Info("reloading the archive", "from", short(old.Commit), "to", short(head), "reason", err)
		if snap, err = l.load(head); err != nil {
			return err
		}
		changed, removed = nil, nil
	}
	l.cur.Store(snap)
	l.Logger.Info("archive updated", "commit", short(head), "changed", len(changed), "removed", len(removed))
	if l.Cache != nil && time.Since(time.Unix(0, l.cachedAt.Load())) >= cmp.Or(l.CacheEvery, 10*time.Minute) {
		l.saveCache(snap)
	}
	known := map[[2]string]bool{{old.Commit, head}: err == nil}
	l.syncIndex(ctx, snap, func(from, to string) ([]string, []string, error) {
		if known[[2]string{from, to}] {
			return paths(changed), removed, nil
		}
		c, r, err := l.Store.Changes(from, to)
		return paths(c), r, err
	})
	return nil
}

func (l *Live) syncIndex(ctx context.Context, snap *archive.Snapshot, known func(from, to string) ([]string, []string, error)) {
	if l.Index == nil {
		return
	}
	changes := known
	if changes == nil {
		changes = func(from, to string) ([]string, []string, error) {
			c, r, err := l.Store.Changes(from, to)
			return paths(c), r, err
		}
	}
	if err := l.Index.Sync(ctx, snap, changes); err != nil {
		if ctx.Err() == nil {
			l.Logger.Error("update search index", "commit", short(snap.Commit), "err", err)
		}
		return
	}
	c := snap.Commit
	l.indexed.Store(&c)
}

func paths(fs []archive.File) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Path
	}
	return out
}

func short(commit string) string {
	if len(commit) > 7 {
		return commit[:7]
	}
	return commit
}
