package gitstore

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/dangan-archive/dangan/archive"
)

// ErrEmptyCommit is returned for a first commit that adds no file. A change
// on top of an existing commit that alters nothing is not an error: Commit
// returns the parent unchanged (saving an unedited form is harmless).
var ErrEmptyCommit = errors.New("nothing to commit")

// Commit records a set of file changes on top of c.Parent and moves the
// branch to the new commit, only if the branch still points at c.Parent
// (else *ConflictError, errors.Is ErrConflict). It returns the new commit
// id, or c.Parent itself when no file actually differs.
//
// Every object is written and flushed to disk before the branch moves, and
// the branch moves by git's lock protocol, so a crash at any moment leaves
// the branch at the old or the new commit and git fsck clean, and a
// concurrent git push or git commit by a person is never overwritten.
//
// In a repository with a work tree that has the branch checked out, the
// files changed are then updated in the work tree and the git index too,
// but only where both still hold the parent's version: a technician's local
// edits are kept (and a warning logged), and git status stays clean
// otherwise.
func (r *Repo) Commit(ctx context.Context, c Change) (string, error) {
	parent, root, err := prepare(ctx, &c, "commit")
	if err != nil {
		return "", err
	}

	r.writeMu.Lock()
	defer r.writeMu.Unlock()

	head, err := r.head()
	if err != nil {
		return "", err
	}
	if head != parent {
		return "", conflict(parent, head)
	}
	var oldRoot plumbing.Hash
	if !parent.IsZero() {
		ch, err := r.commitHead(parent)
		if err != nil {
			return "", fmt.Errorf("commit: parent: %w", err)
		}
		oldRoot = ch.tree
	}
	w := &objWriter{r: r, dirs: map[string]bool{}}
	newRoot, err := w.build(oldRoot, "", root)
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	if newRoot == oldRoot {
		if parent.IsZero() {
			return "", fmt.Errorf("commit: the change adds no file: %w", ErrEmptyCommit)
		}
		return parent.String(), nil
	}
	if newRoot.IsZero() { // every file deleted: git's empty tree
		if newRoot, err = w.put(plumbing.TreeObject, nil); err != nil {
			return "", fmt.Errorf("commit: %w", err)
		}
	}
	id, err := w.put(plumbing.CommitObject, r.commitText(newRoot, parent, c))
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	if err := w.flush(); err != nil {
		return "", fmt.Errorf("commit: flush objects: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return "", err // the objects stay as unreachable garbage; git gc removes them
	}
	if err := r.updateRef(parent, id, c.Author, firstLine(c.Message)); err != nil {
		return "", err
	}
	r.updateWorkTree(oldRoot, newRoot)
	return id.String(), nil
}

func conflict(expected, actual plumbing.Hash) *ConflictError {
	e := &ConflictError{}
	if !expected.IsZero() {
		e.Expected = expected.String()
	}
	if !actual.IsZero() {
		e.Actual = actual.String()
	}
	return e
}

func checkChange(c *Change) error {
	if strings.TrimSpace(c.Author.Name) == "" {
		return errors.New("commit: the author's name is empty")
	}
	// git fsck rejects these in an identity line.
	if strings.ContainsAny(c.Author.Name, "<>\n\x00") || strings.ContainsAny(c.Author.Email, "<>\n\x00") {
		return fmt.Errorf("commit: author %q <%s> holds a character git does not allow (<, >, a line break)", c.Author.Name, c.Author.Email)
	}
	if strings.ContainsRune(c.Message, 0) {
		return errors.New("commit: the message holds a NUL character")
	}
	return nil
}

// commitText is the commit object of a change: its tree on parent,
// authored when the change says (now if it does not), committed now.
func (r *Repo) commitText(tree, parent plumbing.Hash, c Change) []byte {
	when := c.Author.When
	if when.IsZero() {
		when = r.now()
	}
	var body bytes.Buffer
	fmt.Fprintf(&body, "tree %s\n", tree)
	if !parent.IsZero() {
		fmt.Fprintf(&body, "parent %s\n", parent)
	}
	fmt.Fprintf(&body, "author %s\n", ident(c.Author.Name, c.Author.Email, when))
	fmt.Fprintf(&body, "committer %s\n\n", ident(c.Author.Name, c.Author.Email, r.now()))
	body.WriteString(c.Message)
	if c.Message != "" && !strings.HasSuffix(c.Message, "\n") {
		body.WriteByte('\n')
	}
	return body.Bytes()
}

func ident(name, email string, t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s <%s> %d %c%02d%02d", strings.TrimSpace(name), strings.TrimSpace(email), t.Unix(), sign, off/3600, off%3600/60)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// changeNode is the set of changes inside one folder.
type changeNode struct {
	files map[string]*FileChange
	dirs  map[string]*changeNode
}

// prepare checks a change before anything is written (what names the
// operation in errors): the context, the files, the parent's id; and
// arranges the files as a tree.
func prepare(ctx context.Context, c *Change, what string) (plumbing.Hash, *changeNode, error) {
	if err := ctx.Err(); err != nil {
		return plumbing.ZeroHash, nil, err
	}
	if err := checkChange(c); err != nil {
		return plumbing.ZeroHash, nil, err
	}
	var parent plumbing.Hash
	if c.Parent != "" {
		var ok bool
		if parent, ok = parseHash(strings.ToLower(c.Parent)); !ok {
			return plumbing.ZeroHash, nil, fmt.Errorf("%s: parent %q is not a full commit id", what, c.Parent)
		}
	}
	root, err := changeTree(c.Files)
	return parent, root, err
}

func changeTree(files []FileChange) (*changeNode, error) {
	root := &changeNode{}
	for i := range files {
		fc := &files[i]
		p, ok := archive.CleanPath(fc.Path)
		if !ok {
			return nil, fmt.Errorf("commit: %q is not a path inside the archive", fc.Path)
		}
		segs := strings.Split(p, "/")
		n := root
		for _, seg := range segs[:len(segs)-1] {
			if n.dirs == nil {
				n.dirs = map[string]*changeNode{}
			}
			if n.dirs[seg] == nil {
				n.dirs[seg] = &changeNode{}
			}
			n = n.dirs[seg]
		}
		name := segs[len(segs)-1]
		if _, dup := n.files[name]; dup {
			return nil, fmt.Errorf("commit: %s is changed twice", p)
		}
		if n.files == nil {
			n.files = map[string]*FileChange{}
		}
		n.files[name] = fc
	}
	if p := clash(root, ""); p != "" {
		return nil, fmt.Errorf("commit: %s is written both as a file and as a folder", p)
	}
	return root, nil
}

// clash finds a name written as a file and, below it, as a folder. Deleting
// one while writing the other is fine: a file replaced by a folder.
func clash(n *changeNode, prefix string) string {
	for name, sub := range n.dirs {
		if fc, ok := n.files[name]; ok && !fc.Delete && !onlyDeletes(sub) {
			return prefix + name
		}
		if p := clash(sub, prefix+name+"/"); p != "" {
			return p
		}
	}
	return ""
}

// zlibWriters saves allocating a compressor (about a megabyte) per object.
var zlibWriters sync.Pool

// objWriter writes loose objects durably.
type objWriter struct {
	r       *Repo
	dirs    map[string]bool // object folders written into
	pending []string        // objects not yet flushed
	n       int
}

// perFileSync is how many objects a commit flushes one by one; beyond it a
// single file-system flush is cheaper.
const perFileSync = 32

// put stores an object unless it is already there. Like git, it writes a
// temporary file (tmp_obj_*, which git fsck ignores) and renames it into
// place, so a reader or a crash never sees half an object.
func (w *objWriter) put(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(t, data)
	if w.r.hasObject(h) {
		return h, nil
	}
	hex := h.String()
	dir := filepath.Join(w.r.commonDir, "objects", hex[:2])
	if _, err := os.Stat(dir); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return h, err
		}
		w.dirs[filepath.Dir(dir)] = true
	}
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return h, err
	}
	tmp := f.Name()
	fail := func(err error) (plumbing.Hash, error) {
		f.Close()
		os.Remove(tmp)
		return h, fmt.Errorf("write object %s: %w", hex, err)
	}
	zw, _ := zlibWriters.Get().(*zlib.Writer)
	if zw == nil {
		zw, _ = zlib.NewWriterLevel(f, zlib.BestSpeed)
	} else {
		zw.Reset(f)
	}
	_, err = zw.Write([]byte(t.String() + " " + strconv.Itoa(len(data)) + "\x00"))
	if err == nil {
		_, err = zw.Write(data)
	}
	if err == nil {
		err = zw.Close()
	}
	zlibWriters.Put(zw)
	if err != nil {
		return fail(err)
	}
	w.n++
	durable := !w.r.noSync
	if durable && w.n <= perFileSync {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	} else if durable {
		w.pending = append(w.pending, filepath.Join(dir, hex[2:]))
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	_ = os.Chmod(tmp, 0o444)
	if err := os.Rename(tmp, filepath.Join(dir, hex[2:])); err != nil {
		os.Remove(tmp)
		return h, fmt.Errorf("write object %s: %w", hex, err)
	}
	w.dirs[dir] = true
	return h, nil
}

