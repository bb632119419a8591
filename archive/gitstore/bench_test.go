package gitstore

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Fixtures for benchmarks are built once per process (they take seconds)
// under fixtureRoot, which TestMain removes.
var (
	fixtureRoot  string
	fixtureMu    sync.Mutex
	fixtureDirs  = map[string]string{}
	fixtureHeads = map[string][2]string{}
)

func fixtureDir() string {
	if fixtureRoot == "" {
		d, err := os.MkdirTemp("", "gitstore-bench-")
		if err != nil {
			panic(err)
		}
		fixtureRoot = d
	}
	return fixtureRoot
}

func customerFile(i int) []byte {
	return fmt.Appendf(nil, "---\nkind: customer\nname: 客户%05d\nindustry: 医疗卫生\ncontacts:\n  - {name: 刘主任, phone: \"13800000000\"}\n---\n机房在三层。\n", i)
}

// wideRepo has 10,000 customer folders with two files each, and a second
// commit that changes one file. It returns the directory and both commits.
func wideRepo(b *testing.B) (string, string, string) {
	b.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if d, ok := fixtureDirs["wide"]; ok {
		return d, fixtureHeads["wide"][0], fixtureHeads["wide"][1]
	}
	dir := filepath.Join(fixtureDir(), "wide")
	r, err := Init(dir, true)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	r.noSync = true
	var fcs []FileChange
	for i := range 10000 {
		fcs = append(fcs, FileChange{Path: fmt.Sprintf("customers/cust-%05d/customer.md", i), Data: customerFile(i)},
			FileChange{Path: fmt.Sprintf("customers/cust-%05d/devices.md", i), Data: fmt.Appendf(nil, "---\nkind: devices\ndevices:\n  - {id: sw-%d}\n---\n", i)})
	}
	start := time.Now()
	c1, err := r.Commit(context.Background(), Change{Author: Signature{Name: "import"}, Message: "import", Files: fcs})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("wide fixture: 20,000 files committed in %v", time.Since(start))
	c2, err := r.Commit(context.Background(), Change{Parent: c1, Author: Signature{Name: "t"}, Message: "one visit",
		Files: []FileChange{{Path: "customers/cust-04242/visits/2026-01-05-repair.md", Data: []byte("---\nkind: visit\n---\n")}}})
	if err != nil {
		b.Fatal(err)
	}
	fixtureDirs["wide"], fixtureHeads["wide"] = dir, [2]string{c1, c2}
	return dir, c1, c2
}

// longCommits is the length of the history of longRepo.
var longCommits = 10000

