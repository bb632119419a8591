package gitstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCommitConflict(t *testing.T) {
	r := newRepo(t, true)
	c1 := commit(t, r, "one", files{"a.md": "1"})
	c2 := commit(t, r, "two", files{"a.md": "2"})
	_, err := r.Commit(t.Context(), Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"b.md": "b"}.changes()})
	var ce *ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) || ce.Expected != c1 || ce.Actual != c2 {
		t.Fatalf("err = %v, want a ConflictError from %s to %s", err, c1, c2)
	}
	if h := mustHead(t, r); h != c2 {
		t.Errorf("head moved to %s", h)
	}
	// "" as parent on a repository with commits is a conflict too.
	if _, err := r.Commit(t.Context(), Change{Author: Signature{Name: "t"}, Files: files{"b.md": "b"}.changes()}); !errors.Is(err, ErrConflict) {
		t.Errorf("empty parent: err = %v", err)
	}
}

func TestCommitRefused(t *testing.T) {
	r := newRepo(t, true)
	c1 := commit(t, r, "one", files{"a.md": "1", "dir/x.md": "x"})
	tests := []struct {
		name   string
		change Change
		want   string
	}{
		{"no author", Change{Parent: c1, Files: files{"b.md": "b"}.changes()}, "author's name is empty"},
		{"bad author", Change{Parent: c1, Author: Signature{Name: "a<b>"}, Files: files{"b.md": "b"}.changes()}, "git does not allow"},
		{"escaping path", Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"../b.md": "b"}.changes()}, "not a path inside the archive"},
		{"git folder", Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{".git/config": "b"}.changes()}, "not a path inside the archive"},
		{"twice", Change{Parent: c1, Author: Signature{Name: "t"}, Files: []FileChange{{Path: "b.md"}, {Path: "/b.md"}}}, "changed twice"},
		{"file and folder", Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"b": "b", "b/c.md": "c"}.changes()}, "both as a file and as a folder"},
		{"over a folder", Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"dir": "b"}.changes()}, "dir is a folder"},
		{"under a file", Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"a.md/c.md": "c"}.changes()}, "a.md is a file"},
		{"short parent", Change{Parent: c1[:7], Author: Signature{Name: "t"}, Files: files{"b.md": "b"}.changes()}, "not a full commit id"},
	}
	for _, tt := range tests {
		_, err := r.Commit(t.Context(), tt.change)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if h := mustHead(t, r); h != c1 {
		t.Errorf("a refused change moved the branch to %s", h)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Commit(ctx, Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"b.md": "b"}.changes()}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestCommitNoChange(t *testing.T) {
	r := newRepo(t, true)
	if _, err := r.Commit(t.Context(), Change{Author: Signature{Name: "t"}}); !errors.Is(err, ErrEmptyCommit) {
		t.Errorf("empty first commit: %v", err)
	}
	if _, err := r.Commit(t.Context(), Change{Author: Signature{Name: "t"}, Files: files{"-a.md": ""}.changes()}); !errors.Is(err, ErrEmptyCommit) {
		t.Errorf("first commit deleting nothing: %v", err)
	}
	c1 := commit(t, r, "one", files{"a.md": "1"})
	for _, fs := range []files{{"a.md": "1"}, {"-missing.md": ""}, {"-a.md/below": ""}} {
		id, err := r.Commit(t.Context(), Change{Parent: c1, Author: Signature{Name: "t"}, Files: fs.changes()})
		if err != nil || id != c1 {
			t.Errorf("no-op change %v = %s, %v; want the parent back", fs, id, err)
		}
	}
	if log, _ := r.Log(0); len(log) != 1 {
		t.Errorf("a no-op made commits: %d", len(log))
	}
	// Deleting every file is a real commit with git's empty tree.
	id := commit(t, r, "all gone", files{"-a.md": ""})
	if id == c1 {
		t.Fatal("deleting the last file made no commit")
	}
	for f, err := range r.Files(id) {
		t.Errorf("file %s, %v left", f.Path, err)
	}
}

func TestCommitSignature(t *testing.T) {
	r := newRepo(t, true)
	when := time.Date(2026, 11, 20, 11, 30, 0, 0, time.FixedZone("", 8*3600))
	r.Now = func() time.Time { return when.Add(time.Hour) }
	id, err := r.Commit(t.Context(), Change{Author: Signature{Name: "李强", Email: "liqiang@example.cn", When: when}, Message: "上门维修记录", Files: files{"a.md": "1"}.changes()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitInfo(id)
	if err != nil {
		t.Fatal(err)
	}
	want := Commit{Hash: id, Author: "李强", Email: "liqiang@example.cn", When: when, Message: "上门维修记录\n"}
	if d := cmp.Diff(want, c, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("CommitInfo (-want +got):\n%s", d)
	}
	if _, off := c.When.Zone(); off != 8*3600 {
		t.Errorf("time zone lost: %v", c.When)
	}
	gitBin(t)
	if got := runGit(t, r.Dir(), "log", "-1", "--format=%an <%ae> %ad %cd", "--date=iso"); got != "李强 <liqiang@example.cn> 2026-11-20 11:30:00 +0800 2026-11-20 12:30:00 +0800" {
		t.Errorf("git log says %q", got)
	}
}

// TestGitInterop: commits made by git are seen, ours are seen by git, and
// git's tools find the repository sound.
func TestGitInterop(t *testing.T) {
	gitBin(t)
	r := newRepo(t, false)
	c1 := commit(t, r, "ours", sampleFiles)
	if st := runGit(t, r.Dir(), "status", "--porcelain"); st != "" {
		t.Errorf("git status after our commit:\n%s", st)
	}
	if err := os.WriteFile(filepath.Join(r.Dir(), "customers", "mz-school", "devices.md"), []byte("---\nkind: devices\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, r.Dir(), "add", ".")
	runGit(t, r.Dir(), "commit", "-q", "-m", "by a technician")
	c2 := runGit(t, r.Dir(), "rev-parse", "HEAD")
	if h := mustHead(t, r); h != c2 {
		t.Fatalf("Head = %s, git says %s", h, c2)
	}
	changed, removed, err := r.Changes(c1, c2)
	if err != nil || len(changed) != 1 || changed[0].Path != "customers/mz-school/devices.md" || len(removed) != 0 {
		t.Errorf("Changes = %v %v %v", changed, removed, err)
	}
	h, err := r.History("customers/mz-school", 0)
	if d := cmp.Diff([]string{c2, c1}, hashes(h)); err != nil || d != "" {
		t.Errorf("History (-want +got):\n%s %v", d, err)
	}
	if h[0].Author != "王芳" {
		t.Errorf("author = %q", h[0].Author)
	}
	c3 := commit(t, r, "ours again", files{"customers/mz-school/devices.md": "---\nkind: devices\ndevices: []\n---\n"})
	if got := runGit(t, r.Dir(), "log", "--format=%H", "-3"); got != strings.Join([]string{c3, c2, c1}, "\n") {
		t.Errorf("git log:\n%s", got)
	}
	if st := runGit(t, r.Dir(), "status", "--porcelain"); st != "" {
		t.Errorf("git status after our second commit:\n%s", st)
	}
	if got := runGit(t, r.Dir(), "reflog", "-1", "--format=%gs"); !strings.Contains(got, "ours again") {
		t.Errorf("reflog: %q", got)
	}
	fsck(t, r.Dir())
}

func fsck(tb testing.TB, dir string) {
	tb.Helper()
	out, err := gitErr(tb, dir, "fsck", "--full", "--strict", "--no-dangling")
	if err != nil || out != "" {
		tb.Fatalf("git fsck: %v\n%s", err, out)
	}
}

func TestPackedRefs(t *testing.T) {
	gitBin(t)
	r := newRepo(t, true)
	c1 := commit(t, r, "one", files{"a.md": "1"})
	runGit(t, r.Dir(), "pack-refs", "--all", "--prune")
	if _, err := os.Stat(filepath.Join(r.Dir(), "refs", "heads", "main")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the ref is still loose: %v", err)
	}
	if h := mustHead(t, r); h != c1 {
		t.Fatalf("Head from packed-refs = %s", h)
	}
	// A stale parent is still refused when the ref is only packed.
	if _, err := r.Commit(t.Context(), Change{Parent: strings.Repeat("1", 40), Author: Signature{Name: "t"}, Files: files{"b.md": "b"}.changes()}); !errors.Is(err, ErrConflict) {
		t.Errorf("err = %v, want conflict", err)
	}
	c2 := commit(t, r, "two", files{"b.md": "2"})
	if got := runGit(t, r.Dir(), "rev-parse", "main"); got != c2 {
		t.Errorf("git sees main at %s, want %s", got, c2)
	}
	fsck(t, r.Dir())
}

// TestGitLock: a ref lock held by git blocks Commit; a lock left by a
// crash long ago is removed.
func TestGitLock(t *testing.T) {
	r := newRepo(t, true)
	r.lockWait = 50 * time.Millisecond
	log := captureLog(r)
	c1 := commit(t, r, "one", files{"a.md": "1"})
	lock := filepath.Join(r.Dir(), "refs", "heads", "main.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := r.Commit(t.Context(), Change{Parent: c1, Author: Signature{Name: "t"}, Files: files{"b.md": "b"}.changes()})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "main.lock") {
		t.Fatalf("err = %v, want ErrLocked naming the lock file", err)
	}
	if h := mustHead(t, r); h != c1 {
		t.Fatalf("branch moved under a lock: %s", h)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Fatalf("someone else's lock was removed: %v", err)
	}
	old := time.Now().Add(-2 * time.Minute)
	os.Chtimes(lock, old, old)
	c2 := commit(t, r, "two", files{"b.md": "b"})
	if h := mustHead(t, r); h != c2 {
		t.Errorf("head = %s", h)
	}
	if !strings.Contains(log.String(), "stale git lock") {
		t.Errorf("no warning about the stale lock: %s", log)
	}
	r.StaleLock = -1
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(lock, old, old)
	if _, err := r.Commit(t.Context(), Change{Parent: c2, Author: Signature{Name: "t"}, Files: files{"c.md": "c"}.changes()}); !errors.Is(err, ErrLocked) {
		t.Errorf("StaleLock < 0 still removed the lock: %v", err)
	}
}

// TestGitGC: after git gc moves loose objects into a pack, an open Repo
// still finds them.
func TestGitGC(t *testing.T) {
	gitBin(t)
	r := newRepo(t, true)
	commit(t, r, "one", files{"a.md": "1"})
	runGit(t, r.Dir(), "gc", "-q")
	if _, err := r.ReadFile("", "a.md"); err != nil { // reads the first pack
		t.Fatal(err)
	}
	c2 := commit(t, r, "two", files{"b.md": "2"})
	runGit(t, r.Dir(), "gc", "-q", "--prune=now")
	entries, _ := os.ReadDir(filepath.Join(r.Dir(), "objects", c2[:2]))
	for _, e := range entries {
		if e.Name() == c2[2:] {
			t.Fatal("git gc left the commit loose")
		}
	}
	f, err := r.ReadFile(c2, "b.md")
	if err != nil || string(f.Data) != "2" {
		t.Fatalf("after gc: %q, %v", f.Data, err)
	}
	if h, err := r.History("b.md", 0); err != nil || len(h) != 1 {
		t.Errorf("History after gc = %v, %v", h, err)
	}
	commit(t, r, "three", files{"a.md": "3"})
	fsck(t, r.Dir())
}
