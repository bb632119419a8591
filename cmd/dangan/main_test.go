package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/google/go-cmp/cmp"
)

// run runs the CLI in-process and returns its exit code and output.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// commitDir makes a git archive in a temp folder from a folder of files.
func commitDir(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	repo, err := gitstore.Init(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	var files []gitstore.FileChange
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(src, p)
		files = append(files, gitstore.FileChange{Path: filepath.ToSlash(rel), Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = repo.Commit(context.Background(), gitstore.Change{Author: gitstore.Signature{Name: "测试", Email: "t@example.cn", When: time.Now()}, Message: "fixture", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCheckBrokenArchive reads the broken fixture from git objects and must
// print exactly the archive package's golden output: line numbers are
// those of the files in git.
func TestCheckBrokenArchive(t *testing.T) {
	dir := commitDir(t, "../../archive/testdata/broken")
	code, out, errOut := run(t, "", "--archive", dir, "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (errors); stderr: %s", code, errOut)
	}
	want, err := os.ReadFile("../../archive/testdata/broken.golden")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), out); d != "" {
		t.Errorf("check output differs from archive/testdata/broken.golden (-want +got):\n%s", d)
	}
	if !strings.Contains(errOut, "errors") {
		t.Errorf("no summary on stderr: %q", errOut)
	}

	code, out, _ = run(t, "", "--archive", dir, "check", "--json")
	var res struct {
		Problems []struct {
			Path    string `json:"path"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 {
		t.Fatalf("--json: exit %d, %v: %s", code, err, out)
	}
	if got, want := len(res.Problems), strings.Count(string(want), "\n"); got != want {
		t.Errorf("--json has %d problems, text has %d", got, want)
	}
}

func TestInitThenCheckIsClean(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	if code, _, errOut := run(t, "", "init", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, "", "--archive", dir, "check")
	if code != 0 || out != "" || !strings.Contains(errOut, "0 errors, 0 warnings") {
		t.Errorf("check of a new archive: exit %d, out %q, err %q", code, out, errOut)
	}
	if code, _, errOut := run(t, "", "init", dir); code == 0 || !strings.Contains(errOut, "not empty") {
		t.Errorf("init over an existing archive: exit %d, %q", code, errOut)
	}
	ignore, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err != nil || !strings.Contains(string(ignore), ".dangan") {
		t.Errorf(".gitignore must exclude the data folder: %q, %v", ignore, err)
	}
}

func TestNotAnArchive(t *testing.T) {
	code, _, errOut := run(t, "", "--archive", t.TempDir(), "check")
	if code != 1 || !strings.Contains(errOut, "dangan init") {
		t.Errorf("exit %d, stderr %q: want a hint to dangan init", code, errOut)
	}
}

func TestDemoIndexSearch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errOut := run(t, "", "demo", dir, "--customers", "20", "--seed", "7"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "--archive", dir, "check"); code != 0 {
		t.Fatalf("check of the demo: exit %d: %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "--archive", dir, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, "", "--archive", dir, "search", "--json", "--limit", "3", "交换机")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			Customer, Path, Kind, Title, Snippet string
			Score                                float64
		} `json:"hits"`
		Facets map[string]any `json:"facets"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json: %v: %s", err, out)
	}
	if res.Total == 0 || len(res.Hits) == 0 || len(res.Hits) > 3 || res.Hits[0].Path == "" || !strings.Contains(res.Hits[0].Snippet, "<mark>") || res.Facets == nil {
		t.Errorf("search result = %+v", res)
	}
	code, _, errOut = run(t, "", "--archive", dir, "search", `"未闭合`)
	if code != 1 || !strings.Contains(errOut, "引号") {
		t.Errorf("bad query: exit %d, %q", code, errOut)
	}
}

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	if code, out, errOut := run(t, "s3cret-Passw0rd\n", "--data", data, "user", "add", "liqiang", "--role", "technician", "--display-name", "李强", "--password-stdin"); code != 0 || !strings.Contains(out, "added liqiang") {
		t.Fatalf("user add: exit %d: %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "", "--data", data, "user", "add", "x", "--role", "boss"); code == 0 || !strings.Contains(errOut, "not a role") {
		t.Errorf("bad role accepted: %d %q", code, errOut)
	}
	if _, out, _ := run(t, "", "--data", data, "user", "list"); !strings.Contains(out, "liqiang") || !strings.Contains(out, "technician") {
		t.Errorf("user list = %q", out)
	}
	if code, out, _ := run(t, "", "--data", data, "user", "token", "liqiang"); code != 0 || len(strings.TrimSpace(out)) < 20 {
		t.Errorf("user token: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, "", "--data", data, "user", "token", "--feed", "liqiang"); code != 0 || !strings.HasPrefix(out, "dgf_") {
		t.Errorf("user token --feed: exit %d, %q, want a dgf_ token", code, out)
	}
	if code, out, _ := run(t, "", "--data", data, "user", "passwd", "liqiang"); code != 0 || !strings.Contains(out, "password: ") {
		t.Errorf("user passwd without a terminal should generate one: exit %d, %q", code, out)
	}
	if code, _, _ := run(t, "", "--data", data, "user", "remove", "liqiang"); code != 0 {
		t.Errorf("user remove: exit %d", code)
	}
	if _, out, _ := run(t, "", "--data", data, "user", "list"); strings.Contains(out, "liqiang") {
		t.Errorf("removed user still listed: %q", out)
	}
	if code, out, _ := run(t, "", "--data", data, "audit", "--since", "1d"); code != 0 || !strings.Contains(out, "liqiang") {
		t.Errorf("audit: exit %d, %q", code, out)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"init", "--help"}, {"demo", "--help"}, {"index", "--help"}, {"search", "--help"}, {"serve", "--help"}, {"user", "--help"}, {"user", "add", "--help"}, {"audit", "--help"}} {
		code, out, _ := run(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	if code, _, errOut := run(t, "", "nosuch"); code == 0 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
}

// TestCheckWarningsDoNotFail: an archive with only warnings prints them
// and exits 0.
func TestCheckWarningsDoNotFail(t *testing.T) {
	src := t.TempDir()
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("customers/a/customer.md", "---\nkind: customer\nname: 甲\n---\n")
	write("customers/a/visits/2026-11-20-repair.md", "---\nkind: visit\ntype: repair\ntechnician: liqiang\noutcome: escalated\nescalated_to: 派单中心\n---\n")
	dir := commitDir(t, src)
	code, out, errOut := run(t, "", "--archive", dir, "check")
	if code != 0 {
		t.Errorf("exit %d with warnings only, want 0; stderr %s", code, errOut)
	}
	if !strings.Contains(out, "customers/a/visits/2026-11-20-repair.md:5:10: warning: escalated visit without a follow_up date") {
		t.Errorf("warning not printed: %q", out)
	}
}
