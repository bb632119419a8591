// Package remote keeps an archive's local clone in step with the git
// server that is its source of truth: it fetches on a schedule and on
// demand (a webhook), moves the local branch to the remote's, pushes the
// commits made locally (web edits), and when both sides moved re-creates
// the local commits on top of the remote's.
//
// The local branch is only ever moved by compare-and-swap (gitstore's
// SetRef, the lock protocol Commit uses too), so a web edit committed
// while a sync runs is never overwritten: one of the two moves fails and is
// retried or reported. A save whose file was also changed on the remote is
// not merged line by line: it is kept on a ref of its own,
// refs/dangan/conflicts/<commit>, with the remote commit it met on
// refs/dangan/theirs/<commit>, and the branch goes on with the remote's
// version. Nothing saved is lost: commits the remote has not got stay on
// the local branch while the remote is unreachable and are pushed when it
// answers again.
package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// Conflict refs: the local save kept aside, and the remote commit it met.
const (
	ConflictPrefix = "refs/dangan/conflicts/"
	TheirsPrefix   = "refs/dangan/theirs/"
)

// Options configure a Syncer.
type Options struct {
	URL      string        // the remote, as given (it may hold a token: shown redacted)
	Git      string        // the git binary; "" finds git on PATH
	Interval time.Duration // how often to fetch; default 30 s
	// Poll is how often the local branch is checked for new commits to
	// push (cheap: one ref file read); default 250 ms, so a save reaches
	// the git server about as fast as the push itself takes.
	Poll   time.Duration
	Logger *slog.Logger
	Now    func() time.Time
	// OnChange is called after the sync moved the local branch, so the
	// site looks at the new head at once instead of at its next poll.
	OnChange func()
}

// Syncer keeps one local clone (a gitstore Repo) in step with its remote.
type Syncer struct {
	repo *gitstore.Repo
	opts Options
	git  gitCmd

	mu      sync.Mutex // one sync at a time
	stMu    sync.Mutex
	st      Status
	trigger chan struct{}
}

// Status is what the site shows about the sync.
type Status struct {
	URL    string // without credentials
	Branch string
	Head   string // the local branch
	Remote string // the remote branch as last seen
	// Pending counts the local commits (saves) the remote has not got;
	// PendingSince is when that count last went up from zero.
	Pending      int
	PendingSince time.Time
	// LastContact is when the remote last answered a fetch or push.
	LastContact time.Time
	// UnreachableSince is when the remote stopped answering; zero while it
	// answers.
	UnreachableSince time.Time
	LastError        string // the last failure, in git's words (redacted)
	Conflicts        []Conflict
}

// InSync reports whether the remote has every local commit and no save is
// waiting in conflict.
func (s Status) InSync() bool {
	return s.Pending == 0 && s.UnreachableSince.IsZero() && len(s.Conflicts) == 0 && s.LastError == ""
}

// Conflict is a local save that changed a file the remote changed too. It
// is kept on Ref; Theirs is the remote commit it met.
type Conflict struct {
	Ref    string
	Commit gitstore.Commit
	Theirs string
	Paths  []string // the files the save changed
}

