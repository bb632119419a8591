package gitstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// PathChange is one file a commit changed compared with its first parent.
type PathChange struct {
	Path string
	// Blob is the id of the file's new content, "" when the commit
	// removed the file.
	Blob string
}

// Pause is what a background walk calls between commits. It returns at
// once while nothing else needs the machine, else when the walk may go on,
// or with ctx's error. A nil Pause never waits.
type Pause func(ctx context.Context) error

// ErrIndexing says an answer is partial because the history index is
// still being built in the background: what came back is the most recent
// part.
var ErrIndexing = errors.New("history still being indexed")

// WalkChanges calls fn for each commit of the branch's first-parent chain
// after the commit after ("" means from the first commit) up to and
// including to, oldest first, with the files it changed (regular files
// only, a rename being a removal and an addition, in tree order).
//
// It runs git log when the git program is installed: one pass over the
// history costs a fraction of reading every tree here, because the
// customers folder's tree with its ten thousand entries changes at every
// commit. git runs at the lowest CPU priority, and while pause holds the
// walk git soon stops too, its output pipe being full. Without git (or when
// git fails) the trees are compared here, from where git stopped.
//
// The changed paths also extend the per-path history index when the walk
// passes the commits it lacks and no build of it runs: the leads' walk
// then spares dangan index a second pass over the history.
func (r *Repo) WalkChanges(ctx context.Context, after, to string, pause Pause, fn func(commit string, changes []PathChange) error) error {
	f := &indexFeed{r: r}
	err := r.walkChanges(ctx, after, to, pause, func(c string, ch []PathChange) error {
		if err := fn(c, ch); err != nil {
			return err
		}
		f.add(c, ch)
		return nil
	})
	f.flush()
	return err
}

func (r *Repo) walkChanges(ctx context.Context, after, to string, pause Pause, fn func(commit string, changes []PathChange) error) error {
	last := after
	if !r.NoGitBinary {
		var fnErr error
		done, err := r.gitWalk(ctx, after, to, pause, func(c string, ch []PathChange) error {
			if err := fn(c, ch); err != nil {
				fnErr = err
				return err
			}
			return nil
		})
		switch {
		case err == nil:
			return nil
		case fnErr != nil:
			return fnErr
		case ctx.Err() != nil:
			return ctx.Err()
		}
		r.logger().Info("walking history without the git program", "reason", err)
		if done != "" {
			last = done
		}
	}
	return r.goWalk(ctx, last, to, pause, fn)
}

