// Package snapcache keeps a parsed snapshot of the archive on disk, so that
// a server starting on a large archive restores its 100,000 parsed records
// in a fraction of the time reading them out of git and parsing their
// YAML takes.
//
// The cache holds one snapshot, of the commit it names. It is only ever a
// copy of what archive.Load makes of that commit: when it is missing,
// damaged, written by another version of dangan, or made with record
// structs of another shape, Load says why and the caller parses the
// archive as before.
package snapcache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dangan-archive/dangan/archive"
)

// FileName is the cache's file in its folder.
const FileName = "snapshot.bin"

// version changes whenever the layout of the file changes; the shape of
// the record types is checked on its own (the codec's fingerprint).
const version = 2

var magic = []byte("dangan snapshot cache\n")

// ErrNone says there is no cache yet: nothing is wrong.
var ErrNone = errors.New("no snapshot cache")

// chunkSize is how many records are encoded together: chunks are decoded
// in parallel.
const chunkSize = 2048

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// head is what is stored besides the records.
type head struct {
	Commit           string
	Settings         archive.Settings
	SettingsProblems []archive.Problem
}

var theCodecs = sync.OnceValues(func() (*codecs, error) {
	return newCodecs(reflect.TypeFor[head](), reflect.TypeFor[[]*archive.Record]())
})

// Cache is the snapshot cache in a folder (the data folder's cache/).
type Cache struct {
	Dir string
}

func (c Cache) path() string { return filepath.Join(c.Dir, FileName) }

// Load restores the snapshot in the cache, of whatever commit it holds:
// the caller compares its Commit with the one it wants (and may bring an
// older one forward with Snapshot.With). The error says why there is none
// (ErrNone when the file does not exist).
func (c Cache) Load() (*archive.Snapshot, error) {
	cs, err := theCodecs()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(c.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNone
	}
	if err != nil {
		return nil, err
	}
	s, err := decode(cs, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.path(), err)
	}
	return s, nil
}

// Save writes the snapshot to the cache, replacing the one there
// atomically: a reader sees the old file or the new one, never half of one.
func (c Cache) Save(s *archive.Snapshot) error {
	cs, err := theCodecs()
	if err != nil {
		return err
	}
	pieces, err := encode(cs, s)
	if err != nil {
		return fmt.Errorf("snapshot cache: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(c.Dir, FileName+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename, nothing is there
	w := bufio.NewWriterSize(f, 1<<20)
	for _, p := range pieces {
		w.Write(p)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), c.path())
}

// Commit returns the commit of the snapshot in the cache, reading only the
// start of the file: a command that wants the head's snapshot learns
// whether the cache holds it without reading the rest.
func (c Cache) Commit() (string, error) {
	cs, err := theCodecs()
	if err != nil {
		return "", err
	}
	f, err := os.Open(c.path())
	if errors.Is(err, fs.ErrNotExist) {
		return "", ErrNone
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	b := make([]byte, 4096)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("%s: %w", c.path(), err)
	}
	commit, _, err := readHeader(cs, b[:n])
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.path(), err)
	}
	return commit, nil
}

