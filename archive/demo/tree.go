package demo

import (
	"crypto/sha1"
	"encoding"
	"hash"
	"slices"
	"strconv"
	"strings"
)

// The customers/ tree of a large demo has thousands of entries and changes
// in almost every commit. Rebuilding, hashing and diffing it whole each time
// makes writing the history quadratic, so each directory keeps its
// serialized form and patches it in place, resumes SHA-1 from checkpoints
// before the first changed byte, and writes a delta computed from the
// entries it knows changed.

// treeEntry is one line of a git tree. key is the name with "/" appended
// for directories, which is the order git sorts trees in.
type treeEntry struct {
	key  string
	name string
	dir  *dirNode
	id   oid
}

type dirNode struct {
	entries []*treeEntry // sorted by key
	offs    []int        // where each entry starts in data
	data    []byte       // the tree object's content
	id      oid
	dirty   bool

	// SHA-1 states after the header and every hashChunk bytes of data, valid
	// while the size is sumSize; dirtyFrom is the first byte changed since.
	sums      [][]byte
	sumSize   int
	dirtyFrom int

	// Versions are delta-compressed in groups of deltaGroup: version v is a
	// delta against version v&(v-1) of its group (v with its lowest bit
	// cleared) and the first of a group is whole, so chains stay at most
	// log2(deltaGroup) deep for readers while each delta spans few changes.
	version int
	bases   []treeBase
	deleted bool // an entry was removed: the next version is written whole
}

// treeBase is a version later deltas start from, with the entries changed
// since (true: inserted, false: modified in place).
type treeBase struct {
	v       int
	id      oid
	size    int
	changed map[string]bool
}

const (
	deltaGroup    = 1024
	deltaMinBytes = 8 << 10
	hashChunk     = 8 << 10
)

func (d *dirNode) find(key string) (int, bool) {
	return slices.BinarySearchFunc(d.entries, key, func(e *treeEntry, k string) int { return strings.Compare(e.key, k) })
}

func (d *dirNode) end(i int) int {
	if i+1 < len(d.offs) {
		return d.offs[i+1]
	}
	return len(d.data)
}

func (d *dirNode) touched(off int, key string, inserted bool) {
	d.dirty = true
	d.dirtyFrom = min(d.dirtyFrom, off)
	for _, b := range d.bases {
		if _, ok := b.changed[key]; !ok {
			b.changed[key] = inserted
		}
	}
}

func (d *dirNode) setID(i int, id oid) {
	if d.entries[i].id == id {
		return
	}
	d.entries[i].id = id
	e := d.end(i)
	copy(d.data[e-len(id):e], id[:])
	d.touched(d.offs[i], d.entries[i].key, false)
}

func (d *dirNode) insert(i int, e *treeEntry) {
	line := make([]byte, 0, len(e.name)+28)
	if e.dir != nil {
		line = append(line, "40000 "...)
	} else {
		line = append(line, "100644 "...)
	}
	line = append(line, e.name...)
	line = append(line, 0)
	line = append(line, e.id[:]...)
	at := len(d.data)
	if i < len(d.offs) {
		at = d.offs[i]
	}
	d.data = slices.Insert(d.data, at, line...)
	d.entries = slices.Insert(d.entries, i, e)
	d.offs = slices.Insert(d.offs, i, at)
	for j := i + 1; j < len(d.offs); j++ {
		d.offs[j] += len(line)
	}
	d.touched(at, e.key, true)
}

func (d *dirNode) delete(i int) {
	at, n := d.offs[i], d.end(i)-d.offs[i]
	d.data = slices.Delete(d.data, at, at+n)
	d.entries = slices.Delete(d.entries, i, i+1)
	d.offs = slices.Delete(d.offs, i, i+1)
	for j := i; j < len(d.offs); j++ {
		d.offs[j] -= n
	}
	d.dirty, d.deleted = true, true
	d.dirtyFrom = min(d.dirtyFrom, at)
}

// setFile records a file's blob id at a slash-separated path.
func (d *dirNode) setFile(path string, id oid) {
	name, rest, isDir := strings.Cut(path, "/")
	if !isDir {
		if i, ok := d.find(name); ok {
			d.setID(i, id)
		} else {
			d.insert(i, &treeEntry{key: name, name: name, id: id})
		}
		return
	}
	i, ok := d.find(name + "/")
	if !ok {
		d.insert(i, &treeEntry{key: name + "/", name: name, dir: &dirNode{}})
	}
	d.entries[i].dir.setFile(rest, id)
	d.dirty = true // the child's id changes when it is flushed
}