// New returns a Syncer for repo, a clone made by Clone.
func New(repo *gitstore.Repo, o Options) *Syncer {
	if o.Interval <= 0 {
		o.Interval = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Git == "" {
		o.Git = "git"
	}
	s := &Syncer{repo: repo, opts: o, git: newGitCmd(context.Background(), o.Git, repo.CommonDir()), trigger: make(chan struct{}, 1)}
	s.st.URL, s.st.Branch = Redact(o.URL), repo.Branch()
	s.refreshLocal()
	return s
}

// Status returns the state of the sync as of the last attempt.
func (s *Syncer) Status() Status {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	st := s.st
	st.Conflicts = slices.Clone(s.st.Conflicts)
	return st
}

// Trigger asks for a sync now (the webhook): it does not wait for it.
func (s *Syncer) Trigger() {
	select {
	case s.trigger <- struct{}{}:
	default:
	}
}

// Run syncs every Interval, on Trigger, and whenever the local branch
// moved (a web edit to push), until ctx ends.
func (s *Syncer) Run(ctx context.Context) {
	fetch := time.NewTicker(s.opts.Interval)
	defer fetch.Stop()
	poll := time.NewTicker(s.opts.Poll)
	defer poll.Stop()
	attempted := "" // local head at the last sync attempt
	sync := func() {
		attempted, _ = s.repo.Head()
		if err := s.Sync(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("sync with git remote", "remote", s.st.URL, "err", err)
		}
	}
	sync()
	for {
		select {
		case <-ctx.Done():
			return
		case <-fetch.C:
			sync()
		case <-s.trigger:
			sync()
		case <-poll.C:
			// A new local commit is pushed at once; an unreachable remote
			// is tried again at the next fetch, not every second.
			if head, err := s.repo.Head(); err == nil && head != attempted {
				s.refreshLocal() // the banner counts the save even if the push hangs
				sync()
			}
		}
	}
}

// maxRounds bounds fetch–integrate–push rounds when others keep pushing
// between our fetch and our push.
const maxRounds = 5

// Sync fetches, brings the local branch and the remote's together, and
// pushes what the remote lacks. It returns when the remote has every local
// commit, or with the reason it does not.
func (s *Syncer) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.refreshLocal()
	branch := s.repo.Branch()
	for round := range maxRounds {
		if round > 0 {
			// Another replica pushed between our fetch and our push: wait a
			// little, randomly, so two busy replicas do not keep colliding.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(rand.Int64N(int64(25*time.Millisecond) << round))):
			}
		}
		have, err := s.repo.Ref(trackingRef(branch))
		if err != nil {
			s.failed(err)
			return err
		}
		if err := s.git.fetch(ctx, branch, have); err != nil {
			s.unreachable(err)
			return err
		}
		s.reached()
		push, err := s.integrate(ctx, have)
		if err != nil {
			s.failed(err)
			return err
		}
		if push == "" {
			return nil
		}
		err = s.git.push(ctx, push, branch)
		if errors.Is(err, ErrRejected) {
			s.opts.Logger.Info("push rejected: the remote moved; fetching again", "commit", short(push))
			continue
		}
		if err != nil {
			s.unreachable(err)
			return err
		}
		s.reached()
		s.opts.Logger.Info("pushed to git remote", "commit", short(push), "remote", s.st.URL)
		// git push moved the tracking ref too; make sure of it, since the
		// pending count is measured against it.
		if cur, _ := s.repo.Ref(trackingRef(branch)); cur != push {
			_ = s.repo.SetRef(trackingRef(branch), cur, push)
		}
		return nil
	}
	err := fmt.Errorf("the remote moved %d times while pushing: trying again later", maxRounds)
	s.failed(err)
	return err
}

