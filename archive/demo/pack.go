package demo

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// A demo history of 10,000 customers is tens of thousands of commits, each
// rewriting the customers/ tree of thousands of entries. Writing that as
// loose objects through go-git takes many minutes, so the objects go
// straight into one packfile: blobs and small trees whole, the big trees as
// deltas against an earlier version of themselves (see treeDelta).

const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objOfsDelta = 6
)

var typeNames = [...]string{objCommit: "commit", objTree: "tree", objBlob: "blob"}

type oid = [20]byte

type packEntry struct {
	id  oid
	off uint64
	crc uint32
}

// packWriter writes a version 2 packfile and its index.
type packWriter struct {
	f       *os.File
	w       *bufio.Writer
	off     int64
	zw      *zlib.Writer // for text: blobs
	zstore  *zlib.Writer // for trees, commits and deltas: mostly ids, which do not compress
	zbuf    bytes.Buffer
	crc     hash.Hash32
	sha     hash.Hash
	hdr     []byte
	entries []packEntry
	seen    map[oid]uint64 // object id → offset
	depth   map[oid]int    // delta chain length of objects written as deltas
}

func newPackWriter(path string) (*packWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create pack: %w", err)
	}
	p := &packWriter{f: f, w: bufio.NewWriterSize(f, 1<<20), crc: crc32.NewIEEE(), sha: sha1.New(), seen: map[oid]uint64{}, depth: map[oid]int{}}
	p.zw, _ = zlib.NewWriterLevel(&p.zbuf, zlib.BestSpeed)
	p.zstore, _ = zlib.NewWriterLevel(&p.zbuf, zlib.NoCompression)
	// The object count is patched in when the pack is finished.
	hdr := []byte{'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0}
	if _, err := p.w.Write(hdr); err != nil {
		return nil, err
	}
	p.off = int64(len(hdr))
	return p, nil
}

// objectID is the git id of an object: the SHA-1 of "type size\0" and the content.
func (p *packWriter) objectID(typ int, data []byte) oid {
	p.sha.Reset()
	p.hdr = append(p.hdr[:0], typeNames[typ]...)
	p.hdr = append(p.hdr, ' ')
	p.hdr = strconv.AppendInt(p.hdr, int64(len(data)), 10)
	p.hdr = append(p.hdr, 0)
	p.sha.Write(p.hdr)
	p.sha.Write(data)
	var id oid
	p.sha.Sum(id[:0])
	return id
}

// has reports whether an object is already in the pack.
func (p *packWriter) has(id oid) bool { _, ok := p.seen[id]; return ok }

// add writes an object whole, once.
func (p *packWriter) add(typ int, id oid, data []byte) error {
	if p.has(id) {
		return nil
	}
	return p.write(typ, id, len(data), nil, data)
}

// addDelta writes an object as a delta against the object base.
func (p *packWriter) addDelta(id, base oid, delta []byte) error {
	if p.has(id) {
		return nil
	}
	p.depth[id] = p.depth[base] + 1
	rel := uint64(p.off) - p.seen[base]
	var ofs [10]byte
	i := len(ofs) - 1
	ofs[i] = byte(rel & 0x7f)
	for rel >>= 7; rel != 0; rel >>= 7 {
		rel--
		i--
		ofs[i] = 0x80 | byte(rel&0x7f)
	}
	return p.write(objOfsDelta, id, len(delta), ofs[i:], delta)
}

func (p *packWriter) write(typ int, id oid, size int, prefix, data []byte) error {
	off := uint64(p.off)
	var h [16]byte
	n := 0
	c := byte(typ<<4) | byte(size&0x0f)
	for s := size >> 4; s != 0; s >>= 7 {
		h[n] = c | 0x80
		n++
		c = byte(s & 0x7f)
	}
	h[n] = c
	n++
	zw := p.zstore
	if typ == objBlob && len(data) > 256 {
		zw = p.zw
	}
	p.zbuf.Reset()
	zw.Reset(&p.zbuf)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	p.crc.Reset()
	for _, b := range [][]byte{h[:n], prefix, p.zbuf.Bytes()} {
		p.crc.Write(b)
		if _, err := p.w.Write(b); err != nil {
			return fmt.Errorf("write pack: %w", err)
		}
		p.off += int64(len(b))
	}
	p.entries = append(p.entries, packEntry{id: id, off: off, crc: p.crc.Sum32()})
	p.seen[id] = off
	return nil
}

