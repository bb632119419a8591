package gitstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// packs reads objects straight from the repository's pack files. go-git's
// storage does the same, but each storage (the Repo keeps one per core)
// loads the pack index into maps of its own (about 30 MB each for the
// 400,000 objects of the 10,000-customer archive), copies every object
// into its cache and hashes it with SHA-1 to key it there (a fifth of the
// CPU of a walk through history). Here the index is the .idx file's bytes,
// shared by every reader; pack files are read with ReadAt, which is safe
// from many goroutines; delta bases are cached by their place in the pack.
//
// Only what git itself writes by default is handled (index version 2, no
// alternates); for anything else, an object it cannot find or a pack it
// cannot read, the Repo falls back on go-git.
type packs struct {
	dir   string // objects/pack
	bases *lru[packPos, packObj]

	// alternates is set when the repository borrows objects from another
	// (objects/info/alternates): only go-git reads those.
	alternates bool

	mu      sync.RWMutex
	list    []*pack
	modTime time.Time // of dir when list was read
	loaded  bool
	// complete is set when every pack of the folder could be opened: an
	// object none of them has is then not in any pack.
	complete bool
}

// packPos is where an object lies: its pack and its offset in it.
type packPos struct {
	p   *pack
	off int64
}

// packObj is a resolved object.
type packObj struct {
	typ  plumbing.ObjectType
	data []byte
}

type pack struct {
	name string // pack-<hash>, for errors
	f    *os.File
	size int64
	idx  []byte // the whole .idx file
	n    int    // objects
}

const (
	idxHeader = 8 // magic and version
	idxFanout = 256 * 4
)

var errPackFormat = errors.New("pack format not handled")

func newPacks(objectsDir string, baseCache int) *packs {
	_, err := os.Stat(filepath.Join(objectsDir, "info", "alternates"))
	return &packs{dir: filepath.Join(objectsDir, "pack"), bases: newLRU[packPos, packObj](baseCache), alternates: err == nil}
}

// current returns the packs and whether they are all the repository's
// packs. Pack files never change once written and a removed one stays
// readable through its open file, so the list is read again only when
// asked (force: an object was not found).
func (ps *packs) current(force bool) ([]*pack, bool) {
	ps.mu.RLock()
	list, complete, loaded := ps.list, ps.complete, ps.loaded
	ps.mu.RUnlock()
	if loaded && !force {
		return list, complete
	}
	fi, err := os.Stat(ps.dir)
	var mt time.Time
	if err == nil {
		mt = fi.ModTime()
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.loaded && !force && mt.Equal(ps.modTime) {
		return ps.list, ps.complete
	}
	// Forced (a miss) the folder is listed again even when its time has
	// not moved: the time is coarse, and a pack git wrote within the same
	// tick as the last listing must not stay unseen. Misses are rare (new
	// objects of a commit), and the folder holds a few files.
	complete = err == nil && !ps.alternates
	old := map[string]*pack{}
	for _, p := range ps.list {
		old[p.name] = p
	}
	var next []*pack
	ents, _ := os.ReadDir(ps.dir)
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".idx")
		if !ok || !strings.HasPrefix(name, "pack-") {
			continue
		}
		if p, ok := old[name]; ok {
			next = append(next, p)
			delete(old, name)
			continue
		}
		p, err := openPack(filepath.Join(ps.dir, name))
		if err != nil {
			complete = false // go-git will say what is wrong with it, if it is ever needed
			continue
		}
		next = append(next, p)
	}
	// Packs git gc removed: their objects are in the new pack. A reader
	// may still be in one; closing the file makes its read fail, and the
	// Repo then reads the object again through go-git.
	for _, p := range old {
		p.f.Close()
	}
	ps.list, ps.modTime, ps.loaded, ps.complete = next, mt, true, complete
	return next, complete
}

func (ps *packs) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, p := range ps.list {
		p.f.Close()
	}
	ps.list, ps.loaded = nil, false
}

func openPack(base string) (*pack, error) {
	idx, err := os.ReadFile(base + ".idx")
	if err != nil {
		return nil, err
	}
	if len(idx) < idxHeader+idxFanout+40 || !bytes.Equal(idx[:idxHeader], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return nil, errPackFormat
	}
	n := int(binary.BigEndian.Uint32(idx[idxHeader+255*4:]))
	if len(idx) < idxHeader+idxFanout+n*(20+4+4)+40 {
		return nil, errPackFormat
	}
	f, err := os.Open(base + ".pack")
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &pack{name: filepath.Base(base), f: f, size: fi.Size(), idx: idx, n: n}, nil
}

