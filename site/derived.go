package site

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// derived caches what is computed from a whole snapshot (the leads, the
// health scores), keyed by commit and day: a page never recomputes what
// the last page computed, and a moved head is recomputed once however
// many requests arrive meanwhile. Pages may take the last result while the
// new one is computed in the background (latest), so a commit never makes
// a page wait longer than a moment.
type derived[T any] struct {
	mu      sync.Mutex
	max     int
	entries map[string]*derivedEntry[T]
	order   []string          // keys, oldest first
	newest  map[string]string // group (the day) → key of its newest finished entry
}

type derivedEntry[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// pageGrace is how long a page waits for a commit's leads or health
// before it shows the previous commit's: on a small archive the new ones
// are ready within it (one commit more for the walk through history).
const pageGrace = 300 * time.Millisecond

func newDerived[T any](max int) *derived[T] {
	return &derived[T]{max: max, entries: map[string]*derivedEntry[T]{}, newest: map[string]string{}}
}

// start returns the entry of key, starting its computation in the
// background when there is none. The computation belongs to the cache, not
// to the request that happened to start it: a closed browser tab must not
// waste it.
func (d *derived[T]) start(ctx context.Context, group, key string, compute func(context.Context) (T, error)) *derivedEntry[T] {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.entries[key]; ok {
		return e
	}
	e := &derivedEntry[T]{done: make(chan struct{})}
	d.entries[key] = e
	d.order = append(d.order, key)
	d.evict()
	go func() {
		e.val, e.err = safely(context.WithoutCancel(ctx), compute)
		d.mu.Lock()
		if e.err != nil {
			d.drop(key) // try again next time
		} else {
			d.newest[group] = key
		}
		d.mu.Unlock()
		close(e.done)
	}()
	return e
}

// get returns the value for key, computing it once (callers that arrive
// meanwhile wait for the same computation). group names the keys that
// replace one another as the head moves: latest falls back on the newest
// finished key of the group.
func (d *derived[T]) get(ctx context.Context, group, key string, compute func(context.Context) (T, error)) (T, error) {
	e := d.start(ctx, group, key, compute)
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// latest returns the value for key, waiting for it at most grace when it
// is being computed; after that it returns the newest finished value of
// the group instead, with stale set, and the computation goes on. Only
// when the group has no value yet does it wait to the end.
func (d *derived[T]) latest(ctx context.Context, group, key string, grace time.Duration, compute func(context.Context) (T, error)) (val T, stale bool, err error) {
	e := d.start(ctx, group, key, compute)
	d.mu.Lock()
	old, ok := d.entries[d.newest[group]]
	d.mu.Unlock()
	if !ok || old == e {
		v, err := d.get(ctx, group, key, compute)
		return v, false, err
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-e.done:
		if e.err == nil {
			return e.val, false, nil
		}
	case <-t.C:
	case <-ctx.Done():
	}
	return old.val, true, nil
}

// evict keeps at most max entries, dropping the oldest finished ones.
func (d *derived[T]) evict() {
	for i := 0; len(d.entries) > d.max && i < len(d.order); {
		k := d.order[i]
		e := d.entries[k]
		select {
		case <-e.done:
			if !d.isNewest(k) {
				d.drop(k)
				continue
			}
		default:
		}
		i++
	}
}

func (d *derived[T]) isNewest(key string) bool {
	for _, k := range d.newest {
		if k == key {
			return true
		}
	}
	return false
}

func (d *derived[T]) drop(key string) {
	delete(d.entries, key)
	for i, k := range d.order {
		if k == key {
			d.order = append(d.order[:i], d.order[i+1:]...)
			break
		}
	}
	for g, k := range d.newest {
		if k == key {
			delete(d.newest, g)
		}
	}
}

// safely runs compute, turning a panic into an error: a waiter must never
// wait for a computation that died.
func safely[T any](ctx context.Context, compute func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("derive: panic: %v", p)
		}
	}()
	return compute(ctx)
}
