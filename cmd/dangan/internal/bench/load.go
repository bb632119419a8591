package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// pass is the outcome of running a set of jobs at some concurrency.
type pass struct {
	lat      []float64 // milliseconds, one per finished job
	errors   int
	firstErr error
	done     int // jobs finished (with or without error)
	total    int // jobs given
	elapsed  time.Duration
}

// concurrently runs job(i) for i in [0, n) on `clients` workers, each
// taking the next index, until all are done or the time limit passes (the
// jobs left are then not run: done says how many were).
func concurrently(ctx context.Context, n, clients int, limit time.Duration, job func(ctx context.Context, i int) error) pass {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	p := pass{total: n}
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				err := job(ctx, i)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					return // cut off by the time limit, not a failure
				}
				mu.Lock()
				p.done++
				if err != nil {
					p.errors++
					if p.firstErr == nil {
						p.firstErr = err
					}
				} else {
					p.lat = append(p.lat, ms(d))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	p.elapsed = time.Since(start)
	return p
}

// loadKind is one kind of request of the load test, with its results.
type loadKind struct {
	Kind     string  `json:"kind"`
	Clients  int     `json:"clients"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	FirstErr string  `json:"first_error,omitempty"`
	Median   float64 `json:"median_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	PerSec   float64 `json:"per_second"`
}

