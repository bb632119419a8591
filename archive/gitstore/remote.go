package gitstore

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// This file holds what archive/remote needs to follow a git remote: refs
// other than the branch, a merge base, and commits written without moving
// the branch (to re-create local commits on top of the remote's).

// BranchRef is the full name of the branch the archive lives on
// ("refs/heads/main").
func (r *Repo) BranchRef() string { return r.branchRef() }

// Ref returns the commit a ref ("refs/remotes/origin/main") points at, or
// "" when there is no such ref.
func (r *Repo) Ref(name string) (string, error) {
	if !validRefName(name) {
		return "", fmt.Errorf("read ref: %q is not a ref name", name)
	}
	h, ok, err := r.readRef(name)
	if err != nil {
		return "", fmt.Errorf("read ref %s: %w", name, err)
	}
	if !ok {
		return "", nil
	}
	return h.String(), nil
}

// SetRef moves a ref from old to new ("" old: the ref must not exist; ""
// new: delete it) by git's lock protocol, only if it still points at old
// (else *ConflictError). For the branch this is what Commit does after
// writing its objects, so the site's commits and a move made here never
// overwrite each other. A deleted ref that also sits in packed-refs is
// shadowed by nothing and would come back: only loose refs are deleted.
func (r *Repo) SetRef(name, old, new string) error {
	if !validRefName(name) || !strings.HasPrefix(name, "refs/") {
		return fmt.Errorf("set ref: %q is not a ref name", name)
	}
	var oh, nh plumbing.Hash
	var ok bool
	if old != "" {
		if oh, ok = parseHash(old); !ok {
			return fmt.Errorf("set ref %s: %q is not a full commit id", name, old)
		}
	}
	if new != "" {
		if nh, ok = parseHash(new); !ok {
			return fmt.Errorf("set ref %s: %q is not a full commit id", name, new)
		}
		if _, err := r.commitHead(nh); err != nil {
			return fmt.Errorf("set ref %s: %w", name, err)
		}
	}
	if name == r.branchRef() {
		r.writeMu.Lock()
		defer r.writeMu.Unlock()
	}
	path := filepath.Join(r.commonDir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("set ref %s: %w", name, err)
	}
	lk, err := r.lock(path)
	if err != nil {
		return fmt.Errorf("set ref %s: %w", name, err)
	}
	cur, _, err := r.readRef(name)
	if err != nil {
		lk.rollback()
		return fmt.Errorf("set ref %s: %w", name, err)
	}
	if cur != oh {
		lk.rollback()
		return conflict(oh, cur)
	}
	if nh.IsZero() {
		err := os.Remove(path)
		lk.rollback()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete ref %s: %w", name, err)
		}
		return nil
	}
	if name == r.branchRef() {
		r.appendReflog(name, oh, nh, Signature{Name: "dangan"}, "sync with remote")
	}
	if err := lk.commit([]byte(nh.String()+"\n"), !r.noSync); err != nil {
		return fmt.Errorf("set ref %s: %w", name, err)
	}
	return nil
}

// validRefName rejects names that would step outside the refs folder or
// that git would not accept.
func validRefName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".lock") {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return !strings.ContainsAny(name, " ~^:?*[\\\x00\x7f") && !strings.Contains(name, "..") && !strings.Contains(name, "@{")
}

// Refs lists the refs under prefix ("refs/dangan/conflicts/"), loose and
// packed, name → commit id.
func (r *Repo) Refs(prefix string) (map[string]string, error) {
	out := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(r.commonDir, "packed-refs")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) < 42 || line[0] == '#' || line[0] == '^' {
				continue
			}
			if name := line[41:]; strings.HasPrefix(name, prefix) {
				out[name] = line[:40]
			}
		}
	}
	root := filepath.Join(r.commonDir, "refs")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".lock") {
			return nil
		}
		rel, err := filepath.Rel(r.commonDir, p)
		if err != nil {
			return nil
		}
		name := filepath.ToSlash(rel)
		if !strings.HasPrefix(name, prefix) {
			return nil
		}
		h, ok, err := r.readRef(name)
		if err == nil && ok {
			out[name] = h.String()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list refs %s: %w", prefix, err)
	}
	return out, nil
}

// Parents returns the parents of a commit, the first one first.
func (r *Repo) Parents(commit string) ([]string, error) {
	h, err := r.commitish(commit)
	if err != nil {
		return nil, err
	}
	c, err := r.commitObject(h)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(c.ParentHashes))
	for i, p := range c.ParentHashes {
		out[i] = p.String()
	}
	return out, nil
}

