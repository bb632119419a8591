package site

import (
	"context"
	"time"
)

// compactor is the part of the search index that merges its segments
// (index's *Index).
type compactor interface {
	Compact(ctx context.Context) (bool, error)
}

const (
	// upkeepEvery and upkeepQuiet: the index is compacted when no request
	// has run for upkeepQuiet, looked at every upkeepEvery. A merge cannot
	// be paused once started (a few seconds of one core at 10,000
	// customers), so it waits for a quiet site.
	upkeepEvery = time.Minute
	upkeepQuiet = 30 * time.Second
)

// waitIndexed waits until the search index has been synced once (a first
// start builds it in the background), at most max: there is nothing to
// compact before, and "start-up work done" would come before the index.
func (s *Server) waitIndexed(ctx context.Context, max time.Duration) {
	if s.Index == nil {
		return
	}
	deadline := time.Now().Add(max)
	for s.live.Indexed() == "" && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// compactIndex merges the search index into one segment when saves have
// left it in several (index.Index.Compact says why that matters).
func (s *Server) compactIndex(ctx context.Context) {
	c, ok := s.Index.(compactor)
	if !ok {
		return
	}
	start := time.Now()
	merged, err := c.Compact(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.Logger.Warn("compact the search index", "err", err)
	case merged:
		s.Logger.Info("search index compacted", "took", time.Since(start).Round(time.Millisecond))
	}
}

// keepIndexCompact compacts the index whenever the site has been quiet for
// upkeepQuiet, until ctx ends.
func (s *Server) keepIndexCompact(ctx context.Context) {
	t := time.NewTicker(upkeepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if s.busy.quietFor(now, upkeepQuiet) {
				s.compactIndex(ctx)
			}
		}
	}
}
