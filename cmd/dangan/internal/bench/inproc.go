package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/diagram"
)

// freshness commits n one-file changes, each with a new unique word, and
// times how long until the index finds the word: the commit itself, and
// the work after it (changes since the indexed commit, snapshot update,
// index sync, until a search finds it), as the site's follower does.
func freshness(ctx context.Context, repo *gitstore.Repo, ix *index.Index, snap *archive.Snapshot, customers []string, n int) (commit, after []float64, err error) {
	for i := range n {
		id := customers[(i*7919)%len(customers)]
		word := fmt.Sprintf("freshq%dz%d", time.Now().UnixNano()%1e9, i)
		t0 := time.Now()
		if err := appendNote(ctx, repo, "customers/"+id+"/customer.md", word); err != nil {
			return nil, nil, fmt.Errorf("commit %d: %w", i, err)
		}
		t1 := time.Now()
		head, err := repo.Head()
		if err != nil {
			return nil, nil, err
		}
		changed, removed, err := repo.Changes(snap.Commit, head)
		if err != nil {
			return nil, nil, err
		}
		old := snap.Commit
		snap = snap.With(head, changed, removed)
		paths := make([]string, len(changed))
		for i, f := range changed {
			paths[i] = f.Path
		}
		err = ix.Sync(ctx, snap, func(from, to string) ([]string, []string, error) {
			if from == old && to == head {
				return paths, removed, nil
			}
			c, r, err := repo.Changes(from, to)
			ps := make([]string, len(c))
			for i, f := range c {
				ps[i] = f.Path
			}
			return ps, r, err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("sync the index: %w", err)
		}
		for {
			res, err := ix.Search(ctx, index.Request{Query: word, Size: 1, Filter: index.Filter{AllRestricted: true}})
			if err != nil {
				return nil, nil, err
			}
			if res.Total > 0 {
				break
			}
			if time.Since(t1) > 30*time.Second {
				return nil, nil, fmt.Errorf("word %s not searchable 30 s after its commit", word)
			}
		}
		commit = append(commit, ms(t1.Sub(t0)))
		after = append(after, ms(time.Since(t1)))
	}
	return commit, after, nil
}

// pageServerSide times the customer page in the site's handler itself, no
// network: every page is first rendered once (its diagram is then cached),
// then each is asked rounds times.
func pageServerSide(ctx context.Context, repo *gitstore.Repo, ix *index.Index, customers []string, rounds int) ([]float64, error) {
	s := &site.Server{Store: repo, Index: ix, Diagrams: diagram.New(diagram.Config{}),
		DefaultViewer: access.Viewer{Name: "liqiang", Role: access.Technician}, Logger: slog.New(slog.DiscardHandler)}
	if err := s.Open(ctx); err != nil {
		return nil, err
	}
	defer s.Close()
	h := s.Handler()
	get := func(id string) (time.Duration, error) {
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/customers/"+id, nil)
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(t0)
		if w.Code != http.StatusOK {
			return d, fmt.Errorf("GET /customers/%s: %d", id, w.Code)
		}
		return d, nil
	}
	for _, id := range customers {
		if _, err := get(id); err != nil {
			return nil, err
		}
	}
	var lat []float64
	for range rounds {
		for _, id := range customers {
			d, err := get(id)
			if err != nil {
				return nil, err
			}
			lat = append(lat, ms(d))
		}
	}
	return lat, nil
}

// historyTimes times a record's history (50 newest commits that changed
// it) on a freshly opened repository: the first call, without and with
// the per-path cache on disk, and a later call.
//
// As in dangan serve, the index is built in the background: the first call
// without a cache is answered within a bound, partly (gitstore.ErrIndexing)
// when the build has not reached the path yet. The cache is filled as
// dangan index does, with the whole build.
func historyTimes(dir, cacheDir, path string) (first, cachedFirst, later time.Duration, err error) {
	call := func(cache string) (time.Duration, time.Duration, error) {
		repo, err := gitstore.Open(dir)
		if err != nil {
			return 0, 0, err
		}
		defer repo.Close()
		repo.CacheDir = cache
		repo.IndexHistoryInBackground(context.Background(), nil)
		t0 := time.Now()
		h, err := repo.History(path, 50)
		partial := errors.Is(err, gitstore.ErrIndexing)
		if err != nil && !partial {
			return 0, 0, fmt.Errorf("history of %s: %w", path, err)
		}
		if len(h) == 0 && !partial {
			return 0, 0, fmt.Errorf("history of %s is empty", path)
		}
		d1 := time.Since(t0)
		t1 := time.Now()
		if _, err := repo.History(path, 50); err != nil && !errors.Is(err, gitstore.ErrIndexing) {
			return 0, 0, err
		}
		return d1, time.Since(t1), nil
	}
	if first, _, err = call(""); err != nil {
		return
	}
	if err = fillHistory(dir, cacheDir); err != nil {
		return
	}
	cachedFirst, later, err = call(cacheDir)
	return
}

// fillHistory builds the history index into cacheDir, as dangan index does.
func fillHistory(dir, cacheDir string) error {
	repo, err := gitstore.Open(dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	repo.CacheDir = cacheDir
	return repo.IndexHistory(context.Background(), nil, nil)
}

func indexDir(data string) string { return filepath.Join(data, "index") }
