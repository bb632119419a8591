package gitstore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// newRepo makes an empty repository in a temporary folder.
func newRepo(tb testing.TB, bare bool) *Repo {
	tb.Helper()
	r, err := Init(filepath.Join(tb.TempDir(), "archive"), bare)
	if err != nil {
		tb.Fatal(err)
	}
	r.Logger = slog.New(slog.DiscardHandler)
	tb.Cleanup(func() { r.Close() })
	return r
}

// files describes a change: path → content, "" content with a leading "-"
// path deletes.
type files map[string]string

func (fs files) changes() []FileChange {
	var out []FileChange
	for _, p := range slices.Sorted(maps.Keys(fs)) {
		if d, ok := strings.CutPrefix(p, "-"); ok {
			out = append(out, FileChange{Path: d, Delete: true})
			continue
		}
		out = append(out, FileChange{Path: p, Data: []byte(fs[p])})
	}
	return out
}

var testEpoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// commit commits on top of the current head and returns the new id.
func commit(tb testing.TB, r *Repo, msg string, fs files) string {
	tb.Helper()
	head, err := r.Head()
	if err != nil {
		tb.Fatal(err)
	}
	id, err := r.Commit(context.Background(), Change{Parent: head, Author: Signature{Name: "李强", Email: "liqiang@example.cn"}, Message: msg, Files: fs.changes()})
	if err != nil {
		tb.Fatalf("commit %q: %v", msg, err)
	}
	return id
}

// clock returns a Now that advances a minute per call from testEpoch.
func clock() func() time.Time {
	var mu sync.Mutex
	t := testEpoch
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Minute)
		return t
	}
}

// gitBin returns the git binary or skips: CI installs git, a developer
// machine may lack it.
func gitBin(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("git is not installed; CI must install it")
		}
		tb.Skip("git binary not found: interoperability with real git is not tested")
	}
	return p
}

// runGit runs the git command line in dir and returns its trimmed output.
func runGit(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitErr(tb, dir, args...)
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitErr(tb testing.TB, dir string, args ...string) (string, error) {
	tb.Helper()
	cmd := exec.Command(gitBin(tb), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+dir,
		"GIT_AUTHOR_NAME=王芳", "GIT_AUTHOR_EMAIL=wangfang@example.cn", "GIT_COMMITTER_NAME=王芳", "GIT_COMMITTER_EMAIL=wangfang@example.cn",
		"LC_ALL=C")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return strings.TrimSpace(buf.String()), err
}

// logBuffer collects log records for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func captureLog(r *Repo) *logBuffer {
	lb := &logBuffer{}
	r.Logger = slog.New(slog.NewTextHandler(lb, nil))
	return lb
}

func mustNotFound(tb testing.TB, err error) {
	tb.Helper()
	if !errors.Is(err, ErrNotFound) {
		tb.Fatalf("err = %v, want ErrNotFound", err)
	}
}
