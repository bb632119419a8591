package gitstore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

// walkStory commits a history with additions, changes, removals, a file
// turned into a folder and an empty commit's worth of nothing, and returns
// the commit ids in order.
func walkStory(t *testing.T, r *Repo) []string {
	t.Helper()
	var ids []string
	for _, fs := range []files{
		{"customers/a/customer.md": "a1", "customers/b/customer.md": "b1", "guides/g.md": "g"},
		{"customers/a/devices.md": "d1"},
		{"-customers/b/customer.md": "", "customers/c/customer.md": "c1"},
		{"customers/a/customer.md": "a2", "customers/a/devices.md": "d2", "dangan.yaml": "x: 1\n"},
		{"-guides/g.md": "", "guides/g.md/inner.md": "now a folder"},
		{"customers/c/visits/2026-01-01-x.md": "v"},
	} {
		ids = append(ids, commit(t, r, "step", fs))
	}
	return ids
}

type walked struct {
	Commit  string
	Changes []PathChange
}

func walkAll(t *testing.T, r *Repo, after, to string) []walked {
	t.Helper()
	var out []walked
	err := r.WalkChanges(context.Background(), after, to, nil, func(c string, ch []PathChange) error {
		slices.SortFunc(ch, func(a, b PathChange) int { return strings.Compare(a.Path, b.Path) })
		out = append(out, walked{c, ch})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWalkChanges checks git log's answer against the trees compared here,
// and both against Changes, from the start and from the middle.
func TestWalkChanges(t *testing.T) {
	gitBin(t)
	r := newRepo(t, true)
	logs := captureLog(r)
	ids := walkStory(t, r)
	head := ids[len(ids)-1]
	for _, after := range []string{"", ids[0], ids[3], head} {
		t.Run(fmt.Sprintf("after %.7s", after), func(t *testing.T) {
			r.NoGitBinary = false
			withGit := walkAll(t, r, after, head)
			if strings.Contains(logs.String(), "without the git program") {
				t.Fatalf("git log was not used: %s", logs)
			}
			r.NoGitBinary = true
			without := walkAll(t, r, after, head)
			r.NoGitBinary = false
			if d := cmp.Diff(withGit, without); d != "" {
				t.Fatalf("git log and the trees disagree (-git +trees):\n%s", d)
			}
			k := slices.Index(ids, after) + 1
			if len(withGit) != len(ids)-k {
				t.Fatalf("walked %d commits, want %d", len(withGit), len(ids)-k)
			}
			for i, w := range withGit {
				if w.Commit != ids[k+i] {
					t.Errorf("commit %d = %.7s, want %.7s", i, w.Commit, ids[k+i])
				}
				prev := ""
				if k+i > 0 {
					prev = ids[k+i-1]
				}
				changed, removed, err := r.Changes(prev, w.Commit)
				if err != nil {
					t.Fatal(err)
				}
				var want []PathChange
				for _, f := range changed {
					want = append(want, PathChange{Path: f.Path, Blob: f.Version})
					if b, err := r.Blob(f.Version); err != nil || string(b) != string(f.Data) {
						t.Errorf("Blob(%s) = %q, %v; want %q", f.Version, b, err, f.Data)
					}
				}
				for _, p := range removed {
					want = append(want, PathChange{Path: p})
				}
				slices.SortFunc(want, func(a, b PathChange) int { return strings.Compare(a.Path, b.Path) })
				if d := cmp.Diff(want, w.Changes); d != "" {
					t.Errorf("changes of commit %d (-Changes +walk):\n%s", k+i, d)
				}
			}
		})
	}
}

// TestHistoryBackground: while the background build cannot run (its Pause
// holds it), History still answers, partly and saying so; once the build
// is done the answers are those of the plain index.
func TestHistoryBackground(t *testing.T) {
	for _, git := range []bool{true, false} {
		t.Run(fmt.Sprintf("git=%v", git), func(t *testing.T) {
			if git {
				gitBin(t)
			}
			r := newRepo(t, true)
			r.NoGitBinary = !git
			ids := walkStory(t, r)
			want := map[string][]string{}
			plain, _ := Open(r.Dir())
			plain.NoGitBinary = !git
			for _, p := range []string{"customers/a", "customers/a/devices.md", "guides", "customers/b/customer.md"} {
				cs, err := plain.History(p, 0)
				if err != nil {
					t.Fatal(err)
				}
				want[p] = hashes(cs)
			}
			plain.Close()

			release := make(chan struct{})
			var once sync.Once
			r.hist.budget = 1 // the bounded walk ends at once: a partial answer
			r.IndexHistoryInBackground(context.Background(), func(ctx context.Context) error {
				select {
				case <-release:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			cs, err := r.History("customers/a", 0)
			if !errors.Is(err, ErrIndexing) {
				t.Fatalf("History while the build is held = %d commits, %v; want ErrIndexing", len(cs), err)
			}
			for _, c := range cs {
				if !slices.Contains(want["customers/a"], c.Hash) {
					t.Errorf("partial history names %.7s, which did not change customers/a", c.Hash)
				}
			}
			// With time enough the bounded walk gives the whole answer.
			r.hist.budget = historyBudget * 40
			for p, w := range want {
				cs, err := r.History(p, 0)
				if err != nil {
					t.Fatalf("History(%s) with a long budget: %v", p, err)
				}
				if d := cmp.Diff(w, hashes(cs)); d != "" {
					t.Errorf("History(%s) from the bounded walk (-want +got):\n%s", p, d)
				}
			}
			once.Do(func() { close(release) })
			r.stopBuildWait()
			for p, w := range want {
				cs, err := r.History(p, 0)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(w, hashes(cs)); d != "" {
					t.Errorf("History(%s) after the build (-want +got):\n%s", p, d)
				}
			}
			if r.hist.indexed != len(ids) {
				t.Errorf("indexed %d commits, want %d", r.hist.indexed, len(ids))
			}
		})
	}
}

// TestHistoryWantedIsBuilt: a background build steps aside for requests,
// but not once a request needed the index and made do with a bounded
// walk: the build that request is waiting for, in effect, goes on (a pause
// that never lets go stands for a server that is never idle).
func TestHistoryWantedIsBuilt(t *testing.T) {
	r := newRepo(t, true)
	ids := walkStory(t, r)
	r.hist.budget = 1
	r.IndexHistoryInBackground(context.Background(), func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	})
	if _, err := r.History("customers/a", 0); !errors.Is(err, ErrIndexing) {
		t.Fatalf("first History: %v, want ErrIndexing (the build had not run)", err)
	}
	done := make(chan struct{})
	go func() { r.stopBuildWait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the build a request needed stayed paused")
	}
	if _, err := r.History("customers/a", 0); err != nil {
		t.Errorf("History after the build: %v", err)
	}
	if r.hist.indexed != len(ids) {
		t.Errorf("indexed %d commits, want %d", r.hist.indexed, len(ids))
	}
}

// stopBuildWait waits for the running background build to end by itself.
func (r *Repo) stopBuildWait() { r.hist.builds.Wait() }

// TestIndexHistoryResumes: a build interrupted after a checkpoint starts
// again from it, in another process (a new Repo over the same cache).
func TestIndexHistoryResumes(t *testing.T) {
	r := newRepo(t, true)
	r.CacheDir = t.TempDir()
	var ids []string
	for i := range 30 {
		ids = append(ids, commitNoSync(t, r, files{fmt.Sprintf("customers/c%d/customer.md", i%7): fmt.Sprint(i)}))
	}
	r.hist.batch, r.hist.checkpoint = 5, 10
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	err := r.IndexHistory(ctx, func(context.Context) error {
		steps++
		if steps == 25 {
			cancel()
			return ctx.Err()
		}
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted build: %v", err)
	}
	r.Close()
	if _, err := os.Stat(filepath.Join(r.CacheDir, "history-main.gob")); err != nil {
		t.Fatal("no checkpoint:", err)
	}

	r2, _ := Open(r.Dir())
	r2.CacheDir = r.CacheDir
	defer r2.Close()
	steps = 0
	if err := r2.IndexHistory(context.Background(), func(context.Context) error { steps++; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	// The checkpoint of the interrupted build was at 20 commits (24 were
	// walked; the last batch, unfinished, is not kept).
	if steps != 10 {
		t.Errorf("resumed build walked %d commits, want the 10 after the checkpoint", steps)
	}
	cs, err := r2.History("customers/c3", 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := len(ids) - 1; i >= 0; i-- {
		if i%7 == 3 {
			want = append(want, ids[i])
		}
	}
	if d := cmp.Diff(want, hashes(cs)); d != "" {
		t.Errorf("History after a resumed build (-want +got):\n%s", d)
	}
}

// FuzzParseRawLog: whatever git prints, the parser returns an error or
// commits of 40 characters with the paths it read, and never panics.
func FuzzParseRawLog(f *testing.F) {
	f.Add("2e3b036cca5f14e0c2eabf62278a48737fb7b468\x00\n:100644 100644 bdbd3400f0241a99ecb7b21fbc250fb128ff492a d604401f8161e19c86482303afea8c1e6c88a3fd M\x00customers/a/customer.md\x00")
	f.Add("2e3b036cca5f14e0c2eabf62278a48737fb7b468\x00\n:000000 100644 0000000000000000000000000000000000000000 d604401f8161e19c86482303afea8c1e6c88a3fd A\x00a.md\x00:120000 000000 d604401f8161e19c86482303afea8c1e6c88a3fd 0000000000000000000000000000000000000000 D\x00link\x00")
	f.Add(":100644")
	f.Fuzz(func(t *testing.T, s string) {
		_ = parseRawLog(bufio.NewReader(strings.NewReader(s)), func(c string, ch []PathChange) error {
			if len(c) != 40 {
				t.Fatalf("commit %q", c)
			}
			return nil
		})
	})
}

// TestListFreshAgrees: the commits git log lists are those read here,
// messages, names and time zones included.
func TestListFreshAgrees(t *testing.T) {
	gitBin(t)
	r := newRepo(t, true)
	var ids []string
	for i, m := range []struct{ msg, name, zone string }{
		{"first", "李强", "Asia/Shanghai"},
		{"two lines\n\nand a body\n", "Wang Fang", "America/St_Johns"},
		{"", "nobody", "UTC"},
		{"no newline at the end", "李强", "Asia/Kolkata"},
		{"trailing blank lines\n\n\n", "x", "UTC"},
	} {
		loc, err := time.LoadLocation(m.zone)
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		head, _ := r.Head()
		id, err := r.Commit(context.Background(), Change{Parent: head, Message: m.msg,
			Author: Signature{Name: m.name, Email: m.name + "@example.cn", When: testEpoch.Add(time.Duration(i) * time.Hour).In(loc)},
			Files:  []FileChange{{Path: fmt.Sprintf("f%d.md", i), Data: []byte("x")}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	head, _ := r.head()
	for _, stop := range []int{-1, 1, 3} {
		known := func(c plumbing.Hash) (int, bool) {
			for i := 0; i <= stop; i++ {
				if ids[i] == c.String() {
					return i, true
				}
			}
			return 0, false
		}
		r.NoGitBinary = true
		here, atHere, err := r.listFresh(head, known)
		if err != nil {
			t.Fatal(err)
		}
		r.NoGitBinary = false
		git, atGit, err := r.gitList(head, known)
		if err != nil {
			t.Fatal(err)
		}
		if atHere != stop || atGit != stop {
			t.Errorf("stop %d: listing ended at %d (here) and %d (git)", stop, atHere, atGit)
		}
		if len(here) != len(ids)-stop-1 {
			t.Errorf("stop %d: %d commits listed, want %d", stop, len(here), len(ids)-stop-1)
		}
		if d := cmp.Diff(here, git); d != "" {
			t.Errorf("stop %d: git log and the commits read here differ (-here +git):\n%s", stop, d)
		}
	}
}

// TestHistoryFileFormats: the compact cache file reads back what was
// written, and a gob file of the earlier version is still read.
func TestHistoryFileFormats(t *testing.T) {
	r := newRepo(t, true)
	r.CacheDir = t.TempDir()
	walkStory(t, r)
	want, err := r.History("customers/a", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(r.histPath())
	if err != nil || !bytes.HasPrefix(data, histMagic) {
		t.Fatalf("cache file: %v, %.20q", err, data)
	}
	hf, err := decodeHistFile(data)
	if err != nil {
		t.Fatal(err)
	}
	var old bytes.Buffer
	if err := gob.NewEncoder(&old).Encode(hf); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string][]byte{"compact": data, "gob": old.Bytes()} {
		if err := os.WriteFile(r.histPath(), file, 0o644); err != nil {
			t.Fatal(err)
		}
		r2, _ := Open(r.Dir())
		r2.CacheDir = r.CacheDir
		r2.NoGitBinary = true
		logs := captureLog(r2)
		got, err := r2.History("customers/a", 0)
		r2.Close()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s file: history (-want +got):\n%s", name, d)
		}
		if strings.Contains(logs.String(), "ignored") {
			t.Errorf("%s file ignored: %s", name, logs)
		}
	}
}

// FuzzDecodeHistFile: a damaged cache file is an error, never a panic or
// an index pointing past its commits.
func FuzzDecodeHistFile(f *testing.F) {
	var buf bytes.Buffer
	_ = encodeHistFile(&buf, &histFile{Branch: "main", Indexed: 2, Commits: []histCommit{{Author: "a", Message: "m\n"}, {CommitTime: 5}},
		Paths: map[string][]int32{"customers/a": {0, 1}, "customers": {1}}})
	f.Add(buf.Bytes())
	f.Add(histMagic)
	f.Fuzz(func(t *testing.T, data []byte) {
		hf, err := decodeHistFile(data)
		if err != nil {
			return
		}
		for _, ids := range hf.Paths {
			for _, id := range ids {
				if id < 0 || int(id) > hf.Indexed {
					t.Fatalf("id %d with %d indexed", id, hf.Indexed)
				}
			}
		}
	})
}

// TestWalkChangesFeedsTheIndex: a walk through the commits the per-path
// index lacks (the leads' walk) fills it, so building it costs no second
// pass; the answers are those of a plain build.
func TestWalkChangesFeedsTheIndex(t *testing.T) {
	r := newRepo(t, true)
	ids := walkStory(t, r)
	r.hist.batch = 2
	if _, err := r.Log(0); err != nil { // the chain, not the paths
		t.Fatal(err)
	}
	if r.hist.indexed != 0 {
		t.Fatalf("indexed %d before the walk", r.hist.indexed)
	}
	walkAll(t, r, "", ids[len(ids)-1])
	if r.hist.indexed != len(ids) {
		t.Fatalf("the walk indexed %d commits, want %d", r.hist.indexed, len(ids))
	}
	plain, _ := Open(r.Dir())
	defer plain.Close()
	for _, p := range []string{"customers/a", "customers/b/customer.md", "guides", "dangan.yaml"} {
		want, err := plain.History(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.History(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(hashes(want), hashes(got)); d != "" {
			t.Errorf("History(%s) (-plain +fed):\n%s", p, d)
		}
	}
}
