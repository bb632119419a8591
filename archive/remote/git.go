package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The transport is the git binary, not go-git. go-git's push walks every
// object reachable from the remote's refs to find what to send: on a demo
// archive of 2,000 customers (14,000 commits) a one-commit push took 18 s
// against 0.06 s for git push, and it grows with the archive. git also
// brings every transport (https with credential helpers and proxies, ssh
// with the user's ~/.ssh/config and known hosts, file, git://) and runs
// git gc --auto after fetches, so the clone's loose objects get packed.

// opTimeout bounds one fetch or push: a remote that stops answering must
// not hold the sync forever.
const opTimeout = 2 * time.Minute

// ErrRejected says the remote refused a push because its branch moved
// (not a fast-forward): fetch and integrate, then push again.
var ErrRejected = errors.New("the remote branch moved")

type gitCmd struct {
	bin string
	dir string   // the clone, or "" for commands that make one
	env []string // added to the environment of every command
}

// newGitCmd runs bin in dir. ssh runs in batch mode (a host key not yet
// known, or a key that wants a passphrase, is an error, not a question on a
// terminal nobody watches), unless the person set their own ssh command
// (GIT_SSH_COMMAND or core.sshCommand), which is then left alone.
func newGitCmd(ctx context.Context, bin, dir string) gitCmd {
	g := gitCmd{bin: bin, dir: dir}
	if os.Getenv("GIT_SSH_COMMAND") != "" || os.Getenv("GIT_SSH") != "" {
		return g
	}
	if own, _ := (gitCmd{bin: bin}).run(ctx, "config", "--get", "core.sshCommand"); strings.TrimSpace(own) != "" {
		return g
	}
	g.env = []string{"GIT_SSH_COMMAND=ssh -o BatchMode=yes"}
	return g
}

func (g gitCmd) run(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	sub := args[0]
	if g.dir != "" {
		args = append([]string{"-C", g.dir}, args...)
	}
	cmd := exec.CommandContext(ctx, g.bin, args...)
	// Never wait for a password on a terminal nobody watches.
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never", "LC_ALL=C")
	cmd.Env = append(cmd.Env, g.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(redactAll(stderr.String()))
		if ctx.Err() != nil {
			msg = "no answer within " + opTimeout.String()
		}
		return stdout.String(), fmt.Errorf("git %s: %s", sub, msg)
	}
	return stdout.String(), nil
}

// Clone makes dir a bare clone of rawURL, following its default branch
// (or branch when given), unless dir already is one; a clone of another
// URL gets its origin pointed at rawURL. The clone is made beside dir and
// renamed into place, so a failed first start leaves nothing half made.
func Clone(ctx context.Context, gitBin, rawURL, dir, branch string) error {
	if gitBin == "" {
		gitBin = "git"
	}
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
		g := newGitCmd(ctx, gitBin, dir)
		cur, _ := g.run(ctx, "config", "--get", "remote.origin.url")
		if strings.TrimSpace(cur) != rawURL {
			if _, err := g.run(ctx, "config", "remote.origin.url", rawURL); err != nil {
				return fmt.Errorf("point %s at %s: %w", dir, Redact(rawURL), err)
			}
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".clone-")
	if err != nil {
		return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
	}
	defer os.RemoveAll(tmp)
	g := newGitCmd(ctx, gitBin, tmp)
	steps := [][]string{
		{"init", "--quiet", "--bare"},
		{"remote", "add", "origin", rawURL},
		// A web edit is a commit of the server's: no reflog expiry surprises,
		// no automatic detached gc racing the site's object writes.
		{"config", "gc.autoDetach", "false"},
	}
	for _, s := range steps {
		if _, err := g.run(ctx, s...); err != nil {
			return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
		}
	}
	if branch == "" {
		if branch, err = g.defaultBranch(ctx); err != nil {
			return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
		}
	}
	if err := g.fetch(ctx, branch, ""); err != nil {
		return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
	}
	if _, err := g.run(ctx, "symbolic-ref", "HEAD", "refs/heads/"+branch); err != nil {
		return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
	}
	if tip, _ := g.run(ctx, "rev-parse", "--verify", "--quiet", trackingRef(branch)); strings.TrimSpace(tip) != "" {
		if _, err := g.run(ctx, "update-ref", "refs/heads/"+branch, strings.TrimSpace(tip)); err != nil {
			return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("clone %s: %w", Redact(rawURL), err)
	}
	return nil
}

// defaultBranch asks the remote which branch its HEAD names; an empty
// remote names none and gets main.
func (g gitCmd) defaultBranch(ctx context.Context) (string, error) {
	out, err := g.run(ctx, "ls-remote", "--symref", "origin", "HEAD")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "ref: refs/heads/"); ok {
			name, _, _ := strings.Cut(rest, "\t")
			return name, nil
		}
	}
	return "main", nil
}