// remove deletes a file, and directories it leaves empty (git has no empty
// trees). It reports whether d is now empty.
func (d *dirNode) remove(path string) bool {
	name, rest, isDir := strings.Cut(path, "/")
	if !isDir {
		if i, ok := d.find(name); ok {
			d.delete(i)
		}
		return len(d.entries) == 0
	}
	if i, ok := d.find(name + "/"); ok {
		d.dirty = true
		if d.entries[i].dir.remove(rest) {
			d.delete(i)
		}
	}
	return len(d.entries) == 0
}

// flush writes the new versions of every changed directory, deepest first,
// and returns the directory's tree id.
func (d *dirNode) flush(p *packWriter, db *deltaBuilder) (oid, error) {
	if !d.dirty {
		return d.id, nil
	}
	for i, e := range d.entries {
		if e.dir != nil && e.dir.dirty {
			id, err := e.dir.flush(p, db)
			if err != nil {
				return oid{}, err
			}
			d.setID(i, id)
		}
	}
	id := d.hash()
	d.dirty = false
	if id == d.id {
		return id, nil
	}
	d.id = id
	if p.has(id) {
		return id, nil
	}
	if len(d.data) < deltaMinBytes {
		return id, p.add(objTree, id, d.data)
	}
	v := d.version % deltaGroup
	d.version++
	if v == 0 || d.deleted {
		d.deleted = false
		d.version = 1
		d.bases = append(d.bases[:0], treeBase{v: 0, id: id, size: len(d.data), changed: map[string]bool{}})
		return id, p.add(objTree, id, d.data)
	}
	baseV := v & (v - 1)
	for len(d.bases) > 1 && d.bases[len(d.bases)-1].v > baseV {
		d.bases = d.bases[:len(d.bases)-1]
	}
	delta, ok := d.deltaFrom(db, d.bases[len(d.bases)-1])
	if !ok {
		d.version = 1
		d.bases = append(d.bases[:0], treeBase{v: 0, id: id, size: len(d.data), changed: map[string]bool{}})
		return id, p.add(objTree, id, d.data)
	}
	if err := p.addDelta(id, d.bases[len(d.bases)-1].id, delta); err != nil {
		return id, err
	}
	d.bases = append(d.bases, treeBase{v: v, id: id, size: len(d.data), changed: map[string]bool{}})
	return id, nil
}

// deltaFrom rebuilds the current content from base: the base is the
// current content without the entries inserted since, and with the old ids
// of those modified, so every other byte is copied and only changed entries
// are inserted.
func (d *dirNode) deltaFrom(db *deltaBuilder, base treeBase) ([]byte, bool) {
	idx := make([]int, 0, len(base.changed))
	for k := range base.changed {
		i, ok := d.find(k)
		if !ok {
			return nil, false
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	db.start(base.size, len(d.data))
	basePos, shift := 0, 0
	for _, i := range idx {
		s, e := d.offs[i], d.end(i)
		bs := s - shift
		if bs > basePos {
			db.copyFrom(basePos, bs-basePos)
		}
		db.insert(d.data[s:e])
		if base.changed[d.entries[i].key] {
			shift += e - s
			basePos = bs
		} else {
			basePos = bs + e - s
		}
	}
	if len(d.data)-shift != base.size {
		return nil, false
	}
	if basePos < base.size {
		db.copyFrom(basePos, base.size-basePos)
	}
	return db.finish(), true
}

// hash returns the tree id, hashing only from the checkpoint before the
// first changed byte when the size did not change.
func (d *dirNode) hash() oid {
	var h hash.Hash
	from := 0
	if len(d.data) == d.sumSize && len(d.sums) > 0 {
		k := min(d.dirtyFrom/hashChunk, len(d.sums)-1)
		h = sha1.New()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(d.sums[k]); err != nil {
			panic(err) // a state this process marshalled
		}
		d.sums = d.sums[:k+1]
		from = k * hashChunk
	} else {
		h = sha1.New()
		h.Write([]byte("tree " + strconv.Itoa(len(d.data)) + "\x00"))
		d.sums = d.sums[:0]
		d.sumSize = len(d.data)
		if len(d.data) >= 2*hashChunk {
			d.sums = append(d.sums, marshalState(h))
		}
	}
	for from < len(d.data) {
		n := min(hashChunk, len(d.data)-from)
		h.Write(d.data[from : from+n])
		from += n
		if len(d.data) >= 2*hashChunk && from%hashChunk == 0 && from < len(d.data) {
			d.sums = append(d.sums, marshalState(h))
		}
	}
	d.dirtyFrom = len(d.data)
	var id oid
	h.Sum(id[:0])
	return id
}

func marshalState(h hash.Hash) []byte {
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic(err) // crypto/sha1 always can
	}
	return b
}
