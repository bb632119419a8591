package gitstore

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// Union serves several archive repositories as one archive. Plain git
// cannot hide a path inside a repository from someone who may clone it, so
// a branch keeps its restricted customers (a government network, say) in a
// repository of their own that only their staff may clone, and the site
// shows both as one.
//
// The first repository is the primary: its dangan.yaml holds the rules for
// all, and new customers are created in it. A customer folder or guide
// belongs to the first repository that has it; a folder of the same
// customer in a later repository is left out, with a problem saying so.
//
// Versions: a commit id of any member repository is a version of the
// union (history and diffs of a record are its own repository's commits).
// Head and AsOf answer a union version made of one commit per repository,
// named by a synthetic id (the SHA-1 of the member commits), which stays
// resolvable while the process runs. A snapshot of a member's commit pairs
// it with the other repositories as of that commit's time.
type Union struct {
	repos []*Repo

	mu  sync.Mutex
	ids map[string][]string // synthetic id → one commit per repo ("" for none)
	old []string            // ids in the order made, to forget the oldest
}

// maxUnionIDs bounds the synthetic ids remembered: the site needs the
// last few heads and the as-of versions people are looking at.
const maxUnionIDs = 4096

// NewUnion returns the union of repos; the first is the primary.
func NewUnion(repos ...*Repo) *Union {
	return &Union{repos: repos, ids: map[string][]string{}}
}

// Repos returns the member repositories, primary first.
func (u *Union) Repos() []*Repo { return slices.Clone(u.repos) }

// name returns the synthetic id of one commit per repository.
func (u *Union) name(heads []string) string {
	h := sha1.New()
	h.Write([]byte("dangan union\n"))
	for _, c := range heads {
		h.Write([]byte(c + "\n"))
	}
	id := hex.EncodeToString(h.Sum(nil))
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.ids[id]; !ok {
		u.ids[id] = slices.Clone(heads)
		u.old = append(u.old, id)
		if len(u.old) > maxUnionIDs {
			delete(u.ids, u.old[0])
			u.old = u.old[1:]
		}
	}
	return id
}

// members returns the commit of each repository that a union version
// stands for: a synthetic id's own, or a member's commit paired with the
// others as of its time.
func (u *Union) members(version string) ([]string, error) {
	if version == "" {
		return make([]string, len(u.repos)), nil
	}
	u.mu.Lock()
	heads, ok := u.ids[version]
	u.mu.Unlock()
	if ok {
		return heads, nil
	}
	k, id, c, err := u.find(version)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(u.repos))
	for i, r := range u.repos {
		if i == k {
			out[i] = id
			continue
		}
		at, err := r.AsOf(c.When)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		out[i] = at
	}
	return out, nil
}

// find returns the first member that has a commit, its full id and info.
func (u *Union) find(rev string) (int, string, Commit, error) {
	for i, r := range u.repos {
		id, err := r.Resolve(rev)
		if err != nil {
			continue
		}
		c, err := r.CommitInfo(id)
		if err != nil {
			return 0, "", Commit{}, err
		}
		return i, id, c, nil
	}
	return 0, "", Commit{}, fmt.Errorf("commit %q: %w", rev, ErrNotFound)
}

// Head returns the union of the members' heads.
func (u *Union) Head() (string, error) {
	if len(u.repos) == 1 {
		return u.repos[0].Head()
	}
	heads := make([]string, len(u.repos))
	for i, r := range u.repos {
		h, err := r.Head()
		if err != nil {
			return "", fmt.Errorf("%s: %w", r.Dir(), err)
		}
		heads[i] = h
	}
	return u.name(heads), nil
}

// Resolve accepts a union version or any member's commit id (or prefix).
func (u *Union) Resolve(rev string) (string, error) {
	if len(u.repos) == 1 {
		return u.repos[0].Resolve(rev)
	}
	u.mu.Lock()
	_, ok := u.ids[rev]
	u.mu.Unlock()
	if ok {
		return rev, nil
	}
	_, id, _, err := u.find(rev)
	return id, err
}

// owner says which member a path belongs to: root files (dangan.yaml) to
// the primary, a customer's folder and a guide to the first member whose
// tree has it. heads are the members' commits; -1 when none has it.
func (u *Union) owner(heads []string, path string) int {
	if !strings.Contains(path, "/") {
		return 0
	}
	key := path
	if c := archive.CustomerOf(path); c != "" {
		key = archive.CustomersDir + "/" + c
	}
	for i, r := range u.repos {
		if heads[i] == "" {
			continue
		}
		_, root, err := r.rootTree(heads[i])
		if err != nil {
			continue
		}
		if _, _, err := r.lookup(root, key); err == nil {
			return i
		}
	}
	return -1
}

