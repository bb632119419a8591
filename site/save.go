package site

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/merge"
	"github.com/dangan-archive/dangan/site/auth"
)

// The save path. Every change made through the site — the record forms,
// the visit form, uploads, a lead's status, the text editor, the API —
// goes through Server.Save, so that each one is checked the same way
// (who may change what, the same checker as `dangan check`) and lands as
// one commit authored by the person, on top of the version they started
// from. Nothing is ever overwritten silently: a file changed by someone
// else since that version comes back as a *SaveConflict, with both texts
// and their merge when the changes do not overlap.
//
// How a form uses it:
//
//	res, err := s.Save(r.Context(), s.viewOf(r).Viewer, site.SaveRequest{
//		Path: "customers/mz-tax/devices.md", Content: text,
//		Base: versionTheFormWasFilledFrom, Message: msg,
//	})
//	var c *SaveConflict
//	var inv *InvalidError
//	switch {
//	case errors.As(err, &c):   // s.renderConflict(w, r, c): both versions, the merge, the text kept
//	case errors.As(err, &inv): // show the form again with inv.Problems at their lines
//	case err != nil:           // 403/404/500: s.page/s.api classify it; keep what was typed
//	}
//
// Changes to other files never conflict: Save retries on top of the new
// head as long as the files it writes are still at the versions expected.

// SaveRequest is one save: the whole new content of a file, made from the
// version Base of it.
type SaveRequest struct {
	// Path is the file in the archive ("customers/mz-tax/devices.md").
	Path string
	// Content is the whole new file. Ignored when Delete is set.
	Content []byte
	// Base is the version (git blob id, Record.Version, the API's
	// "version") the person started from; "" for a new file, which then
	// must not exist yet.
	Base string
	// Delete removes the file (still only if it is at Base).
	Delete bool
	// Message is the commit message; a default naming the file when empty.
	Message string
	// Files are more files committed with it in the same commit: a photo
	// uploaded beside the record, the other files of a new customer. Each
	// is checked like Path.
	Files []SaveFile
}

// SaveFile is one more file of a save.
type SaveFile struct {
	Path string
	Data []byte
	// Base as in SaveRequest: "" for a file that must be new.
	Base string
}

// SaveResult is a save that worked.
type SaveResult struct {
	Path string
	// Commit is the commit that holds the change (the head when nothing
	// changed).
	Commit string
	// Version is the file's new version (blob id): the Base of the next
	// save. "" after a delete.
	Version string
	// Unchanged is set when the content was already the file's: nothing
	// was committed.
	Unchanged bool
	// Warnings are the checker's warnings about the saved files (errors
	// refuse a save): a visit that broke a rule of the standard is saved
	// and warned about.
	Warnings []archive.Problem
}

// SaveConflict is the error of a save whose file changed since its Base:
// someone else saved it or pushed a commit that touches it.
type SaveConflict struct {
	Path   string
	Commit string // the head the conflict was found at
	// Base is the content the person started from (nil for a new file, or
	// when that version is no longer in the file's history).
	Base        []byte
	BaseVersion string
	// Theirs is the file now (nil: it was deleted, or BaseVersion was ""
	// and someone created it).
	Theirs        []byte
	TheirsVersion string
	// Yours is what the person tried to save (nil for a delete).
	Yours []byte
	// Merge combines both changes; it is Clean when they do not overlap,
	// else its Text has conflict markers. Nil when no merge can be made
	// (binary files, a delete, an unknown base).
	Merge *merge.Result
}

func (c *SaveConflict) Error() string {
	return fmt.Sprintf("%s changed since version %.10s: it is now %.10s", c.Path, c.BaseVersion, c.TheirsVersion)
}

// Is makes errors.Is(err, gitstore.ErrConflict) true, so classify answers 409.
func (c *SaveConflict) Is(target error) bool { return target == gitstore.ErrConflict }

// InvalidError is the error of a save refused by the checker: the problems
// name the file, line and column, as `dangan check` prints them.
type InvalidError struct {
	Problems []archive.Problem // errors first, warnings after
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return "the change is invalid: " + b.String()
}

// ErrReadOnly is the error of a save to a store that cannot commit.
var ErrReadOnly = errors.New("the archive is read-only here")

// Committer is what Save needs of the store besides reading: gitstore's
// *Repo is one.
type Committer interface {
	Commit(ctx context.Context, c gitstore.Change) (string, error)
}

// maxSaveAttempts bounds the retries of a save whose parent moved because
// of a commit to other files. Each retry means another save succeeded, so
// the site as a whole always progresses; the bound only keeps one unlucky
// request from spinning forever.
const maxSaveAttempts = 64

