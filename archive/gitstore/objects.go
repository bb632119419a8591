package gitstore

import (
	"bytes"
	"container/list"
	"errors"
	"fmt"
	"sort"
	"sync"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// tree is a git tree object kept in its raw form with the offsets of its
// entries. Comparing two versions of a tree then needs no allocation per
// entry: equal entries have equal bytes, which matters for the customers
// folder with its ten thousand subfolders.
type tree struct {
	raw  []byte
	ents []tent
}

// tent locates one entry: raw[start:sp] is the octal mode, raw[sp+1:nul]
// the name, raw[nul+1:nul+21] the object id.
type tent struct {
	sp, nul int32
	mode    filemode.FileMode
}

const (
	kindOther = iota // symlink, submodule: not part of the archive
	kindFile
	kindDir
)

func kindOf(m filemode.FileMode) int {
	switch m {
	case filemode.Dir:
		return kindDir
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
		return kindFile
	}
	return kindOther
}

var errBadTree = errors.New("malformed tree object")

// parseTree checks the structure of a raw tree and indexes its entries.
func parseTree(raw []byte) (*tree, error) {
	if len(raw) > 1<<31-64 {
		return nil, errBadTree
	}
	// Entries are counted first so that the index is allocated once at its
	// size: trees stay in the cache, and a slice grown by append would hold
	// up to twice what the cache counts.
	t := &tree{raw: raw, ents: make([]tent, 0, countTreeEntries(raw))}
	for i := 0; i < len(raw); {
		sp := bytes.IndexByte(raw[i:], ' ')
		if sp <= 0 || sp > 7 {
			return nil, errBadTree
		}
		var m uint32
		for _, c := range raw[i : i+sp] {
			if c < '0' || c > '7' {
				return nil, errBadTree
			}
			m = m<<3 | uint32(c-'0')
		}
		sp += i
		nul := bytes.IndexByte(raw[sp+1:], 0)
		if nul <= 0 {
			return nil, errBadTree
		}
		nul += sp + 1
		if nul+21 > len(raw) {
			return nil, errBadTree
		}
		t.ents = append(t.ents, tent{sp: int32(sp), nul: int32(nul), mode: filemode.FileMode(m)})
		i = nul + 21
	}
	return t, nil
}

// countTreeEntries counts the entries of a raw tree, stopping at the first
// malformed one (parseTree then refuses the tree).
func countTreeEntries(raw []byte) int {
	n := 0
	for i := 0; i < len(raw); n++ {
		nul := bytes.IndexByte(raw[i:], 0)
		if nul < 0 {
			break
		}
		i += nul + 21
	}
	return n
}

// cost is what a tree holds in memory, for the cache's budget.
func (t *tree) cost() int {
	return cap(t.raw) + cap(t.ents)*int(unsafe.Sizeof(tent{})) + int(unsafe.Sizeof(tree{})) + 64
}

func (t *tree) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(t.ents[i-1].nul) + 21
}

func (t *tree) nameBytes(i int) []byte { return t.raw[t.ents[i].sp+1 : t.ents[i].nul] }
func (t *tree) name(i int) string      { return string(t.nameBytes(i)) }
func (t *tree) kind(i int) int         { return kindOf(t.ents[i].mode) }
func (t *tree) entry(i int) []byte     { return t.raw[t.start(i) : t.ents[i].nul+21] }

func (t *tree) hash(i int) plumbing.Hash {
	var h plumbing.Hash
	copy(h[:], t.raw[t.ents[i].nul+1:])
	return h
}

// gitCmp orders names the way git sorts tree entries: a folder compares as
// if its name ended in "/".
func gitCmp(a []byte, aDir bool, b []byte, bDir bool) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	ac, bc := tail(a, n, aDir), tail(b, n, bDir)
	switch {
	case ac < bc:
		return -1
	case ac > bc:
		return 1
	}
	return 0
}

func tail(s []byte, n int, dir bool) int {
	switch {
	case n < len(s):
		return int(s[n])
	case dir:
		return '/'
	}
	return -1
}

