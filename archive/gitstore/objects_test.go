package gitstore

import (
	"bytes"
	"fmt"
	"testing"
)

// rawTree builds a raw tree object of n files.
func rawTree(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "100644 f%05d\x00", i)
		h := bytes.Repeat([]byte{byte(i)}, 20) // ids may hold NUL bytes
		b.Write(h)
	}
	return b.Bytes()
}

// TestTreeCost checks that a parsed tree holds no more than the cache
// counts for it: the cache's budget is then what the process keeps.
func TestTreeCost(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		raw := rawTree(n)
		tr, err := parseTree(raw)
		if err != nil {
			t.Fatalf("%d entries: %v", n, err)
		}
		if len(tr.ents) != n || cap(tr.ents) != n {
			t.Errorf("%d entries: index has %d entries, room for %d", n, len(tr.ents), cap(tr.ents))
		}
		if n > 0 {
			if got := tr.name(n - 1); got != fmt.Sprintf("f%05d", n-1) {
				t.Errorf("%d entries: last name %q", n, got)
			}
		}
		if c := tr.cost(); c < len(raw)+n*12 {
			t.Errorf("%d entries: cost %d below the bytes held", n, c)
		}
	}
	if _, err := parseTree([]byte("100644 x\x00short")); err == nil {
		t.Error("a truncated tree parsed")
	}
}

// TestObjectExactSize checks that objects read from a pack are not held in
// arrays larger than they are (they are cached by the thousand).
func TestObjectExactSize(t *testing.T) {
	r := newRepo(t, false)
	big := bytes.Repeat([]byte("档案 0123456789\n"), 3000)
	id := commit(t, r, "big", files{"customers/a/customer.md": string(big)})
	runGit(t, r.Dir(), "gc", "-q", "--prune=now")
	f, err := r.ReadFile(id, "customers/a/customer.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Data, big) {
		t.Fatal("the file read back differs")
	}
	if cap(f.Data) != len(f.Data) {
		t.Errorf("%d bytes held in an array of %d", len(f.Data), cap(f.Data))
	}
}
