package site

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/index"
)

// view is the archive as one viewer may see it. Every page and API answer
// reads records through it, so the confidentiality rules (archive/access)
// are applied in this one place: what a viewer may not see is answered
// exactly like what does not exist.
type view struct {
	Viewer access.Viewer
	policy access.Policy
	live   *archive.Snapshot // the rules and restrictions in force now
	ctx    context.Context
	audit  func(ctx context.Context, customer, path string) // nil: no audit
	// allowed caches the filter's restricted customers (nil: no cache).
	allowed *allowedCache
}

// viewOf returns the view of the person making the request. The rules
// (dangan.yaml) are always today's, also on pages of past versions.
func (s *Server) viewOf(r *http.Request) view {
	v := s.DefaultViewer
	if s.ViewerFrom != nil {
		if found, ok := s.ViewerFrom(r.Context()); ok {
			v = found
		}
	}
	live := s.live.Snapshot()
	return view{Viewer: v, policy: access.Policy{Settings: live.Settings}, live: live, ctx: r.Context(), audit: s.restrictedRead, allowed: &s.allowed}
}

// visible reports whether the viewer may see a customer now. A customer
// restricted today stays hidden in its past versions too.
func (v view) visible(id string) bool {
	if f := v.live.Customer(id); f != nil {
		return v.policy.CanSeeFolder(v.Viewer, f)
	}
	return true
}

// folder returns a customer's folder of snap, redacted for the viewer.
func (v view) folder(snap *archive.Snapshot, id string) (*archive.Folder, error) {
	f := snap.Customer(id)
	if f == nil || !v.visible(id) {
		return nil, notFound(fmt.Errorf("customer %q", id))
	}
	red := v.policy.Folder(v.Viewer, f)
	if red == nil {
		return nil, notFound(fmt.Errorf("customer %q hidden from %q", id, v.Viewer.Name))
	}
	v.audited(id, "customers/"+id)
	return red, nil
}

// audited records a read of a customer restricted today (a folder or one
// of its records): who saw a confidential customer must be answerable.
func (v view) audited(customer, path string) {
	if v.audit == nil || customer == "" {
		return
	}
	if f := v.live.Customer(customer); f != nil && access.Restricted(f) {
		v.audit(v.ctx, customer, path)
	}
}

// customers returns every customer of the live archive the viewer may see,
// redacted, in id order.
func (v view) customers() []*archive.Folder {
	var out []*archive.Folder
	for f := range v.live.Customers() {
		if red := v.policy.Folder(v.Viewer, f); red != nil {
			out = append(out, red)
		}
	}
	return out
}

// record returns the record at path in snap, redacted.
func (v view) record(snap *archive.Snapshot, path string) (*archive.Record, error) {
	if c := archive.CustomerOf(path); c != "" && !v.visible(c) {
		return nil, notFound(fmt.Errorf("record %q", path))
	}
	r := v.policy.Record(v.Viewer, snap, path)
	if r == nil {
		return nil, notFound(fmt.Errorf("record %q", path))
	}
	v.audited(archive.CustomerOf(path), path)
	return r, nil
}

// guides returns the guides of the live archive the viewer may see.
func (v view) guides() []*archive.Record {
	var out []*archive.Record
	for _, g := range v.live.Guides() {
		if r := v.policy.Redact(v.Viewer, g); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// canSeeFile reports whether the viewer may see a file (record, attachment
// or folder) at all, judged by today's rules.
func (v view) canSeeFile(path string) bool {
	if c := archive.CustomerOf(path); c != "" && !v.visible(c) {
		return false
	}
	return v.policy.CanSeeFile(v.Viewer, v.live, path)
}

// text returns a file's raw content as the viewer may see it.
func (v view) text(path string, content []byte) ([]byte, bool) {
	return v.policy.RedactText(v.Viewer, path, content)
}

// hide lists the fields hidden from the viewer (for diagrams and search).
func (v view) hide() []string { return v.policy.Hide(v.Viewer) }

// filter is the search filter of the viewer: hidden fields are not
// searched and restricted customers not matched.
func (v view) filter() index.Filter {
	all, ids := v.allowed.of(v.policy, v.Viewer, v.live)
	return index.Filter{AllRestricted: all, AllowRestricted: ids, Hide: v.hide()}
}

// allowedCache remembers, per snapshot and person, which restricted
// customers they may see: working it out reads every customer, 7.5 ms of
// CPU a search at 10,000 customers (more than the search itself), and the
// answer only changes with a commit.
type allowedCache struct {
	mu     sync.Mutex
	commit string
	byWho  map[access.Viewer]allowedSet
}

type allowedSet struct {
	all bool
	ids []string
}

func (c *allowedCache) of(p access.Policy, v access.Viewer, snap *archive.Snapshot) (bool, []string) {
	if c == nil || snap.Commit == "" {
		return p.AllowedRestricted(v, snap)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.commit != snap.Commit || c.byWho == nil {
		c.commit, c.byWho = snap.Commit, map[access.Viewer]allowedSet{}
	}
	a, ok := c.byWho[v]
	if !ok {
		if len(c.byWho) > 1000 {
			clear(c.byWho)
		}
		a.all, a.ids = p.AllowedRestricted(v, snap)
		c.byWho[v] = a
	}
	return a.all, a.ids
}