// gitWalk streams `git log --raw` and returns the last commit it passed to
// fn.
func (r *Repo) gitWalk(ctx context.Context, after, to string, pause Pause, fn func(string, []PathChange) error) (last string, err error) {
	bin, err := exec.LookPath("git")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	args := []string{"--git-dir=" + r.gitDir, "-c", "core.quotePath=false", "-c", "log.showSignature=false",
		"log", "--first-parent", "--reverse", "--raw", "--no-abbrev", "-z", "--no-renames",
		"--diff-merges=first-parent", "--root", "--no-color", "--format=%H", to}
	if after != "" {
		args = append(args, "^"+after)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	lowerPriority(cmd.Process.Pid)
	walkErr := parseRawLog(bufio.NewReaderSize(out, 64<<10), func(c string, ch []PathChange) error {
		if pause != nil {
			if err := pause(ctx); err != nil {
				return err
			}
		}
		if err := fn(c, ch); err != nil {
			return err
		}
		last = c
		return nil
	})
	if walkErr != nil {
		cancel()
	}
	_, _ = io.Copy(io.Discard, out)
	waitErr := cmd.Wait()
	if walkErr != nil {
		return last, walkErr
	}
	if waitErr != nil {
		return last, fmt.Errorf("git log: %w: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	return last, nil
}

// parseRawLog reads the output of git log --format=%H --raw -z: a
// commit's id, then for each changed file ":oldmode newmode oldid newid
// status" and its path, each field ended by a NUL (a newline may precede
// the first raw field).
func parseRawLog(br *bufio.Reader, fn func(string, []PathChange) error) error {
	var commit string
	var changes []PathChange
	flush := func() error {
		if commit == "" {
			return nil
		}
		err := fn(commit, changes)
		commit, changes = "", nil
		return err
	}
	for {
		tok, err := br.ReadString(0)
		if err == io.EOF && tok == "" {
			return flush()
		}
		if err != nil && err != io.EOF {
			return err
		}
		tok = strings.TrimLeft(strings.TrimSuffix(tok, "\x00"), "\n")
		if tok == "" {
			continue
		}
		if tok[0] != ':' {
			if len(tok) != 40 {
				return fmt.Errorf("git log: unexpected %q", tok)
			}
			if err := flush(); err != nil {
				return err
			}
			commit = tok
			continue
		}
		if commit == "" {
			return fmt.Errorf("git log: a change before any commit")
		}
		f := strings.Fields(tok[1:])
		path, err := br.ReadString(0)
		if err != nil {
			return fmt.Errorf("git log: path of %q: %w", tok, err)
		}
		path = strings.TrimSuffix(path, "\x00")
		if len(f) < 5 {
			return fmt.Errorf("git log: unexpected %q", tok)
		}
		oldFile, newFile := modeIsFile(f[0]), modeIsFile(f[1])
		switch {
		case newFile:
			changes = append(changes, PathChange{Path: path, Blob: f[3]})
		case oldFile:
			changes = append(changes, PathChange{Path: path})
		}
	}
}

// modeIsFile says whether a raw-diff mode is a file of the archive, as
// kindOf does for trees.
func modeIsFile(m string) bool {
	switch m {
	case "100644", "100755", "100664":
		return true
	}
	return false
}

// goWalk compares the trees of the chain here.
func (r *Repo) goWalk(ctx context.Context, after, to string, pause Pause, fn func(string, []PathChange) error) error {
	var stop plumbing.Hash
	if after != "" {
		h, err := r.commitish(after)
		if err != nil {
			return err
		}
		stop = h
	}
	head, err := r.commitish(to)
	if err != nil {
		return err
	}
	var chain []plumbing.Hash
	var trees []plumbing.Hash
	for cur := head; !cur.IsZero() && cur != stop; {
		ch, err := r.commitHead(cur)
		if errors.Is(err, ErrNotFound) && len(chain) > 0 {
			break // a shallow clone
		}
		if err != nil {
			return err
		}
		chain = append(chain, cur)
		trees = append(trees, ch.tree)
		cur = ch.parent
	}
	slices.Reverse(chain)
	slices.Reverse(trees)
	var prev plumbing.Hash
	if !stop.IsZero() {
		ch, err := r.commitHead(stop)
		if err != nil {
			return err
		}
		prev = ch.tree
	}
	for i, c := range chain {
		if pause != nil {
			if err := pause(ctx); err != nil {
				return err
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
		var changes []PathChange
		err := r.diffTrees(prev, trees[i], "", func(p string, _, nh plumbing.Hash) error {
			pc := PathChange{Path: p}
			if !nh.IsZero() {
				pc.Blob = nh.String()
			}
			changes = append(changes, pc)
			return nil
		})
		if err != nil {
			return fmt.Errorf("changes of %s: %w", c, err)
		}
		if err := fn(c.String(), changes); err != nil {
			return err
		}
		prev = trees[i]
	}
	return nil
}

// Blob reads a file's content by its id (a PathChange's Blob, a File's
// Version).
func (r *Repo) Blob(id string) ([]byte, error) {
	h, ok := parseHash(id)
	if !ok {
		return nil, fmt.Errorf("blob %q: %w", id, ErrNotFound)
	}
	return r.object(h, plumbing.BlobObject)
}

// indexFeed adds what a walk saw to the per-path history index, in
// batches, as long as the walk goes through the commits the index lacks in
// order.
type indexFeed struct {
	r      *Repo
	hashes []string
	paths  [][]string
	off    bool
}

func (f *indexFeed) add(c string, ch []PathChange) {
	if f.off {
		return
	}
	ps := make([]string, len(ch))
	for i, x := range ch {
		ps[i] = x.Path
	}
	f.hashes = append(f.hashes, c)
	f.paths = append(f.paths, ps)
	if len(f.hashes) >= orDefault(f.r.hist.batch, historyBatch) {
		f.flush()
	}
}

func (f *indexFeed) flush() {
	if f.off || len(f.hashes) == 0 {
		return
	}
	h := &f.r.hist
	h.mu.Lock()
	defer h.mu.Unlock()
	defer func() { f.hashes, f.paths = f.hashes[:0], f.paths[:0] }()
	start := h.indexed
	h.bgMu.Lock()
	building := h.building
	h.bgMu.Unlock()
	if !h.loaded || building || start+len(f.hashes) > len(h.commits) {
		f.off = true
		return
	}
	for k, c := range f.hashes {
		if h.commits[start+k].Hash.String() != c {
			f.off = true
			return
		}
	}
	h.addPaths(start, f.paths)
	if f.r.CacheDir != "" && h.indexed-h.saved >= orDefault(h.checkpoint, historyCheckpoint) {
		if err := f.r.writeHistory(); err != nil {
			f.r.logger().Warn("cannot save history index", "dir", f.r.CacheDir, "err", err)
		}
	}
}
