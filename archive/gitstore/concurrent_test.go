package gitstore

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentCommitsDifferentFiles: writers retrying on conflict lose
// no commit.
func TestConcurrentCommitsDifferentFiles(t *testing.T) {
	r := newRepo(t, true)
	r.noSync = true
	commit(t, r, "base", files{"a.md": "a"})
	const writers, each = 8, 10
	var wg sync.WaitGroup
	var conflicts atomic.Int64
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				for {
					head, err := r.Head()
					if err != nil {
						t.Error(err)
						return
					}
					_, err = r.Commit(t.Context(), Change{Parent: head, Author: Signature{Name: "t"}, Message: fmt.Sprintf("w%d %d", w, i),
						Files: []FileChange{{Path: fmt.Sprintf("customers/w%d/visits.md", w), Data: fmt.Appendf(nil, "%d", i)}}})
					if errors.Is(err, ErrConflict) {
						conflicts.Add(1)
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	log, err := r.Log(0)
	if err != nil || len(log) != writers*each+1 {
		t.Fatalf("%d commits, want %d (%v)", len(log), writers*each+1, err)
	}
	for w := range writers {
		h, err := r.History(fmt.Sprintf("customers/w%d/visits.md", w), 0)
		if err != nil || len(h) != each {
			t.Errorf("writer %d: %d commits in history, want %d", w, len(h), each)
		}
		f, err := r.ReadFile("", fmt.Sprintf("customers/w%d/visits.md", w))
		if err != nil || string(f.Data) != fmt.Sprint(each-1) {
			t.Errorf("writer %d: last content %q, %v", w, f.Data, err)
		}
	}
	t.Logf("%d conflicts retried", conflicts.Load())
}

// TestConcurrentCommitsSameParent: of writers starting from the same
// parent, exactly one wins.
func TestConcurrentCommitsSameParent(t *testing.T) {
	r := newRepo(t, true)
	base := commit(t, r, "base", files{"a.md": "a"})
	const writers = 8
	var wg sync.WaitGroup
	start := make(chan struct{})
	var won, lost atomic.Int64
	var winner atomic.Value
	for w := range writers {
		wg.Go(func() {
			<-start
			id, err := r.Commit(t.Context(), Change{Parent: base, Author: Signature{Name: "t"}, Files: []FileChange{{Path: "a.md", Data: fmt.Appendf(nil, "writer %d", w)}}})
			var ce *ConflictError
			switch {
			case err == nil:
				won.Add(1)
				winner.Store(id)
			case errors.As(err, &ce) && ce.Expected == base:
				lost.Add(1)
			default:
				t.Errorf("writer %d: %v", w, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if won.Load() != 1 || lost.Load() != writers-1 {
		t.Fatalf("won %d, lost %d", won.Load(), lost.Load())
	}
	if h := mustHead(t, r); h != winner.Load() {
		t.Errorf("head %s is not the winner %s", h, winner.Load())
	}
}

// TestConcurrentReads reads from many goroutines while commits land; run
// with -race to check the storage pool.
func TestConcurrentReads(t *testing.T) {
	r := newRepo(t, true)
	r.noSync = true
	r.Now = clock()
	commit(t, r, "base", sampleFiles)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(stop)
		for i := range 40 {
			head, err := r.Head()
			if err == nil {
				_, err = r.Commit(t.Context(), Change{Parent: head, Author: Signature{Name: "t"}, Message: "more",
					Files: files{fmt.Sprintf("customers/mz-school/visits/2026-01-%02d-repair.md", i%28+1): fmt.Sprint(i)}.changes()})
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	})
	var reads atomic.Int64
	for g := range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				head, err := r.Head()
				if err != nil {
					t.Error(err)
					return
				}
				switch g % 4 {
				case 0:
					for _, err := range r.Files(head) {
						if err != nil {
							t.Error(err)
							return
						}
					}
				case 1:
					if _, err := r.ReadFile(head, "customers/mz-school/customer.md"); err != nil {
						t.Error(err)
						return
					}
				case 2:
					if _, err := r.History("customers/mz-school", 5); err != nil {
						t.Error(err)
						return
					}
					if _, err := r.AsOf(time.Now()); err != nil {
						t.Error(err)
						return
					}
				case 3:
					if _, _, err := r.Changes("", head); err != nil {
						t.Error(err)
						return
					}
					if _, err := r.Log(3); err != nil {
						t.Error(err)
						return
					}
				}
				reads.Add(1)
			}
		})
	}
	wg.Wait()
	if reads.Load() == 0 {
		t.Fatal("no read ran")
	}
	if h, _ := r.History("customers/mz-school/visits", 0); len(h) != 40 {
		t.Errorf("History after the writes: %d commits", len(h))
	}
}
