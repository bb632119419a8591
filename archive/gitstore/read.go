package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/dangan-archive/dangan/archive"
)

// The read methods take a commit id (full or short) or a ref name; ""
// means the current head of the branch.

// rootTree returns the tree of a commit, the empty tree for "" on an empty
// repository.
func (r *Repo) rootTree(commit string) (plumbing.Hash, plumbing.Hash, error) {
	if commit == "" {
		h, err := r.head()
		if err != nil || h.IsZero() {
			return h, plumbing.ZeroHash, err
		}
		ch, err := r.commitHead(h)
		return h, ch.tree, err
	}
	h, err := r.commitish(commit)
	if err != nil {
		return h, plumbing.ZeroHash, err
	}
	ch, err := r.commitHead(h)
	if err != nil {
		return h, plumbing.ZeroHash, fmt.Errorf("commit %s: %w", commit, err)
	}
	return h, ch.tree, nil
}

// Files yields every regular file of the commit's tree in path order, with
// its content. Symbolic links and submodules are not part of the archive
// and are skipped.
func (r *Repo) Files(commit string) iter.Seq2[archive.File, error] {
	return func(yield func(archive.File, error) bool) {
		_, root, err := r.rootTree(commit)
		if err != nil {
			yield(archive.File{}, err)
			return
		}
		err = r.walkFiles(root, "", func(p string, h plumbing.Hash) error {
			data, err := r.object(h, plumbing.BlobObject)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if !yield(archive.File{Path: p, Version: h.String(), Data: data}, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(archive.File{}, err)
		}
	}
}

var errStop = errors.New("stop")

// walkFiles calls fn for every regular file under the tree, in path order.
func (r *Repo) walkFiles(h plumbing.Hash, prefix string, fn func(string, plumbing.Hash) error) error {
	t, err := r.tree(h)
	if err != nil {
		return err
	}
	for i := range t.ents {
		switch t.kind(i) {
		case kindFile:
			if err := fn(prefix+t.name(i), t.hash(i)); err != nil {
				return err
			}
		case kindDir:
			if err := r.walkFiles(t.hash(i), prefix+t.name(i)+"/", fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// Snapshot parses every file of a commit.
func (r *Repo) Snapshot(commit string) (*archive.Snapshot, error) {
	h, _, err := r.rootTree(commit)
	if err != nil {
		return nil, err
	}
	id := ""
	if !h.IsZero() {
		id = h.String()
	}
	return archive.Load(id, r.Files(id))
}

// lookup finds a path in a tree: the entry's hash and kind.
func (r *Repo) lookup(root plumbing.Hash, p string) (plumbing.Hash, int, error) {
	h, kind := root, kindDir
	if p == "" {
		return h, kind, nil
	}
	for seg := range strings.SplitSeq(p, "/") {
		if kind != kindDir {
			return plumbing.ZeroHash, 0, ErrNotFound
		}
		t, err := r.tree(h)
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		i, ok := t.find(seg)
		if !ok {
			return plumbing.ZeroHash, 0, ErrNotFound
		}
		h, kind = t.hash(i), t.kind(i)
	}
	return h, kind, nil
}

// ReadFile returns one file of a commit; errors.Is(err, ErrNotFound) when
// the commit has no such file.
func (r *Repo) ReadFile(commit, path string) (archive.File, error) {
	p, ok := archive.CleanPath(path)
	if !ok {
		return archive.File{}, fmt.Errorf("read %q: not a path inside the archive: %w", path, ErrNotFound)
	}
	_, root, err := r.rootTree(commit)
	if err != nil {
		return archive.File{}, fmt.Errorf("read %s: %w", p, err)
	}
	h, kind, err := r.lookup(root, p)
	if err == nil && kind != kindFile {
		err = ErrNotFound
	}
	if err != nil {
		return archive.File{}, fmt.Errorf("read %s at %.10s: %w", p, commit, err)
	}
	data, err := r.object(h, plumbing.BlobObject)
	if err != nil {
		return archive.File{}, fmt.Errorf("read %s: %w", p, err)
	}
	return archive.File{Path: p, Version: h.String(), Data: data}, nil
}

// List returns the files directly in a folder ("" is the top), without
// their content: the attachments beside a record.
func (r *Repo) List(commit, dir string) ([]Entry, error) {
	p := ""
	if dir != "" && dir != "/" && dir != "." {
		var ok bool
		if p, ok = archive.CleanPath(dir); !ok {
			return nil, fmt.Errorf("list %q: not a path inside the archive: %w", dir, ErrNotFound)
		}
	}
	_, root, err := r.rootTree(commit)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	h, kind, err := r.lookup(root, p)
	if err == nil && kind != kindDir {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	t, err := r.tree(h)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if p != "" {
		prefix = p + "/"
	}
	var out []Entry
	for i := range t.ents {
		if t.kind(i) != kindFile {
			continue
		}
		e := Entry{Path: prefix + t.name(i), Version: t.hash(i).String()}
		var err error
		e.Size, err = r.objectSize(t.hash(i))
		if err != nil {
			return nil, fmt.Errorf("list %s: size of %s: %w", dir, e.Path, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Changes returns the files added or modified between two commits (with
// their content) and the paths removed, in path order. A rename is a
// removal plus an addition. from == "" means the empty tree: everything in
// to.
//
// It walks both trees side by side and never opens a subtree whose id is
// the same on both sides, so a one-file commit costs a few tree reads even
// with ten thousand customer folders.
func (r *Repo) Changes(from, to string) (changed []archive.File, removed []string, err error) {
	var fromTree plumbing.Hash
	if from != "" {
		if _, fromTree, err = r.rootTree(from); err != nil {
			return nil, nil, fmt.Errorf("changes from %s: %w", from, err)
		}
	}
	_, toTree, err := r.rootTree(to)
	if err != nil {
		return nil, nil, fmt.Errorf("changes to %s: %w", to, err)
	}
	err = r.diffTrees(fromTree, toTree, "", func(p string, _, nh plumbing.Hash) error {
		if nh.IsZero() {
			removed = append(removed, p)
			return nil
		}
		data, err := r.object(nh, plumbing.BlobObject)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		changed = append(changed, archive.File{Path: p, Version: nh.String(), Data: data})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("changes %.10s..%.10s: %w", from, to, err)
	}
	return changed, removed, nil
}

// diffTrees calls fn for every regular file that differs between two
// trees, in path order; a zero hash is the side where the file is missing.
// Subtrees with equal ids are skipped without being read.
func (r *Repo) diffTrees(a, b plumbing.Hash, prefix string, fn func(p string, old, new plumbing.Hash) error) error {
	if a == b {
		return nil
	}
	ta, err := r.tree(a)
	if err != nil {
		return err
	}
	tb, err := r.tree(b)
	if err != nil {
		return err
	}
	only := func(t *tree, i int, fromSide bool) error {
		p := prefix + t.name(i)
		emit := func(p string, h plumbing.Hash) error {
			if fromSide {
				return fn(p, h, plumbing.ZeroHash)
			}
			return fn(p, plumbing.ZeroHash, h)
		}
		switch t.kind(i) {
		case kindFile:
			return emit(p, t.hash(i))
		case kindDir:
			return r.walkFiles(t.hash(i), p+"/", emit)
		}
		return nil
	}
	i, j := 0, 0
	for i < len(ta.ents) || j < len(tb.ents) {
		if i < len(ta.ents) && ta.kind(i) == kindOther {
			i++
			continue
		}
		if j < len(tb.ents) && tb.kind(j) == kindOther {
			j++
			continue
		}
		var c int
		switch {
		case i == len(ta.ents):
			c = 1
		case j == len(tb.ents):
			c = -1
		default:
			c = gitCmp(ta.nameBytes(i), ta.kind(i) == kindDir, tb.nameBytes(j), tb.kind(j) == kindDir)
		}
		switch {
		case c < 0:
			if err := only(ta, i, true); err != nil {
				return err
			}
			i++
		case c > 0:
			if err := only(tb, j, false); err != nil {
				return err
			}
			j++
		default:
			if !bytes.Equal(ta.entry(i), tb.entry(j)) {
				p := prefix + ta.name(i)
				var err error
				if ta.kind(i) == kindDir {
					err = r.diffTrees(ta.hash(i), tb.hash(j), p+"/", fn)
				} else {
					err = fn(p, ta.hash(i), tb.hash(j))
				}
				if err != nil {
					return err
				}
			}
			i++
			j++
		}
	}
	return nil
}
