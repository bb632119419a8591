package gitstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
)

func TestOpenNotARepository(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Join(dir, "missing")} {
		if _, err := Open(d); !errors.Is(err, ErrNotARepository) {
			t.Errorf("Open(%s) = %v, want ErrNotARepository", d, err)
		}
	}
}

func TestEmptyRepository(t *testing.T) {
	for _, bare := range []bool{false, true} {
		r := newRepo(t, bare)
		if r.Branch() != "main" || r.Bare() != bare {
			t.Errorf("Branch() = %q, Bare() = %v", r.Branch(), r.Bare())
		}
		head, err := r.Head()
		if head != "" || err != nil {
			t.Errorf("Head() = %q, %v; want empty", head, err)
		}
		n := 0
		for _, err := range r.Files("") {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 0 {
			t.Errorf("Files of an empty repository yielded %d files", n)
		}
		_, err = r.ReadFile("", "dangan.yaml")
		mustNotFound(t, err)
		log, err := r.Log(10)
		if err != nil || len(log) != 0 {
			t.Errorf("Log = %v, %v", log, err)
		}
		_, err = r.AsOf(testEpoch)
		mustNotFound(t, err)
		s, err := r.Snapshot("")
		if err != nil || s.Len() != 0 {
			t.Errorf("Snapshot = %v, %v", s, err)
		}
		if err := r.Close(); err != nil {
			t.Error(err)
		}
		if err := r.Close(); err == nil { // and does not block
			t.Error("a second Close reported no error")
		}
	}
}

var sampleFiles = files{
	"dangan.yaml": "name: 米脂县分公司\n",
	"customers/mz-renmin-hospital/customer.md":    "---\nkind: customer\nname: 米脂县人民医院\n---\n机房在门诊楼三层。\n",
	"customers/mz-renmin-hospital/devices.md":     "---\nkind: devices\ndevices:\n  - {id: core-sw-1, role: 核心交换机}\n---\n",
	"customers/mz-renmin-hospital/notes/rack.png": "\x89PNG\x00binary",
	"customers/mz-school/customer.md":             "---\nkind: customer\nname: 米脂中学\n---\n",
	"guides/olt.md":                               "# OLT\n",
}

func TestReadBareAndWorkTree(t *testing.T) {
	for _, bare := range []bool{false, true} {
		r := newRepo(t, bare)
		id := commit(t, r, "first", sampleFiles)
		// Reopen: reading works straight from the objects, no checkout.
		r2, err := Open(r.Dir())
		if err != nil {
			t.Fatal(err)
		}
		defer r2.Close()
		head, _ := r2.Head()
		if head != id {
			t.Fatalf("Head() = %s, want %s", head, id)
		}
		got := files{}
		for f, err := range r2.Files(id) {
			if err != nil {
				t.Fatal(err)
			}
			got[f.Path] = string(f.Data)
			if f.Version == "" {
				t.Errorf("%s has no version", f.Path)
			}
		}
		if d := cmp.Diff(sampleFiles, got); d != "" {
			t.Errorf("Files (-want +got):\n%s", d)
		}
		f, err := r2.ReadFile(id, "customers/mz-school/customer.md")
		if err != nil || string(f.Data) != sampleFiles["customers/mz-school/customer.md"] {
			t.Errorf("ReadFile = %q, %v", f.Data, err)
		}
		for _, p := range []string{"customers/none.md", "customers", "customers/mz-school/customer.md/x", "../etc/passwd", ".git/config"} {
			_, err := r2.ReadFile(id, p)
			mustNotFound(t, err)
		}
		entries, err := r2.List(id, "customers/mz-renmin-hospital/notes")
		if err != nil {
			t.Fatal(err)
		}
		want := []Entry{{Path: "customers/mz-renmin-hospital/notes/rack.png", Version: entries[0].Version, Size: int64(len(sampleFiles["customers/mz-renmin-hospital/notes/rack.png"]))}}
		if d := cmp.Diff(want, entries); d != "" {
			t.Errorf("List (-want +got):\n%s", d)
		}
		if _, err := r2.List(id, "customers/nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("List of a missing folder: %v", err)
		}
		top, err := r2.List(id, "")
		if err != nil || len(top) != 1 || top[0].Path != "dangan.yaml" {
			t.Errorf("List top = %v, %v", top, err)
		}
		s, err := r2.Snapshot(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Commit != id || s.Customer("mz-renmin-hospital") == nil || s.Customer("mz-renmin-hospital").Name() != "米脂县人民医院" {
			t.Errorf("Snapshot lacks the hospital: %+v", s.CustomerIDs())
		}
	}
}

func TestResolve(t *testing.T) {
	r := newRepo(t, true)
	a := commit(t, r, "a", files{"a.md": "a"})
	b := commit(t, r, "b", files{"b.md": "b"})
	tests := []struct {
		rev  string
		want string
	}{
		{a, a}, {strings.ToUpper(a), a}, {a[:7], a}, {"main", b}, {"refs/heads/main", b}, {"HEAD", b}, {"main~1", a},
	}
	for _, tt := range tests {
		got, err := r.Resolve(tt.rev)
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", tt.rev, got, err, tt.want)
		}
	}
	for _, rev := range []string{"nope", strings.Repeat("0", 40), "zzzz"} {
		_, err := r.Resolve(rev)
		mustNotFound(t, err)
	}
	// A blob id is not a commit.
	f, _ := r.ReadFile(b, "b.md")
	_, err := r.Resolve(f.Version)
	mustNotFound(t, err)
}

func TestChanges(t *testing.T) {
	r := newRepo(t, true)
	c0 := commit(t, r, "base", sampleFiles)
	tests := []struct {
		name    string
		change  files
		changed []string
		removed []string
	}{
		{"modify one file", files{"customers/mz-school/customer.md": "changed"}, []string{"customers/mz-school/customer.md"}, nil},
		{"add a file", files{"customers/mz-school/visits/2026-01-05-repair.md": "v"}, []string{"customers/mz-school/visits/2026-01-05-repair.md"}, nil},
		{"delete a file", files{"-guides/olt.md": ""}, nil, []string{"guides/olt.md"}},
		{"rename", files{"-customers/mz-school/customer.md": "", "customers/mz-school/profile.md": sampleFiles["customers/mz-school/customer.md"]},
			[]string{"customers/mz-school/profile.md"}, []string{"customers/mz-school/customer.md"}},
		{"remove a folder", files{"-customers/mz-renmin-hospital/customer.md": "", "-customers/mz-renmin-hospital/devices.md": "", "-customers/mz-renmin-hospital/notes/rack.png": ""},
			nil, []string{"customers/mz-renmin-hospital/customer.md", "customers/mz-renmin-hospital/devices.md", "customers/mz-renmin-hospital/notes/rack.png"}},
		{"file becomes folder", files{"-guides/olt.md": "", "guides/olt.md/index.md": "x"}, []string{"guides/olt.md/index.md"}, []string{"guides/olt.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := r.Commit(t.Context(), Change{Parent: mustHead(t, r), Author: Signature{Name: "t"}, Message: tt.name, Files: tt.change.changes()})
			if err != nil {
				t.Fatal(err)
			}
			changed, removed, err := r.Changes(c0, id)
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, f := range changed {
				paths = append(paths, f.Path)
				if want, ok := tt.change[f.Path]; !ok || string(f.Data) != want {
					t.Errorf("%s: data %q, want %q", f.Path, f.Data, want)
				}
			}
			if d := cmp.Diff(tt.changed, paths); d != "" {
				t.Errorf("changed (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.removed, removed); d != "" {
				t.Errorf("removed (-want +got):\n%s", d)
			}
			// Back to the base for the next case.
			back, err := r.Commit(t.Context(), Change{Parent: id, Author: Signature{Name: "t"}, Message: "undo", Files: undo(t, r, c0, id)})
			if err != nil {
				t.Fatal(err)
			}
			if ch, rm, _ := r.Changes(c0, back); len(ch)+len(rm) != 0 {
				t.Fatalf("undo left %v %v", ch, rm)
			}
		})
	}
	all, removed, err := r.Changes("", c0)
	if err != nil || len(all) != len(sampleFiles) || len(removed) != 0 {
		t.Errorf("Changes from empty: %d files, %v, %v", len(all), removed, err)
	}
}

func mustHead(tb testing.TB, r *Repo) string {
	tb.Helper()
	h, err := r.Head()
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// undo returns the change that brings commit to back to commit base.
func undo(tb testing.TB, r *Repo, base, to string) []FileChange {
	changed, removed, err := r.Changes(to, base)
	if err != nil {
		tb.Fatal(err)
	}
	var fcs []FileChange
	for _, p := range removed {
		fcs = append(fcs, FileChange{Path: p, Delete: true})
	}
	for _, f := range changed {
		fcs = append(fcs, FileChange{Path: f.Path, Data: f.Data})
	}
	return fcs
}

// TestChangesMatchGit compares Changes with git diff on random histories.
func TestChangesMatchGit(t *testing.T) {
	r := newRepo(t, true)
	gitBin(t)
	rng := newRand(1)
	var ids []string
	for i := range 25 {
		fs := files{}
		for range 1 + rng.IntN(4) {
			p := randomPath(rng)
			if _, dup := fs["-"+p]; dup {
				continue
			}
			if _, dup := fs[p]; dup {
				continue
			}
			if rng.IntN(4) == 0 {
				fs["-"+p] = ""
			} else {
				fs[p] = randomText(rng, i)
			}
		}
		head := mustHead(t, r)
		id, err := r.Commit(t.Context(), Change{Parent: head, Author: Signature{Name: "t"}, Message: "random", Files: fs.changes()})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for range 30 {
		a, b := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		changed, removed, err := r.Changes(a, b)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range changed {
			got = append(got, "M "+f.Path)
		}
		for _, p := range removed {
			got = append(got, "D "+p)
		}
		var want []string
		for _, l := range strings.Split(runGit(t, r.Dir(), "diff", "--no-renames", "--name-status", a, b), "\n") {
			if l == "" {
				continue
			}
			st, p, _ := strings.Cut(l, "\t")
			if st == "A" {
				st = "M"
			}
			want = append(want, st+" "+p)
		}
		sortStrings(got)
		sortStrings(want)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("Changes(%.7s, %.7s) differs from git diff (-git +ours):\n%s", a, b, d)
		}
	}
	out := runGit(t, r.Dir(), "fsck", "--full", "--strict")
	if strings.Contains(out, "error") {
		t.Errorf("git fsck: %s", out)
	}
}

func TestSnapshotMatchesArchiveLoad(t *testing.T) {
	r := newRepo(t, true)
	id := commit(t, r, "first", sampleFiles)
	s, err := r.Snapshot("")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := archive.Load(id, r.Files(id))
	if s.Len() != want.Len() || s.Commit != id {
		t.Errorf("Snapshot has %d records at %s, want %d", s.Len(), s.Commit, want.Len())
	}
	_ = os.Remove
}
