package main

import (
	"os"
	"strings"
	"testing"
)

// TestCommandsUseTheDemoByDefault: after `dangan serve` made its demo, a
// command run in the same folder without --archive works on that demo and
// its data folder (the site's index, its users), not on the folder it is
// run from.
func TestCommandsUseTheDemoByDefault(t *testing.T) {
	t.Setenv("DANGAN_ARCHIVE", "")
	t.Chdir(t.TempDir())
	if code, _, errs := run(t, "", "demo", "--customers", "12", ".dangan/demo-archive"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	code, out, errs := run(t, "", "search", "交换机")
	if code != 0 {
		t.Fatalf("search: %d %s", code, errs)
	}
	if !strings.Contains(out, "customers/") {
		t.Errorf("search in the demo's folder found nothing of the demo:\n%s", out)
	}
	if _, err := os.Stat(".dangan/index"); err != nil {
		t.Errorf("the demo's index is not in the data folder serve uses: %v", err)
	}
	if _, err := os.Stat(".dangan/demo-archive/.dangan"); err == nil {
		t.Error("a second data folder was made inside the demo archive")
	}
}