// integrate brings the local branch and the fetched remote branch together
// and returns the commit to push, or "" when the remote has everything.
// seen is where the remote branch was before this fetch: every local
// commit it contains had reached the remote once.
func (s *Syncer) integrate(ctx context.Context, seen string) (string, error) {
	branch := s.repo.BranchRef()
	for range maxRounds {
		local, err := s.repo.Head()
		if err != nil {
			return "", err
		}
		theirs, err := s.repo.Ref(trackingRef(s.repo.Branch()))
		if err != nil {
			return "", err
		}
		switch {
		case local == theirs:
			return "", nil
		case theirs == "":
			return local, nil // an empty remote: give it ours
		case local == "":
			if err := s.move(branch, "", theirs); err != nil {
				continue
			}
			return "", nil
		}
		base, err := s.repo.MergeBase(local, theirs)
		if err != nil {
			return "", fmt.Errorf("compare local %.10s with remote %.10s: %w", local, theirs, err)
		}
		// Someone rewrote the remote branch (git push --force): what was
		// there before is not an ancestor of it any more. The remote is the
		// source of truth: commits that had reached it and were dropped
		// stay dropped; only the saves never pushed are kept, replayed on
		// the new history.
		if seen != "" && seen != theirs {
			if sb, err := s.repo.MergeBase(seen, theirs); err == nil && sb != seen {
				ours, err := s.repo.MergeBase(local, seen)
				if err != nil {
					return "", err
				}
				s.opts.Logger.Warn("the remote branch was rewritten (a force push): following it", "was", short(seen), "now", short(theirs))
				if ours == local || ours == "" {
					base = local // nothing unpushed: just follow
				} else {
					base = ours
					if base == theirs {
						return local, nil
					}
					tip, err := s.rebase(ctx, local, theirs, base)
					if err != nil {
						return "", err
					}
					if err := s.move(branch, local, tip); err != nil {
						continue
					}
					if tip == theirs {
						return "", nil
					}
					return tip, nil
				}
			}
		}
		switch base {
		case theirs:
			return local, nil
		case local:
			if err := s.move(branch, local, theirs); err != nil {
				continue
			}
			s.opts.Logger.Info("archive updated from git remote", "from", short(local), "to", short(theirs))
			return "", nil
		case "":
			return "", fmt.Errorf("the remote branch (%.10s) shares no history with the local one (%.10s): the remote was replaced by another repository; nothing is pushed until an administrator sorts it out", theirs, local)
		}
		tip, err := s.rebase(ctx, local, theirs, base)
		if err != nil {
			return "", err
		}
		if err := s.move(branch, local, tip); err != nil {
			continue // a web edit landed meanwhile: start again with it
		}
		if tip == theirs {
			return "", nil
		}
		return tip, nil
	}
	return "", errors.New("the local branch kept moving while the sync tried to update it: trying again later")
}

// move sets the local branch by compare-and-swap and tells the site.
func (s *Syncer) move(ref, old, new string) error {
	if err := s.repo.SetRef(ref, old, new); err != nil {
		if !errors.Is(err, gitstore.ErrConflict) {
			s.opts.Logger.Warn("move local branch", "err", err)
		}
		return err
	}
	if s.opts.OnChange != nil {
		s.opts.OnChange()
	}
	return nil
}

// rebase re-creates the local commits since base on top of theirs, oldest
// first, with the same author, time and message, and returns the new tip.
// A commit is replayed as whole files: every file it wrote gets the
// content it wrote. One that changed a file the remote changed too (to
// something else) is kept aside as a conflict, and so is every later one
// touching a file of a commit kept aside, so no part of a save is applied
// without the rest.
func (s *Syncer) rebase(ctx context.Context, local, theirs, base string) (string, error) {
	var chain []string
	for c := local; c != base; {
		chain = append(chain, c)
		if len(chain) > 10000 {
			return "", fmt.Errorf("more than 10,000 local commits since %.10s: not replaying them automatically", base)
		}
		ps, err := s.repo.Parents(c)
		if err != nil {
			return "", err
		}
		if len(ps) == 0 {
			return "", fmt.Errorf("local commit %.10s is not a descendant of %.10s", local, base)
		}
		c = ps[0]
	}
	slices.Reverse(chain)
	remoteChanged, removed, err := s.repo.Changes(base, theirs)
	if err != nil {
		return "", err
	}
	theirVersion := map[string]string{} // path → blob id ("" removed) on the remote
	for _, f := range remoteChanged {
		theirVersion[f.Path] = f.Version
	}
	for _, p := range removed {
		theirVersion[p] = ""
	}
	blocked := map[string]bool{}
	onto := theirs
	for _, c := range chain {
		ch, err := s.repo.CommitChanges(c)
		if err != nil {
			return "", err
		}
		var clash []string
		for _, f := range ch.Files {
			v, changed := theirVersion[f.Path]
			if blocked[f.Path] || (changed && v != blobID(f)) {
				clash = append(clash, f.Path)
			}
		}
		if len(clash) > 0 {
			for _, f := range ch.Files {
				blocked[f.Path] = true
			}
			if err := s.keepAside(c, theirs); err != nil {
				return "", err
			}
			s.opts.Logger.Warn("save changed files the remote changed too: kept aside as a conflict", "commit", short(c), "files", clash, "ref", ConflictPrefix+c)
			continue
		}
		ch.Parent = onto
		next, err := s.repo.WriteCommit(ctx, ch)
		if err != nil {
			return "", fmt.Errorf("replay %.10s on %.10s: %w", c, onto, err)
		}
		onto = next
	}
	s.opts.Logger.Info("local saves replayed on the remote's", "saves", len(chain), "onto", short(theirs), "tip", short(onto))
	return onto, nil
}