// Save checks and commits one change for viewer v. Its errors are
// *SaveConflict (409), *InvalidError (422), a not-found error when the
// customer is invisible to v (404: the same as a customer that does not
// exist), access.ErrForbidden (403), ErrReadOnly; classify maps them all.
func (s *Server) Save(ctx context.Context, v access.Viewer, req SaveRequest) (SaveResult, error) {
	st, ok := s.Store.(Committer)
	if !ok {
		return SaveResult{}, ErrReadOnly
	}
	files, err := saveFiles(req)
	if err != nil {
		return SaveResult{}, err
	}
	author := s.authorOf(v)
	for range maxSaveAttempts {
		if err := ctx.Err(); err != nil {
			return SaveResult{}, err
		}
		snap, err := s.headSnapshot(ctx)
		if err != nil {
			return SaveResult{}, err
		}
		plan, err := s.planSave(snap, v, req, files)
		if err != nil {
			return SaveResult{}, err
		}
		if plan.unchanged {
			return SaveResult{Path: files[0].Path, Commit: snap.Commit, Version: plan.version, Unchanged: true, Warnings: plan.warnings}, nil
		}
		id, err := st.Commit(ctx, gitstore.Change{Parent: snap.Commit, Author: author, Message: saveMessage(req, files), Files: plan.changes})
		if errors.Is(err, gitstore.ErrConflict) {
			continue // the head moved: check the files again on the new head
		}
		if err != nil {
			return SaveResult{}, fmt.Errorf("save %s: %w", files[0].Path, err)
		}
		s.followSave(ctx)
		s.Logger.Info("saved", "path", files[0].Path, "commit", short(id), "by", v.Name, "files", len(plan.changes))
		return SaveResult{Path: files[0].Path, Commit: id, Version: plan.version, Warnings: plan.warnings}, nil
	}
	return SaveResult{}, fmt.Errorf("save %s: the archive kept changing while saving; try again", files[0].Path)
}

// saveFile is one file of a save, normalised.
type saveFile struct {
	Path   string
	Data   []byte
	Base   string
	Delete bool
}

func saveFiles(req SaveRequest) ([]saveFile, error) {
	all := []saveFile{{Path: req.Path, Data: req.Content, Base: req.Base, Delete: req.Delete}}
	for _, f := range req.Files {
		all = append(all, saveFile{Path: f.Path, Data: f.Data, Base: f.Base})
	}
	seen := map[string]bool{}
	for i, f := range all {
		p, ok := archive.CleanPath(f.Path)
		if !ok || p != f.Path || p == "" {
			return nil, badRequest("edit.error.bad_path", fmt.Errorf("save: %q is not a path inside the archive", f.Path))
		}
		if seen[p] {
			return nil, badRequest("edit.error.bad_path", fmt.Errorf("save: %s given twice", p))
		}
		seen[p] = true
		if f.Data == nil && !f.Delete {
			all[i].Data = []byte{}
		}
		all[i].Base = strings.ToLower(strings.TrimSpace(f.Base))
	}
	return all, nil
}

// headSnapshot returns the archive at the branch's head: the live one,
// brought up to date first when the head moved.
func (s *Server) headSnapshot(ctx context.Context) (*archive.Snapshot, error) {
	head, err := s.Store.Head()
	if err != nil {
		return nil, fmt.Errorf("save: read archive head: %w", err)
	}
	if snap := s.live.Snapshot(); snap.Commit == head {
		return snap, nil
	}
	if err := s.live.Refresh(ctx); err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	return s.live.Snapshot(), nil
}

// followSave brings the site and the search index to the commit just made
// before the answer goes out, so the page shown next (and a search) has
// the change. It waits at most followWait: while the index is being
// rebuilt (the first start over a large archive) the save is answered
// without it, and the refresh finishes in the background.
func (s *Server) followSave(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.live.Refresh(context.WithoutCancel(ctx)); err != nil {
			s.Logger.Warn("follow own save", "err", err)
		}
	}()
	t := time.NewTimer(followWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		s.Logger.Info("answering a save before the search index has it", "waited", followWait)
	}
	s.Poke()
}

// followWait bounds how long a save waits for the site to follow it.
const followWait = 5 * time.Second

// savePlan is what one attempt found: the changes to commit, or that
// there is nothing to commit.
type savePlan struct {
	changes   []gitstore.FileChange
	unchanged bool
	version   string // the new version of the request's file
	warnings  []archive.Problem
}

