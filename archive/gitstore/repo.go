package gitstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/go-git/go-billy/v5/osfs"
)

// DefaultBranch is the branch Init creates.
const DefaultBranch = "main"

// Repo is one git repository holding an archive. It is safe for concurrent
// use. Set the exported fields before the first call that needs them.
type Repo struct {
	// CacheDir, when not empty, is where the per-path history index is kept
	// between runs, so a restart does not walk the whole history again. It
	// belongs to this repository alone.
	CacheDir string
	// Logger receives warnings (local edits kept in the work tree, stale
	// lock files removed). Nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock used for committer times. Nil means time.Now.
	Now func() time.Time
	// StaleLock is how old a ref or index lock file must be before Commit
	// treats it as left behind by a crashed process and removes it. git
	// holds these locks for milliseconds. Zero means one minute; negative
	// means never remove them.
	StaleLock time.Duration
	// NoGitBinary makes history walks compare trees here even when the
	// git program is installed (tests of the fallback).
	NoGitBinary bool

	dir       string // as given
	gitDir    string // HEAD, index
	commonDir string // objects, refs, packed-refs (differs from gitDir in linked work trees)
	workTree  string // "" when bare
	branch    string

	readers  chan *reader
	packs    *packs
	objCache cache.Object
	trees    *lru[plumbing.Hash, *tree]
	commits  *lru[plumbing.Hash, commitHead]

	closeOnce sync.Once
	writeMu   sync.Mutex
	noSync    bool          // tests only: skip fsync to build large fixtures quickly
	lockWait  time.Duration // how long to wait for another process's lock

	hist history
}

// reader is one go-git object storage. go-git's filesystem storage keeps
// unguarded maps and shared file offsets for packfiles, so one storage must
// never be used by two goroutines at once; the Repo keeps a pool of them so
// reads (the hot path of the site) run in parallel without a global lock.
type reader struct {
	st       *filesystem.Storage
	packTime time.Time // modification time of objects/pack when the storage was made
}

// Init creates a new repository in dir with branch "main". A bare
// repository has no work tree: dir is the git directory itself.
func Init(dir string, bare bool) (*Repo, error) {
	opts := &git.PlainInitOptions{Bare: bare, InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(DefaultBranch)}}
	if _, err := git.PlainInitWithOptions(dir, opts); err != nil {
		return nil, fmt.Errorf("create git repository in %s: %w", dir, err)
	}
	return Open(dir)
}

// Open opens the repository in dir: a work tree with a .git folder (or a
// .git file pointing elsewhere), or a bare repository.
func Open(dir string) (*Repo, error) {
	r := &Repo{dir: dir}
	dotgit := filepath.Join(dir, ".git")
	fi, err := os.Stat(dotgit)
	switch {
	case err == nil && fi.IsDir():
		r.gitDir, r.workTree = dotgit, dir
	case err == nil:
		gd, err := readGitFile(dotgit)
		if err != nil {
			return nil, err
		}
		r.gitDir, r.workTree = gd, dir
	case looksLikeGitDir(dir):
		r.gitDir = dir
	default:
		return nil, fmt.Errorf("open %s: %w", dir, ErrNotARepository)
	}
	if !looksLikeGitDir(r.gitDir) {
		return nil, fmt.Errorf("open %s: %w", dir, ErrNotARepository)
	}
	r.commonDir = r.gitDir
	if b, err := os.ReadFile(filepath.Join(r.gitDir, "commondir")); err == nil {
		cd := strings.TrimSpace(string(b))
		if !filepath.IsAbs(cd) {
			cd = filepath.Join(r.gitDir, cd)
		}
		r.commonDir = cd
	}
	head, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return nil, fmt.Errorf("open %s: read HEAD: %w", dir, err)
	}
	if name, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: refs/heads/"); ok {
		r.branch = name
	} else {
		// A detached HEAD names no branch; the archive lives on main.
		r.branch = DefaultBranch
	}
	r.lockWait = lockWait
	r.packs = newPacks(filepath.Join(r.commonDir, "objects"), deltaBaseCacheBytes)
	r.objCache = cache.NewObjectLRU(objectCacheBytes)
	r.trees = newLRU[plumbing.Hash, *tree](treeCacheBytes)
	r.commits = newLRU[plumbing.Hash, commitHead](1 << 14)
	n := max(2, runtime.GOMAXPROCS(0))
	r.readers = make(chan *reader, n)
	for range n {
		r.readers <- r.newReader()
	}
	return r, nil
}

func readGitFile(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", filepath.Dir(p), err)
	}
	gd, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", fmt.Errorf("open %s: .git is a file without gitdir: %w", filepath.Dir(p), ErrNotARepository)
	}
	gd = strings.TrimSpace(gd)
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(filepath.Dir(p), gd)
	}
	return gd, nil
}

