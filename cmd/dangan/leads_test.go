package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// commitTxtar makes a git archive of a txtar's files, committed at a fixed
// time so that --at finds it whatever the day the test runs.
func commitTxtar(t *testing.T, name string, when time.Time) string {
	t.Helper()
	ar, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	repo, err := gitstore.Init(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	// Committed at when, not at the clock: --at finds the archive as of a
	// day by its commit times, and the tests must not depend on the day
	// they run.
	repo.Now = func() time.Time { return when }
	var files []gitstore.FileChange
	for _, f := range ar.Files {
		files = append(files, gitstore.FileChange{Path: f.Name, Data: f.Data})
	}
	if _, err := repo.Commit(context.Background(), gitstore.Change{Author: gitstore.Signature{Name: "李强", Email: "liqiang@example.cn", When: when}, Message: "fixture", Files: files}); err != nil {
		t.Fatal(err)
	}
	return dir
}

var fixtureTime = time.Date(2026, 11, 24, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestLeadsCommand(t *testing.T) {
	dir := commitTxtar(t, "../../archive/leads/testdata/rules.txtar", fixtureTime)

	code, out, errOut := run(t, "", "--archive", dir, "leads", "--at", "2026-11-24", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ls []struct {
		ID           string `json:"id"`
		Customer     string `json:"customer"`
		CustomerName string `json:"customer_name"`
		Signal       string `json:"signal"`
		Summary      string `json:"summary"`
		Score        int    `json:"score"`
		Status       string `json:"status"`
		FirstSeen    *struct {
			Commit string `json:"commit"`
		} `json:"first_seen"`
		Evidence []struct {
			Path string `json:"path"`
		} `json:"evidence"`
	}
	if err := json.Unmarshal([]byte(out), &ls); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(ls) != 15 {
		t.Errorf("%d leads, want the 15 of the fixture", len(ls))
	}
	for _, l := range ls {
		if l.ID == "" || l.CustomerName == "" || l.Summary == "" || l.Score == 0 || l.Status == "" || l.FirstSeen == nil || len(l.Evidence) == 0 {
			t.Errorf("incomplete lead %+v", l)
		}
	}

	code, out, _ = run(t, "", "--archive", dir, "leads", "--at", "2026-11-24")
	if code != 0 || !strings.Contains(out, "需求医院") || !strings.Contains(out, "共 15 条商机") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	// Columns line up: the id column starts at the same cell on every row.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	col := -1
	for _, l := range lines[1 : len(lines)-1] {
		id := l[strings.LastIndex(l, " ")+1:]
		c := cells(l[:len(l)-len(id)])
		if col >= 0 && c != col {
			t.Errorf("misaligned row (id at cell %d, not %d): %s", c, col, l)
		}
		col = c
	}

	csvFile := filepath.Join(t.TempDir(), "l.csv")
	code, _, errOut = run(t, "", "--archive", dir, "leads", "--at", "2026-11-24", "--format", "csv", "--out", csvFile)
	data, _ := os.ReadFile(csvFile)
	if code != 0 || !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF商机编号")) || !strings.Contains(errOut, "15 leads") {
		t.Errorf("csv: exit %d, %q, file starts %q", code, errOut, data[:min(len(data), 20)])
	}
	xlsx := filepath.Join(t.TempDir(), "l.xlsx")
	if code, _, errOut = run(t, "", "--archive", dir, "leads", "--format", "xlsx", "--out", xlsx, "--at", "2026-11-24"); code != 0 {
		t.Errorf("xlsx: exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(xlsx); !bytes.HasPrefix(data, []byte("PK")) {
		t.Error("xlsx is not a zip")
	}
	for _, bad := range [][]string{{"--format", "xlsx"}, {"--format", "pdf"}, {"--at", "2026-13-01"}, {"--at", "2020-01-01"}} {
		code, _, errOut := run(t, "", append([]string{"--archive", dir, "leads"}, bad...)...)
		if code != 1 || errOut == "" {
			t.Errorf("leads %v: exit %d, stderr %q; want a plain error", bad, code, errOut)
		}
	}
}
