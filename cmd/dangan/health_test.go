package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestHealthCommand(t *testing.T) {
	dir := commitTxtar(t, "../../archive/health/testdata/health.txtar", fixtureTime)

	code, out, errOut := run(t, "", "--archive", dir, "health", "--at", "2026-11-24", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var cs []struct {
		Customer string `json:"customer"`
		Score    int    `json:"score"`
		Problems []struct {
			Path string `json:"path"`
			Rule string `json:"rule"`
			Zh   string `json:"zh"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	scores := map[string]int{}
	for _, c := range cs {
		scores[c.Customer] = c.Score
	}
	// The command line counts the staff the records name as known users:
	// the visit by "stranger" is not a problem here.
	if len(cs) != 4 || cs[0].Customer != "stale" || scores["good"] != 100 || scores["pending"] != 100 || len(cs[0].Problems) != 5 {
		t.Errorf("customers: %+v", cs)
	}

	code, out, _ = run(t, "", "--archive", dir, "health", "--at", "2026-11-24", "--limit", "2")
	for _, s := range []string{"档案健康度 87/100", "liqiang", "过期学校", "另有 2 个客户"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q (exit %d):\n%s", s, code, out)
		}
	}
	code, out, _ = run(t, "", "--archive", dir, "health", "--at", "2026-11-24", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Archive health") || !strings.Contains(out, "No topology record") && !strings.Contains(out, "last visit") {
		t.Errorf("English table:\n%s", out)
	}
	for _, bad := range [][]string{{"--format", "csv"}, {"--at", "yesterday"}} {
		if code, _, errOut := run(t, "", append([]string{"--archive", dir, "health"}, bad...)...); code != 1 || errOut == "" {
			t.Errorf("health %v: exit %d, %q", bad, code, errOut)
		}
	}
}
