// Package zoo finds the Topology Zoo files (real operator topologies) that
// every developer and CI run has beside the repository in ../shared, for
// tests.
package zoo

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir finds the shared topology-zoo files: $DANGAN_SHARED, else
// ../shared beside the repository root (the directory holding go.mod).
// Missing data fails in CI and skips elsewhere.
func Dir(tb testing.TB) string {
	tb.Helper()
	shared := os.Getenv("DANGAN_SHARED")
	if shared == "" {
		dir, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				shared = filepath.Join(dir, "..", "shared")
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	zoo := filepath.Join(shared, "data", "topology-zoo")
	if _, err := os.Stat(zoo); shared == "" || err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("shared data not found (%q): set DANGAN_SHARED or check out shared/ beside the repository", zoo)
		}
		tb.Skipf("shared topology-zoo data not found at %q; set DANGAN_SHARED to run this test", zoo)
	}
	return zoo
}
