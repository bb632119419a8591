package demo

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// Write generates the archive into a new git repository at dir (which must
// not exist or be empty): branch main holding the whole history, and the
// work tree checked out so that `git status` is clean and people can browse
// the files. It returns the id of the head commit.
//
// The objects are written as one packfile by this package (see pack.go):
// pure Go, and fast enough for 10,000 customers; go-git only lays out the
// repository and writes the index.
func Write(ctx context.Context, dir string, opts Options) (head string, err error) {
	created, err := emptyDir(dir)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			cleanUp(dir, created)
		}
	}()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		return "", fmt.Errorf("demo: create repository at %s: %w", dir, err)
	}
	packDir := filepath.Join(dir, ".git", "objects", "pack")
	pw, err := newPackWriter(filepath.Join(packDir, "tmp-demo.pack"))
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	hw := &historyWriter{pack: pw, root: &dirNode{}, files: map[string]worktreeFile{}}
	err = Generate(opts, func(c Commit) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return hw.commit(c)
	})
	if err != nil {
		pw.f.Close()
		return "", err
	}
	if hw.head == (oid{}) {
		pw.f.Close()
		return "", errors.New("demo: the history is empty")
	}
	if _, err := pw.finish(packDir); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	head = hex.EncodeToString(hw.head[:])
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.Main, plumbing.NewHash(head))); err != nil {
		return "", fmt.Errorf("demo: set branch main: %w", err)
	}
	idx, err := checkout(ctx, dir, hw.files)
	if err != nil {
		return "", err
	}
	if err := repo.Storer.SetIndex(idx); err != nil {
		return "", fmt.Errorf("demo: write index: %w", err)
	}
	return head, nil
}

// emptyDir makes sure dir exists and is empty, and says whether it made it.
func emptyDir(dir string) (created bool, err error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if len(ents) > 0 {
		return false, fmt.Errorf("demo: %s is not empty; give a new or empty directory", dir)
	}
	return false, nil
}

// cleanUp removes what a failed Write left behind: dir was empty before.
func cleanUp(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// historyWriter turns commits into git objects.
type historyWriter struct {
	pack  *packWriter
	root  *dirNode
	head  oid
	files map[string]worktreeFile // the work tree as of the last commit
	delta deltaBuilder
	obj   []byte
}

func (h *historyWriter) commit(c Commit) error {
	for _, f := range c.Files {
		p, ok := cleanRepoPath(f.Path)
		if !ok {
			return fmt.Errorf("demo: commit %q writes a file outside the archive: %q", c.Message, f.Path)
		}
		id := h.pack.objectID(objBlob, f.Data)
		if err := h.addBlob(id, f.Data, h.files[p]); err != nil {
			return err
		}
		h.root.setFile(p, id)
		h.files[p] = worktreeFile{data: f.Data, id: id}
	}
	for _, p := range c.Deleted {
		h.root.remove(p)
		delete(h.files, p)
	}
	h.root.dirty = true
	tree, err := h.root.flush(h.pack, &h.delta)
	if err != nil {
		return err
	}
	b := h.obj[:0]
	b = append(b, "tree "...)
	b = hex.AppendEncode(b, tree[:])
	b = append(b, '\n')
	if h.head != (oid{}) {
		b = append(b, "parent "...)
		b = hex.AppendEncode(b, h.head[:])
		b = append(b, '\n')
	}
	_, off := c.When.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	sig := fmt.Sprintf("%s <%s> %d %c%02d%02d\n", c.Author, c.Email, c.When.Unix(), sign, off/3600, off/60%60)
	b = append(b, "author "...)
	b = append(b, sig...)
	b = append(b, "committer "...)
	b = append(b, sig...)
	b = append(b, '\n')
	b = append(b, c.Message...)
	b = append(b, '\n')
	h.obj = b
	id := h.pack.objectID(objCommit, b)
	if err := h.pack.add(objCommit, id, b); err != nil {
		return err
	}
	h.head = id
	return nil
}

// Records are rewritten often with small changes (a device's status, a
// new line in leads.md), so a new version of a file of some size is stored
// as a delta against its previous version when that saves enough.
const (
	blobDeltaMinBytes = 512
	blobDeltaMaxDepth = 20
)

func (h *historyWriter) addBlob(id oid, data []byte, prev worktreeFile) error {
	if h.pack.has(id) {
		return nil
	}
	if prev.data != nil && len(data) >= blobDeltaMinBytes && h.pack.depth[prev.id] < blobDeltaMaxDepth {
		if delta := packfile.DiffDelta(prev.data, data); len(delta) < len(data)/2 {
			return h.pack.addDelta(id, prev.id, delta)
		}
	}
	return h.pack.add(objBlob, id, data)
}

func cleanRepoPath(p string) (string, bool) {
	if p == "" || p[0] == '/' || filepath.IsAbs(p) {
		return "", false
	}
	c := filepath.ToSlash(filepath.Clean(p))
	if c != p || c == "." || c == ".." || len(c) > 2 && c[:3] == "../" || c == ".git" || len(c) > 4 && c[:5] == ".git/" {
		return "", false
	}
	return c, true
}

// checkout writes the work tree and returns the index describing it, with
// the files' stat data so that git sees them unchanged without rehashing.
type worktreeFile struct {
	data []byte
	id   oid
}

func checkout(ctx context.Context, dir string, files map[string]worktreeFile) (*index.Index, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	// Sorted, and each worker a contiguous run: writers in the same
	// directories at once slow each other down badly on ext4.
	slices.Sort(paths)
	dirs := map[string]bool{}
	for _, p := range paths {
		dirs[filepath.Dir(filepath.Join(dir, p))] = true
	}
	for d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	entries := make([]*index.Entry, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	workers := max(2, runtime.GOMAXPROCS(0))
	for k := range workers {
		wg.Go(func() {
			for i := k * len(paths) / workers; i < (k+1)*len(paths)/workers; i++ {
				if ctx.Err() != nil {
					errs[i] = ctx.Err()
					return
				}
				p, f := paths[i], files[paths[i]]
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.WriteFile(full, f.data, 0o644); err != nil {
					errs[i] = fmt.Errorf("demo: write %s: %w", p, err)
					continue
				}
				fi, err := os.Lstat(full)
				if err != nil {
					errs[i] = fmt.Errorf("demo: %w", err)
					continue
				}
				e := &index.Entry{Name: p, Hash: plumbing.Hash(f.id), Mode: filemode.Regular, Size: uint32(fi.Size()), ModifiedAt: fi.ModTime()}
				fillStat(e, fi)
				entries[i] = e
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &index.Index{Version: 2, Entries: entries}, nil
}
