package gitstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// deltaRepo makes a repository whose pack holds long delta chains of
// trees and blobs: many versions of a few growing files, in folders.
func deltaRepo(tb testing.TB) *Repo {
	tb.Helper()
	r := newRepo(tb, false)
	var notes strings.Builder
	for i := range 60 {
		fmt.Fprintf(&notes, "第 %d 次巡检：机房温度 %d 度，设备运行正常。\n", i, 20+i%7)
		fs := files{
			"customers/a/customer.md":                     notes.String(),
			fmt.Sprintf("customers/c%02d/visits.md", i%9): strings.Repeat(fmt.Sprintf("visit %d\n", i), 40+i),
		}
		if i%10 == 9 {
			fs["customers/a/big.md"] = strings.Repeat("光猫 ONU 交换机 路由器\n", 4000+i) // over 64 KiB: copy ops with size 0
		}
		commit(tb, r, fmt.Sprintf("v%d", i), fs)
	}
	return r
}

// catAll lists every object of the repository as git reads it.
func catAll(tb testing.TB, dir string) map[plumbing.Hash]packObj {
	tb.Helper()
	cmd := exec.Command(gitBin(tb), "cat-file", "--batch-all-objects", "--batch")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("git cat-file: %v", err)
	}
	objs := map[plumbing.Hash]packObj{}
	br := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			tb.Fatalf("cat-file line %q", line)
		}
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1)
		if _, err := io.ReadFull(br, data); err != nil {
			tb.Fatal(err)
		}
		t, err := plumbing.ParseObjectType(f[1])
		if err != nil {
			tb.Fatal(err)
		}
		objs[plumbing.NewHash(f[0])] = packObj{typ: t, data: data[:n]}
	}
	return objs
}

// TestPackReadsAsGit reads every object of packed repositories, with
// offset deltas and with reference deltas, small caches and none, and
// compares each with what git reads.
func TestPackReadsAsGit(t *testing.T) {
	for _, c := range []struct {
		name   string
		repack []string
		cache  int
	}{
		{"offset deltas", []string{"repack", "-adf", "--depth=50", "--window=50"}, 16 << 20},
		{"offset deltas, no base cache", []string{"repack", "-adf", "--depth=50", "--window=50"}, 0},
		{"reference deltas", []string{"-c", "repack.useDeltaBaseOffset=false", "repack", "-adf", "--depth=20"}, 1 << 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := deltaRepo(t)
			runGit(t, r.Dir(), c.repack...)
			runGit(t, r.Dir(), "prune-packed")
			if n := strings.TrimSpace(runGit(t, r.Dir(), "count-objects")); !strings.HasPrefix(n, "0 objects") {
				t.Fatalf("loose objects left after the repack: %s", n)
			}
			want := catAll(t, r.Dir())
			ps := newPacks(r.commonDir+"/objects", c.cache)
			defer ps.close()
			deltas := 0
			for h, w := range want {
				got, found, complete, err := ps.object(h, false)
				if err != nil || !found || !complete {
					t.Fatalf("%s: found %v, complete %v, err %v", h, found, complete, err)
				}
				if got.typ != w.typ || !bytes.Equal(got.data, w.data) {
					t.Fatalf("%s: read a %s of %d bytes, git reads a %s of %d bytes", h, got.typ, len(got.data), w.typ, len(w.data))
				}
				n, found, err := ps.size(h)
				if err != nil || !found || n != int64(len(w.data)) {
					t.Fatalf("%s: size %d, %v, %v; want %d", h, n, found, err, len(w.data))
				}
				p, _ := ps.current(false)
				off, _ := p[0].find(h)
				if typ, _, _, _, _, _ := p[0].header(off); typ == plumbing.OFSDeltaObject || typ == plumbing.REFDeltaObject {
					deltas++
				}
			}
			if deltas < len(want)/4 {
				t.Errorf("only %d deltas among %d objects: the test reads few", deltas, len(want))
			}
			if _, found, complete, _ := ps.object(plumbing.NewHash("0123456789012345678901234567890123456789"), true); found || !complete {
				t.Errorf("a missing object: found %v, complete %v", found, complete)
			}

			// Through the Repo, as the site reads: every file of every commit.
			log, err := r.Log(0)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range log {
				for f, err := range r.Files(c.Hash) {
					if err != nil {
						t.Fatal(err)
					}
					if w := want[plumbing.NewHash(f.Version)]; !bytes.Equal(f.Data, w.data) {
						t.Fatalf("%s at %s differs from git's", f.Path, c.Hash)
					}
				}
			}
			if _, err := r.object(plumbing.NewHash(log[0].Hash), plumbing.TreeObject); !errors.Is(err, ErrNotFound) {
				t.Errorf("a commit read as a tree: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestPackAfterGC reads on after git gc replaced the pack the reader had
// open, as a technician's git gc does under a running server.
func TestPackAfterGC(t *testing.T) {
	r := deltaRepo(t)
	runGit(t, r.Dir(), "gc", "-q", "--prune=now")
	head, _ := r.Head()
	if _, err := r.ReadFile(head, "customers/a/customer.md"); err != nil {
		t.Fatal(err)
	}
	id := commit(t, r, "after", files{"customers/b/customer.md": "新客户\n"})
	runGit(t, r.Dir(), "gc", "-q", "--prune=now")
	for _, p := range []string{"customers/a/customer.md", "customers/b/customer.md"} {
		if _, err := r.ReadFile(id, p); err != nil {
			t.Errorf("%s after git gc: %v", p, err)
		}
	}
	if !r.hasObject(plumbing.NewHash(id)) {
		t.Error("the new commit is not found after git gc")
	}
}

func TestApplyDelta(t *testing.T) {
	base := []byte("0123456789abcdef")
	for _, c := range []struct {
		name  string
		delta []byte
		want  string
		bad   bool
	}{
		{name: "copy and insert", delta: []byte{16, 7, 0x91, 2, 3, 4, 'x', 'y', 'z', 'w'}, want: "234xyzw"},
		{name: "copy all", delta: []byte{16, 16, 0x90, 16}, want: string(base)},
		{name: "base size wrong", delta: []byte{15, 1, 1, 'a'}, bad: true},
		{name: "copy past the base", delta: []byte{16, 4, 0x91, 14, 4}, bad: true},
		{name: "result too long", delta: []byte{16, 1, 2, 'a', 'b'}, bad: true},
		{name: "result too short", delta: []byte{16, 3, 1, 'a'}, bad: true},
		{name: "reserved op", delta: []byte{16, 1, 0}, bad: true},
		{name: "truncated copy", delta: []byte{16, 4, 0x91, 1}, bad: true},
		{name: "truncated insert", delta: []byte{16, 4, 4, 'a'}, bad: true},
	} {
		got, err := applyDelta(base, c.delta)
		if c.bad {
			if err == nil {
				t.Errorf("%s: %q, want an error", c.name, got)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

// FuzzApplyDelta checks that no delta makes applyDelta panic or write
// more than the size it declares.
func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("0123456789abcdef"), []byte{16, 7, 0x91, 2, 3, 4, 'x', 'y', 'z', 'w'})
	f.Add([]byte("abc"), []byte{3, 3, 0x90, 3})
	f.Add([]byte{}, []byte{0, 0})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, err := applyDelta(base, delta)
		if err != nil {
			return
		}
		rest := delta
		_, n := deltaSize(rest)
		dst, _ := deltaSize(rest[n:])
		if uint64(len(out)) != dst {
			t.Fatalf("%d bytes written, %d declared", len(out), dst)
		}
	})
}