// find returns the offset of object h in the pack.
func (p *pack) find(h plumbing.Hash) (int64, bool) {
	fan := func(i int) int { return int(binary.BigEndian.Uint32(p.idx[idxHeader+i*4:])) }
	lo, hi := 0, fan(int(h[0]))
	if h[0] > 0 {
		lo = fan(int(h[0]) - 1)
	}
	if hi > p.n || lo > hi {
		return 0, false
	}
	names := p.idx[idxHeader+idxFanout:]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(names[mid*20:mid*20+20], h[:]); {
		case c == 0:
			return p.offset(mid)
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

func (p *pack) offset(i int) (int64, bool) {
	offs := idxHeader + idxFanout + p.n*24
	o := binary.BigEndian.Uint32(p.idx[offs+i*4:])
	if o&0x80000000 == 0 {
		return int64(o), true
	}
	big := offs + p.n*4 + int(o&0x7fffffff)*8
	if big+8 > len(p.idx) {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(p.idx[big:])), true
}

// header reads the object header at off: its type, its size (of the
// delta, for a delta), the base of a delta and where the zlib data starts.
func (p *pack) header(off int64) (typ plumbing.ObjectType, size int64, baseOff int64, baseHash plumbing.Hash, data int64, err error) {
	var buf [32]byte
	n, err := p.f.ReadAt(buf[:], off)
	if n == 0 {
		return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: %w", p.name, off, err)
	}
	return p.parseHeader(off, buf[:n])
}

// parseHeader reads an object header from b, the bytes at off.
func (p *pack) parseHeader(off int64, b []byte) (typ plumbing.ObjectType, size int64, baseOff int64, baseHash plumbing.Hash, data int64, err error) {
	i := 0
	next := func() (byte, bool) {
		if i >= len(b) {
			return 0, false
		}
		c := b[i]
		i++
		return c, true
	}
	c, _ := next()
	typ = plumbing.ObjectType((c >> 4) & 7)
	size = int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		var ok bool
		if c, ok = next(); !ok || shift > 56 {
			return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: bad header", p.name, off)
		}
		size |= int64(c&0x7f) << shift
	}
	switch typ {
	case plumbing.OFSDeltaObject:
		c, ok := next()
		if !ok {
			return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: bad delta header", p.name, off)
		}
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if c, ok = next(); !ok || rel > 1<<48 {
				return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: bad delta header", p.name, off)
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		baseOff = off - rel
		if baseOff < 12 || baseOff >= off {
			return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: delta base out of the pack", p.name, off)
		}
	case plumbing.REFDeltaObject:
		if len(b)-i < 20 {
			return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: bad delta header", p.name, off)
		}
		copy(baseHash[:], b[i:i+20])
		i += 20
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	default:
		return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: type %d: %w", p.name, off, typ, errPackFormat)
	}
	if size < 0 || size > 1<<31 {
		return 0, 0, 0, baseHash, 0, fmt.Errorf("%s: object at %d: size %d", p.name, off, size)
	}
	return typ, size, baseOff, baseHash, off + int64(i), nil
}

// packChunk is how much of a pack one read takes at an object: its header
// and, for most records of an archive, all of its compressed data, so
// that reading an object is one system call.
const packChunk = 4096

type packReader struct {
	chunk [packChunk]byte
	br    *bufio.Reader
}

var (
	packZlib    sync.Pool // zlib readers
	packReaders = sync.Pool{New: func() any { return &packReader{br: bufio.NewReaderSize(nil, packChunk)} }}
)

// readAt reads the object at off: its header, then size bytes of data.
func (p *pack) readAt(off int64) (typ plumbing.ObjectType, baseOff int64, baseHash plumbing.Hash, raw []byte, err error) {
	pr := packReaders.Get().(*packReader)
	defer packReaders.Put(pr)
	n, err := p.f.ReadAt(pr.chunk[:min(packChunk, max(0, p.size-off))], off)
	if n == 0 {
		return 0, 0, baseHash, nil, fmt.Errorf("%s: object at %d: %w", p.name, off, err)
	}
	typ, size, baseOff, baseHash, data, err := p.parseHeader(off, pr.chunk[:n])
	if err != nil {
		return 0, 0, baseHash, nil, err
	}
	rest := off + int64(n)
	pr.br.Reset(io.MultiReader(bytes.NewReader(pr.chunk[data-off:n]), io.NewSectionReader(p.f, rest, p.size-rest)))
	raw, err = p.inflateFrom(pr.br, data, size)
	return typ, baseOff, baseHash, raw, err
}

// inflate reads size bytes of zlib data starting at off.
func (p *pack) inflate(off, size int64) ([]byte, error) {
	pr := packReaders.Get().(*packReader)
	defer packReaders.Put(pr)
	pr.br.Reset(io.NewSectionReader(p.f, off, p.size-off))
	return p.inflateFrom(pr.br, off, size)
}

func (p *pack) inflateFrom(br *bufio.Reader, off, size int64) ([]byte, error) {
	var zr io.ReadCloser
	var err error
	if v := packZlib.Get(); v != nil {
		zr = v.(io.ReadCloser)
		err = zr.(zlib.Resetter).Reset(br, nil)
	} else {
		zr, err = zlib.NewReader(br)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: data at %d: %w", p.name, off, err)
	}
	defer packZlib.Put(zr)
	out := make([]byte, size)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, fmt.Errorf("%s: data at %d: %w", p.name, off, err)
	}
	return out, nil
}

// read returns the object at off, resolving deltas. cached says the bytes
// are the cache's: the caller must copy them before handing them out.
func (ps *packs) read(p *pack, off int64, depth int) (o packObj, cached bool, err error) {
	if o, ok := ps.bases.get(packPos{p, off}); ok {
		return o, true, nil
	}
	if depth > 10000 {
		return o, false, fmt.Errorf("%s: delta chain at %d too long", p.name, off)
	}
	typ, baseOff, baseHash, raw, err := p.readAt(off)
	if err != nil {
		return o, false, err
	}
	switch typ {
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
	default:
		return packObj{typ, raw}, false, nil
	}
	bp := p
	if typ == plumbing.REFDeltaObject {
		var ok bool
		if baseOff, ok = p.find(baseHash); !ok {
			return o, false, fmt.Errorf("%s: delta base %s of the object at %d: %w", p.name, baseHash, off, ErrNotFound)
		}
	}
	base, cached, err := ps.read(bp, baseOff, depth+1)
	if err != nil {
		return o, false, err
	}
	if !cached {
		// It was a base once: the next version in the chain (a walk
		// through history reads them in turn) will want it too.
		ps.bases.put(packPos{bp, baseOff}, base, cap(base.data)+64)
	}
	out, err := applyDelta(base.data, raw)
	if err != nil {
		return o, false, fmt.Errorf("%s: object at %d: %w", p.name, off, err)
	}
	return packObj{base.typ, out}, false, nil
}

// object reads object h from the packs. found is false when no pack has
// it (complete then says whether no pack at all has it); err is set when
// one has it but reading it failed. fresh lists the pack folder again
// first (see current).
func (ps *packs) object(h plumbing.Hash, fresh bool) (o packObj, found, complete bool, err error) {
	for _, force := range []bool{false, true} {
		if fresh != force {
			continue
		}
		var list []*pack
		list, complete = ps.current(force)
		for _, p := range list {
			off, ok := p.find(h)
			if !ok {
				continue
			}
			o, cached, err := ps.read(p, off, 0)
			if err != nil {
				return o, true, complete, err
			}
			if cached {
				o.data = bytes.Clone(o.data)
			}
			return o, true, complete, nil
		}
	}
	return o, false, complete, nil
}

// size returns the size of object h without reading all of it: for a
// delta, the size it writes, from the start of its data.
func (ps *packs) size(h plumbing.Hash) (int64, bool, error) {
	list, _ := ps.current(false)
	for _, p := range list {
		off, ok := p.find(h)
		if !ok {
			continue
		}
		typ, size, _, _, data, err := p.header(off)
		if err != nil {
			return 0, true, err
		}
		if typ != plumbing.OFSDeltaObject && typ != plumbing.REFDeltaObject {
			return size, true, nil
		}
		head, err := p.inflate(data, min(size, 20))
		if err != nil {
			return 0, true, err
		}
		_, n := deltaSize(head)
		dst, m := deltaSize(head[n:])
		if n == 0 || m == 0 {
			return 0, true, fmt.Errorf("%s: object at %d: bad delta", p.name, off)
		}
		return int64(dst), true, nil
	}
	return 0, false, nil
}

// has says whether a pack holds h; complete says whether the answer
// covers every pack.
func (ps *packs) has(h plumbing.Hash) (found, complete bool) {
	for _, force := range []bool{false, true} {
		var list []*pack
		list, complete = ps.current(force)
		for _, p := range list {
			if _, ok := p.find(h); ok {
				return true, complete
			}
		}
	}
	return false, complete
}

// deltaSize reads a size of a delta's header (little-endian base 128).
func deltaSize(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

var errBadDelta = errors.New("malformed delta")

// applyDelta builds an object from its base and a git delta: the sizes of
// the base and of the result, then instructions to copy a range of the
// base or insert the bytes that follow.
func applyDelta(base, delta []byte) ([]byte, error) {
	src, n := deltaSize(delta)
	if n == 0 || src != uint64(len(base)) {
		return nil, errBadDelta
	}
	delta = delta[n:]
	dst, n := deltaSize(delta)
	if n == 0 || dst > 1<<31 {
		return nil, errBadDelta
	}
	delta = delta[n:]
	out := make([]byte, 0, dst)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, size uint64
			for i := range 4 {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := range 3 {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					size |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > uint64(len(base)) || uint64(len(out))+size > dst {
				return nil, errBadDelta
			}
			out = append(out, base[off:off+size]...)
		case op != 0:
			size := int(op)
			if size > len(delta) || uint64(len(out)+size) > dst {
				return nil, errBadDelta
			}
			out = append(out, delta[:size]...)
			delta = delta[size:]
		default:
			return nil, errBadDelta // reserved
		}
	}
	if uint64(len(out)) != dst {
		return nil, errBadDelta
	}
	return out, nil
}
