package site

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/remote"
)

// Remote is the git server the archive was cloned from (archive/remote's
// *Syncer): the site shows its state and the webhook asks it to fetch.
type Remote interface {
	Status() remote.Status
	Trigger()
	Dismiss(commit string) error
}

// syncRoutes registers the sync status page (inside authentication).
func (s *Server) syncRoutes(app *http.ServeMux) {
	if s.Remote == nil {
		return
	}
	app.HandleFunc("GET /sync", s.page(s.handleSync))
	app.HandleFunc("POST /sync/conflicts/{commit}/dismiss", s.page(s.handleDismissConflict))
}

// maxHookBody bounds what the webhook reads: push payloads of the big git
// hosts stay well under it, and the body must be read whole to check its
// signature.
const maxHookBody = 10 << 20

// handleGitHook is POST /hooks/git: the git server says the branch moved,
// and the remote fetches now instead of at its next tick. It is outside
// authentication and guarded by the shared secret, compared in constant
// time, in the forms git hosts send it: GitHub's, Gitea's and Forgejo's
// HMAC-SHA256 signature of the body, GitLab's X-Gitlab-Token, or
// "Authorization: Bearer SECRET" from a plain post-receive hook with curl.
// A site without a remote or without a secret has no webhook at all.
func (s *Server) handleGitHook(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.Remote == nil || s.HookSecret == "" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHookBody))
	if err != nil {
		http.Error(w, "the request body is too large or could not be read", http.StatusRequestEntityTooLarge)
		return
	}
	if !hookAuthorized(s.HookSecret, r.Header, body) {
		s.Logger.Warn("git webhook refused: missing or wrong secret", "remote_addr", r.RemoteAddr)
		http.Error(w, "missing or wrong webhook secret", http.StatusUnauthorized)
		return
	}
	s.Remote.Trigger()
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "fetch scheduled"})
}

// hookAuthorized checks the webhook's secret. Comparisons are of equal-length
// digests with hmac.Equal or subtle.ConstantTimeCompare, so neither the
// secret nor its length leaks through timing.
func hookAuthorized(secret string, h http.Header, body []byte) bool {
	if secret == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	sum := mac.Sum(nil)
	for _, name := range []string{"X-Hub-Signature-256", "X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature"} {
		v := strings.TrimPrefix(strings.TrimSpace(h.Get(name)), "sha256=")
		if v == "" {
			continue
		}
		if got, err := hex.DecodeString(v); err == nil && hmac.Equal(got, sum) {
			return true
		}
	}
	want := sha256.Sum256([]byte(secret))
	tokens := []string{h.Get("X-Gitlab-Token"), h.Get("X-Dangan-Secret")}
	if bearer, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer "); ok {
		tokens = append(tokens, bearer)
	}
	for _, tok := range tokens {
		if tok == "" {
			continue
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
			return true
		}
	}
	return false
}

// pendingQuiet is how long saves may wait for their push, with the git
// server answering, before the banner mentions them.
const pendingQuiet = 15 * time.Second

// syncBanner is the line every page shows while the archive is not in step
// with its git server. Counts only, and conflicts only those the viewer
// may see: the banner is on every page.
type syncBanner struct {
	Pending     int
	Unreachable time.Time
	Conflicts   int
	Failed      bool // a sync failed for another reason than the network
}

func (s *Server) syncBanner(r *http.Request) *syncBanner {
	if s.Remote == nil {
		return nil
	}
	v := s.viewOf(r)
	if v.Viewer.Anonymous() {
		return nil
	}
	st := s.Remote.Status()
	b := &syncBanner{Pending: st.Pending, Unreachable: st.UnreachableSince, Conflicts: len(visibleConflicts(v, st.Conflicts))}
	// A save is pushed within a second or so: the page shown right after
	// it need not alarm anyone. Saves still waiting later are worth a word.
	if st.UnreachableSince.IsZero() && !st.PendingSince.IsZero() && s.Now().Sub(st.PendingSince) < pendingQuiet {
		b.Pending = 0
	}
	b.Failed = st.LastError != "" && st.UnreachableSince.IsZero()
	if b.Pending == 0 && b.Unreachable.IsZero() && b.Conflicts == 0 && !b.Failed {
		return nil
	}
	return b
}

