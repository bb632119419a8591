package main

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// defaultMemoryLimit is serve's soft memory limit when neither
// --memory-limit nor $GOMEMLIMIT sets one. Go's collector otherwise lets
// the heap grow to twice what is live before it collects (GOGC=100): on
// the 10,000-customer archive that took a server holding about 550 MB to
// 1.6 GB of RSS. The limit makes it collect sooner instead, and it leaves
// room under 1 GB for what Go does not count: the index's memory-mapped
// segments and the page cache of the files it reads.
const defaultMemoryLimit = 768 << 20

// memoryLimit works out the soft memory limit of serve: the flag when it
// was given, else $GOMEMLIMIT (which the Go runtime has already applied),
// else the default. It returns the limit in bytes (math.MaxInt64: none)
// and where it came from, for the log.
func memoryLimit(flag string, flagSet bool) (limit int64, from string, err error) {
	if flagSet {
		n, err := parseSize(flag)
		if err != nil {
			return 0, "", fmt.Errorf("--memory-limit %q: %w", flag, err)
		}
		return n, "--memory-limit", nil
	}
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		return debug.SetMemoryLimit(-1), "GOMEMLIMIT", nil
	}
	return defaultMemoryLimit, "default", nil
}

// parseSize reads a size such as 768MiB, 1GiB, 900MB, 512m or a number of
// bytes; "off" (or 0) means no limit.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	if t == "off" || t == "none" || t == "0" {
		return math.MaxInt64, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40},
		{"b", 1},
	}
	mult := 1.0
	for _, u := range units {
		if num, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(num), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a size: write it like 768MiB, 1GiB or off")
	}
	n := f * mult
	if n >= math.MaxInt64 {
		return math.MaxInt64, nil
	}
	if n < 1<<20 {
		return 0, fmt.Errorf("less than 1 MiB: the server would do nothing but collect garbage")
	}
	return int64(n), nil
}

// formatSize writes a limit for the log.
func formatSize(n int64) string {
	switch {
	case n == math.MaxInt64:
		return "off"
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%.0fMiB", float64(n)/(1<<20))
}

// buildGC is how often the collector runs while `dangan index` builds the
// index, where the heap is mostly the parsed archive, alive until the end,
// plus batches that die young: at Go's default (GOGC=100) the collector
// marks the whole archive again every time the batches double the heap,
// 15 % of the build's CPU time on the 10,000-customer demo. So the heap
// grows to buildMemory, the soft limit, before the collector runs: on that
// demo (about 280 MB live) it runs 6 times instead of 12 under 1 GiB, and
// the build takes 6.3-6.6 s instead of 6.6-6.8 s. The peak is then 1.42 GB
// of the 1.5 GB the build is allowed (docs/BENCHMARKS.md), unless the
// archive itself needs more (buildGCSettings.fit).
const (
	buildGC     = 800
	buildMemory = 1300 << 20
)

// buildGCSettings are the collector's settings for a one-shot index
// build, and what they replaced.
type buildGCSettings struct {
	set       bool // false when $GOGC or $GOMEMLIMIT chose
	gc        int
	limit     int64
	logger    *slog.Logger
	liveBytes func() uint64 // the live heap; tests replace it
}

// gcForBuild sets the collector for a one-shot index build; restore puts
// back the settings before (the walks through history that may follow
// have peaks of their own). $GOGC and $GOMEMLIMIT, when set, win.
func gcForBuild(logger *slog.Logger) *buildGCSettings {
	g := &buildGCSettings{logger: logger, liveBytes: liveHeap}
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return g
	}
	g.set = true
	g.gc = debug.SetGCPercent(buildGC)
	g.limit = debug.SetMemoryLimit(buildMemory)
	return g
}

// fit raises the soft limit once the archive is parsed, when it holds
// more than 40 % of the limit: near a limit the live heap fills, the
// collector runs without pause (up to half the CPU), and an archive
// larger than the demos would build slower than at Go's default. The
// live heap is as of the last collection, during the parse (167 MB on
// the 10,000-customer demo, far from it).
func (g *buildGCSettings) fit() {
	if g == nil || !g.set {
		return
	}
	live := int64(g.liveBytes())
	if want := live / 2 * 5; want > buildMemory {
		debug.SetMemoryLimit(want)
		g.logger.Info("the archive is large: the index build may use more memory", "live_heap_mb", live>>20, "limit_mb", want>>20)
	}
}

func (g *buildGCSettings) restore() {
	if g == nil || !g.set {
		return
	}
	debug.SetGCPercent(g.gc)
	debug.SetMemoryLimit(g.limit)
}

// liveHeap is the heap that survived the last collection.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