func trackingRef(branch string) string { return "refs/remotes/origin/" + branch }

// fetch brings the remote's branch into its tracking ref, which is at
// have now. A branch the remote does not have (an empty repository) is
// not an error. The remote's refs are listed first: when the branch has
// not moved, which is most of the time, that one round trip is all.
func (g gitCmd) fetch(ctx context.Context, branch, have string) error {
	out, err := g.run(ctx, "ls-remote", "--heads", "origin", "refs/heads/"+branch)
	if err != nil {
		return err
	}
	tip, _, _ := strings.Cut(strings.TrimSpace(out), "\t")
	if tip == "" || (have != "" && tip == have) {
		return nil
	}
	_, err = g.run(ctx, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "origin", "+refs/heads/"+branch+":"+trackingRef(branch))
	return err
}

// movedReasons are how git says a push lost to another: refused before
// sending (the branch is not an ancestor), or by the server when another
// push moved the branch between its advertisement and its update.
var movedReasons = []string{"fetch first", "non-fast-forward", "stale info", "cannot lock ref", "failed to update ref", "incorrect old value"}

// push sends commit to the remote branch only if that fast-forwards it.
func (g gitCmd) push(ctx context.Context, commit, branch string) error {
	out, err := g.run(ctx, "push", "--porcelain", "--quiet", "origin", commit+":refs/heads/"+branch)
	if err == nil {
		return nil
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "!") {
			continue
		}
		for _, r := range movedReasons {
			if strings.Contains(line, r) || strings.Contains(err.Error(), r) {
				return fmt.Errorf("push %.10s: %w", commit, ErrRejected)
			}
		}
	}
	return err
}

var userinfo = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://)[^/@\s]*@`)

// Redact removes a password or token from a URL before it is shown or
// logged (https://user:token@host/... → https://host/...).
func Redact(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.User != nil && u.Scheme != "" {
		if _, has := u.User.Password(); has || u.Scheme == "https" || u.Scheme == "http" {
			u.User = nil
			return u.String()
		}
	}
	return rawURL
}

func redactAll(s string) string { return userinfo.ReplaceAllString(s, "$1") }

// IsURL reports whether an --archive value names a remote to clone rather
// than a folder to serve: a URL (https://, ssh://, git://, file://), an
// scp-like git@host:path, or a bare repository on this machine (which,
// served directly, could not be shared by several replicas).
func IsURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	if i := strings.Index(s, ":"); i > 0 && !strings.ContainsAny(s[:i], "/\\") && strings.Contains(s[:i], "@") {
		return true // user@host:path
	}
	return isBare(s)
}

func isBare(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		return false
	}
	for _, p := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return false
		}
	}
	return true
}

// CloneName is the folder name a remote's clone gets under the data
// folder: readable (the repository's name) and unique per URL.
func CloneName(rawURL string) string {
	base := strings.TrimSuffix(strings.TrimRight(Redact(rawURL), "/"), ".git")
	if i := strings.LastIndexAny(base, "/:"); i >= 0 {
		base = base[i+1:]
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, base)
	if clean == "" {
		clean = "archive"
	}
	var h uint32 = 2166136261
	for _, b := range []byte(Redact(rawURL)) {
		h = (h ^ uint32(b)) * 16777619
	}
	return fmt.Sprintf("%s-%08x", clean, h)
}

// IsLocalPath reports whether an --archive value that IsURL accepts is a
// folder on this machine (a bare repository) rather than a URL.
func IsLocalPath(s string) bool { return !strings.Contains(s, "://") && isBare(s) }