// find returns the entry with the given name, a file or a folder.
func (t *tree) find(name string) (int, bool) {
	key := []byte(name)
	for _, dir := range []bool{false, true} {
		i := sort.Search(len(t.ents), func(i int) bool {
			return gitCmp(t.nameBytes(i), t.kind(i) == kindDir, key, dir) >= 0
		})
		if i < len(t.ents) && bytes.Equal(t.nameBytes(i), key) && (t.kind(i) == kindDir) == dir {
			return i, true
		}
	}
	return 0, false
}

var emptyTree = &tree{}

// tree reads and caches a tree object; the zero hash is the empty tree.
func (r *Repo) tree(h plumbing.Hash) (*tree, error) {
	if h.IsZero() {
		return emptyTree, nil
	}
	if t, ok := r.trees.get(h); ok {
		return t, nil
	}
	raw, err := r.object(h, plumbing.TreeObject)
	if err != nil {
		return nil, err
	}
	t, err := parseTree(raw)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	r.trees.put(h, t, t.cost())
	return t, nil
}

// commitHead is what reading files needs of a commit.
type commitHead struct {
	tree, parent plumbing.Hash // parent is the first one, zero for a root commit
}

func (r *Repo) commitHead(h plumbing.Hash) (commitHead, error) {
	if c, ok := r.commits.get(h); ok {
		return c, nil
	}
	c, err := r.commitObject(h)
	if err != nil {
		return commitHead{}, err
	}
	ch := commitHead{tree: c.TreeHash}
	if len(c.ParentHashes) > 0 {
		ch.parent = c.ParentHashes[0]
	}
	r.commits.put(h, ch, 1)
	return ch, nil
}

func (r *Repo) commitObject(h plumbing.Hash) (*object.Commit, error) {
	raw, err := r.object(h, plumbing.CommitObject)
	if err != nil {
		return nil, err
	}
	mo := &plumbing.MemoryObject{}
	mo.SetType(plumbing.CommitObject)
	if _, err := mo.Write(raw); err != nil {
		return nil, err
	}
	c := &object.Commit{}
	if err := c.Decode(mo); err != nil {
		return nil, fmt.Errorf("decode commit %s: %w", h, err)
	}
	return c, nil
}

func toCommit(c *object.Commit) Commit {
	return Commit{Hash: c.Hash.String(), Author: c.Author.Name, Email: c.Author.Email, When: c.Author.When, Message: c.Message}
}

// lru is a small least-recently-used cache bounded by a total cost.
type lru[K comparable, V any] struct {
	mu   sync.Mutex
	max  int
	size int
	ll   list.List
	m    map[K]*list.Element
}

type lruItem[K comparable, V any] struct {
	k    K
	v    V
	cost int
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, m: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruItem[K, V]).v, true
	}
	var zero V
	return zero, false
}

func (c *lru[K, V]) put(k K, v V, cost int) {
	if cost > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		c.ll.MoveToFront(e)
		return
	}
	c.m[k] = c.ll.PushFront(&lruItem[K, V]{k: k, v: v, cost: cost})
	c.size += cost
	for c.size > c.max {
		e := c.ll.Back()
		it := e.Value.(*lruItem[K, V])
		c.ll.Remove(e)
		delete(c.m, it.k)
		c.size -= it.cost
	}
}

// Cache budgets of a Repo. Packed objects are read by packs, which keeps
// the objects used as delta bases (deltaBaseCacheBytes); go-git's object
// cache serves only what falls back on go-git. Parsed trees are kept
// apart. On the 10,000-customer archive, walking the changes of 10,000
// commits took the same CPU (2.6-2.8 s) with 16 MiB or 32 MiB of trees,
// and the heap held 17 MB less: a customers folder of 10,000 entries is
// about 0.6 MB a tree, and a walk needs the last few.
var (
	objectCacheBytes    cache.FileSize = 8 * cache.MiByte
	treeCacheBytes                     = 16 << 20
	deltaBaseCacheBytes                = 16 << 20
)