// flush makes every object written durable, with the folders naming them.
func (w *objWriter) flush() error {
	if w.r.noSync {
		return nil
	}
	if len(w.pending) > 0 {
		done, err := syncFS(filepath.Join(w.r.commonDir, "objects"))
		if err != nil {
			return err
		}
		for _, p := range w.pending {
			if done {
				break
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			err = f.Sync()
			f.Close()
			if err != nil {
				return err
			}
		}
		if done {
			return nil // syncfs flushed the folders too
		}
	}
	for d := range w.dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

type treeEnt struct {
	name string
	mode filemode.FileMode
	hash plumbing.Hash
}

// build returns the id of tree old with the changes of n applied, writing
// the blobs and trees that are new; the zero hash for a folder left empty.
func (w *objWriter) build(old plumbing.Hash, prefix string, n *changeNode) (plumbing.Hash, error) {
	t, err := w.r.tree(old)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ents := make([]treeEnt, len(t.ents))
	for i := range t.ents {
		ents[i] = treeEnt{name: t.name(i), mode: t.ents[i].mode, hash: t.hash(i)}
	}
	find := func(name string) int {
		return slices.IndexFunc(ents, func(e treeEnt) bool { return e.name == name })
	}
	// Deletions first, so a file can replace a folder and the reverse.
	for name, fc := range n.files {
		if i := find(name); fc.Delete && i >= 0 && ents[i].mode != filemode.Dir {
			ents = slices.Delete(ents, i, i+1)
		}
	}
	for name, sub := range n.dirs {
		i := find(name)
		var subOld plumbing.Hash
		if i >= 0 {
			if ents[i].mode != filemode.Dir {
				if onlyDeletes(sub) {
					continue // nothing to delete under a file
				}
				return plumbing.ZeroHash, fmt.Errorf("%s%s is a file, not a folder", prefix, name)
			}
			subOld = ents[i].hash
		}
		h, err := w.build(subOld, prefix+name+"/", sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		switch {
		case h.IsZero() && i >= 0:
			ents = slices.Delete(ents, i, i+1)
		case h.IsZero():
		case i >= 0:
			ents[i].hash = h
		default:
			ents = append(ents, treeEnt{name: name, mode: filemode.Dir, hash: h})
		}
	}
	for name, fc := range n.files {
		if fc.Delete {
			continue
		}
		i := find(name)
		if i >= 0 && ents[i].mode == filemode.Dir {
			return plumbing.ZeroHash, fmt.Errorf("%s%s is a folder, not a file", prefix, name)
		}
		h, err := w.put(plumbing.BlobObject, fc.Data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if i < 0 {
			ents = append(ents, treeEnt{name: name, mode: filemode.Regular, hash: h})
			continue
		}
		if kindOf(ents[i].mode) != kindFile {
			ents[i].mode = filemode.Regular
		}
		ents[i].hash = h
	}
	if len(ents) == 0 {
		return plumbing.ZeroHash, nil
	}
	slices.SortFunc(ents, func(a, b treeEnt) int {
		return gitCmp([]byte(a.name), a.mode == filemode.Dir, []byte(b.name), b.mode == filemode.Dir)
	})
	var buf bytes.Buffer
	buf.Grow(len(t.raw) + 64)
	for _, e := range ents {
		buf.WriteString(strconv.FormatUint(uint64(e.mode), 8))
		buf.WriteByte(' ')
		buf.WriteString(e.name)
		buf.WriteByte(0)
		buf.Write(e.hash[:])
	}
	if !old.IsZero() && bytes.Equal(buf.Bytes(), t.raw) {
		return old, nil
	}
	return w.put(plumbing.TreeObject, buf.Bytes())
}

func onlyDeletes(n *changeNode) bool {
	for _, fc := range n.files {
		if !fc.Delete {
			return false
		}
	}
	for _, d := range n.dirs {
		if !onlyDeletes(d) {
			return false
		}
	}
	return true
}

// updateRef moves the branch from old to new by git's lock protocol:
// take refs/heads/<branch>.lock (O_EXCL), check under the lock that the
// branch (loose or only in packed-refs) still points at old, write and
// flush the lock, rename it over the ref. A loose ref shadows packed-refs,
// as in git, so packed-refs is never rewritten.
func (r *Repo) updateRef(old, new plumbing.Hash, who Signature, msg string) error {
	name := r.branchRef()
	path := filepath.Join(r.commonDir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("move branch %s: %w", r.branch, err)
	}
	lk, err := r.lock(path)
	if err != nil {
		return fmt.Errorf("move branch %s: %w", r.branch, err)
	}
	cur, _, err := r.readRef(name)
	if err != nil {
		lk.rollback()
		return fmt.Errorf("move branch %s: %w", r.branch, err)
	}
	if cur != old {
		lk.rollback()
		return conflict(old, cur)
	}
	r.appendReflog(name, old, new, who, msg)
	if err := lk.commit([]byte(new.String()+"\n"), !r.noSync); err != nil {
		return fmt.Errorf("move branch %s: %w", r.branch, err)
	}
	return nil
}

// appendReflog keeps git reflog useful for technicians. It is best effort:
// the reflog is a convenience, not part of the history.
func (r *Repo) appendReflog(name string, old, new plumbing.Hash, who Signature, msg string) {
	line := fmt.Sprintf("%s %s %s\tcommit (dangan): %s\n", old, new, ident(who.Name, who.Email, r.now()), msg)
	r.appendLog(filepath.Join(r.commonDir, "logs", filepath.FromSlash(name)), line)
	// git also logs HEAD when it names the branch (git reflog shows it).
	if head, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD")); err == nil && strings.TrimSpace(string(head)) == "ref: "+name {
		r.appendLog(filepath.Join(r.gitDir, "logs", "HEAD"), line)
	}
}

func (r *Repo) appendLog(p, line string) {
	if _, err := os.Stat(p); err != nil && r.workTree == "" {
		return // bare repositories keep no reflog unless one exists
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.WriteString(line)
}
