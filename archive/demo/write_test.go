package demo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/dangan-archive/dangan/archive/demo"
)

// TestWrite writes an archive big enough for the customers/ tree to be
// stored as deltas, then reads it back with go-git and checks it with git.
func TestWrite(t *testing.T) {
	opts := demo.Options{Customers: 250, Seed: 5}
	want := generate(t, opts)
	dir := filepath.Join(t.TempDir(), "archive")
	head, err := demo.Write(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}

	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if ref.Name() != "refs/heads/main" || ref.Hash().String() != head {
		t.Errorf("HEAD is %s at %s, want refs/heads/main at %s", ref.Name(), ref.Hash(), head)
	}
	commit, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	last := want.commits[len(want.commits)-1]
	if commit.Message != last.Message+"\n" || commit.Author.Email != last.Email || !commit.Author.When.Equal(last.When) {
		t.Errorf("head commit %q by %s at %v, want %q by %s at %v", commit.Message, commit.Author.Email, commit.Author.When, last.Message, last.Email, last.When)
	}
	tree, err := commit.Tree()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	err = tree.Files().ForEach(func(f *object.File) error {
		r, err := f.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		got[f.Name], err = io.ReadAll(r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want.files) {
		t.Errorf("head tree has %d files, the history %d", len(got), len(want.files))
	}
	for p, data := range want.files {
		if !bytes.Equal(got[p], data) {
			t.Errorf("%s differs in the repository", p)
		}
		disk, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(disk, data) {
			t.Errorf("%s is not checked out as committed (err %v)", p, err)
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	st, err := wt.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsClean() {
		t.Errorf("go-git status is not clean:\n%s", st)
	}

	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary: skipping git fsck, git status and git log checks")
	}
	gitOut := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	gitOut("fsck", "--strict", "--full", "--no-progress")
	if out := gitOut("status", "--porcelain"); out != "" {
		t.Errorf("git status is not clean:\n%s", out)
	}
	if n, _ := strconv.Atoi(strings.TrimSpace(gitOut("rev-list", "--count", "HEAD"))); n != len(want.commits) {
		t.Errorf("git counts %d commits, the history has %d", n, len(want.commits))
	}
	if out := gitOut("log", "-1", "--format=%an <%ae> %ad", "--date=iso"); !strings.Contains(out, "+0800") {
		t.Errorf("commit dates are not in China time: %s", out)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	opts := demo.Options{Customers: 25, Seed: 11}
	a, err := demo.Write(context.Background(), filepath.Join(t.TempDir(), "a"), opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := demo.Write(context.Background(), filepath.Join(t.TempDir(), "b"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || len(a) != 40 {
		t.Errorf("two writes gave heads %s and %s", a, b)
	}
}

func TestWriteRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Write(context.Background(), dir, demo.Options{Customers: 1}); err == nil {
		t.Fatal("Write into a non-empty directory succeeded")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(data) != "mine" {
		t.Error("Write touched a file it should not have")
	}
}

func TestWriteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "x")
	_, err := demo.Write(ctx, dir, demo.Options{Customers: 3})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled Write left %s behind", dir)
	}
}

func BenchmarkGenerate1000(b *testing.B) {
	for b.Loop() {
		n := 0
		if err := demo.Generate(demo.Options{Customers: 1000, Seed: 1}, func(c demo.Commit) error { n += len(c.Files); return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite1000 is the figure to watch: 10,000 customers take about
// ten times as long (see the package's commit history for measurements).
func BenchmarkWrite1000(b *testing.B) {
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "archive")
		if _, err := demo.Write(context.Background(), dir, demo.Options{Customers: 1000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
