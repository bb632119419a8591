package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "768MiB", want: 768 << 20},
		{in: "1GiB", want: 1 << 30},
		{in: "1.5GiB", want: 3 << 29},
		{in: "900MB", want: 900e6},
		{in: "512m", want: 512 << 20},
		{in: " 2g ", want: 2 << 30},
		{in: "1073741824", want: 1 << 30},
		{in: "off", want: math.MaxInt64},
		{in: "0", want: math.MaxInt64},
		{in: "12KiB", bad: true}, // too small to serve anything
		{in: "lots", bad: true},
		{in: "-1GiB", bad: true},
		{in: "", bad: true},
	} {
		got, err := parseSize(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestMemoryLimitPrecedence(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })

	t.Setenv("GOMEMLIMIT", "")
	if got, from, err := memoryLimit("", false); err != nil || got != defaultMemoryLimit || from != "default" {
		t.Errorf("no flag, no GOMEMLIMIT: %d from %s, %v", got, from, err)
	}
	if got, from, err := memoryLimit("2GiB", true); err != nil || got != 2<<30 || from != "--memory-limit" {
		t.Errorf("--memory-limit 2GiB: %d from %s, %v", got, from, err)
	}
	if _, _, err := memoryLimit("much", true); err == nil {
		t.Error("--memory-limit much: no error")
	}
	// The runtime reads GOMEMLIMIT at start; here it is set by hand as it
	// would have been.
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	if got, from, err := memoryLimit("", false); err != nil || got != 1<<30 || from != "GOMEMLIMIT" {
		t.Errorf("GOMEMLIMIT=1GiB: %d from %s, %v", got, from, err)
	}
	if got, _, _ := memoryLimit("off", true); got != math.MaxInt64 {
		t.Errorf("--memory-limit off with GOMEMLIMIT set: %d, want no limit", got)
	}
	if s := formatSize(defaultMemoryLimit); s != "768MiB" {
		t.Errorf("formatSize(default) = %q", s)
	}
}

// gcForBuild sets the build's collector unless the environment chose one,
// fits it to a large archive, and puts back what was there.
func TestGCForBuild(t *testing.T) {
	for _, c := range []struct {
		name, gogc, limit string
		live              uint64
		wantGC            int
		wantLimit         int64
	}{
		{name: "default", live: 167 << 20, wantGC: buildGC, wantLimit: buildMemory},
		{name: "large archive", live: 800 << 20, wantGC: buildGC, wantLimit: 2000 << 20},
		{name: "GOGC set", gogc: "50", live: 800 << 20, wantGC: 77, wantLimit: 1 << 40},
		{name: "GOMEMLIMIT set", limit: "2GiB", wantGC: 77, wantLimit: 1 << 40},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOGC", c.gogc)
			t.Setenv("GOMEMLIMIT", c.limit)
			// Stand-ins for whatever the process had.
			gc0, limit0 := debug.SetGCPercent(77), debug.SetMemoryLimit(1<<40)
			defer func() { debug.SetGCPercent(gc0); debug.SetMemoryLimit(limit0) }()
			g := gcForBuild(slog.New(slog.DiscardHandler))
			g.liveBytes = func() uint64 { return c.live }
			g.fit()
			if gc, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); gc != c.wantGC || limit != c.wantLimit {
				t.Errorf("during the build: GOGC %d, limit %d; want %d, %d", gc, limit, c.wantGC, c.wantLimit)
			}
			debug.SetGCPercent(c.wantGC) // SetGCPercent(-1) above turned it off
			g.restore()
			if gc, limit := debug.SetGCPercent(77), debug.SetMemoryLimit(-1); gc != 77 || limit != 1<<40 {
				t.Errorf("after: GOGC %d, limit %d; want 77, %d", gc, limit, int64(1<<40))
			}
		})
	}
	var none *buildGCSettings // what search passes
	none.fit()
	none.restore()
}