// finish completes the pack (count and checksum), writes its index beside
// it and returns the pack's checksum, which names both files.
func (p *packWriter) finish(dir string) (string, error) {
	defer p.f.Close()
	if err := p.w.Flush(); err != nil {
		return "", fmt.Errorf("write pack: %w", err)
	}
	var count [4]byte
	binary.BigEndian.PutUint32(count[:], uint32(len(p.entries)))
	if _, err := p.f.WriteAt(count[:], 8); err != nil {
		return "", fmt.Errorf("write pack: %w", err)
	}
	if _, err := p.f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	sum := sha1.New()
	if _, err := io.Copy(sum, bufio.NewReaderSize(p.f, 1<<20)); err != nil {
		return "", fmt.Errorf("read pack back: %w", err)
	}
	var packID plumbing.Hash
	sum.Sum(packID[:0])
	if _, err := p.f.Write(packID[:]); err != nil {
		return "", fmt.Errorf("write pack: %w", err)
	}
	// Durable before a ref points into it; flushing now also keeps the
	// checkout that follows from queueing behind the pack's writeback.
	if err := p.f.Sync(); err != nil {
		return "", fmt.Errorf("write pack: %w", err)
	}
	if err := p.f.Close(); err != nil {
		return "", fmt.Errorf("write pack: %w", err)
	}

	iw := new(idxfile.Writer)
	if err := iw.OnHeader(uint32(len(p.entries))); err != nil {
		return "", err
	}
	for _, e := range p.entries {
		iw.Add(plumbing.Hash(e.id), e.off, e.crc)
	}
	if err := iw.OnFooter(packID); err != nil {
		return "", err
	}
	idx, err := iw.Index()
	if err != nil {
		return "", err
	}
	name := "pack-" + packID.String()
	f, err := os.Create(dir + "/" + name + ".idx")
	if err != nil {
		return "", fmt.Errorf("write pack index: %w", err)
	}
	bw := bufio.NewWriter(f)
	if _, err := idxfile.NewEncoder(bw).Encode(idx); err != nil {
		f.Close()
		return "", fmt.Errorf("write pack index: %w", err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(p.f.Name(), dir+"/"+name+".pack"); err != nil {
		return "", fmt.Errorf("name pack: %w", err)
	}
	return name, nil
}

// appendDelta appends git's delta instructions that rebuild target from
// base, given the spans of target already present in base: copy for each
// span, insert for the bytes between.
type deltaBuilder struct {
	out     []byte
	pending []byte // bytes waiting to be inserted
}

func (d *deltaBuilder) start(baseLen, targetLen int) {
	d.out = appendVarint(d.out[:0], uint64(baseLen))
	d.out = appendVarint(d.out, uint64(targetLen))
	d.pending = d.pending[:0]
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func (d *deltaBuilder) insert(data []byte) { d.pending = append(d.pending, data...) }

func (d *deltaBuilder) flushInsert() {
	for p := d.pending; len(p) > 0; {
		n := min(len(p), 127)
		d.out = append(d.out, byte(n))
		d.out = append(d.out, p[:n]...)
		p = p[n:]
	}
	d.pending = d.pending[:0]
}

// copyFrom copies n bytes at off of the base, in pieces of at most 64 KiB
// as git itself writes them.
func (d *deltaBuilder) copyFrom(off, n int) {
	d.flushInsert()
	for n > 0 {
		size := min(n, 0x10000)
		op := byte(0x80)
		at := len(d.out)
		d.out = append(d.out, 0)
		for i := range 4 {
			if b := byte(off >> (8 * i)); b != 0 {
				op |= 1 << i
				d.out = append(d.out, b)
			}
		}
		if size != 0x10000 {
			for i := range 3 {
				if b := byte(size >> (8 * i)); b != 0 {
					op |= 0x10 << i
					d.out = append(d.out, b)
				}
			}
		}
		d.out[at] = op
		off += size
		n -= size
	}
}

func (d *deltaBuilder) finish() []byte {
	d.flushInsert()
	return d.out
}