// The file: magic, version, the codec's fingerprint, the commit, the
// length and CRC-32C of the rest, then the rest: the head (the commit
// again, settings) and the records in chunks, each with its length.
// encode returns it in pieces, written one after the other, so that the
// cache is never copied whole in memory.
func encode(cs *codecs, s *archive.Snapshot) ([][]byte, error) {
	sp, records := s.Parts()
	var first encoder
	h := head{Commit: s.Commit, Settings: s.Settings, SettingsProblems: sp}
	if err := cs.byType[reflect.TypeFor[head]()].enc(&first, reflect.ValueOf(h)); err != nil {
		return nil, err
	}
	chunks := (len(records) + chunkSize - 1) / chunkSize
	parts := make([][]byte, chunks)
	errs := make([]error, chunks)
	rc := cs.byType[reflect.TypeFor[[]*archive.Record]()]
	parallel(chunks, func(i int) {
		var e encoder
		end := min(len(records), (i+1)*chunkSize)
		errs[i] = rc.enc(&e, reflect.ValueOf(records[i*chunkSize:end]))
		parts[i] = e.b
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	first.b = binary.AppendUvarint(first.b, uint64(chunks))
	body := [][]byte{first.b}
	for _, p := range parts {
		body = append(body, binary.AppendUvarint(nil, uint64(len(p))), p)
	}
	var sum uint32
	var n uint64
	for _, p := range body {
		sum = crc32.Update(sum, crcTable, p)
		n += uint64(len(p))
	}
	hdr := encoder{b: append([]byte(nil), magic...)}
	hdr.b = binary.AppendUvarint(hdr.b, version)
	hdr.b = append(hdr.b, cs.fingerprint[:]...)
	hdr.str(s.Commit)
	hdr.b = binary.AppendUvarint(hdr.b, n)
	hdr.b = binary.LittleEndian.AppendUint32(hdr.b, sum)
	return append([][]byte{hdr.b}, body...), nil
}

// readHeader checks the start of a cache file and returns the commit it
// names and the decoder positioned after the header.
func readHeader(cs *codecs, b []byte) (string, *decoder, error) {
	if !bytes.HasPrefix(b, magic) {
		return "", nil, errors.New("not a snapshot cache")
	}
	d := &decoder{b: b[len(magic):]}
	if v := d.uvarint(); v != version {
		return "", nil, fmt.Errorf("written by another version of dangan (format %d, this one reads %d)", v, version)
	}
	if len(d.b) < len(cs.fingerprint) || !bytes.Equal(d.b[:len(cs.fingerprint)], cs.fingerprint[:]) {
		return "", nil, errors.New("written by another version of dangan (its records have another shape)")
	}
	d.b = d.b[len(cs.fingerprint):]
	commit := string(d.bytes())
	if d.err != nil {
		return "", nil, errors.New("damaged: truncated")
	}
	return commit, d, nil
}

func decode(cs *codecs, b []byte) (*archive.Snapshot, error) {
	commit, d, err := readHeader(cs, b)
	if err != nil {
		return nil, err
	}
	n := d.uvarint()
	sum := d.uint32()
	if d.err != nil || n != uint64(len(d.b)) {
		return nil, errors.New("damaged: truncated")
	}
	if crc32.Checksum(d.b, crcTable) != sum {
		return nil, errors.New("damaged: checksum mismatch")
	}
	return decodeBody(cs, commit, d.b)
}

// decodeBody decodes what the checksum covers. The checksum makes damage
// that reaches it unlikely, not impossible: it must fail, not panic.
func decodeBody(cs *codecs, commit string, b []byte) (s *archive.Snapshot, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("damaged: %v", r)
		}
	}()
	d := &decoder{b: b}
	var h head
	cs.byType[reflect.TypeFor[head]()].dec(d, reflect.ValueOf(&h).Elem())
	if d.err == nil && h.Commit != commit {
		return nil, errors.New("damaged: two commits")
	}
	chunks := d.uvarint()
	if d.err != nil || chunks > uint64(len(d.b)) {
		return nil, fmt.Errorf("damaged: %v", d.err)
	}
	parts := make([][]byte, chunks)
	for i := range parts {
		parts[i] = d.bytes()
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, fmt.Errorf("damaged: %v", cmpErr(d.err, "bytes left over"))
	}
	rs := make([][]*archive.Record, chunks)
	errs := make([]error, chunks)
	rc := cs.byType[reflect.TypeFor[[]*archive.Record]()]
	parallel(len(parts), func(i int) {
		defer func() {
			if r := recover(); r != nil {
				errs[i] = fmt.Errorf("damaged: %v", r)
			}
		}()
		cd := &decoder{b: parts[i]}
		rc.dec(cd, reflect.ValueOf(&rs[i]).Elem())
		errs[i] = cd.err
		if cd.err == nil && len(cd.b) != 0 {
			errs[i] = errors.New("bytes left over")
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("damaged: %w", err)
	}
	var all []*archive.Record
	for _, r := range rs {
		all = append(all, r...)
	}
	for _, r := range all {
		if r == nil {
			return nil, errors.New("damaged: a missing record")
		}
	}
	return archive.Assemble(h.Commit, h.Settings, h.SettingsProblems, all), nil
}

func cmpErr(err error, s string) any {
	if err != nil {
		return err
	}
	return s
}

func (d *decoder) uint32() uint32 {
	if len(d.b) < 4 {
		d.fail("truncated")
		return 0
	}
	x := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return x
}

// parallel runs f(0..n-1) on every core.
func parallel(n int, f func(i int)) {
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	wg.Wait()
}

// Prefetched is a cache whose first Load returns what was read in the
// background since Prefetch: a server restores its snapshot while it opens
// its search index and loads its users.
type Prefetched struct {
	Cache
	used atomic.Bool
	done chan struct{}
	snap *archive.Snapshot
	err  error
}

// Prefetch starts reading the cache.
func (c Cache) Prefetch() *Prefetched {
	p := &Prefetched{Cache: c, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.snap, p.err = c.Load()
	}()
	return p
}

// Load returns the prefetched snapshot the first time, waiting for it, and
// reads the cache again after that.
func (p *Prefetched) Load() (*archive.Snapshot, error) {
	if p.used.CompareAndSwap(false, true) {
		<-p.done
		s, err := p.snap, p.err
		p.snap = nil // the snapshot is the caller's now
		return s, err
	}
	return p.Cache.Load()
}
