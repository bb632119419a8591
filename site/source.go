package site

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// The text editor: a whole file in a text area, for what the forms do not
// cover and for saving again from the conflict page. It posts to the same
// Save as every other edit, and whatever goes wrong the page comes back
// with the text as typed.

// sourceData is what source.html shows.
type sourceData struct {
	Path    string
	Title   string
	Action  string // where the form posts
	Back    string // the record's page ("" for a new file)
	New     bool   // the file does not exist yet
	Base    string // the version the text was made from ("" for a new file)
	Content string
	Message string
	// Problems refused the save (or warn about it); Lines are the lines
	// they point at, quoted.
	Problems []archive.Problem
	Lines    []problemLine
	// Error is the catalog key of a failure other than the checker's.
	Error string
}

// problemLine quotes the line of the text a problem points at.
type problemLine struct {
	Line    int
	Text    string
	Problem archive.Problem
}

// sourcePath is the path of /source/{path}: a record, or dangan.yaml.
func sourcePath(r *http.Request) (string, error) {
	p, err := cleanPathValue(r)
	if err != nil {
		return "", err
	}
	if archive.PlaceOf(p).Kind == "" && p != archive.SettingsFile {
		return "", notFound(fmt.Errorf("%s is not a record", p))
	}
	return p, nil
}

// handleSource shows a file in the text editor (an empty one for a new
// file), to those who may change it.
func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) error {
	p, err := sourcePath(r)
	if err != nil {
		return err
	}
	v := s.viewOf(r)
	snap := v.live
	folder := snap.Customer(archive.CustomerOf(p))
	if archive.CustomerOf(p) != "" && folder != nil && !v.policy.CanSeeFolder(v.Viewer, folder) {
		return notFound(fmt.Errorf("source %s hidden", p))
	}
	if !v.policy.CanEditFolder(v.Viewer, folder, p) {
		return fmt.Errorf("%w: %s may not edit %s", access.ErrForbidden, v.Viewer.Name, p)
	}
	d := sourceData{Path: p, Title: p, Action: sourceURL(p), Back: savedURL(p)}
	f, err := s.Store.ReadFile(snap.Commit, p)
	switch {
	case errors.Is(err, gitstore.ErrNotFound):
		d.New, d.Back = true, ""
	case err != nil:
		return err
	default:
		content, ok := v.text(p, f.Data)
		if !ok || !bytes.Equal(content, f.Data) {
			// CanEdit already refuses files with hidden parts; a redacted
			// text saved back would erase them.
			return fmt.Errorf("%w: %s is partly hidden from %s", access.ErrForbidden, p, v.Viewer.Name)
		}
		d.Base, d.Content = f.Version, string(f.Data)
		if rec := snap.Record(p); rec != nil {
			d.Title = recordTitle(s.catalog(r), rec)
		}
	}
	v.audited(archive.CustomerOf(p), p)
	return s.render(w, r, http.StatusOK, "source", "edit.source.title", d, d.Title)
}

// handleSourceSave saves the text editor's (or the conflict page's) text.
func (s *Server) handleSourceSave(w http.ResponseWriter, r *http.Request) error {
	p, err := sourcePath(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRecordBytes)
	if err := r.ParseForm(); err != nil {
		return badRequest("edit.error.too_large", fmt.Errorf("source form of %s: %w", p, err))
	}
	d := sourceData{Path: p, Title: p, Action: sourceURL(p), Base: r.PostForm.Get("base"), Message: r.PostForm.Get("message")}
	if d.New = d.Base == ""; !d.New {
		d.Back = savedURL(p)
	}
	if rec := s.live.Snapshot().Record(p); rec != nil {
		d.Title = recordTitle(s.catalog(r), rec)
	}
	content := []byte(r.PostForm.Get("content"))
	content = s.lineEnds(p, d.Base, content)
	d.Content = string(content)
	res, err := s.Save(r.Context(), s.viewOf(r).Viewer, SaveRequest{Path: p, Content: content, Base: d.Base, Message: d.Message})
	if err == nil {
		http.Redirect(w, r, savedURL(res.Path), http.StatusSeeOther)
		return nil
	}
	return s.saveFailed(w, r, err, d)
}

// saveFailed answers a save that did not go through, keeping what was
// typed: the conflict page for a conflict, else the text editor with the
// problems at their lines or the error said in a sentence.
func (s *Server) saveFailed(w http.ResponseWriter, r *http.Request, err error, d sourceData) error {
	var c *SaveConflict
	if errors.As(err, &c) {
		return s.renderConflict(w, r, c, d.Message)
	}
	e := classify(err)
	s.logError(r, e)
	if e.Status == 499 {
		return nil
	}
	var inv *InvalidError
	if errors.As(err, &inv) {
		d.Problems = inv.Problems
		lines := strings.Split(d.Content, "\n")
		for _, p := range inv.Problems {
			if p.Path == d.Path && p.Line >= 1 && p.Line <= len(lines) {
				d.Lines = append(d.Lines, problemLine{Line: p.Line, Text: strings.TrimRight(lines[p.Line-1], "\r"), Problem: p})
			}
		}
	} else {
		d.Error = e.Key
	}
	return s.render(w, r, e.Status, "source", "edit.source.title", d, d.Title)
}

// lineEnds undoes what browsers do to a text area: every line ending
// comes back as CRLF. A file that had LF endings (or a new one) keeps LF,
// so an unchanged text saves as unchanged.
func (s *Server) lineEnds(path, base string, content []byte) []byte {
	if !bytes.Contains(content, []byte("\r\n")) {
		return content
	}
	if base != "" {
		if old := s.findCurrent(path, base); bytes.Contains(old, []byte("\r\n")) {
			return content
		}
	}
	return bytes.ReplaceAll(content, []byte("\r\n"), []byte("\n"))
}

// findCurrent returns the file at version from the live archive, or from
// its history.
func (s *Server) findCurrent(path, version string) []byte {
	snap := s.live.Snapshot()
	if f, err := s.Store.ReadFile(snap.Commit, path); err == nil && f.Version == version {
		return f.Data
	}
	return s.findVersion(path, version)
}

// savedURL is where a successful save leads: the record's page.
func savedURL(p string) string {
	if archive.PlaceOf(p).Kind == "" {
		return "/"
	}
	return recordURL(p)
}

// sourceURL is the text editor of a file.
func sourceURL(p string) string { return "/source/" + escapePath(p) }