// longRepo has 10,000 commits over 300 customers (a county branch's
// archive), each commit changing one file; customers/cust-00007/devices.md
// changes in every 50th.
func longRepo(b *testing.B) string {
	b.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if d, ok := fixtureDirs["long"]; ok {
		return d
	}
	dir := filepath.Join(fixtureDir(), "long")
	r, err := Init(dir, true)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	r.noSync = true
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var n int
	r.Now = func() time.Time { n++; return t0.Add(time.Duration(n) * time.Hour) }
	var fcs []FileChange
	for i := range 300 {
		fcs = append(fcs, FileChange{Path: fmt.Sprintf("customers/cust-%05d/customer.md", i), Data: customerFile(i)})
	}
	start := time.Now()
	head, err := r.Commit(context.Background(), Change{Author: Signature{Name: "import"}, Message: "import", Files: fcs})
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i < longCommits; i++ {
		p := fmt.Sprintf("customers/cust-%05d/visits/v%d.md", (i*7919)%300, i%13)
		if i%50 == 0 {
			p = "customers/cust-00007/devices.md"
		}
		head, err = r.Commit(context.Background(), Change{Parent: head, Author: Signature{Name: "t"}, Message: fmt.Sprint("commit ", i),
			Files: []FileChange{{Path: p, Data: fmt.Appendf(nil, "change %d\n", i)}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("long fixture: %d commits made in %v", longCommits, time.Since(start))
	fixtureDirs["long"] = dir
	return dir
}

func openBench(b *testing.B, dir string) *Repo {
	b.Helper()
	r, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	r.Logger = slog.New(slog.DiscardHandler)
	b.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkChangesWide: a one-file commit on 10,000 customers, with the
// tree cache cold (as for a commit just made by someone else) and warm.
func BenchmarkChangesWide(b *testing.B) {
	dir, c1, c2 := wideRepo(b)
	for _, cold := range []bool{true, false} {
		b.Run(map[bool]string{true: "cold", false: "warm"}[cold], func(b *testing.B) {
			r := openBench(b, dir)
			for b.Loop() {
				if cold {
					b.StopTimer()
					r.trees = newLRU[plumbing.Hash, *tree](64 << 20)
					r.commits = newLRU[plumbing.Hash, commitHead](1 << 14)
					b.StartTimer()
				}
				changed, removed, err := r.Changes(c1, c2)
				if err != nil || len(changed) != 1 || len(removed) != 0 {
					b.Fatal(changed, removed, err)
				}
			}
		})
	}
}

// BenchmarkCommitWide: one durable one-file commit on 10,000 customers.
func BenchmarkCommitWide(b *testing.B) {
	dir, _, _ := wideRepo(b)
	r := openBench(b, dir)
	i := 0
	for b.Loop() {
		head, _ := r.Head()
		_, err := r.Commit(context.Background(), Change{Parent: head, Author: Signature{Name: "t"}, Message: "bench",
			Files: []FileChange{{Path: "customers/cust-00001/visits/bench.md", Data: fmt.Appendf(nil, "%d", i)}}})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkReadFile(b *testing.B) {
	dir, _, c2 := wideRepo(b)
	r := openBench(b, dir)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.ReadFile(c2, "customers/cust-04242/customer.md"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHistory10k: History of one file over 10,000 commits: the first
// call on a fresh Repo (building the index), later calls, and the first
// call when the index is loaded from CacheDir; with loose objects (as
// Commit writes them) and after git gc (packed), when git is installed.
func BenchmarkHistory10k(b *testing.B) {
	loose := longRepo(b)
	b.Run("loose", func(b *testing.B) { benchHistory(b, loose) })
	b.Run("packed", func(b *testing.B) {
		gitBin(b)
		packed := loose + "-packed"
		if _, err := os.Stat(packed); err != nil {
			if out, err := exec.Command("cp", "-r", loose, packed).CombinedOutput(); err != nil {
				b.Fatal(err, string(out))
			}
			runGit(b, packed, "gc", "-q")
		}
		benchHistory(b, packed)
	})
}

func benchHistory(b *testing.B, dir string) {
	const path = "customers/cust-00007/devices.md"
	check := func(b *testing.B, r *Repo) {
		h, err := r.History(path, 0)
		if err != nil || len(h) != (longCommits-1)/50 {
			b.Fatalf("History = %d commits, %v", len(h), err)
		}
	}
	b.Run("first-call", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			r, _ := Open(dir)
			b.StartTimer()
			check(b, r)
			b.StopTimer()
			r.Close()
			b.StartTimer()
		}
	})
	b.Run("later-calls", func(b *testing.B) {
		r := openBench(b, dir)
		check(b, r)
		for b.Loop() {
			check(b, r)
		}
	})
	cache := b.TempDir()
	r := openBench(b, dir)
	r.CacheDir = cache
	check(b, r)
	r.Close()
	b.Run("first-call-from-cache", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			r, _ := Open(dir)
			r.CacheDir = cache
			b.StartTimer()
			check(b, r)
			b.StopTimer()
			r.Close()
			b.StartTimer()
		}
	})
	b.Run("asof-warm", func(b *testing.B) {
		r := openBench(b, dir)
		t := time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
		r.AsOf(t)
		for b.Loop() {
			if _, err := r.AsOf(t); err != nil {
				b.Fatal(err)
			}
		}
	})
}
