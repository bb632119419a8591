package leads_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/leads"
	"github.com/google/go-cmp/cmp"
)

// historyOnly hides the Walker of a Repo: the tracker then compares trees
// commit by commit, the reference for the fast walk.
type historyOnly struct{ r *gitstore.Repo }

func (h historyOnly) Log(limit int) ([]gitstore.Commit, error) { return h.r.Log(limit) }
func (h historyOnly) Changes(from, to string) ([]archive.File, []string, error) {
	return h.r.Changes(from, to)
}
func (h historyOnly) Snapshot(c string) (*archive.Snapshot, error) { return h.r.Snapshot(c) }

// longStory is the story after enough unrelated commits that a tracker
// walks it with WalkChanges.
func longStory() []step {
	var steps []step
	for i := range 80 {
		steps = append(steps, step{"2025-12-01", map[string]string{fmt.Sprintf("guides/g%d.md", i%9): fmt.Sprint(i)}})
	}
	return append(steps, story...)
}

func TestFirstSeenWalkerAgrees(t *testing.T) {
	r, ids := buildStory(t, longStory())
	day := archive.Date{Year: 2026, Month: 3, Day: 10}
	head := ids[len(ids)-1]
	fast := firstSeen(t, &leads.Tracker{History: r}, r, head, day)
	slow := firstSeen(t, &leads.Tracker{History: historyOnly{r}}, r, head, day)
	if len(fast) < 4 {
		t.Fatalf("only %d leads: %v", len(fast), fast)
	}
	if d := cmp.Diff(slow, fast); d != "" {
		t.Errorf("first seen with WalkChanges differs from Changes (-Changes +WalkChanges):\n%s", d)
	}
	for k, c := range fast {
		if c == "(none)" {
			t.Errorf("%s: no first seen", k)
		}
	}
}

// TestInlineWalkDoesNotPause: a tracker that was not started walks inside
// FirstSeen, for a caller who waits (a request). Its Pause is for
// background walks: here a Pause that never lets go must not hold it.
func TestInlineWalkDoesNotPause(t *testing.T) {
	r, ids := buildStory(t, longStory())
	day := archive.Date{Year: 2026, Month: 3, Day: 10}
	held := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	for name, h := range map[string]leads.History{"WalkChanges": r, "Changes": historyOnly{r}} {
		t.Run(name, func(t *testing.T) {
			done := make(chan map[string]string, 1)
			go func() { done <- firstSeen(t, &leads.Tracker{History: h, Pause: held}, r, ids[len(ids)-1], day) }()
			select {
			case got := <-done:
				if len(got) < 4 {
					t.Errorf("only %d leads: %v", len(got), got)
				}
			case <-time.After(time.Minute):
				t.Fatal("FirstSeen waited on the tracker's Pause")
			}
		})
	}
}

// TestStartLeavesTheWalkToTheBackground: after Start, FirstSeen does not
// wait for a long walk (here held by its Pause): it says ErrWalking, and
// gives the dates once the walk is done.
func TestStartLeavesTheWalkToTheBackground(t *testing.T) {
	r, ids := buildStory(t, longStory())
	head := ids[len(ids)-1]
	snap, err := r.Snapshot(head)
	if err != nil {
		t.Fatal(err)
	}
	day := archive.Date{Year: 2026, Month: 3, Day: 10}
	release := make(chan struct{})
	tr := &leads.Tracker{History: r, CacheDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Pause: func(ctx context.Context) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr.Start(ctx, snap.Settings.Leads)
	ls := leads.Derive(snap, snap.Settings.Leads, day)
	if err := tr.FirstSeen(snap, snap.Settings.Leads, ls); !errors.Is(err, leads.ErrWalking) {
		t.Fatalf("FirstSeen while the walk is held: %v, want ErrWalking", err)
	}
	for _, l := range ls {
		if l.FirstSeen != nil {
			t.Errorf("%s: first seen %v while walking", l.ID, l.FirstSeen)
		}
	}
	close(release)
	for tr.Walking() {
		time.Sleep(10 * time.Millisecond)
	}
	want := firstSeen(t, &leads.Tracker{History: historyOnly{r}}, r, head, day)
	got := firstSeen(t, tr, r, head, day)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("first seen after the background walk (-want +got):\n%s", d)
	}
}

// TestWalkResumes: a walk stopped half way keeps what it walked, and the
// next one goes on from there to the same dates.
func TestWalkResumes(t *testing.T) {
	r, ids := buildStory(t, longStory())
	head := ids[len(ids)-1]
	snap, err := r.Snapshot(head)
	if err != nil {
		t.Fatal(err)
	}
	day := archive.Date{Year: 2026, Month: 3, Day: 10}
	cache := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	tr := &leads.Tracker{History: r, CacheDir: cache, Logger: slog.New(slog.DiscardHandler), Pause: func(ctx context.Context) error {
		if steps++; steps == 84 { // within the story, after its first commits
			cancel()
		}
		return ctx.Err()
	}}
	if err := tr.Walk(ctx, snap.Settings.Leads); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped walk: %v", err)
	}
	steps = 0
	// Walk, as the background does, calls Pause once a commit: it counts
	// the commits the second walk goes through.
	counted := &snapshotCounter{Repo: r}
	next := &leads.Tracker{History: counted, CacheDir: cache, Pause: func(context.Context) error { steps++; return nil }}
	if err := next.Walk(context.Background(), snap.Settings.Leads); err != nil {
		t.Fatalf("resumed walk: %v", err)
	}
	got := firstSeen(t, next, r, head, day)
	if steps != len(ids)-83 {
		t.Errorf("the second walk went through %d commits, want the %d after the stop", steps, len(ids)-83)
	}
	want := firstSeen(t, &leads.Tracker{History: historyOnly{r}}, r, head, day)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("first seen after a resumed walk (-want +got):\n%s", d)
	}
	if counted.n != 0 {
		t.Errorf("the resumed walk parsed %d whole snapshots; it needs only the folders it touches", counted.n)
	}
}

// snapshotCounter is a Repo that counts the whole snapshots asked of it.
type snapshotCounter struct {
	*gitstore.Repo
	n int
}

func (c *snapshotCounter) Snapshot(commit string) (*archive.Snapshot, error) {
	c.n++
	return c.Repo.Snapshot(commit)
}
