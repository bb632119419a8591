// Package bench is the performance suite of `dangan bench`: it generates
// demo archives of given sizes, measures the index build, the floors of
// what a build physically needs, freshness after a commit, the start of
// the server, search over HTTP side by side with git grep, customer pages,
// history and memory, runs a mixed load test, and writes a report in
// markdown and JSON with each figure's target and whether it is met.
//
// The server and the index build are measured as child processes (the
// dangan binary itself), so that peak memory and start-up are those a
// person would see.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
)

// Config says what to measure and how.
type Config struct {
	Sizes   []int  // archive sizes in customers
	Reps    int    // repetitions of each figure
	Out     string // folder of the archives, data folders, profiles and reports
	Seed    int64  // demo archive seed
	Clients int    // concurrent HTTP clients (and greps)
	// Load is how long the mixed load test runs.
	Load time.Duration
	// Commits is how many one-file commits the freshness figure times.
	Commits int
	// GrepLimit bounds each pass of git grep over the query set (at large
	// sizes git grep takes seconds a query); the queries are in random
	// order, so a pass cut short is a fair sample of them.
	GrepLimit time.Duration
	// Queries is a file of queries (one a line); empty means the index
	// package's set (index.BenchQueries), "generated" a set made from each
	// archive's own words (makeQueries).
	Queries string
	// MinQueries is the size of a generated query set.
	MinQueries int
	// Skip names parts not to measure: floors, build (the index in the
	// data folder is then reused), freshness, page, history, noindex (the
	// cold start without an index), grep.
	Skip map[string]bool
	// Dangan returns a command running dangan itself with args.
	Dangan func(ctx context.Context, args ...string) *exec.Cmd
	// Version names the dangan measured (its commit).
	Version string
	Log     io.Writer
}

// Quick is a configuration small enough for a test: one small archive,
// one repetition, short passes.
func Quick(c Config) Config {
	c.Sizes, c.Reps, c.Load, c.Commits, c.MinQueries, c.GrepLimit = []int{200}, 1, 3*time.Second, 3, 100, 20*time.Second
	return c
}