// visibleConflicts keeps the conflicts whose every file the viewer may
// see: a save that touched a restricted customer does not exist for those
// not assigned to it, not even by its message. Messages are scrubbed as on
// history pages (access.Policy.Message).
func visibleConflicts(v view, cs []remote.Conflict) []remote.Conflict {
	var out []remote.Conflict
	for _, c := range cs {
		if len(c.Paths) == 0 || !allVisible(v, c.Paths) {
			continue
		}
		var recs []*archive.Record
		for _, p := range c.Paths {
			if rec := v.live.Record(p); rec != nil {
				recs = append(recs, rec)
			}
		}
		c.Commit.Message = v.policy.Message(v.Viewer, c.Commit.Message, recs)
		out = append(out, c)
	}
	return out
}

func allVisible(v view, paths []string) bool {
	for _, p := range paths {
		if !v.canSeeFile(p) {
			return false
		}
	}
	return true
}

// syncPage is the data of /sync.
type syncPage struct {
	Status    remote.Status
	InSync    bool
	Conflicts []conflictView
	CanManage bool // admins may dismiss a conflict once dealt with
}

type conflictView struct {
	remote.Conflict
	Files []conflictFile
}

// conflictFile is one file of a conflicting save: the version saved here
// and the remote's, both as the viewer may see them.
type conflictFile struct {
	Path   string
	Ours   string
	Theirs string
	Gone   bool // the remote deleted the file
	Hidden bool // nothing of it is visible to the viewer
	// Editor is the text editor's address when the viewer may edit the
	// file: the way to save their version again, on top of the remote's.
	Editor string
}

func (s *Server) handleSync(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if v.Viewer.Anonymous() {
		return notFound(nil)
	}
	st := s.Remote.Status()
	data := syncPage{Status: st, InSync: st.InSync(), CanManage: v.Viewer.Role == access.Admin}
	// Only commits and counts from the status: the error text may name
	// hosts; it goes to the log, and to admins.
	if !data.CanManage {
		data.Status.LastError = ""
	}
	for _, c := range visibleConflicts(v, st.Conflicts) {
		cv := conflictView{Conflict: c}
		for _, p := range c.Paths {
			f := conflictFile{Path: p}
			// Both versions are shown: a restricted customer's file read
			// here is a read like any other, and goes to the audit log.
			v.audited(archive.CustomerOf(p), p)
			if v.policy.CanEditFolder(v.Viewer, v.live.Customer(archive.CustomerOf(p)), p) {
				f.Editor = "/source/" + escapePath(p)
			}
			ours, err := s.Store.ReadFile(c.Commit.Hash, p)
			if err == nil {
				if text, ok := v.text(p, ours.Data); ok {
					f.Ours = string(text)
				} else {
					f.Hidden = true
				}
			}
			if c.Theirs != "" {
				theirs, err := s.Store.ReadFile(c.Theirs, p)
				switch {
				case err != nil:
					f.Gone = true
				default:
					if text, ok := v.text(p, theirs.Data); ok {
						f.Theirs = string(text)
					} else {
						f.Hidden = true
					}
				}
			}
			cv.Files = append(cv.Files, f)
		}
		data.Conflicts = append(data.Conflicts, cv)
	}
	return s.render(w, r, http.StatusOK, "sync", "sync.title", data)
}

func (s *Server) handleDismissConflict(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if v.Viewer.Role != access.Admin {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Key: "error.forbidden", Err: fmt.Errorf("%s may not dismiss conflicts", v.Viewer.Name)}
	}
	commit := r.PathValue("commit")
	known := false
	for _, c := range s.Remote.Status().Conflicts {
		known = known || c.Commit.Hash == commit
	}
	if !known {
		return notFound(fmt.Errorf("conflict %q", commit))
	}
	if err := s.Remote.Dismiss(commit); err != nil {
		return err
	}
	s.Logger.Info("conflict dismissed", "commit", commit, "by", v.Viewer.Name)
	http.Redirect(w, r, "/sync", http.StatusSeeOther)
	return nil
}

// syncHealth is the sync part of /healthz, for load balancers and
// monitoring: commits and counts, nothing about the archive's content.
func (s *Server) syncHealth() map[string]any {
	st := s.Remote.Status()
	h := map[string]any{
		"in_sync":   st.InSync(),
		"head":      st.Head,
		"remote":    st.Remote,
		"pending":   st.Pending,
		"conflicts": len(st.Conflicts),
	}
	if !st.LastContact.IsZero() {
		h["last_contact"] = st.LastContact.UTC().Format(time.RFC3339)
	}
	if !st.UnreachableSince.IsZero() {
		h["unreachable_since"] = st.UnreachableSince.UTC().Format(time.RFC3339)
	}
	return h
}