// LoadResult is the mixed load test of one running server.
type LoadResult struct {
	Customers int        `json:"customers"`
	Seconds   float64    `json:"seconds"`
	Kinds     []loadKind `json:"kinds"`
	// SavesVisible counts saves found by a search of their unique word
	// after the load (the server follows the repository's commits).
	SavesVisible int     `json:"saves_visible"`
	SavesChecked int     `json:"saves_checked"`
	SaveMethod   string  `json:"save_method"`
	RSSAfterMB   float64 `json:"rss_after_mb"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
}

// loadTest runs searches, customer pages and saves together against a
// running server for d: searchers and page readers as fast as they are
// answered, one saver committing a changed record about twice a second.
func loadTest(ctx context.Context, srv *child, tok tokens, arch *archiveInfo, qs []Query, customers []string, d time.Duration) (*LoadResult, error) {
	repo, err := gitstore.Open(arch.Dir)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	c := newClient(srv.base, tok.reader, 16)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	type acc struct {
		mu       sync.Mutex
		lat      []float64
		errs     int
		firstErr error
	}
	record := func(a *acc, t0 time.Time, err error) {
		if err != nil && ctx.Err() != nil {
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if err != nil {
			a.errs++
			if a.firstErr == nil {
				a.firstErr = err
			}
			return
		}
		a.lat = append(a.lat, ms(time.Since(t0)))
	}
	var search, page, save acc
	var wg sync.WaitGroup
	const searchers, readers = 4, 3
	for w := range searchers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for ctx.Err() == nil {
				q := qs[rng.IntN(len(qs))]
				t0 := time.Now()
				_, err := c.get(ctx, searchPath(q.Text))
				record(&search, t0, err)
			}
		})
	}
	for w := range readers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 2))
			for ctx.Err() == nil {
				id := customers[rng.IntN(len(customers))]
				t0 := time.Now()
				_, err := c.get(ctx, "/customers/"+id)
				record(&page, t0, err)
			}
		})
	}
	admin := newClient(srv.base, tok.admin, 2)
	viaAPI := admin.canSave(ctx, "customers/"+customers[0]+"/customer.md")
	save1 := func(path, word string) error {
		if viaAPI {
			return admin.saveNote(ctx, path, word)
		}
		return appendNote(ctx, repo, path, word)
	}
	var words []string
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(7, 3))
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ctx.Err() == nil; i++ {
			id := customers[rng.IntN(len(customers))]
			word := fmt.Sprintf("loadsave%dx%d", time.Now().UnixNano()%1e9, i)
			t0 := time.Now()
			err := save1("customers/"+id+"/customer.md", word)
			record(&save, t0, err)
			if err == nil {
				words = append(words, word)
			}
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	})
	start := time.Now()
	wg.Wait()
	el := time.Since(start)
	res := &LoadResult{Customers: arch.Customers, Seconds: el.Seconds(), SaveMethod: "git commit into the served repository (gitstore), picked up by the server's follower"}
	if viaAPI {
		res.SaveMethod = "GET then PUT /api/records/{path} with an admin's bearer token"
	}
	for _, k := range []struct {
		name    string
		clients int
		a       *acc
	}{{"search", searchers, &search}, {"customer page", readers, &page}, {"save", 1, &save}} {
		lk := loadKind{Kind: k.name, Clients: k.clients, Requests: len(k.a.lat) + k.a.errs, Errors: k.a.errs,
			Median: median(k.a.lat), P90: quantile(k.a.lat, 0.9), P99: quantile(k.a.lat, 0.99), Max: quantile(k.a.lat, 1),
			PerSec: float64(len(k.a.lat)) / el.Seconds()}
		if k.a.firstErr != nil {
			lk.FirstErr = k.a.firstErr.Error()
		}
		res.Kinds = append(res.Kinds, lk)
	}
	// The saves must become searchable: check the last few.
	vctx, vcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer vcancel()
	for _, w := range words[max(0, len(words)-5):] {
		res.SavesChecked++
		for vctx.Err() == nil {
			body, err := c.get(vctx, apiSearchPath(w))
			if err == nil && hasHits(body) {
				res.SavesVisible++
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	res.RSSAfterMB, res.PeakRSSMB = srv.rss()
	return res, nil
}

// appendNote commits a changed customer profile: the file with a line
// carrying a unique word added at the end of its text.
func appendNote(ctx context.Context, repo *gitstore.Repo, path, word string) error {
	head, err := repo.Head()
	if err != nil {
		return err
	}
	f, err := repo.ReadFile(head, path)
	if err != nil {
		return err
	}
	data := append(append([]byte{}, f.Data...), []byte("\n备注 "+word+"\n")...)
	_, err = repo.Commit(ctx, gitstore.Change{
		Parent:  head,
		Author:  gitstore.Signature{Name: "bench", Email: "bench@example.cn", When: time.Now()},
		Message: "bench: note " + word,
		Files:   []gitstore.FileChange{{Path: path, Data: data}},
	})
	return err
}

// hasHits tells whether a JSON search answer has a hit.
func hasHits(body []byte) bool {
	var r struct {
		Total int `json:"total"`
	}
	return json.Unmarshal(body, &r) == nil && r.Total > 0
}

// grepPass runs `git grep` (or rg) for every query at the given
// concurrency over the archive's work tree.
func grepPass(ctx context.Context, tool, dir string, qs []Query, clients int, limit time.Duration) pass {
	return concurrently(ctx, len(qs), clients, limit, func(ctx context.Context, i int) error {
		return grepFiles(ctx, tool, dir, qs[i].Terms)
	})
}

// grepFiles lists the files containing all the terms, as a person would
// ask git grep or ripgrep: fixed strings, file names only. ripgrep has no
// --all-match: each further term filters the files the previous found.
func grepFiles(ctx context.Context, tool, dir string, terms []string) error {
	if len(terms) == 0 {
		return nil
	}
	if tool == "git" {
		args := []string{"grep", "-l", "-F", "--all-match"}
		for _, t := range terms {
			args = append(args, "-e", t)
		}
		_, err := runGrep(ctx, dir, "git", args...)
		return err
	}
	files := []string{"."}
	for _, t := range terms {
		out, err := runGrep(ctx, dir, "rg", append([]string{"-l", "-F", "--no-messages", "-e", t, "--"}, files...)...)
		if err != nil || out == "" {
			return err
		}
		files = strings.Split(strings.TrimSpace(out), "\n")
	}
	return nil
}

// runGrep runs a grep; exit status 1 (nothing found) is an answer.
func runGrep(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_PAGER=cat")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(out), nil
}