// Defaults fills what c leaves unset with the full run's values.
func Defaults(c Config) Config {
	if len(c.Sizes) == 0 {
		c.Sizes = []int{1000, 10000}
	}
	if c.Reps <= 0 {
		c.Reps = 5
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Clients <= 0 {
		c.Clients = 8
	}
	if c.Load <= 0 {
		c.Load = 20 * time.Second
	}
	if c.Commits <= 0 {
		c.Commits = 20
	}
	if c.GrepLimit <= 0 {
		c.GrepLimit = 90 * time.Second
	}
	if c.MinQueries <= 0 {
		c.MinQueries = 500
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}

// Report is everything one run measured.
type Report struct {
	Started  time.Time     `json:"started"`
	Seconds  float64       `json:"seconds"`
	Command  string        `json:"command"`
	Machine  Machine       `json:"machine"`
	Versions Versions      `json:"versions"`
	Reps     int           `json:"reps"`
	Clients  int           `json:"clients"`
	Archives []ArchiveStat `json:"archives"`
	Figures  []Figure      `json:"figures"`
	Load     []LoadResult  `json:"load"`
	// Profiles are `go tool pprof -top` excerpts of the server's CPU
	// during the search passes and the load test, per size.
	Profiles []Profile `json:"profiles,omitempty"`
	Notes    []string  `json:"notes,omitempty"`
}

// ArchiveStat describes one generated archive.
type ArchiveStat struct {
	Customers     int     `json:"customers"`
	Commits       int     `json:"commits"`
	Files         int     `json:"files"`
	MarkdownFiles int     `json:"markdown_files"`
	MarkdownMB    float64 `json:"markdown_mb"`
	Queries       int     `json:"queries"`
	QueryKinds    string  `json:"query_kinds"`
	GenerateSecs  float64 `json:"generate_seconds,omitempty"`
}

// Profile is a CPU profile's top functions.
type Profile struct {
	Customers int    `json:"customers"`
	Kind      string `json:"kind"` // "CPU" or "heap (in use)"
	Of        string `json:"of"`
	File      string `json:"file"`
	Top       string `json:"top"`
	Cum       string `json:"cum"` // -top -cum: where the time goes, callers included
}

type suite struct {
	cfg     Config
	rep     *Report
	lastCPU time.Duration // CPU time of the last build
}

func (s *suite) logf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// Run measures everything and writes report.md and report.json into
// c.Out.
func Run(ctx context.Context, c Config, command string) (*Report, error) {
	c = Defaults(c)
	if c.Dangan == nil {
		return nil, errors.New("bench: no way to run dangan")
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return nil, err
	}
	s := &suite{cfg: c, rep: &Report{Started: time.Now().UTC(), Command: command, Machine: machine(), Versions: versions(ctx, c.Version), Reps: c.Reps, Clients: c.Clients}}
	s.logf("machine: %s, %d cores, load %s", s.rep.Machine.CPU, s.rep.Machine.Cores, s.rep.Machine.LoadBefore)
	var runErr error
	for i, n := range c.Sizes {
		if i > 0 {
			// A long run stopped later still leaves the sizes it finished.
			s.rep.Seconds = time.Since(s.rep.Started).Seconds()
			if err := s.write(); err != nil {
				return s.rep, err
			}
		}
		if err := s.size(ctx, n); err != nil {
			runErr = fmt.Errorf("%d customers: %w", n, err)
			s.rep.Notes = append(s.rep.Notes, "The run stopped early: "+runErr.Error())
			break
		}
	}
	s.rep.Machine.LoadAfter = loadavg()
	s.rep.Seconds = time.Since(s.rep.Started).Seconds()
	if err := s.write(); err != nil {
		return s.rep, err
	}
	return s.rep, runErr
}

// add records figures of one size.
func (s *suite) add(n int, group string, fs ...Figure) {
	for _, f := range fs {
		f.Customers, f.Group = n, group
		s.rep.Figures = append(s.rep.Figures, f)
		st := f.Status
		if st != "" {
			st = " [" + st + " " + f.Target.String(f.Unit) + "]"
		}
		s.logf("%6d  %-52s %s %s (%s)%s", n, f.Name, num(f.Median), f.Unit, f.Spread, st)
	}
}

func (s *suite) size(ctx context.Context, n int) error {
	c := s.cfg
	arch, err := prepareArchive(ctx, c.Out, n, c.Seed, s.logf)
	if err != nil {
		return err
	}
	texts, mdBytes, files, err := markdown(ctx, arch.Dir)
	if err != nil {
		return err
	}
	arch.Files, arch.MarkdownFiles, arch.MarkdownBytes = files, len(texts), mdBytes
	mdMB := float64(mdBytes) / 1e6

	repo, err := gitstore.Open(arch.Dir)
	if err != nil {
		return err
	}
	snap, err := repo.Snapshot(arch.Head)
	repo.Close()
	if err != nil {
		return err
	}
	customers := snap.CustomerIDs()
	// Pages are read by a technician: restricted customers are not theirs
	// (the site answers 404), so readers ask for the others.
	var visible []string
	for _, id := range customers {
		if p := snap.Customer(id).Profile(); p != nil && !p.Restricted {
			visible = append(visible, id)
		}
	}
	var qs []Query
	switch c.Queries {
	case "":
		qs, err = benchQueries()
	case "generated":
		qs = makeQueries(texts, customers, c.MinQueries, c.Seed)
	default:
		qs, err = readQueries(c.Queries)
	}
	if err != nil {
		return fmt.Errorf("read the query set: %w", err)
	}
	kinds := map[string]int{}
	for _, q := range qs {
		kinds[q.Kind]++
	}
	var kl []string
	for _, k := range sortedKeys(kinds) {
		kl = append(kl, fmt.Sprintf("%s %d", k, kinds[k]))
	}
	if b, err := json.MarshalIndent(qs, "", " "); err == nil {
		os.WriteFile(filepath.Join(c.Out, fmt.Sprintf("queries-%d.json", n)), b, 0o644)
	}
	s.rep.Archives = append(s.rep.Archives, ArchiveStat{Customers: n, Commits: arch.Commits, Files: files, MarkdownFiles: len(texts),
		MarkdownMB: mdMB, Queries: len(qs), QueryKinds: strings.Join(kl, ", "), GenerateSecs: arch.Seconds})
	s.logf("%d customers: %d commits, %d files, %.1f MB of markdown, %d queries (%s)", n, arch.Commits, files, mdMB, len(qs), strings.Join(kl, ", "))

	// Floors: what any build from git must at least do.
	var catT, segT []float64
	reps := c.Reps
	if c.Skip["floors"] {
		reps = 0
	}
	tok, err := zhTokenizer()
	if err != nil {
		return err
	}
	for range reps {
		d, _, err := catFileFloor(ctx, arch.Dir)
		if err != nil {
			return err
		}
		catT = append(catT, d.Seconds())
		d, _ = segmentFloor(tok, texts)
		segT = append(segT, d.Seconds())
	}
	texts = nil
	if !c.Skip["floors"] {
		s.add(n, "floors", runs("floor: git cat-file --batch, every blob of HEAD", "s", catT, nil),
			runs(fmt.Sprintf("floor: Chinese segmenter alone, all markdown, %d cores", runtime.GOMAXPROCS(0)), "s", segT, nil))
	}

	// Full build, a child process per repetition.
	data := filepath.Join(c.Out, fmt.Sprintf("data-%d", n))
	if !c.Skip["build"] {
		os.RemoveAll(data)
	}
	tok2, err := setupUsers(data)
	if err != nil {
		return err
	}
	if c.Skip["build"] {
		if err := s.inProcess(ctx, n, arch, data, customers, visible); err != nil {
			return err
		}
		return s.served(ctx, n, arch, data, tok2, qs, visible)
	}
	var buildT, buildRSS, buildCPU []float64
	for r := range c.Reps {
		d, rss, err := s.build(ctx, arch.Dir, data, "")
		if err != nil {
			return err
		}
		s.logf("  build %d: %.1f s, %.0f MB, %.1f s of CPU", r+1, d.Seconds(), rss, s.lastCPU.Seconds())
		buildT, buildRSS, buildCPU = append(buildT, d.Seconds()), append(buildRSS, rss), append(buildCPU, s.lastCPU.Seconds())
	}
	ixBytes, err := dirSize(indexDir(data))
	if err != nil {
		return err
	}
	mbps := make([]float64, len(buildT))
	for i, t := range buildT {
		mbps[i] = mdMB / t
	}
	bt := runs("full index build from git (dangan index --rebuild)", "s", buildT, below(30))
	bt.Note = fmt.Sprintf("%.1f× the cat-file floor, %.1f× the segmenter floor, %.1f× both", bt.Median/median(catT), bt.Median/median(segT), bt.Median/(median(catT)+median(segT)))
	rate := runs("build throughput, markdown", "MB/s", mbps, atLeast(5))
	s.add(n, "build", bt,
		rate,
		runs("build CPU time (user+system of the child; ÷ cores = the build on an idle machine, at best)", "s", buildCPU, nil),
		runs("build peak memory (max RSS of the child)", "MB", buildRSS, below(1536)),
		runs("index size ÷ markdown size", "×", []float64{float64(ixBytes) / float64(mdBytes)}, below(2.5)))
	// A missed build target (time or rate) comes with the profile that
	// shows why.
	if bt.Status == "MISSED" || rate.Status == "MISSED" {
		prof := filepath.Join(c.Out, fmt.Sprintf("build-%d.cpu.prof", n))
		if _, _, err := s.build(ctx, arch.Dir, data, prof); err == nil {
			s.profile(n, "index build (one extra, profiled run)", prof)
		}
	}

	// The walks through history that `dangan index` makes after the
	// search index (the leads' first-seen dates, the per-path history
	// index), as a deployment runs it before serving: timed on their own,
	// so that the build figure stays the search index's, and the server
	// figures below are a server's in service, not one still walking.
	t0 := time.Now()
	cmd := s.cfg.Dangan(ctx, "--archive", arch.Dir, "--data", data, "index")
	var werr strings.Builder
	cmd.Stderr = &werr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("dangan index (history walks): %v: %s", err, lastLines(werr.String(), 5))
	}
	wt := runs("history walks of dangan index (leads' first seen, per-path history index)", "s", []float64{time.Since(t0).Seconds()}, nil)
	wt.Note = "once per archive (then kept in DATA/cache and extended commit by commit); a server without them builds them in the background"
	s.add(n, "build", wt,
		runs("history walks: CPU time (dangan and its git processes)", "s", []float64{(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()}, nil),
		runs("history walks: peak memory (max RSS of dangan)", "MB", []float64{maxRSS(cmd.ProcessState)}, nil))

	// In-process: freshness, the customer page in the handler, history.
	if err := s.inProcess(ctx, n, arch, data, customers, visible); err != nil {
		return err
	}

	// The server as a child: cold start, search, pages, load, memory.
	return s.served(ctx, n, arch, data, tok2, qs, visible)
}

// build runs `dangan index --rebuild` and returns its time and peak RSS.
func (s *suite) build(ctx context.Context, archiveDir, data, profile string) (time.Duration, float64, error) {
	args := []string{"--archive", archiveDir, "--data", data}
	if profile != "" {
		args = append(args, "--cpuprofile", profile)
	}
	cmd := s.cfg.Dangan(ctx, append(args, "index", "--rebuild", "--history=false")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err != nil {
		return 0, 0, fmt.Errorf("dangan index --rebuild: %v: %s", err, lastLines(stderr.String(), 5))
	}
	s.lastCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return d, maxRSS(cmd.ProcessState), nil
}

func (s *suite) inProcess(ctx context.Context, n int, arch *archiveInfo, data string, customers, visible []string) error {
	c := s.cfg
	repo, err := gitstore.Open(arch.Dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	ix, err := index.Open(indexDir(data))
	if err != nil {
		return fmt.Errorf("open the index: %w", err)
	}
	defer ix.Close()
	head, _ := repo.Head()
	snap, err := repo.Snapshot(head)
	if err != nil {
		return err
	}
	if c.Skip["freshness"] {
		return s.pageAndHistory(ctx, n, arch, repo, ix, visible)
	}
	commitT, afterT, err := freshness(ctx, repo, ix, snap, customers, c.Commits)
	if err != nil {
		return fmt.Errorf("freshness: %w", err)
	}
	total := make([]float64, len(commitT))
	for i := range commitT {
		total[i] = commitT[i] + afterT[i]
	}
	s.add(n, "freshness",
		samples("one-file commit → searchable (after the commit: changes, snapshot, index, search)", "ms", "commits", afterT, below(50)),
		samples("one durable one-file commit (gitstore)", "ms", "commits", commitT, nil),
		samples("commit + searchable, end to end", "ms", "commits", total, nil))
	return s.pageAndHistory(ctx, n, arch, repo, ix, visible)
}

func (s *suite) pageAndHistory(ctx context.Context, n int, arch *archiveInfo, repo *gitstore.Repo, ix *index.Index, visible []string) error {
	c := s.cfg
	if c.Skip["page"] {
		return s.history(n, arch, visible)
	}
	sample := visible[:min(len(visible), 200)]
	var p50, p99 []float64
	for range c.Reps {
		lat, err := pageServerSide(ctx, repo, ix, sample, 3)
		if err != nil {
			return fmt.Errorf("customer page: %w", err)
		}
		p50, p99 = append(p50, median(lat)), append(p99, quantile(lat, 0.99))
	}
	s.add(n, "page",
		runs(fmt.Sprintf("customer page, server-side, median (%d customers × 3)", len(sample)), "ms", p50, nil),
		runs("customer page, server-side, p99 (diagram cached)", "ms", p99, below(5)))
	return s.history(n, arch, visible)
}

func (s *suite) history(n int, arch *archiveInfo, customers []string) error {
	c := s.cfg
	if c.Skip["history"] {
		return nil
	}
	path := "customers/" + customers[0] + "/devices.md"
	var first, cached, later []float64
	for r := range c.Reps {
		cache := filepath.Join(c.Out, fmt.Sprintf("history-cache-%d-%d", n, r))
		os.RemoveAll(cache)
		f, cf, l, err := historyTimes(arch.Dir, cache, path)
		os.RemoveAll(cache)
		if err != nil {
			return err
		}
		first, cached, later = append(first, ms(f)), append(cached, ms(cf)), append(later, ms(l))
	}
	note := fmt.Sprintf("%s, a repository of %d commits", path, arch.Commits)
	h1 := runs("record history, first call after start (no cache on disk)", "ms", first, below(100))
	h1.Note = note
	h2 := runs("record history, first call with the cache on disk", "ms", cached, below(100))
	h2.Note = note
	s.add(n, "history", h1, h2, runs("record history, later calls", "ms", later, below(100)))
	return nil
}

func (s *suite) served(ctx context.Context, n int, arch *archiveInfo, data string, tok tokens, qs []Query, customers []string) error {
	c := s.cfg
	logPath := func(what string) string { return filepath.Join(c.Out, fmt.Sprintf("serve-%d-%s.log", n, what)) }

	// Cold start with an index at the head.
	var cold []float64
	for range c.Reps {
		d, _, err := s.coldStart(ctx, arch.Dir, data, tok, logPath("cold"))
		if err != nil {
			return err
		}
		cold = append(cold, d.Seconds())
	}
	s.add(n, "start", runs("cold start of dangan serve → first answered search (index present)", "s", cold, below(3)))

	// Cold start without an index: once.
	if !c.Skip["noindex"] {
		if err := s.noIndexStart(ctx, n, arch, logPath("noindex")); err != nil {
			return err
		}
	}
	return s.searchAndLoad(ctx, n, arch, data, tok, qs, customers)
}

func (s *suite) noIndexStart(ctx context.Context, n int, arch *archiveInfo, log string) error {
	c := s.cfg
	bare := filepath.Join(c.Out, fmt.Sprintf("data-%d-noindex", n))
	os.RemoveAll(bare)
	btok, err := setupUsers(bare)
	if err != nil {
		return err
	}
	d, full, err := s.coldStart(ctx, arch.Dir, bare, btok, log)
	os.RemoveAll(bare)
	if err != nil {
		return err
	}
	f := runs("cold start without an index → first answered search", "s", []float64{d.Seconds()}, nil)
	f.Note = fmt.Sprintf("answers at once while the index is built in the background; first search with hits after %.1f s", full.Seconds())
	f2 := runs("cold start without an index → first search with hits", "s", []float64{full.Seconds()}, nil)
	s.add(n, "start", f, f2)
	return nil
}

func (s *suite) searchAndLoad(ctx context.Context, n int, arch *archiveInfo, data string, tok tokens, qs []Query, customers []string) error {
	c := s.cfg
	logPath := func(what string) string { return filepath.Join(c.Out, fmt.Sprintf("serve-%d-%s.log", n, what)) }

	// Search over HTTP, profiled.
	prof := filepath.Join(c.Out, fmt.Sprintf("serve-%d-search.cpu.prof", n))
	srv, err := startServe(ctx, s, arch.Dir, data, logPath("search"), "--cpuprofile", prof)
	if err != nil {
		return err
	}
	cl := newClient(srv.base, tok.reader, c.Clients)
	if err := waitSearch(ctx, cl, 5*time.Minute); err != nil {
		srv.stop()
		return err
	}
	// The figures are those of a server in service: a server that has just
	// started after new commits first catches up in the background (the
	// history index, the leads' walk, the snapshot cache, the leads and
	// health, merging the index's segments left by the freshness step's
	// saves), which took about 2 s of CPU at 10,000 customers and fell
	// in the first pass. Cold start is measured on its own.
	if err := waitLog(logPath("search"), "start-up work done", 2*time.Minute); err != nil {
		s.logf("  %v; measuring anyway", err)
	}
	// Warm up: the first pass of a fresh process loads what stays loaded.
	concurrently(ctx, min(len(qs), 50), c.Clients, time.Minute, func(ctx context.Context, i int) error {
		_, err := cl.get(ctx, searchPath(qs[i].Text))
		return err
	})
	var sMed, sP90, sP99, sCPU []float64
	errs := 0
	var firstErr error
	for r := range c.Reps {
		cpu0 := srv.cpu()
		p := concurrently(ctx, len(qs), c.Clients, 10*time.Minute, func(ctx context.Context, i int) error {
			_, err := cl.get(ctx, searchPath(qs[i].Text))
			return err
		})
		s.logf("  search pass %d: %d queries in %.1f s, %d errors", r+1, p.done, p.elapsed.Seconds(), p.errors)
		sMed, sP90, sP99 = append(sMed, median(p.lat)), append(sP90, quantile(p.lat, 0.9)), append(sP99, quantile(p.lat, 0.99))
		if p.done > 0 {
			sCPU = append(sCPU, ms(srv.cpu()-cpu0)/float64(p.done))
		}
		errs += p.errors
		if firstErr == nil {
			firstErr = p.firstErr
		}
	}
	label := fmt.Sprintf("search page over HTTP, %d clients, %d queries", c.Clients, len(qs))
	errFig := runs("search over HTTP: errors", "", []float64{float64(errs)}, below(1))
	if firstErr != nil {
		errFig.Note = "first: " + firstErr.Error()
	}
	s.add(n, "search", runs(label+", median", "ms", sMed, below(10)), runs(label+", p90", "ms", sP90, nil),
		runs(label+", p99", "ms", sP99, below(50)), errFig,
		runs("search: server CPU per search page (user+system)", "ms", sCPU, nil))

	// Customer pages over HTTP (diagrams cached by a first round).
	sample := customers[:min(len(customers), 200)]
	concurrently(ctx, len(sample), c.Clients, 5*time.Minute, func(ctx context.Context, i int) error {
		_, err := cl.get(ctx, "/customers/"+sample[i])
		return err
	})
	var pMed, pP99, pCPU []float64
	perrs := 0
	for range c.Reps {
		cpu0 := srv.cpu()
		p := concurrently(ctx, 3*len(sample), c.Clients, 5*time.Minute, func(ctx context.Context, i int) error {
			_, err := cl.get(ctx, "/customers/"+sample[i%len(sample)])
			return err
		})
		pMed, pP99 = append(pMed, median(p.lat)), append(pP99, quantile(p.lat, 0.99))
		if p.done > 0 {
			pCPU = append(pCPU, ms(srv.cpu()-cpu0)/float64(p.done))
		}
		perrs += p.errors
	}
	s.add(n, "page", runs(fmt.Sprintf("customer page over HTTP, %d clients, median", c.Clients), "ms", pMed, nil),
		runs(fmt.Sprintf("customer page over HTTP, %d clients, p99", c.Clients), "ms", pP99, nil),
		runs("customer page over HTTP: errors", "", []float64{float64(perrs)}, below(1)),
		runs("customer page: server CPU per page (user+system)", "ms", pCPU, nil))
	if err := srv.stop(); err != nil {
		s.logf("stop dangan serve: %v", err)
	}
	s.profile(n, "dangan serve during the search passes", prof)

	// git grep (and ripgrep) over the same archive, same queries, same
	// concurrency.
	tools := []string{"git"}
	if c.Skip["grep"] {
		tools = nil
	} else if s.rep.Versions.Ripgrep != "" {
		tools = append(tools, "rg")
	}
	for _, tool := range tools {
		var gMed, gP99 []float64
		done, gerrs := 0, 0
		var gFirst error
		// Greps take seconds a query at 10,000 customers: two passes of
		// git grep, one of ripgrep, each bounded by GrepLimit.
		for range min(c.Reps, map[string]int{"git": 2, "rg": 1}[tool]) {
			p := grepPass(ctx, tool, arch.Dir, qs, c.Clients, c.GrepLimit)
			s.logf("  %s grep pass: %d of %d queries in %.1f s", tool, p.done, p.total, p.elapsed.Seconds())
			gMed, gP99 = append(gMed, median(p.lat)), append(gP99, quantile(p.lat, 0.99))
			done, gerrs = done+p.done, gerrs+p.errors
			if gFirst == nil {
				gFirst = p.firstErr
			}
		}
		name := map[string]string{"git": "git grep -l -F --all-match", "rg": "rg -l -F (each term filtering the last's files)"}[tool]
		gm := runs(fmt.Sprintf("%s, %d clients, median", name, c.Clients), "ms", gMed, nil)
		gm.Note = fmt.Sprintf("%d queries answered over the passes (each pass bounded to %s, queries in random order)", done, c.GrepLimit)
		if gerrs > 0 {
			gm.Note += fmt.Sprintf("; %d errors, first: %v", gerrs, gFirst)
		}
		ratio := make([]float64, 0, len(gMed))
		for i := range gMed {
			ratio = append(ratio, gMed[i]/median(sMed))
		}
		ratio99 := make([]float64, 0, len(gP99))
		for i := range gP99 {
			ratio99 = append(ratio99, gP99[i]/median(sP99))
		}
		s.add(n, "search", gm, runs(fmt.Sprintf("%s, %d clients, p99", name, c.Clients), "ms", gP99, nil),
			runs(fmt.Sprintf("%s ÷ dangan, at the median", tool), "×", ratio, atLeast(100)),
			runs(fmt.Sprintf("%s ÷ dangan, at p99", tool), "×", ratio99, nil))
	}

	// The mixed load test, then the server's memory.
	lprof := filepath.Join(c.Out, fmt.Sprintf("serve-%d-load.cpu.prof", n))
	hprof := filepath.Join(c.Out, fmt.Sprintf("serve-%d-load.heap.prof", n))
	srv, err = startServe(ctx, s, arch.Dir, data, logPath("load"), "--cpuprofile", lprof, "--memprofile", hprof)
	if err != nil {
		return err
	}
	if err := waitSearch(ctx, newClient(srv.base, tok.reader, 1), 5*time.Minute); err != nil {
		srv.stop()
		return err
	}
	if err := waitLog(logPath("load"), "start-up work done", 2*time.Minute); err != nil {
		s.logf("  %v; measuring anyway", err)
	}
	lr, err := loadTest(ctx, srv, tok, arch, qs, customers, c.Load)
	if err != nil {
		srv.stop()
		return err
	}
	if err := srv.stop(); err != nil {
		s.logf("stop dangan serve: %v", err)
	}
	s.profile(n, "dangan serve during the load test", lprof)
	s.heapProfile(n, "dangan serve at the end of the load test", hprof)
	s.rep.Load = append(s.rep.Load, *lr)
	for _, k := range lr.Kinds {
		s.logf("  load %-14s %6d requests, %d errors, median %.1f ms, p99 %.1f ms", k.Kind, k.Requests, k.Errors, k.Median, k.P99)
	}
	lerrs := 0
	for _, k := range lr.Kinds {
		lerrs += k.Errors
	}
	s.add(n, "load", runs("load test: errors (all kinds)", "", []float64{float64(lerrs)}, below(1)),
		runs(fmt.Sprintf("load test: saves not searchable 30 s after the load (of the last %d)", lr.SavesChecked), "", []float64{float64(lr.SavesChecked - lr.SavesVisible)}, below(1)))
	mem := runs("memory of dangan serve after the load (RSS)", "MB", []float64{lr.RSSAfterMB}, below(1024))
	mem.Note = fmt.Sprintf("peak RSS %.0f MB", lr.PeakRSSMB)
	s.add(n, "memory", mem)
	return nil
}

// coldStart starts the server, asks for a search until it is answered,
// then until it has hits, and stops the server.
func (s *suite) coldStart(ctx context.Context, archiveDir, data string, tok tokens, logPath string) (answered, hits time.Duration, err error) {
	srv, err := startServe(ctx, s, archiveDir, data, logPath)
	if err != nil {
		return 0, 0, err
	}
	defer srv.stop()
	cl := newClient(srv.base, tok.reader, 1)
	var gotAnswer bool
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		body, err := cl.get(ctx, apiSearchPath("交换机"))
		if err == nil {
			if !gotAnswer {
				answered, gotAnswer = time.Since(srv.started), true
			}
			if hasHits(body) {
				return answered, time.Since(srv.started), nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, 0, errors.New("no search answered with hits within 10 minutes of the start")
}

// waitLog waits until the server's log holds a line containing what.
func waitLog(path, what string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), what) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the server did not log %q within %s", what, limit)
}

// waitSearch waits until the server answers a search with hits (its index
// is at the head).
func waitSearch(ctx context.Context, cl *client, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if body, err := cl.get(ctx, apiSearchPath("交换机")); err == nil && hasHits(body) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the server answered no search with hits within %s", limit)
}

// profile keeps the top of a CPU profile for the report.
func (s *suite) profile(n int, of, path string) { s.keepProfile(n, "CPU", of, path) }

// heapProfile keeps the top of a heap profile (memory in use) for the
// report: what the server holds, when its memory misses the target.
func (s *suite) heapProfile(n int, of, path string) {
	s.keepProfile(n, "heap (in use)", of, path, "-sample_index=inuse_space")
}

func (s *suite) keepProfile(n int, kind, of, path string, extra ...string) {
	if _, err := os.Stat(path); err != nil {
		s.rep.Notes = append(s.rep.Notes, fmt.Sprintf("No %s profile of %s at %d customers: %v", kind, of, n, err))
		return
	}
	var tops []string
	for _, order := range [][]string{{"-top"}, {"-top", "-cum"}} {
		args := append(append([]string{"tool", "pprof", "-nodecount=25"}, extra...), order...)
		out, err := exec.Command("go", append(args, path)...).CombinedOutput()
		if err != nil {
			s.rep.Notes = append(s.rep.Notes, fmt.Sprintf("go tool pprof on %s: %v: %s", filepath.Base(path), err, lastLines(string(out), 3)))
			return
		}
		var keep []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if !strings.HasPrefix(l, "File:") && !strings.HasPrefix(l, "Build ID:") && !strings.HasPrefix(l, "Time:") && !strings.HasPrefix(l, "Type:") {
				keep = append(keep, l)
			}
		}
		tops = append(tops, strings.Join(keep, "\n"))
	}
	s.rep.Profiles = append(s.rep.Profiles, Profile{Customers: n, Kind: kind, Of: of, File: filepath.Base(path), Top: tops[0], Cum: tops[1]})
}
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	return total, err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