// planSave checks a save against the archive at snap: may v change these
// files, are they still at their base versions, is the result valid.
func (s *Server) planSave(snap *archive.Snapshot, v access.Viewer, req SaveRequest, files []saveFile) (savePlan, error) {
	pol := access.Policy{Settings: snap.Settings}
	var plan savePlan
	olds := make([][]byte, len(files))
	var checks []func() error // what changed, per file (CheckChange)
	for i, f := range files {
		folder := snap.Customer(archive.CustomerOf(f.Path))
		// Someone who may not see the customer is told it does not exist.
		if c := archive.CustomerOf(f.Path); c != "" && folder != nil && !pol.CanSeeFolder(v, folder) {
			return plan, notFound(fmt.Errorf("save %s: customer %s hidden from %q", f.Path, c, v.Name))
		}
		if !pol.CanEditFolder(v, folder, f.Path) {
			return plan, fmt.Errorf("%w: %s may not change %s", access.ErrForbidden, v.Name, f.Path)
		}
		cur, err := s.Store.ReadFile(snap.Commit, f.Path)
		exists := err == nil
		if err != nil && !errors.Is(err, gitstore.ErrNotFound) {
			return plan, fmt.Errorf("save %s: %w", f.Path, err)
		}
		if !exists && f.Base != "" && folder == nil && archive.CustomerOf(f.Path) != "" {
			// No such customer at all: answered like a hidden one, so a
			// 404 does not tell that a restricted customer exists.
			return plan, notFound(fmt.Errorf("save %s: no customer %s", f.Path, archive.CustomerOf(f.Path)))
		}
		// Someone else already made exactly this change (the same text, or
		// the same delete): nothing is lost by calling it done.
		same := exists && !f.Delete && bytes.Equal(cur.Data, f.Data) || !exists && f.Delete
		if !same && (exists && cur.Version != f.Base || !exists && f.Base != "") {
			return plan, s.conflict(snap, v, f, cur, exists)
		}
		if exists {
			olds[i] = cur.Data
		}
		var next []byte
		if !f.Delete {
			next = f.Data
		}
		checks = append(checks, func() error { return pol.CheckChange(v, folder, f.Path, olds[i], next) })
		if i == 0 {
			plan.version = blobID(next)
		}
		if f.Delete && !exists || exists && !f.Delete && bytes.Equal(cur.Data, f.Data) {
			continue
		}
		plan.changes = append(plan.changes, gitstore.FileChange{Path: f.Path, Data: next, Delete: f.Delete})
	}
	if files[0].Delete {
		plan.version = ""
	}
	// The checker goes before the finer access rules: a broken profile
	// reads as restricted to them, and its author should hear what is
	// broken rather than that it may not be restricted.
	ps := checkSave(snap, plan.changes)
	if archive.HasErrors(ps) {
		return plan, &InvalidError{Problems: ps}
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return plan, err
		}
	}
	plan.warnings = ps
	plan.unchanged = len(plan.changes) == 0
	return plan, nil
}

// conflict builds the conflict of a file found at another version than
// the save's base, with the merge of both changes when there is one.
func (s *Server) conflict(snap *archive.Snapshot, v access.Viewer, f saveFile, cur archive.File, exists bool) *SaveConflict {
	c := &SaveConflict{Path: f.Path, Commit: snap.Commit, BaseVersion: f.Base}
	if !f.Delete {
		c.Yours = f.Data
	}
	if exists {
		c.Theirs, c.TheirsVersion = cur.Data, cur.Version
	}
	if f.Base != "" {
		c.Base = s.findVersion(f.Path, f.Base)
	}
	// Whoever may edit a file sees all of it (CanEdit refuses sections
	// with hidden fields); redacting anyway keeps a later rule change
	// from turning the conflict page into a leak.
	pol := access.Policy{Settings: snap.Settings}
	for _, b := range []*[]byte{&c.Base, &c.Theirs} {
		if *b != nil {
			if red, ok := pol.RedactText(v, f.Path, *b); ok {
				*b = red
			} else {
				*b = nil
			}
		}
	}
	text := func(b []byte) bool { return b != nil && bytes.IndexByte(b, 0) < 0 }
	baseOK := f.Base == "" || c.Base != nil
	if baseOK && text(c.Yours) && text(c.Theirs) {
		m := merge.Merge(c.Base, c.Yours, c.Theirs, merge.Labels{Yours: "yours " + v.Name, Theirs: "theirs " + short(cur.Version)})
		c.Merge = &m
	}
	return c
}

// baseSearchDepth is how far back in a file's history a save's base is
// looked for; an editor open for longer than that many commits of one
// file gets a conflict without a merge.
const baseSearchDepth = 200

// findVersion returns the content of path at blob version, found in the
// file's history, or nil.
func (s *Server) findVersion(path, version string) []byte {
	commits, err := s.Store.History(path, baseSearchDepth)
	if err != nil {
		return nil
	}
	for _, c := range commits {
		f, err := s.Store.ReadFile(c.Hash, path)
		if err == nil && f.Version == version {
			return f.Data
		}
	}
	return nil
}

