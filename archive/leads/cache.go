package leads

import (
	"runtime"
	"sync"

	"github.com/dangan-archive/dangan/archive"
)

// Cache derives the leads of successive snapshots of one archive, reusing
// the leads of every customer folder the new snapshot shares with the
// previous one: archive.Snapshot.With keeps the folders a commit did not
// touch, so a commit costs the customers it changed plus a merge. A new
// day or new rules start over. It is safe for concurrent use; the zero
// value is ready.
type Cache struct {
	mu    sync.Mutex
	rules string
	at    archive.Date
	by    map[string]cached
}

type cached struct {
	f     *archive.Folder
	leads []Lead
}

// Derive is leads.Derive, incrementally.
func (c *Cache) Derive(snap *archive.Snapshot, rules archive.LeadRules, at archive.Date) []Lead {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := rulesKey(rules)
	if c.by == nil || c.rules != key || c.at != at {
		c.by, c.rules, c.at = map[string]cached{}, key, at
	}
	ids := snap.CustomerIDs()
	var todo []int
	for i, id := range ids {
		if x, ok := c.by[id]; !ok || x.f != snap.Customer(id) {
			todo = append(todo, i)
		}
	}
	fresh := make([][]Lead, len(todo))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(todo)/256))
	ev := evaluator{rules: rules, at: at}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < len(todo); k += workers {
				fresh[k] = ev.folder(snap.Customer(ids[todo[k]]))
			}
		})
	}
	wg.Wait()
	next := make(map[string]cached, len(ids))
	for _, id := range ids {
		if x, ok := c.by[id]; ok {
			next[id] = x
		}
	}
	for k, i := range todo {
		next[ids[i]] = cached{f: snap.Customer(ids[i]), leads: fresh[k]}
	}
	c.by = next
	n := 0
	for _, x := range next {
		n += len(x.leads)
	}
	out := make([]Lead, 0, n)
	for _, id := range ids {
		out = append(out, next[id].leads...)
	}
	Sort(out)
	return out
}
