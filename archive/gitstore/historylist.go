package gitstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// listFresh lists the first-parent chain from head back to the first
// commit known says is known (its position, or -1 when the chain starts
// over): the commits before it, newest first. For a long history git log
// lists them about ten times faster than reading each commit here (0.3 s
// against 2.5 s for 67,000 commits); without git, or when git fails, they
// are read here.
func (r *Repo) listFresh(head plumbing.Hash, known func(plumbing.Hash) (int, bool)) (fresh []histCommit, at int, err error) {
	if !r.NoGitBinary {
		fresh, at, err := r.gitList(head, known)
		if err == nil {
			return fresh, at, nil
		}
		r.logger().Info("listing commits without the git program", "reason", err)
	}
	at = -1
	for cur := head; !cur.IsZero(); {
		if k, ok := known(cur); ok {
			at = k
			break
		}
		c, err := r.commitObject(cur)
		if errors.Is(err, ErrNotFound) && len(fresh) > 0 {
			break // a shallow clone: the chain starts here
		}
		if err != nil {
			return nil, 0, err
		}
		fresh = append(fresh, toHist(c))
		cur = plumbing.ZeroHash
		if len(c.ParentHashes) > 0 {
			cur = c.ParentHashes[0]
		}
	}
	return fresh, at, nil
}

// gitList is listFresh through git log. The first commit it reads here
// (when the known one is close, most of the time) costs less than starting
// git, so it starts git only when the head's parent is not known either.
func (r *Repo) gitList(head plumbing.Hash, known func(plumbing.Hash) (int, bool)) ([]histCommit, int, error) {
	if k, ok := known(head); ok {
		return nil, k, nil
	}
	if ch, err := r.commitHead(head); err == nil {
		if k, ok := known(ch.parent); ok || ch.parent.IsZero() {
			c, err := r.commitObject(head)
			if err != nil {
				return nil, 0, err
			}
			if !ok {
				k = -1
			}
			return []histCommit{toHist(c)}, k, nil
		}
	}
	bin, err := exec.LookPath("git")
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--git-dir="+r.gitDir, "-c", "log.showSignature=false", "-c", "i18n.logOutputEncoding=UTF-8",
		"log", "--first-parent", "-z", "--date=raw", "--no-color", "--format=%H %T %ct %ad%x00%an%x00%ae%x00%B", head.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	lowerPriority(cmd.Process.Pid)
	fresh, at, perr := parseCommitList(bufio.NewReaderSize(out, 64<<10), known)
	if perr != nil || at >= 0 {
		cancel() // the rest of the chain is known
	}
	_, _ = io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if perr != nil {
		return nil, 0, perr
	}
	if at < 0 && werr != nil {
		return nil, 0, fmt.Errorf("git log: %w: %s", werr, strings.TrimSpace(stderr.String()))
	}
	return fresh, at, nil
}

// parseCommitList reads git log -z --date=raw --format="%H %T %ct
// %ad%x00%an%x00%ae%x00%B" up to the first known commit.
func parseCommitList(br *bufio.Reader, known func(plumbing.Hash) (int, bool)) ([]histCommit, int, error) {
	var fresh []histCommit
	for {
		var f [4]string
		for i := range f {
			s, err := br.ReadString(0)
			if err == io.EOF && i == 0 && s == "" {
				return fresh, -1, nil
			}
			if err != nil && (err != io.EOF || i < 3) {
				return nil, 0, fmt.Errorf("git log: unexpected end of the commit list: %w", err)
			}
			f[i] = strings.TrimSuffix(s, "\x00")
		}
		head := strings.Fields(f[0])
		if len(head) != 5 {
			return nil, 0, fmt.Errorf("git log: unexpected %q", f[0])
		}
		h, ok1 := parseHash(head[0])
		tree, ok2 := parseHash(head[1])
		ct, err1 := strconv.ParseInt(head[2], 10, 64)
		at, err2 := strconv.ParseInt(head[3], 10, 64)
		tz, ok3 := parseTZ(head[4])
		if !ok1 || !ok2 || err1 != nil || err2 != nil || !ok3 {
			return nil, 0, fmt.Errorf("git log: unexpected %q", f[0])
		}
		if k, ok := known(h); ok {
			return fresh, k, nil
		}
		fresh = append(fresh, histCommit{Hash: h, Tree: tree, Author: f[1], Email: f[2], AuthorTime: at, AuthorTZ: tz, CommitTime: ct, Message: f[3]})
	}
}

// parseTZ reads git's "+0800" as seconds east of UTC.
func parseTZ(s string) (int32, bool) {
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil {
		return 0, false
	}
	off := int32(n/100*3600 + n%100*60)
	if s[0] == '-' {
		off = -off
	}
	return off, true
}
