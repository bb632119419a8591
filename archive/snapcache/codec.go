package snapcache

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// The codec writes Go values by reflection, the way encoding/gob would,
// but keeps what gob loses and a parsed record depends on: a pointer to a
// zero value (consent: false, utilisation: 0) stays a pointer, and nil and
// empty slices and maps stay apart. Values held in interfaces (Record.Data,
// the Extra maps of unknown front-matter keys) must be of a type listed in
// ifaceTypes; anything else makes Save fail, so a snapshot the cache cannot
// hold exactly is parsed again rather than restored wrong.

// ifaceTypes are the concrete types a cached interface may hold: every
// front-matter struct (archive.Record.Data) and what YAML decodes into an
// interface (archive.Extra). Their order is part of the format.
var ifaceTypes = []reflect.Type{
	reflect.TypeFor[*archive.Customer](),
	reflect.TypeFor[*archive.Devices](),
	reflect.TypeFor[*archive.Topology](),
	reflect.TypeFor[*archive.Progress](),
	reflect.TypeFor[*archive.Training](),
	reflect.TypeFor[*archive.Spares](),
	reflect.TypeFor[*archive.Needs](),
	reflect.TypeFor[*archive.Visit](),
	reflect.TypeFor[*archive.Page](),
	reflect.TypeFor[string](),
	reflect.TypeFor[bool](),
	reflect.TypeFor[int](),
	reflect.TypeFor[int64](),
	reflect.TypeFor[uint64](),
	reflect.TypeFor[float64](),
	reflect.TypeFor[time.Time](),
	reflect.TypeFor[[]any](),
	reflect.TypeFor[map[string]any](),
	reflect.TypeFor[map[any]any](),
}

var timeType = reflect.TypeFor[time.Time]()

type encoder struct{ b []byte }

type decoder struct {
	b   []byte
	err error
}

type codec struct {
	enc func(e *encoder, v reflect.Value) error
	dec func(d *decoder, v reflect.Value) // v is settable
}

// codecs are compiled once for every type reachable from the roots.
type codecs struct {
	byType   map[reflect.Type]*codec
	ifaceTag map[reflect.Type]int
	// fingerprint hashes the shape of every type: a change to the record
	// structs makes old caches unreadable by design, not misread.
	fingerprint [32]byte
}

func newCodecs(roots ...reflect.Type) (*codecs, error) {
	cs := &codecs{byType: map[reflect.Type]*codec{}, ifaceTag: map[reflect.Type]int{}}
	for i, t := range ifaceTypes {
		cs.ifaceTag[t] = i + 1
	}
	for _, t := range append(slices.Clone(roots), ifaceTypes...) {
		if _, err := cs.of(t); err != nil {
			return nil, err
		}
	}
	var desc []string
	for t := range cs.byType {
		desc = append(desc, describe(t))
	}
	slices.Sort(desc)
	for _, t := range ifaceTypes {
		desc = append(desc, "iface "+t.String())
	}
	cs.fingerprint = sha256.Sum256([]byte(strings.Join(desc, "\n")))
	return cs, nil
}

func describe(t reflect.Type) string {
	s := t.String() + " " + t.Kind().String()
	if t.Kind() == reflect.Struct && t != timeType {
		for i := range t.NumField() {
			f := t.Field(i)
			s += fmt.Sprintf(" %s:%s", f.Name, f.Type)
		}
	}
	return s
}