// files yields the union's files at one commit per member, with the
// folders a later member repeats left out.
func (u *Union) files(heads []string, skipped *[]string) iter.Seq2[archive.File, error] {
	return func(yield func(archive.File, error) bool) {
		claimed := map[string]int{} // customer folder or guide → member
		for i, r := range u.repos {
			if heads[i] == "" {
				continue
			}
			for f, err := range r.Files(heads[i]) {
				if err != nil {
					yield(f, fmt.Errorf("%s: %w", r.Dir(), err))
					return
				}
				key := f.Path
				if c := archive.CustomerOf(f.Path); c != "" {
					key = archive.CustomersDir + "/" + c
				}
				if i > 0 && !strings.Contains(f.Path, "/") {
					continue // rules come from the primary alone
				}
				if k, ok := claimed[key]; ok && k != i {
					if !slices.Contains(*skipped, key) {
						*skipped = append(*skipped, key)
					}
					continue
				}
				claimed[key] = i
				if !yield(f, nil) {
					return
				}
			}
		}
	}
}

// Snapshot parses the union at a version.
func (u *Union) Snapshot(version string) (*archive.Snapshot, error) {
	if len(u.repos) == 1 {
		return u.repos[0].Snapshot(version)
	}
	heads, err := u.members(version)
	if err != nil {
		return nil, err
	}
	var skipped []string
	snap, err := archive.Load(version, u.files(heads, &skipped))
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		// Said once in the log per load: the folder shown is the first
		// member's, and whoever keeps the repositories should know.
		u.repos[0].logger().Warn("a customer folder or guide exists in more than one archive repository; the first one's is shown", "paths", skipped)
	}
	return snap, nil
}

// ReadFile reads a file of the member that owns it at a version.
func (u *Union) ReadFile(version, path string) (archive.File, error) {
	if len(u.repos) == 1 {
		return u.repos[0].ReadFile(version, path)
	}
	heads, err := u.members(version)
	if err != nil {
		return archive.File{}, err
	}
	k := u.owner(heads, path)
	if k < 0 {
		return archive.File{}, fmt.Errorf("%s at %.10s: %w", path, version, ErrNotFound)
	}
	return u.repos[k].ReadFile(heads[k], path)
}

