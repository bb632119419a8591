package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/cmd/dangan/internal/bench"
)

// danganSelf runs this very program as a child process: the suite measures
// the index build and the server as a person runs them. Tests replace it.
var danganSelf = func(ctx context.Context, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exec.CommandContext(ctx, exe, args...)
}

func (a *app) benchCommand() *cobra.Command {
	var sizes, out, queries, skip string
	var reps int
	var quick bool
	var load time.Duration
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure dangan on demo archives of 1,000 and 10,000 customers, side by side with git grep",
		Long: `bench generates demo archives (fixed seed, about ten files per customer,
four years of history) once per size, keeps them for later runs, and
measures in one run: the full index build and its floors (git cat-file,
the Chinese segmenter alone), a one-file commit until searchable, the
cold start of dangan serve, search over HTTP at 8 concurrent clients next
to git grep (and ripgrep when installed) for the same queries, customer
pages, a record's history, a mixed load test with saves, and the server's
memory. It writes report.md and report.json into --out, each figure with
its target and whether it is met. A full run takes about half an hour;
--quick is a small run for tests.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := bench.Config{Reps: reps, Out: out, Queries: queries, Load: load, Log: a.stderr, Dangan: danganSelf, Version: danganVersion(cmd.Context())}
			if cfg.Out == "" {
				base := a.dataDir
				if base == "" {
					base = ".dangan"
				}
				cfg.Out = filepath.Join(base, "bench")
			}
			if quick {
				cfg = bench.Quick(cfg)
				if cmd.Flags().Changed("reps") {
					cfg.Reps = reps
				}
			}
			cfg.Skip = map[string]bool{}
			for _, p := range strings.Split(skip, ",") {
				if p = strings.TrimSpace(p); p != "" {
					cfg.Skip[p] = true
				}
			}
			if !quick || cmd.Flags().Changed("sizes") {
				cfg.Sizes = nil
				for f := range strings.SplitSeq(sizes, ",") {
					n, err := strconv.Atoi(strings.TrimSpace(f))
					if err != nil || n <= 0 {
						return fmt.Errorf("--sizes %q: give customer counts separated by commas, such as 1000,10000", sizes)
					}
					cfg.Sizes = append(cfg.Sizes, n)
				}
			}
			args := "dangan bench " + strings.Join(os.Args[min(len(os.Args), 2):], " ")
			rep, err := bench.Run(cmd.Context(), cfg, strings.TrimSpace(args))
			if rep != nil {
				fmt.Fprintf(a.stdout, "report written to %s and %s\n", filepath.Join(cfg.Out, "report.md"), filepath.Join(cfg.Out, "report.json"))
				missed := 0
				for _, f := range rep.Figures {
					if f.Status == "MISSED" {
						missed++
					}
				}
				fmt.Fprintf(a.stdout, "%d figures, %d targets missed\n", len(rep.Figures), missed)
			}
			return err
		},
	}
	c.Flags().StringVar(&sizes, "sizes", "1000,10000", "archive sizes in customers, separated by commas")
	c.Flags().IntVar(&reps, "reps", 5, "repetitions of each figure")
	c.Flags().StringVar(&out, "out", "", "folder for the archives, profiles and the report (default DATA/bench, DATA being --data or ./.dangan)")
	c.Flags().StringVar(&queries, "queries", "", "file of queries, one a line (default: the index package's set of 500+ queries; \"generated\": made from each archive's own words)")
	c.Flags().DurationVar(&load, "load", 20*time.Second, "how long the mixed load test runs")
	c.Flags().StringVar(&skip, "skip", "", "parts not to measure, separated by commas: floors, build (reuse the index), freshness, page, history, noindex, grep")
	c.Flags().BoolVar(&quick, "quick", false, "a small, fast run (200 customers, 1 repetition) for tests")
	return c
}

// danganVersion names the dangan measured: the commit it was built from
// (or the source checkout's, under go run), "+dirty" with local changes.
func danganVersion(ctx context.Context) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "+dirty"
			}
			return shortRev(rev)
		}
	}
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		rev += "+dirty"
	}
	return shortRev(rev)
}

func shortRev(r string) string {
	h, rest, _ := strings.Cut(r, "+")
	if len(h) > 12 {
		h = h[:12]
	}
	if rest != "" {
		return h + "+" + rest
	}
	return h
}

// addProfileFlag gives every command --cpuprofile and --memprofile, so
// that the suite (or a person) can profile the server or an index build as
// it runs, and see what a long-running server holds when it stops.
func (a *app) addProfileFlag(root *cobra.Command) {
	root.PersistentFlags().StringVar(&a.cpuProfile, "cpuprofile", "", "write a CPU profile of this command to the file (for go tool pprof)")
	root.PersistentFlags().StringVar(&a.memProfile, "memprofile", "", "write a heap profile of this command to the file when it ends (for go tool pprof)")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		var stops []func()
		if a.cpuProfile != "" {
			f, err := os.Create(a.cpuProfile)
			if err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			stops = append(stops, func() {
				pprof.StopCPUProfile()
				f.Close()
			})
		}
		a.heapProfile = func() {}
		if a.memProfile != "" {
			// Created now so that a bad path fails before the work, not after.
			f, err := os.Create(a.memProfile)
			if err != nil {
				return fmt.Errorf("--memprofile: %w", err)
			}
			a.heapProfile = sync.OnceFunc(func() {
				// What is still reachable after a collection. serve calls
				// this as it stops, while it still holds what it served
				// with; other commands when they end.
				runtime.GC()
				if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
					a.logger.Warn("write heap profile", "file", a.memProfile, "err", err)
				}
				f.Close()
			})
			stops = append(stops, a.heapProfile)
		}
		a.stopProfile = func() {
			for _, stop := range stops {
				stop()
			}
		}
		return nil
	}
}
