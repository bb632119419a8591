package health

import (
	"slices"
	"strings"
	"sync"

	"github.com/dangan-archive/dangan/archive"
)

// Cache judges successive snapshots of one archive, judging again only the
// customer folders the new snapshot does not share with the previous one
// (archive.Snapshot.With keeps the folders a commit did not touch). A new
// day or a new set of users starts over. It is safe for concurrent use;
// the zero value is ready.
type Cache struct {
	mu    sync.Mutex
	at    archive.Date
	users string
	by    map[string]cachedCustomer
}

type cachedCustomer struct {
	f *archive.Folder
	c Customer
}

// Check is health.Check, incrementally.
func (c *Cache) Check(snap *archive.Snapshot, opt Options) (*Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(opt.Users))
	for u, ok := range opt.Users {
		if ok {
			names = append(names, u)
		}
	}
	slices.Sort(names)
	key := strings.Join(names, "\x00")
	if c.by == nil || c.at != opt.At || c.users != key {
		c.by, c.at, c.users = nil, opt.At, key
		r, err := Check(snap, opt)
		if err != nil {
			return nil, err
		}
		c.by = map[string]cachedCustomer{}
		for _, x := range r.Customers {
			c.by[x.Customer] = cachedCustomer{snap.Customer(x.Customer), x}
		}
		return r, nil
	}
	next := map[string]cachedCustomer{}
	custs := make([]Customer, 0, len(c.by))
	for _, id := range snap.CustomerIDs() {
		f := snap.Customer(id)
		x, ok := c.by[id]
		if !ok || x.f != f {
			cust, err := CheckCustomer(f, snap.Settings, opt)
			if err != nil {
				return nil, err
			}
			x = cachedCustomer{f, cust}
		}
		next[id] = x
		custs = append(custs, x.c)
	}
	c.by = next
	r := Summarize(custs, opt.At)
	r.Commit = snap.Commit
	authors, err := authorsByCustomer(Options{Users: opt.Users, History: opt.History, Until: opt.Until}, nil)
	if err != nil {
		return nil, err
	}
	r.Problems = archiveProblems(snap, opt, authors[""])
	return r, nil
}
