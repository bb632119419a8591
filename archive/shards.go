package archive

import (
	"iter"
	"maps"
)

// nShards is how many parts a snapshot's maps are split into.
const nShards = 256

// shards is a map split into parts by a hash of the key, copied on write
// part by part: the snapshot of the next commit (With) shares every part
// its changes do not fall in, so a one-file commit copies one part of the
// archive's 100,000 records, not all of them.
type shards[V any] struct {
	part  [nShards]map[string]V
	owned [nShards]bool // parts this version may change (not shared)
	n     int
}

func shardOf(k string) int {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(k); i++ {
		h ^= uint32(k[i])
		h *= 16777619
	}
	return int(h % nShards)
}

// clone returns a version sharing every part with m.
func (m *shards[V]) clone() shards[V] {
	return shards[V]{part: m.part, n: m.n}
}

func (m *shards[V]) get(k string) (V, bool) {
	v, ok := m.part[shardOf(k)][k]
	return v, ok
}

// own makes part i this version's own before it changes.
func (m *shards[V]) own(i int) map[string]V {
	if !m.owned[i] {
		m.part[i] = maps.Clone(m.part[i])
		if m.part[i] == nil {
			m.part[i] = map[string]V{}
		}
		m.owned[i] = true
	}
	return m.part[i]
}

func (m *shards[V]) set(k string, v V) {
	p := m.own(shardOf(k))
	if _, ok := p[k]; !ok {
		m.n++
	}
	p[k] = v
}

func (m *shards[V]) del(k string) {
	i := shardOf(k)
	if _, ok := m.part[i][k]; !ok {
		return
	}
	delete(m.own(i), k)
	m.n--
}

func (m *shards[V]) len() int { return m.n }

func (m *shards[V]) keys() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, p := range m.part {
			for k := range p {
				if !yield(k) {
					return
				}
			}
		}
	}
}

func (m *shards[V]) values() iter.Seq[V] {
	return func(yield func(V) bool) {
		for _, p := range m.part {
			for _, v := range p {
				if !yield(v) {
					return
				}
			}
		}
	}
}
