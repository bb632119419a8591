package diagram

import (
	"container/list"
	"sync"
)

// lru is a cache of rendered outputs bounded by entries and by bytes: a
// site with a few big customers must not keep hundreds of 600 KB drawings.
type lru struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	order      *list.List // front is the most recently used
	items      map[[32]byte]*list.Element
}

type lruItem struct {
	key [32]byte
	out Output
}

func newLRU(maxEntries, maxBytes int) *lru {
	return &lru{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), items: map[[32]byte]*list.Element{}}
}

func (c *lru) get(k [32]byte) (Output, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruItem).out, true
	}
	return Output{}, false
}

func (c *lru) put(k [32]byte, o Output) {
	size := len(o.SVG)
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.maxBytes {
		return
	}
	if e, ok := c.items[k]; ok {
		c.bytes -= len(e.Value.(*lruItem).out.SVG)
		e.Value.(*lruItem).out = o
		c.order.MoveToFront(e)
	} else {
		c.items[k] = c.order.PushFront(&lruItem{key: k, out: o})
	}
	c.bytes += size
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		last := c.order.Back()
		it := last.Value.(*lruItem)
		c.order.Remove(last)
		delete(c.items, it.key)
		c.bytes -= len(it.out.SVG)
	}
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