func looksLikeGitDir(d string) bool {
	if fi, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	// objects and refs may live in a common dir (linked work trees).
	if _, err := os.Stat(filepath.Join(d, "commondir")); err == nil {
		return true
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(d, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

func (r *Repo) newReader() *reader {
	rd := &reader{packTime: r.packTime()}
	rd.st = filesystem.NewStorageWithOptions(osfs.New(r.commonDir), r.objCache, filesystem.Options{KeepDescriptors: true})
	return rd
}

func (r *Repo) packTime() time.Time {
	fi, err := os.Stat(filepath.Join(r.commonDir, "objects", "pack"))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// Close releases open pack files and saves the history index when a
// CacheDir is set. The Repo must not be used afterwards.
func (r *Repo) Close() error {
	err := errors.New("repository already closed")
	r.closeOnce.Do(func() {
		r.stopBuild()
		err = r.saveHistory()
		for range cap(r.readers) {
			rd := <-r.readers
			err = errors.Join(err, rd.st.Close())
		}
		r.packs.close()
	})
	return err
}

// Dir is the directory the repository was opened from.
func (r *Repo) Dir() string { return r.dir }

// Branch is the branch HEAD named when the repository was opened.
func (r *Repo) Branch() string { return r.branch }

// Bare says whether the repository has no work tree.
func (r *Repo) Bare() bool { return r.workTree == "" }

func (r *Repo) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

func (r *Repo) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Repo) branchRef() string { return "refs/heads/" + r.branch }

// Head returns the commit id the branch points at, or "" on an empty
// repository.
func (r *Repo) Head() (string, error) {
	h, err := r.head()
	if err != nil || h.IsZero() {
		return "", err
	}
	return h.String(), nil
}

func (r *Repo) head() (plumbing.Hash, error) {
	h, ok, err := r.readRef(r.branchRef())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read branch %s: %w", r.branch, err)
	}
	if !ok {
		return plumbing.ZeroHash, nil
	}
	return h, nil
}

// readRef reads a ref the way git does: the loose file first, then
// packed-refs. It takes no lock: git replaces ref files by rename, so a
// reader sees the old or the new value, never half of one.
func (r *Repo) readRef(name string) (plumbing.Hash, bool, error) {
	for range 5 {
		b, err := os.ReadFile(filepath.Join(r.commonDir, filepath.FromSlash(name)))
		// A ref name that is a folder (refs/heads/a when refs/heads/a/b
		// exists) is simply not a loose ref.
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.EISDIR) {
			return r.packedRef(name)
		}
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		s := strings.TrimSpace(string(b))
		if target, ok := strings.CutPrefix(s, "ref: "); ok {
			name = target
			continue
		}
		h, ok := parseHash(s)
		if !ok {
			return plumbing.ZeroHash, false, fmt.Errorf("ref %s holds %q, not a commit id", name, s)
		}
		return h, true, nil
	}
	return plumbing.ZeroHash, false, fmt.Errorf("ref %s: too many symbolic links", name)
}

func (r *Repo) packedRef(name string) (plumbing.Hash, bool, error) {
	f, err := os.Open(filepath.Join(r.commonDir, "packed-refs"))
	if errors.Is(err, os.ErrNotExist) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) < 42 || line[0] == '#' || line[0] == '^' {
			continue
		}
		if string(line[41:]) == name {
			h, ok := parseHash(string(line[:40]))
			if !ok {
				return plumbing.ZeroHash, false, fmt.Errorf("packed-refs: bad id for %s", name)
			}
			return h, true, nil
		}
	}
	return plumbing.ZeroHash, false, sc.Err()
}

func parseHash(s string) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(s) != 2*len(h) {
		return h, false
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, false
	}
	return h, true
}

// Resolve turns a full or short commit id, or a ref name ("main",
// "refs/heads/main", "HEAD~2"), into a full commit id.
func (r *Repo) Resolve(rev string) (string, error) {
	h, err := r.resolve(rev)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (r *Repo) resolve(rev string) (plumbing.Hash, error) {
	if h, ok := parseHash(strings.ToLower(rev)); ok {
		if _, err := r.commitHead(h); err != nil {
			return plumbing.ZeroHash, err
		}
		return h, nil
	}
	if rev == "" || rev == "HEAD" || rev == r.branch || rev == r.branchRef() {
		h, err := r.head()
		if err == nil && h.IsZero() {
			err = fmt.Errorf("branch %s has no commits: %w", r.branch, ErrNotFound)
		}
		return h, err
	}
	var out plumbing.Hash
	err := r.withReader(func(rd *reader) error {
		repo, err := git.Open(rd.st, nil)
		if err != nil {
			return err
		}
		h, err := repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return fmt.Errorf("resolve %q: %w", rev, ErrNotFound)
		}
		out = *h
		return nil
	})
	return out, err
}

// commitish turns the commit argument of a read method into a hash: ""
// means the branch head.
func (r *Repo) commitish(rev string) (plumbing.Hash, error) {
	if h, ok := parseHash(rev); ok {
		return h, nil
	}
	return r.resolve(rev)
}

// withReader lends fn one object storage. fn must not call withReader
// again (the pool could run dry).
func (r *Repo) withReader(fn func(*reader) error) error {
	rd := <-r.readers
	defer func() { r.readers <- rd }()
	return fn(rd)
}

