package site_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/snapcache"
	"github.com/dangan-archive/dangan/site"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

// TestLiveStartsFromSnapshotCache opens the archive the way a server start
// does, four times: parsing (and writing the cache), from the cache, from
// a cache one commit behind the head, and past a damaged cache. Each time
// the snapshot must be the one parsing the head gives.
func TestLiveStartsFromSnapshotCache(t *testing.T) {
	fx := newFixture(t)
	cache := snapcache.Cache{Dir: t.TempDir()}
	var logs syncBuffer
	open := func(t *testing.T, wantLog string) {
		t.Helper()
		l := &site.Live{Store: fx.Repo, Cache: cache, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		if err := l.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.Close() // waits for the cache being written
		head, err := fx.Repo.Head()
		if err != nil {
			t.Fatal(err)
		}
		want, err := fx.Repo.Snapshot(head)
		if err != nil {
			t.Fatal(err)
		}
		sameSnapshot(t, want, l.Snapshot())
		if got := logs.take(); !strings.Contains(got, wantLog) {
			t.Errorf("log %q does not say %q", got, wantLog)
		}
		saved, err := cache.Load()
		if err != nil {
			t.Fatalf("cache after the start: %v", err)
		}
		if saved.Commit != head {
			t.Errorf("cache holds %.7s after the start, want the head %.7s", saved.Commit, head)
		}
	}
	t.Run("parsed", func(t *testing.T) { open(t, "snapshot cache written") })
	t.Run("cached", func(t *testing.T) { open(t, "archive restored from the snapshot cache") })
	fx.commit(t, day2, "liqiang", "一条笔记", []gitstore.FileChange{
		{Path: "customers/mz-tax/notes/2026-08-01-cache.md", Data: []byte("---\nkind: note\ntitle: 缓存\n---\n正文\n")},
		{Path: "customers/mz-renmin-hospital/notes/jifang.md", Delete: true},
	})
	t.Run("behind the head", func(t *testing.T) { open(t, "cached=") })
	if err := os.WriteFile(filepath.Join(cache.Dir, snapcache.FileName), []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("damaged", func(t *testing.T) { open(t, "snapshot cache not used") })
}

// TestLiveKeepsSnapshotCacheFresh: a server following commits writes the
// cache again (at most every CacheEvery), so the next start has little to
// apply.
func TestLiveKeepsSnapshotCacheFresh(t *testing.T) {
	fx := newFixture(t)
	cache := snapcache.Cache{Dir: t.TempDir()}
	l := &site.Live{Store: fx.Repo, Cache: cache, CacheEvery: time.Nanosecond, Interval: time.Hour, Logger: slog.New(slog.DiscardHandler)}
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Close() // the first write, of the start, is done
	head := fx.commit(t, day2, "liqiang", "一条笔记", []gitstore.FileChange{
		{Path: "customers/mz-tax/notes/2026-08-02-fresh.md", Data: []byte("---\nkind: note\ntitle: 新\n---\n正文\n")},
	})
	if err := l.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.Close() // waits for the cache being written
	if commit, err := cache.Commit(); commit != head {
		t.Fatalf("the cache holds %.7s (%v) after a refresh, want the head %.7s", commit, err, head)
	}
	saved, err := cache.Load()
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, l.Snapshot(), saved)
}

func sameSnapshot(t *testing.T, want, got *archive.Snapshot) {
	t.Helper()
	if want.Commit != got.Commit || want.Len() != got.Len() {
		t.Fatalf("snapshot of %.7s with %d records, want %.7s with %d", got.Commit, got.Len(), want.Commit, want.Len())
	}
	if d := cmp.Diff(want.Problems(), got.Problems()); d != "" {
		t.Errorf("problems differ:\n%s", d)
	}
	for r := range want.Records() {
		if d := cmp.Diff(r, got.Record(r.Path)); d != "" {
			t.Errorf("record %s differs:\n%s", r.Path, d)
		}
	}
	for f := range want.Customers() {
		if d := cmp.Diff(f, got.Customer(f.ID)); d != "" {
			t.Errorf("folder %s differs:\n%s", f.ID, d)
		}
	}
}