// List lists a folder: the owner's for a customer folder, every member's
// for the top and the guides.
func (u *Union) List(version, dir string) ([]Entry, error) {
	if len(u.repos) == 1 {
		return u.repos[0].List(version, dir)
	}
	heads, err := u.members(version)
	if err != nil {
		return nil, err
	}
	if archive.CustomerOf(dir+"/x") != "" {
		k := u.owner(heads, dir+"/x")
		if k < 0 {
			return nil, fmt.Errorf("list %s: %w", dir, ErrNotFound)
		}
		return u.repos[k].List(heads[k], dir)
	}
	var out []Entry
	found := false
	for i, r := range u.repos {
		if heads[i] == "" {
			continue
		}
		es, err := r.List(heads[i], dir)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = true
		for _, e := range es {
			if !slices.ContainsFunc(out, func(o Entry) bool { return o.Path == e.Path }) {
				out = append(out, e)
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("list %s: %w", dir, ErrNotFound)
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}

// Changes returns what changed between two union versions, member by
// member, without the folders a later member repeats.
func (u *Union) Changes(from, to string) (changed []archive.File, removed []string, err error) {
	if len(u.repos) == 1 {
		return u.repos[0].Changes(from, to)
	}
	a, err := u.members(from)
	if err != nil {
		return nil, nil, err
	}
	b, err := u.members(to)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range u.repos {
		if a[i] == b[i] {
			continue
		}
		var c []archive.File
		var rm []string
		if b[i] == "" {
			// The member lost its branch: everything it had is gone.
			for f, err := range r.Files(a[i]) {
				if err != nil {
					return nil, nil, err
				}
				rm = append(rm, f.Path)
			}
		} else if c, rm, err = r.Changes(a[i], b[i]); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", r.Dir(), err)
		}
		for _, f := range c {
			if (i == 0 || strings.Contains(f.Path, "/")) && u.owner(b, f.Path) == i {
				changed = append(changed, f)
			}
		}
		for _, p := range rm {
			if (i == 0 || strings.Contains(p, "/")) && u.owner(b, p) < 0 {
				removed = append(removed, p)
			}
		}
	}
	return changed, removed, nil
}

// CommitInfo describes a member's commit, or a union version as its
// newest member commit under the union's id.
func (u *Union) CommitInfo(id string) (Commit, error) {
	if len(u.repos) == 1 {
		return u.repos[0].CommitInfo(id)
	}
	u.mu.Lock()
	heads, ok := u.ids[id]
	u.mu.Unlock()
	if !ok {
		_, _, c, err := u.find(id)
		return c, err
	}
	var newest Commit
	for i, r := range u.repos {
		if heads[i] == "" {
			continue
		}
		c, err := r.CommitInfo(heads[i])
		if err != nil {
			return Commit{}, err
		}
		if c.When.After(newest.When) {
			newest = c
		}
	}
	newest.Hash = id
	return newest, nil
}

// History lists the commits that changed a path, from the member that
// owns it now; for the whole archive ("") or the guides, every member's,
// newest first.
func (u *Union) History(path string, limit int) ([]Commit, error) {
	if len(u.repos) == 1 {
		return u.repos[0].History(path, limit)
	}
	heads := make([]string, len(u.repos))
	for i, r := range u.repos {
		h, err := r.Head()
		if err != nil {
			return nil, err
		}
		heads[i] = h
	}
	if path != "" && path != archive.GuidesDir && strings.Contains(path, "/") {
		k := u.owner(heads, path)
		if k < 0 {
			k = 0 // a removed file: its history is in the primary, if anywhere
		}
		return u.repos[k].History(path, limit)
	}
	var out []Commit
	for _, r := range u.repos {
		cs, err := r.History(path, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	slices.SortStableFunc(out, func(a, b Commit) int { return b.When.Compare(a.When) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Log returns every member's commits, newest first by time: walking it
// from the oldest, Changes between neighbours gives what each commit did
// (a member's commit stands for that member there and the others as of
// its time), which is how leads find the commit where a signal appeared.
func (u *Union) Log(limit int) ([]Commit, error) {
	if len(u.repos) == 1 {
		return u.repos[0].Log(limit)
	}
	var out []Commit
	for _, r := range u.repos {
		cs, err := r.Log(limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Dir(), err)
		}
		out = append(out, cs...)
	}
	slices.SortStableFunc(out, func(a, b Commit) int { return b.When.Compare(a.When) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// AsOf returns the union version as of t.
func (u *Union) AsOf(t time.Time) (string, error) {
	if len(u.repos) == 1 {
		return u.repos[0].AsOf(t)
	}
	heads := make([]string, len(u.repos))
	found := false
	for i, r := range u.repos {
		h, err := r.AsOf(t)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		heads[i], found = h, true
	}
	if !found {
		return "", fmt.Errorf("archive as of %s: %w", t.Format(time.DateOnly), ErrNotFound)
	}
	return u.name(heads), nil
}

// Diff compares a file between two versions in the member that owns it.
func (u *Union) Diff(path, from, to string) (*Diff, error) {
	if len(u.repos) == 1 {
		return u.repos[0].Diff(path, from, to)
	}
	a, err := u.members(from)
	if err != nil {
		return nil, err
	}
	b, err := u.members(to)
	if err != nil {
		return nil, err
	}
	k := u.owner(b, path)
	if k < 0 {
		if k = u.owner(a, path); k < 0 {
			return nil, fmt.Errorf("%s: %w", path, ErrNotFound)
		}
	}
	d, err := u.repos[k].Diff(path, a[k], b[k])
	if err != nil {
		return nil, err
	}
	d.From, d.To = from, to
	return d, nil
}

// Commit commits a change into the member that owns its files: all of
// them must belong to one member (a new customer goes to the primary).
// Parent may be a union version or the member's own commit; the member's
// branch must still be where that version had it.
func (u *Union) Commit(ctx context.Context, c Change) (string, error) {
	if len(u.repos) == 1 {
		return u.repos[0].Commit(ctx, c)
	}
	heads := make([]string, len(u.repos))
	for i, r := range u.repos {
		h, err := r.Head()
		if err != nil {
			return "", err
		}
		heads[i] = h
	}
	k := -1
	for _, f := range c.Files {
		o := max(u.owner(heads, f.Path), 0)
		if k >= 0 && o != k {
			return "", fmt.Errorf("a change may not span archive repositories (%s is in %s, other files in %s)", f.Path, u.repos[o].Dir(), u.repos[k].Dir())
		}
		k = o
	}
	if k < 0 {
		k = 0
	}
	if c.Parent != "" {
		parents, err := u.members(c.Parent)
		if err != nil {
			return "", err
		}
		c.Parent = parents[k]
	}
	id, err := u.repos[k].Commit(ctx, c)
	if err != nil {
		return "", err
	}
	heads[k] = id
	return u.name(heads), nil
}

// Close closes every member.
func (u *Union) Close() error {
	var errs []error
	for _, r := range u.repos {
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}