// object reads one object's content. When it is missing, the pack list is
// read again if objects/pack changed: a git gc run by a technician moves
// loose objects into a new pack that an older storage does not know.
func (r *Repo) object(h plumbing.Hash, want plumbing.ObjectType) ([]byte, error) {
	// The packs known already, then loose objects, then the packs listed
	// again (git gc may have just packed the loose ones): most objects of
	// an archive are packed, and looking in a pack's index costs no
	// system call where a missing loose file does.
	o, found, complete, err := r.packs.object(h, false)
	if !found {
		if data, ok, err := r.looseObject(h, want); ok || err != nil {
			return data, err
		}
		o, found, complete, err = r.packs.object(h, true)
	}
	switch {
	case found && err == nil && o.typ != want:
		return nil, fmt.Errorf("%s %s is a %s: %w", want, h, o.typ, ErrNotFound)
	case found && err == nil:
		return o.data, nil
	case found:
		// A pack removed under the reader, or something this reader
		// does not handle: go-git may know better.
		r.logger().Debug("pack read failed, reading through go-git", "object", h.String(), "err", err)
	case complete:
		return nil, fmt.Errorf("%s %s: %w", want, h, ErrNotFound)
	}
	rd := <-r.readers
	data, err := readObject(rd.st, h, want)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		if pt := r.packTime(); !pt.Equal(rd.packTime) {
			// Closing drops descriptors of packs git gc may have deleted.
			_ = rd.st.Close()
			rd = r.newReader()
			data, err = readObject(rd.st, h, want)
		}
	}
	r.readers <- rd
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("%s %s: %w", want, h, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", want, h, err)
	}
	return data, nil
}

var zlibReaders sync.Pool

// looseObject reads a loose object directly: for the objects Commit writes
// this is a third faster than go-git's storage, which matters when the
// history index reads every tree of a long history.
func (r *Repo) looseObject(h plumbing.Hash, want plumbing.ObjectType) ([]byte, bool, error) {
	hex := h.String()
	raw, err := os.ReadFile(filepath.Join(r.commonDir, "objects", hex[:2], hex[2:]))
	if err != nil {
		return nil, false, nil // missing (or unreadable): look in the packs
	}
	var zr io.ReadCloser
	if v := zlibReaders.Get(); v != nil {
		zr = v.(io.ReadCloser)
		err = zr.(zlib.Resetter).Reset(bytes.NewReader(raw), nil)
	} else {
		zr, err = zlib.NewReader(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, true, fmt.Errorf("read %s %s: %w", want, h, err)
	}
	defer zlibReaders.Put(zr)
	br := bufio.NewReaderSize(zr, 64)
	header, err := br.ReadString(0)
	if err != nil {
		return nil, true, fmt.Errorf("read %s %s: bad header: %w", want, h, err)
	}
	typ, size, ok := strings.Cut(strings.TrimSuffix(header, "\x00"), " ")
	n, err := strconv.Atoi(size)
	if !ok || err != nil || n < 0 || n > 1<<31 {
		return nil, true, fmt.Errorf("read %s %s: bad header %q", want, h, header)
	}
	if typ != want.String() {
		return nil, true, fmt.Errorf("%s %s is a %s: %w", want, h, typ, ErrNotFound)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(br, data); err != nil {
		return nil, true, fmt.Errorf("read %s %s: %w", want, h, err)
	}
	return data, true, nil
}

func readObject(st *filesystem.Storage, h plumbing.Hash, want plumbing.ObjectType) ([]byte, error) {
	o, err := st.EncodedObject(want, h)
	if err != nil {
		return nil, err
	}
	rc, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// Exactly the object's size: a bytes.Buffer filled by io.Copy asks for
	// room to spare before its last read and so doubles its array, and the
	// caches keep these bytes (trees) by the hundred megabytes.
	n := o.Size()
	if n < 0 || n > 1<<31 {
		return nil, fmt.Errorf("object of %d bytes", n)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(rc, data); err != nil {
		return nil, err
	}
	return data, nil
}

// objectSize returns the size of an object's content without reading all
// of it when it is packed.
func (r *Repo) objectSize(h plumbing.Hash) (int64, error) {
	hex := h.String()
	if _, err := os.Stat(filepath.Join(r.commonDir, "objects", hex[:2], hex[2:])); err != nil {
		if n, found, err := r.packs.size(h); found && err == nil {
			return n, nil
		}
	}
	var n int64
	err := r.withReader(func(rd *reader) error {
		var err error
		n, err = rd.st.EncodedObjectSize(h)
		return err
	})
	return n, err
}

// hasObject says whether an object is stored, loose or packed.
func (r *Repo) hasObject(h plumbing.Hash) bool {
	hex := h.String()
	if _, err := os.Stat(filepath.Join(r.commonDir, "objects", hex[:2], hex[2:])); err == nil {
		return true
	}
	found, complete := r.packs.has(h)
	if found || complete {
		return found
	}
	_ = r.withReader(func(rd *reader) error {
		found = rd.st.HasEncodedObject(h) == nil
		return nil
	})
	return found
}