// of returns the codec of t, compiling it (and what it contains) once.
func (cs *codecs) of(t reflect.Type) (*codec, error) {
	if c, ok := cs.byType[t]; ok {
		return c, nil
	}
	c := &codec{}
	cs.byType[t] = c // before the parts: a type may contain itself
	if t == timeType {
		c.enc = func(e *encoder, v reflect.Value) error {
			b, err := v.Interface().(time.Time).MarshalBinary()
			if err != nil {
				return err
			}
			e.bytes(b)
			return nil
		}
		c.dec = func(d *decoder, v reflect.Value) {
			var tm time.Time
			if err := tm.UnmarshalBinary(d.bytes()); err != nil && d.err == nil {
				d.err = err
			}
			v.Set(reflect.ValueOf(tm))
		}
		return c, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		c.enc = func(e *encoder, v reflect.Value) error {
			b := byte(0)
			if v.Bool() {
				b = 1
			}
			e.b = append(e.b, b)
			return nil
		}
		c.dec = func(d *decoder, v reflect.Value) { v.SetBool(d.byte() == 1) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.enc = func(e *encoder, v reflect.Value) error { e.b = binary.AppendVarint(e.b, v.Int()); return nil }
		c.dec = func(d *decoder, v reflect.Value) { v.SetInt(d.varint()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.enc = func(e *encoder, v reflect.Value) error { e.b = binary.AppendUvarint(e.b, v.Uint()); return nil }
		c.dec = func(d *decoder, v reflect.Value) { v.SetUint(d.uvarint()) }
	case reflect.Float32, reflect.Float64:
		c.enc = func(e *encoder, v reflect.Value) error {
			e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v.Float()))
			return nil
		}
		c.dec = func(d *decoder, v reflect.Value) { v.SetFloat(math.Float64frombits(d.uint64())) }
	case reflect.String:
		c.enc = func(e *encoder, v reflect.Value) error { e.str(v.String()); return nil }
		c.dec = func(d *decoder, v reflect.Value) { v.SetString(string(d.bytes())) }
	case reflect.Pointer:
		elem, err := cs.of(t.Elem())
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) error {
			if v.IsNil() {
				e.b = append(e.b, 0)
				return nil
			}
			e.b = append(e.b, 1)
			return elem.enc(e, v.Elem())
		}
		c.dec = func(d *decoder, v reflect.Value) {
			if d.byte() == 0 {
				v.SetZero()
				return
			}
			p := reflect.New(t.Elem())
			elem.dec(d, p.Elem())
			v.Set(p)
		}
	case reflect.Slice:
		elem, err := cs.of(t.Elem())
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) error {
			if v.IsNil() {
				e.b = append(e.b, 0)
				return nil
			}
			e.b = binary.AppendUvarint(e.b, uint64(v.Len())+1)
			for i := range v.Len() {
				if err := elem.enc(e, v.Index(i)); err != nil {
					return err
				}
			}
			return nil
		}
		c.dec = func(d *decoder, v reflect.Value) {
			n, ok := d.count()
			if !ok {
				v.SetZero()
				return
			}
			// Grown as elements arrive rather than made n long: a damaged
			// length must not allocate more than the data holds, nested
			// or not.
			s := reflect.MakeSlice(t, 0, min(n, 64))
			for range n {
				x := reflect.New(t.Elem()).Elem()
				elem.dec(d, x)
				if d.err != nil {
					break
				}
				s = reflect.Append(s, x)
			}
			v.Set(s)
		}
	case reflect.Map:
		key, err := cs.of(t.Key())
		if err != nil {
			return nil, err
		}
		elem, err := cs.of(t.Elem())
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) error {
			if v.IsNil() {
				e.b = append(e.b, 0)
				return nil
			}
			e.b = binary.AppendUvarint(e.b, uint64(v.Len())+1)
			for it := v.MapRange(); it.Next(); {
				if err := key.enc(e, it.Key()); err != nil {
					return err
				}
				if err := elem.enc(e, it.Value()); err != nil {
					return err
				}
			}
			return nil
		}
		c.dec = func(d *decoder, v reflect.Value) {
			n, ok := d.count()
			if !ok {
				v.SetZero()
				return
			}
			m := reflect.MakeMapWithSize(t, min(n, 64))
			for range n {
				k, x := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
				key.dec(d, k)
				elem.dec(d, x)
				if d.err != nil {
					break
				}
				m.SetMapIndex(k, x)
			}
			v.Set(m)
		}
	case reflect.Struct:
		var fields []*codec
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return nil, fmt.Errorf("%s has the unexported field %s: the snapshot cache cannot hold it", t, f.Name)
			}
			fc, err := cs.of(f.Type)
			if err != nil {
				return nil, err
			}
			fields = append(fields, fc)
		}
		c.enc = func(e *encoder, v reflect.Value) error {
			for i, fc := range fields {
				if err := fc.enc(e, v.Field(i)); err != nil {
					return err
				}
			}
			return nil
		}
		c.dec = func(d *decoder, v reflect.Value) {
			for i, fc := range fields {
				fc.dec(d, v.Field(i))
			}
		}
	case reflect.Interface:
		c.enc = func(e *encoder, v reflect.Value) error {
			if v.IsNil() {
				e.b = append(e.b, 0)
				return nil
			}
			x := v.Elem()
			tag := cs.ifaceTag[x.Type()]
			if tag == 0 {
				return fmt.Errorf("a value of type %s in %s: the snapshot cache cannot hold it", x.Type(), t)
			}
			e.b = binary.AppendUvarint(e.b, uint64(tag))
			return cs.byType[x.Type()].enc(e, x)
		}
		c.dec = func(d *decoder, v reflect.Value) {
			tag := d.uvarint()
			if tag == 0 {
				v.SetZero()
				return
			}
			if tag > uint64(len(ifaceTypes)) {
				d.fail("unknown type tag %d", tag)
				return
			}
			ct := ifaceTypes[tag-1]
			x := reflect.New(ct).Elem()
			cs.byType[ct].dec(d, x)
			if !ct.AssignableTo(t) {
				d.fail("type %s does not fit %s", ct, t)
				return
			}
			v.Set(x)
		}
	default:
		return nil, fmt.Errorf("the snapshot cache cannot hold a %s (%s)", t.Kind(), t)
	}
	return c, nil
}

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) bytes(b []byte) {
	e.b = binary.AppendUvarint(e.b, uint64(len(b)))
	e.b = append(e.b, b...)
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("truncated")
		return 0
	}
	b := d.b[0]
	d.b = d.b[1:]
	return b
}

func (d *decoder) uvarint() uint64 {
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return x
}

func (d *decoder) varint() int64 {
	x, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return x
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail("truncated")
		return 0
	}
	x := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return x
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("truncated")
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

// count reads the length of a slice or map: ok is false for nil. Every
// element takes at least a byte, which bounds what a damaged length can
// make it allocate.
func (d *decoder) count() (n int, ok bool) {
	x := d.uvarint()
	if x == 0 {
		return 0, false
	}
	if x-1 > uint64(len(d.b)) {
		d.fail("length %d beyond the data", x-1)
		return 0, false
	}
	return int(x - 1), true
}