// checkSave runs the checker of `dangan check` over the archive as it
// would be after the changes, and returns the problems of the files
// changed plus any new problem the change makes in other files (a device
// removed that a visit still names).
func checkSave(snap *archive.Snapshot, changes []gitstore.FileChange) []archive.Problem {
	var changed []archive.File
	var removed []string
	paths := map[string]bool{}
	customers := map[string]bool{}
	var ps []archive.Problem
	for _, c := range changes {
		paths[c.Path] = true
		if cu := archive.CustomerOf(c.Path); cu != "" {
			customers[cu] = true
		}
		switch {
		case c.Delete:
			removed = append(removed, c.Path)
		case c.Path == archive.SettingsFile:
			_, sp := archive.ParseSettings(c.Data)
			ps = append(ps, sp...)
		default:
			changed = append(changed, archive.File{Path: c.Path, Data: c.Data})
		}
		// A conflict merged by hand and saved with a marker left in would
		// often still parse (a marker in the body is just text).
		if line, ok := merge.HasMarkers(c.Data); ok && !c.Delete && archive.PlaceOf(c.Path).Kind != "" {
			ps = append(ps, archive.Problem{Path: c.Path, Line: line, Col: 1, Severity: archive.SeverityError,
				Message: "a conflict marker is left in the file: keep the right text of each conflict and delete the lines <<<<<<<, ======= and >>>>>>>",
				Chinese: "文件中留有冲突标记：请保留每处冲突中正确的文本，并删除 <<<<<<<、======= 和 >>>>>>> 这几行"})
		}
	}
	if len(changed) == 0 && len(removed) == 0 {
		return ps
	}
	next := snap.With(snap.Commit, changed, removed)
	for _, f := range changed {
		if r := next.Record(f.Path); r != nil {
			ps = append(ps, r.Problems...)
		}
	}
	for id := range customers {
		after := next.Customer(id)
		if after == nil {
			continue
		}
		var before []archive.Problem
		if f := snap.Customer(id); f != nil {
			before = f.Problems
		}
		for _, p := range after.Problems {
			if paths[p.Path] || !slices.Contains(before, p) {
				ps = append(ps, p)
			}
		}
	}
	// Errors first, so a form shows what refused the save at the top.
	archive.SortProblems(ps)
	slices.SortStableFunc(ps, func(a, b archive.Problem) int {
		return boolRank(a.Severity != archive.SeverityError) - boolRank(b.Severity != archive.SeverityError)
	})
	return slices.Compact(ps)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// saveMessage is the commit message: the person's, or one naming the file.
func saveMessage(req SaveRequest, files []saveFile) string {
	if m := strings.TrimSpace(strings.ReplaceAll(req.Message, "\r\n", "\n")); m != "" {
		return m
	}
	verb := "更新"
	switch {
	case req.Delete:
		verb = "删除"
	case req.Base == "":
		verb = "新建"
	}
	msg := verb + " " + files[0].Path
	if len(files) > 1 {
		msg += fmt.Sprintf("（及 %d 个附件）", len(files)-1)
	}
	return msg
}

// authorOf is who a save is committed as: Author when set (UseAuth: the
// user store's display name and email), else the viewer's own names.
func (s *Server) authorOf(v access.Viewer) gitstore.Signature {
	if s.Author != nil {
		if sig := s.Author(v); strings.TrimSpace(sig.Name) != "" {
			return sig
		}
	}
	name := v.DisplayName
	if strings.TrimSpace(name) == "" {
		name = v.Name
	}
	return gitstore.Signature{Name: name, Email: v.Name, When: s.Now()}
}

// ErrorStatus is the HTTP status a save's error is answered with (the
// same classify gives pages and the API): 409, 422, 403, 404, 500.
func ErrorStatus(err error) int { return classify(err).Status }

// As lets classify answer an invalid save with 422 and its own message.
func (e *InvalidError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		*t = &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Key: "edit.error.invalid", Err: e}
		return true
	}
	return false
}

// authorFromUsers names the committer from the user store: the display
// name (the person id when none) and the email (the id when none).
func authorFromUsers(users *auth.Store, v access.Viewer, now time.Time) gitstore.Signature {
	sig := gitstore.Signature{Name: v.DisplayName, Email: v.Name, When: now}
	if u, err := users.Get(v.Name); err == nil {
		sig.Name = cmp.Or(strings.TrimSpace(u.DisplayName), sig.Name)
		sig.Email = cmp.Or(strings.TrimSpace(u.Email), sig.Email)
	}
	sig.Name = cmp.Or(strings.TrimSpace(sig.Name), v.Name)
	return sig
}

// blobID is the version (git blob id) a content gets once committed.
func blobID(data []byte) string {
	if data == nil {
		return ""
	}
	return plumbing.ComputeHash(plumbing.BlobObject, data).String()
}
