package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// updateWorkTree brings the work tree and the git index from oldRoot to
// newRoot for the files that differ, where both still hold the old
// version. Anything else is a person's local change: it is kept and
// reported. The commit is already made, so failures here are warnings.
//
// The index is rewritten under index.lock without its optional extensions
// (the cache tree, the untracked cache); git rebuilds them when it needs
// them. Versions 2 and 3 are edited in place (rawIndex), version 4 goes
// through go-git; split and sparse indexes cannot be read and are left
// alone. Files are written as regular non-executable files.
func (r *Repo) updateWorkTree(oldRoot, newRoot plumbing.Hash) {
	if r.workTree == "" {
		return
	}
	log := r.logger()
	head, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD"))
	if err != nil || strings.TrimSpace(string(head)) != "ref: "+r.branchRef() {
		return // the work tree has another branch (or commit) checked out
	}
	type change struct {
		path     string
		old, new plumbing.Hash
	}
	var changes []change
	err = r.diffTrees(oldRoot, newRoot, "", func(p string, o, n plumbing.Hash) error {
		changes = append(changes, change{p, o, n})
		return nil
	})
	if err != nil || len(changes) == 0 {
		if err != nil {
			log.Warn("work tree not updated", "err", err)
		}
		return
	}
	paths := func() []string {
		var ps []string
		for _, c := range changes {
			ps = append(ps, c.path)
		}
		return ps
	}
	idxPath := filepath.Join(r.gitDir, "index")
	lk, err := r.lock(idxPath)
	if err != nil {
		log.Warn("work tree not updated: the git index is locked; run git checkout on these files to see the commit", "files", paths(), "err", err)
		return
	}
	defer func() {
		if lk != nil {
			lk.rollback()
		}
	}()
	b, err := os.ReadFile(idxPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Warn("work tree not updated", "err", err)
		return
	}
	idx, err := readIndexEdit(b)
	if err != nil {
		log.Warn("work tree not updated: cannot read the git index", "err", err, "files", paths())
		return
	}
	touched := false
	for _, c := range changes {
		e, conflicted := idx.lookup(c.path)
		wt := filepath.Join(r.workTree, filepath.FromSlash(c.path))
		if !r.safeParents(c.path) {
			log.Warn("work tree file not updated: a folder on its path is a link or a file", "file", c.path)
			continue
		}
		wtHash, exists, err := hashFile(wt)
		if err != nil {
			log.Warn("work tree file not updated", "file", c.path, "err", err)
			continue
		}
		if c.new.IsZero() && !exists && e == nil || !c.new.IsZero() && exists && wtHash == c.new && e != nil && e.Hash == c.new {
			continue // already there
		}
		indexOK := c.old.IsZero() && e == nil || e != nil && e.Hash == c.old
		wtOK := c.old.IsZero() && !exists || exists && wtHash == c.old
		if conflicted || !indexOK || !wtOK {
			log.Warn("local change kept: the work tree or git index differs from the committed parent; git status will show it",
				"file", c.path, "commit_has", shortHash(c.new))
			continue
		}
		if c.new.IsZero() {
			if err := os.Remove(wt); err != nil && !errors.Is(err, fs.ErrNotExist) {
				log.Warn("work tree file not removed", "file", c.path, "err", err)
				continue
			}
			r.removeEmptyParents(filepath.Dir(wt))
			idx.removed[c.path] = true
			touched = true
			continue
		}
		data, err := r.object(c.new, plumbing.BlobObject)
		if err == nil {
			err = writeFileAtomic(wt, data)
		}
		var fi os.FileInfo
		if err == nil {
			fi, err = os.Lstat(wt)
		}
		if err != nil {
			log.Warn("work tree file not updated", "file", c.path, "err", err)
			continue
		}
		if e == nil {
			e = &index.Entry{Name: c.path}
		}
		e.Hash, e.Mode = c.new, filemode.Regular
		setStat(e, fi)
		idx.put[c.path] = e
		touched = true
	}
	if !touched {
		return
	}
	out, err := idx.encode()
	if err != nil {
		log.Warn("git index not updated; git status will show the committed files as changed", "err", err)
		return
	}
	err = lk.commit(out, !r.noSync)
	lk = nil
	if err != nil {
		log.Warn("git index not updated; git status will show the committed files as changed", "err", err)
	}
}

func shortHash(h plumbing.Hash) string {
	if h.IsZero() {
		return "(deleted)"
	}
	return h.String()[:10]
}

// safeParents says whether every folder on the way to p inside the work
// tree is a real folder (or missing), so writing p cannot leave the tree.
func (r *Repo) safeParents(p string) bool {
	segs := strings.Split(p, "/")
	cur := r.workTree
	for _, s := range segs[:len(segs)-1] {
		cur = filepath.Join(cur, s)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return true
		}
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

func (r *Repo) removeEmptyParents(dir string) {
	for dir != r.workTree && strings.HasPrefix(dir, r.workTree) {
		if os.Remove(dir) != nil { // fails when not empty
			return
		}
		dir = filepath.Dir(dir)
	}
}

// hashFile returns the blob id of a work tree file.
func hashFile(p string) (plumbing.Hash, bool, error) {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if !fi.Mode().IsRegular() {
		return plumbing.ZeroHash, true, fmt.Errorf("%s is not a regular file", p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	return plumbing.ComputeHash(plumbing.BlobObject, b), true, nil
}

func writeFileAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".dangan-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), p); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
