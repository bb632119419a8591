package site

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// busy counts the requests in flight, so that the background walks through
// history (the per-path history index, the leads' first-seen walk) step
// aside for them: their Pause waits while requests run.
type busy struct {
	inFlight atomic.Int64
	lastEnd  atomic.Int64 // UnixNano when a request last ended
	grant    atomic.Int64 // UnixNano until which walks may run regardless
}

const (
	// busyQuiet is how long after the last request a walk waits: requests
	// come in bursts (a page and its assets, a person typing a search).
	busyQuiet = 20 * time.Millisecond
	// busyMaxWait and busySlice make a walk progress under load that never
	// stops: after waiting busyMaxWait it runs for busySlice, about 2 % of
	// the time.
	busyMaxWait = time.Second
	busySlice   = 20 * time.Millisecond
	busyPoll    = 10 * time.Millisecond
)

// track counts a request while it runs.
func (b *busy) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.inFlight.Add(1)
		defer func() {
			b.lastEnd.Store(time.Now().UnixNano())
			b.inFlight.Add(-1)
		}()
		next.ServeHTTP(w, r)
	})
}

// idle says no request runs and none ended within busyQuiet of now.
func (b *busy) idle(now time.Time) bool { return b.quietFor(now, busyQuiet) }

// quietFor says no request runs and none ended within d of now.
func (b *busy) quietFor(now time.Time, d time.Duration) bool {
	return b.inFlight.Load() == 0 && now.UnixNano()-b.lastEnd.Load() >= int64(d)
}

// pause is a gitstore.Pause: it returns at once when the site is idle,
// else when it becomes idle or busyMaxWait has passed (then the walk gets
// busySlice of its own), or with ctx's error.
func (b *busy) pause(ctx context.Context) error {
	now := time.Now()
	if b.idle(now) || now.UnixNano() < b.grant.Load() {
		return ctx.Err()
	}
	deadline := now.Add(busyMaxWait)
	t := time.NewTicker(busyPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now = <-t.C:
		}
		if b.idle(now) {
			return nil
		}
		if now.After(deadline) {
			b.grant.Store(now.Add(busySlice).UnixNano())
			return nil
		}
	}
}