// MergeBase returns the best common ancestor of two commits, or "" when
// they share none. It walks both histories newest first, as git does, and
// stops as soon as every commit left is an ancestor of one already found,
// so two branches that parted recently cost a few commit reads however
// long the history.
func (r *Repo) MergeBase(a, b string) (string, error) {
	ha, err := r.commitish(a)
	if err != nil {
		return "", err
	}
	hb, err := r.commitish(b)
	if err != nil {
		return "", err
	}
	if ha == hb {
		return ha.String(), nil
	}
	const (
		fromA = 1 << iota
		fromB
		stale
		result
	)
	flags := map[plumbing.Hash]int{}
	q := &commitQueue{}
	push := func(h plumbing.Hash, f int) error {
		old, seen := flags[h]
		if seen && old&f == f {
			return nil
		}
		flags[h] = old | f
		c, err := r.commitObject(h)
		if err != nil {
			return err
		}
		heap.Push(q, queued{h, c.Committer.When.Unix(), c.ParentHashes})
		return nil
	}
	if err := push(ha, fromA); err != nil {
		return "", err
	}
	if err := push(hb, fromB); err != nil {
		return "", err
	}
	var found []plumbing.Hash
	for q.Len() > 0 {
		// Done when every queued commit is stale.
		if !slices.ContainsFunc(*q, func(e queued) bool { return flags[e.h]&stale == 0 }) {
			break
		}
		e := heap.Pop(q).(queued)
		f := flags[e.h] & (fromA | fromB | stale)
		if f&(fromA|fromB) == fromA|fromB && f&stale == 0 {
			if flags[e.h]&result == 0 {
				flags[e.h] |= result
				found = append(found, e.h)
			}
			f |= stale
		}
		for _, p := range e.parents {
			if err := push(p, f); err != nil {
				return "", err
			}
		}
	}
	// A result reached later from another result is its ancestor, not the
	// best base; in criss-cross histories several remain and any will do.
	for _, h := range found {
		if flags[h]&stale == 0 {
			return h.String(), nil
		}
	}
	if len(found) > 0 {
		return found[0].String(), nil
	}
	return "", nil
}

type queued struct {
	h       plumbing.Hash
	when    int64
	parents []plumbing.Hash
}

type commitQueue []queued

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	if q[i].when != q[j].when {
		return q[i].when > q[j].when
	}
	return bytes.Compare(q[i].h[:], q[j].h[:]) < 0
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// CommitChanges returns what a commit changed against its first parent
// (every file, for a root commit), as the file changes Commit takes, with
// its author and message: enough to make the same commit again on another
// parent.
func (r *Repo) CommitChanges(commit string) (Change, error) {
	h, err := r.commitish(commit)
	if err != nil {
		return Change{}, err
	}
	c, err := r.commitObject(h)
	if err != nil {
		return Change{}, err
	}
	var parentTree plumbing.Hash
	if len(c.ParentHashes) > 0 {
		ph, err := r.commitHead(c.ParentHashes[0])
		if err != nil {
			return Change{}, err
		}
		parentTree = ph.tree
	}
	ch := Change{
		Author:  Signature{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When},
		Message: c.Message,
	}
	if len(c.ParentHashes) > 0 {
		ch.Parent = c.ParentHashes[0].String()
	}
	err = r.diffTrees(parentTree, c.TreeHash, "", func(p string, _, nh plumbing.Hash) error {
		if nh.IsZero() {
			ch.Files = append(ch.Files, FileChange{Path: p, Delete: true})
			return nil
		}
		data, err := r.object(nh, plumbing.BlobObject)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		ch.Files = append(ch.Files, FileChange{Path: p, Data: data})
		return nil
	})
	if err != nil {
		return Change{}, fmt.Errorf("changes of %.10s: %w", h, err)
	}
	return ch, nil
}

// WriteCommit writes the commit c would make on top of c.Parent (its
// blobs, trees and commit object, durably) but moves no ref: the caller
// puts it on a branch with SetRef. The author keeps c.Author (time and
// zone included); the committer is the author at the Repo's clock, as in
// Commit. A change that alters nothing returns c.Parent itself.
func (r *Repo) WriteCommit(ctx context.Context, c Change) (string, error) {
	parent, root, err := prepare(ctx, &c, "write commit")
	if err != nil {
		return "", err
	}
	var oldRoot plumbing.Hash
	if !parent.IsZero() {
		ch, err := r.commitHead(parent)
		if err != nil {
			return "", fmt.Errorf("write commit: parent: %w", err)
		}
		oldRoot = ch.tree
	}
	w := &objWriter{r: r, dirs: map[string]bool{}}
	newRoot, err := w.build(oldRoot, "", root)
	if err != nil {
		return "", fmt.Errorf("write commit: %w", err)
	}
	if newRoot == oldRoot && !parent.IsZero() {
		return parent.String(), nil
	}
	if newRoot.IsZero() {
		if newRoot, err = w.put(plumbing.TreeObject, nil); err != nil {
			return "", fmt.Errorf("write commit: %w", err)
		}
	}
	id, err := w.put(plumbing.CommitObject, r.commitText(newRoot, parent, c))
	if err != nil {
		return "", fmt.Errorf("write commit: %w", err)
	}
	if err := w.flush(); err != nil {
		return "", fmt.Errorf("write commit: flush objects: %w", err)
	}
	return id.String(), nil
}

// CommonDir is the folder holding objects and refs (the git directory of a
// bare repository), for tools that work on the repository directly.
func (r *Repo) CommonDir() string { return r.commonDir }

// BlobID is the id git gives a file of this content, the Version of an
// archive.File.
func BlobID(data []byte) string { return plumbing.ComputeHash(plumbing.BlobObject, data).String() }