// blobID is the id git gives a file change's content ("" for a deletion).
func blobID(f gitstore.FileChange) string {
	if f.Delete {
		return ""
	}
	return gitstore.BlobID(f.Data)
}

func (s *Syncer) keepAside(commit, theirs string) error {
	for _, r := range [][2]string{{ConflictPrefix + commit, commit}, {TheirsPrefix + commit, theirs}} {
		cur, err := s.repo.Ref(r[0])
		if err != nil {
			return err
		}
		if cur == r[1] {
			continue
		}
		if err := s.repo.SetRef(r[0], cur, r[1]); err != nil {
			return fmt.Errorf("keep conflicting save %.10s: %w", commit, err)
		}
	}
	return nil
}

// Dismiss forgets a conflict once someone has dealt with it (copied what
// they needed into a new save). The commit stays in the object store until
// git gc prunes it.
func (s *Syncer) Dismiss(commit string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.refreshLocal()
	for _, prefix := range []string{ConflictPrefix, TheirsPrefix} {
		cur, err := s.repo.Ref(prefix + commit)
		if err != nil {
			return err
		}
		if cur != "" {
			if err := s.repo.SetRef(prefix+commit, cur, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Syncer) reached() {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	s.st.LastContact = s.opts.Now()
	s.st.UnreachableSince = time.Time{}
	s.st.LastError = ""
}

func (s *Syncer) unreachable(err error) {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if s.st.UnreachableSince.IsZero() {
		s.st.UnreachableSince = s.opts.Now()
	}
	s.st.LastError = err.Error()
}

func (s *Syncer) failed(err error) {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	s.st.LastError = err.Error()
}

// refreshLocal recounts the pending commits and reloads the conflicts
// from what the repository holds, so the status survives a restart.
func (s *Syncer) refreshLocal() {
	local, _ := s.repo.Head()
	theirs, _ := s.repo.Ref(trackingRef(s.repo.Branch()))
	pending := 0
	if local != "" && local != theirs {
		base := ""
		if theirs != "" {
			base, _ = s.repo.MergeBase(local, theirs)
		}
		for c := local; c != base && c != "" && pending < 100000; pending++ {
			ps, err := s.repo.Parents(c)
			if err != nil || len(ps) == 0 {
				pending++ // the root commit: counted, and the walk ends
				break
			}
			c = ps[0]
		}
	}
	conflicts := s.conflicts()
	s.stMu.Lock()
	defer s.stMu.Unlock()
	switch {
	case pending == 0:
		s.st.PendingSince = time.Time{}
	case s.st.Pending == 0 || s.st.PendingSince.IsZero():
		s.st.PendingSince = s.opts.Now()
	}
	s.st.Head, s.st.Remote, s.st.Pending, s.st.Conflicts = local, theirs, pending, conflicts
}

func (s *Syncer) conflicts() []Conflict {
	refs, err := s.repo.Refs(ConflictPrefix)
	if err != nil {
		s.opts.Logger.Warn("list conflicts", "err", err)
		return nil
	}
	var out []Conflict
	for ref, commit := range refs {
		info, err := s.repo.CommitInfo(commit)
		if err != nil {
			continue
		}
		c := Conflict{Ref: ref, Commit: info}
		c.Theirs, _ = s.repo.Ref(TheirsPrefix + strings.TrimPrefix(ref, ConflictPrefix))
		if ch, err := s.repo.CommitChanges(commit); err == nil {
			for _, f := range ch.Files {
				c.Paths = append(c.Paths, f.Path)
			}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Conflict) int { return b.Commit.When.Compare(a.Commit.When) })
	return out
}

func short(c string) string {
	if len(c) > 10 {
		return c[:10]
	}
	return c
}
