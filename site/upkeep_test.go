package site_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/dangan-archive/dangan/site"
)

// countingIndex is the site's index with its compactions counted.
type countingIndex struct {
	site.Index
	mu       sync.Mutex
	compacts int
}

func (c *countingIndex) Compact(context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.compacts++
	return true, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWarmCompactsTheIndex: the start-up work ends with the index
// compacted, and says when it is all done (the bench waits for that line
// before it measures a server in service).
func TestWarmCompactsTheIndex(t *testing.T) {
	ts := newServer(t, options{index: true})
	ci := &countingIndex{Index: ts.Site.Index}
	ts.Site.Index = ci
	var log lockedBuffer
	ts.Site.Logger = slog.New(slog.NewTextHandler(&log, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ts.Site.Warm(ctx)
	if ci.compacts != 1 {
		t.Errorf("Warm compacted the index %d times, want once", ci.compacts)
	}
	out := log.String()
	derived, compacted, done := strings.Index(out, "leads and health derived"), strings.Index(out, "search index compacted"), strings.Index(out, "start-up work done")
	if derived < 0 || compacted < derived || done < compacted {
		t.Errorf("want leads and health derived, then the index compacted, then start-up work done; log:\n%s", out)
	}
}
