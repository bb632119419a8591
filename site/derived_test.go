package site

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDerivedComputesOnce(t *testing.T) {
	d := newDerived[int](4)
	var calls atomic.Int32
	release := make(chan struct{})
	compute := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	results := make([]int, 8)
	for i := range results {
		wg.Go(func() {
			v, err := d.get(context.Background(), "g", "c1", compute)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		})
	}
	// Let every goroutine reach the cache before the computation ends.
	for {
		d.mu.Lock()
		_, started := d.entries["c1"]
		d.mu.Unlock()
		if started {
			break
		}
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}
	for _, v := range results {
		if v != 42 {
			t.Errorf("got %d", v)
		}
	}
}

func TestDerivedLatestServesStaleThenFresh(t *testing.T) {
	d := newDerived[string](4)
	ctx := context.Background()
	if v, stale, err := d.latest(ctx, "today", "c1", time.Millisecond, func(context.Context) (string, error) { return "one", nil }); v != "one" || stale || err != nil {
		t.Fatalf("first: %q %v %v", v, stale, err)
	}
	release := make(chan struct{})
	second := func(context.Context) (string, error) { <-release; return "two", nil }
	if v, stale, _ := d.latest(ctx, "today", "c2", time.Millisecond, second); v != "one" || !stale {
		t.Fatalf("while computing c2: %q stale=%v, want the old value, stale", v, stale)
	}
	close(release)
	if v, err := d.get(ctx, "today", "c2", second); v != "two" || err != nil {
		t.Fatalf("c2: %q %v", v, err)
	}
	if v, stale, _ := d.latest(ctx, "today", "c2", time.Millisecond, second); v != "two" || stale {
		t.Fatalf("after: %q stale=%v", v, stale)
	}
}

func TestDerivedErrorIsNotCached(t *testing.T) {
	d := newDerived[int](4)
	boom := errors.New("boom")
	if _, err := d.get(context.Background(), "g", "k", func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if v, err := d.get(context.Background(), "g", "k", func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Fatalf("retry: %d %v", v, err)
	}
}

func TestDerivedEvicts(t *testing.T) {
	d := newDerived[int](2)
	for i, k := range []string{"a", "b", "c", "d"} {
		if _, err := d.get(context.Background(), "g", k, func(context.Context) (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(d.entries) > 2 {
		t.Errorf("%d entries kept, want at most 2", len(d.entries))
	}
	if _, ok := d.entries["d"]; !ok {
		t.Errorf("newest entry evicted")
	}
}

func TestDerivedPanicIsAnError(t *testing.T) {
	d := newDerived[int](4)
	if _, err := d.get(context.Background(), "g", "k", func(context.Context) (int, error) { panic("boom") }); err == nil {
		t.Fatal("a panicking computation returned no error")
	}
	if v, err := d.get(context.Background(), "g", "k", func(context.Context) (int, error) { return 1, nil }); v != 1 || err != nil {
		t.Fatalf("after a panic: %d %v", v, err)
	}
}
