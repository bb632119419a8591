package main

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"
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
// 15 % of the build's CPU time on the 10,000-customer demo. buildMemory
// is the soft limit that keeps the build's peak well under the 1.5 GB the
// build is allowed (docs/BENCHMARKS.md) however much the archive holds.
const (
	buildGC     = 400
	buildMemory = 1 << 30
)

// gcForBuild sets the collector for a one-shot index build and returns
// what restores the settings before: the walks through history that may
// follow have peaks of their own. $GOGC and $GOMEMLIMIT, when set, win.
func gcForBuild() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc := debug.SetGCPercent(buildGC)
	limit := debug.SetMemoryLimit(buildMemory)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}
