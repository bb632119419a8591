package gitstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkTree: files a commit changes are updated in the work tree and
// the index when untouched there; local edits and staged changes are kept.
func TestWorkTree(t *testing.T) {
	gitBin(t)
	r := newRepo(t, false)
	log := captureLog(r)
	dir := r.Dir()
	commit(t, r, "base", files{"customers/a/customer.md": "a1\n", "customers/b/customer.md": "b1\n", "customers/c/customer.md": "c1\n", "customers/d/customer.md": "d1\n", "guides/x.md": "x\n"})
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if errors.Is(err, fs.ErrNotExist) {
			return "(missing)"
		}
		return string(b)
	}
	if got := read("customers/a/customer.md"); got != "a1\n" {
		t.Fatalf("first commit not checked out: %q", got)
	}
	// b is edited locally, c has a staged edit, d untouched.
	os.WriteFile(filepath.Join(dir, "customers/b/customer.md"), []byte("b local\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "customers/c/customer.md"), []byte("c staged\n"), 0o644)
	runGit(t, dir, "add", "customers/c/customer.md")
	os.WriteFile(filepath.Join(dir, "customers/c/customer.md"), []byte("c1\n"), 0o644) // work tree back, index not
	commit(t, r, "update all", files{
		"customers/a/customer.md": "a2\n", "customers/b/customer.md": "b2\n", "customers/c/customer.md": "c2\n",
		"-customers/d/customer.md": "", "customers/e/customer.md": "e1\n", "-guides/x.md": "",
	})
	for p, want := range map[string]string{
		"customers/a/customer.md": "a2\n",
		"customers/b/customer.md": "b local\n", // kept
		"customers/c/customer.md": "c1\n",      // kept, the staged version too
		"customers/d/customer.md": "(missing)",
		"customers/e/customer.md": "e1\n",
		"guides/x.md":             "(missing)",
	} {
		if got := read(p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "guides")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty folder guides left behind: %v", err)
	}
	for _, p := range []string{"customers/b/customer.md", "customers/c/customer.md"} {
		if !strings.Contains(log.String(), "local change kept") || !strings.Contains(log.String(), p) {
			t.Errorf("no warning for %s:\n%s", p, log)
		}
	}
	// git status shows exactly the technician's own changes.
	st := runGit(t, dir, "status", "--porcelain")
	want := "MM customers/b/customer.md\nMM customers/c/customer.md"
	if !strings.Contains(st, "customers/b/customer.md") || !strings.Contains(st, "customers/c/customer.md") || strings.Contains(st, "customers/a") || strings.Contains(st, "customers/e") || strings.Contains(st, "customers/d") {
		t.Errorf("git status:\n%s\nwant only b and c (like %q)", st, want)
	}
	if got := runGit(t, dir, "show", ":customers/c/customer.md"); got != "c staged" {
		t.Errorf("the staged version was lost: %q", got)
	}
	fsck(t, dir)
}

// TestWorkTreeOtherBranch: when the work tree has another branch checked
// out, it is not touched.
func TestWorkTreeOtherBranch(t *testing.T) {
	gitBin(t)
	r := newRepo(t, false)
	commit(t, r, "base", files{"a.md": "1\n"})
	runGit(t, r.Dir(), "checkout", "-q", "-b", "draft")
	commit(t, r, "on main", files{"a.md": "2\n"})
	if b, _ := os.ReadFile(filepath.Join(r.Dir(), "a.md")); string(b) != "1\n" {
		t.Errorf("work tree of another branch changed: %q", b)
	}
	if st := runGit(t, r.Dir(), "status", "--porcelain"); st != "" {
		t.Errorf("git status: %s", st)
	}
	if got := runGit(t, r.Dir(), "show", "main:a.md"); got != "2" {
		t.Errorf("main:a.md = %q", got)
	}
}
