package gitstore

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// The history cache file, in a compact form of its own: gob took half a
// second to decode the 10,000-customer demo's (67,330 commits, 108,670
// paths), which a person asking for a history right after a start waited
// for. This form decodes several times faster: one read, the strings cut
// from one buffer, the commit positions in one slice, deltas as varints.

var histMagic = []byte("dangan-history\x00v2\n")

var errHistFormat = errors.New("not a history cache of this version")

func encodeHistFile(w io.Writer, hf *histFile) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var buf [binary.MaxVarintLen64]byte
	uv := func(n uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], n)]) }
	sv := func(n int64) { bw.Write(buf[:binary.PutVarint(buf[:], n)]) }
	str := func(s string) { uv(uint64(len(s))); bw.WriteString(s) }
	bw.Write(histMagic)
	str(hf.Branch)
	uv(uint64(hf.Indexed))
	uv(uint64(len(hf.Commits)))
	for _, c := range hf.Commits {
		bw.Write(c.Hash[:])
		bw.Write(c.Tree[:])
		str(c.Author)
		str(c.Email)
		sv(c.AuthorTime)
		sv(int64(c.AuthorTZ))
		sv(c.CommitTime)
		str(c.Message)
	}
	uv(uint64(len(hf.Paths)))
	for p, ids := range hf.Paths {
		str(p)
		uv(uint64(len(ids)))
		prev := int32(-1)
		for _, id := range ids {
			uv(uint64(id - prev)) // ids increase: deltas are small and positive
			prev = id
		}
	}
	return bw.Flush()
}

// decodeHistFile reads what encodeHistFile wrote; data must not change
// afterwards (the strings share it).
func decodeHistFile(data []byte) (*histFile, error) {
	if len(data) < len(histMagic) || string(data[:len(histMagic)]) != string(histMagic) {
		return nil, errHistFormat
	}
	// Every string below is a piece of data, which is not copied: the
	// caller's buffer is never written again (see above) and copying it
	// was a sixth of the first history answer after a start.
	all := unsafe.String(unsafe.SliceData(data), len(data))
	d := histDecoder{s: all, i: len(histMagic)}
	hf := &histFile{Version: histVersion}
	hf.Branch = d.str()
	hf.Indexed = int(d.uv())
	n := d.uv()
	if d.err != nil || n > uint64(len(data)/40) {
		return nil, fmt.Errorf("%w: bad commit count", errHistFormat)
	}
	hf.Commits = make([]histCommit, n)
	for i := range hf.Commits {
		c := &hf.Commits[i]
		copy(c.Hash[:], d.bytes(20))
		copy(c.Tree[:], d.bytes(20))
		c.Author = d.str()
		c.Email = d.str()
		c.AuthorTime = d.sv()
		c.AuthorTZ = int32(d.sv())
		c.CommitTime = d.sv()
		c.Message = d.str()
	}
	np := d.uv()
	if d.err != nil || np > uint64(len(data)) {
		return nil, fmt.Errorf("%w: bad path count", errHistFormat)
	}
	hf.Paths = make(map[string][]int32, np)
	// The ids are cut from chunks rather than one slice sized for the
	// rest of the file (every id takes at least a byte): that one was
	// four times the file, zeroed, for ids that take about a third of it.
	var ids []int32
	for range np {
		p := d.str()
		k := d.uv()
		if d.err != nil || k > uint64(len(data)-d.i) {
			return nil, fmt.Errorf("%w: bad path entry", errHistFormat)
		}
		if cap(ids)-len(ids) < int(k) {
			ids = make([]int32, 0, max(int(k), 1<<16))
		}
		start := len(ids)
		prev := int64(-1)
		for range k {
			prev += int64(d.uv())
			if prev > int64(hf.Indexed) {
				d.err = errHistFormat
				break
			}
			ids = append(ids, int32(prev))
		}
		hf.Paths[p] = ids[start:len(ids):len(ids)]
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: %w", errHistFormat, d.err)
	}
	if d.i != len(all) {
		return nil, fmt.Errorf("%w: trailing bytes", errHistFormat)
	}
	return hf, nil
}

type histDecoder struct {
	s   string
	i   int
	err error
}

func (d *histDecoder) uv() uint64 {
	var x uint64
	for shift := 0; shift < 64; shift += 7 {
		if d.i >= len(d.s) {
			d.err = io.ErrUnexpectedEOF
			return 0
		}
		b := d.s[d.i]
		d.i++
		x |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return x
		}
	}
	d.err = errors.New("varint too long")
	return 0
}

func (d *histDecoder) sv() int64 {
	u := d.uv()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *histDecoder) bytes(n int) string {
	if d.err != nil || n > len(d.s)-d.i {
		d.err = io.ErrUnexpectedEOF
		return ""
	}
	s := d.s[d.i : d.i+n]
	d.i += n
	return s
}

func (d *histDecoder) str() string {
	n := d.uv()
	if n > uint64(len(d.s)) {
		d.err = io.ErrUnexpectedEOF
		return ""
	}
	return d.bytes(int(n))
}
