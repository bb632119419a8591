package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchQuick runs the whole suite on a small archive (smaller than
// --quick's 200 customers, to stay quick under -race): every figure is
// produced, written to report.md and report.json, and the searches, pages
// and saves of the load test are answered without errors. Speeds are not
// asserted: they belong to the report.
func TestBenchQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dangan and runs the suite on a 60-customer archive (about 30 s)")
	}
	// The children are a plain build of this command, not the test
	// binary: under -race, a race-instrumented index build and server
	// would take minutes.
	exe := filepath.Join(t.TempDir(), "dangan")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	old := danganSelf
	danganSelf = func(ctx context.Context, args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, exe, args...)
	}
	t.Cleanup(func() { danganSelf = old })

	out := t.TempDir()
	code, stdout, stderr := run(t, "", "bench", "--quick", "--sizes", "60", "--out", out, "--load", "2s")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "report written to") {
		t.Errorf("stdout does not say where the report is: %q", stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Machine struct {
			Cores int `json:"cores"`
		} `json:"machine"`
		Archives []struct {
			Customers int `json:"customers"`
			Queries   int `json:"queries"`
		} `json:"archives"`
		Figures []struct {
			Group  string  `json:"group"`
			Name   string  `json:"name"`
			Median float64 `json:"median"`
			N      int     `json:"n"`
		} `json:"figures"`
		Load []struct {
			Kinds []struct {
				Kind     string `json:"kind"`
				Requests int    `json:"requests"`
				Errors   int    `json:"errors"`
			} `json:"kinds"`
		} `json:"load"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Machine.Cores == 0 {
		t.Error("no core count in the report")
	}
	if len(rep.Archives) != 1 || rep.Archives[0].Customers != 60 || rep.Archives[0].Queries < 100 {
		t.Errorf("archives = %+v, want one of 60 customers with ≥100 queries", rep.Archives)
	}
	groups := map[string]int{}
	for _, f := range rep.Figures {
		if f.N == 0 {
			t.Errorf("figure %q has no measurement", f.Name)
		}
		groups[f.Group]++
		if (strings.Contains(f.Name, "errors") || strings.Contains(f.Name, "not searchable")) && f.Median != 0 {
			t.Errorf("%s = %v, want 0", f.Name, f.Median)
		}
	}
	for _, g := range []string{"floors", "build", "freshness", "page", "history", "start", "search", "load", "memory"} {
		if groups[g] == 0 {
			t.Errorf("no figure of group %q", g)
		}
	}
	if len(rep.Load) != 1 {
		t.Fatalf("load results: %d, want 1", len(rep.Load))
	}
	for _, k := range rep.Load[0].Kinds {
		if k.Requests == 0 || k.Errors != 0 {
			t.Errorf("load %s: %d requests, %d errors; want some and none", k.Kind, k.Requests, k.Errors)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"git grep", "cold start", "Load test", "CPU profile of dangan serve", "heap (in use) profile of dangan serve"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}
