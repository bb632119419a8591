package site

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/dangan-archive/dangan/archive"
)

// maxRecordBytes bounds a record saved through the API or the editor: the
// largest real records are a few tens of kilobytes.
const maxRecordBytes = 4 << 20

// apiSaveRequest is the body of PUT /api/records/{path}.
type apiSaveRequest struct {
	Content *string `json:"content"`
	// Version is the "version" GET /api/records/{path} answered; "" (or
	// absent) for a new file.
	Version string `json:"version"`
	Message string `json:"message"`
}

// apiSaved is the answer to a save that worked.
type apiSaved struct {
	Path      string            `json:"path"`
	Commit    string            `json:"commit"`
	Version   string            `json:"version"`
	Unchanged bool              `json:"unchanged"`
	Warnings  []archive.Problem `json:"warnings"`
}

// apiConflict is the answer 409: both versions, and the merge when one
// can be made.
type apiConflict struct {
	Error  apiError     `json:"error"`
	Path   string       `json:"path"`
	Commit string       `json:"commit"`
	Base   apiVersion   `json:"base"`
	Theirs apiVersion   `json:"theirs"`
	Yours  apiVersion   `json:"yours"`
	Merge  *apiMergeOut `json:"merge,omitempty"`
}

type apiVersion struct {
	Version string  `json:"version"`
	Content *string `json:"content"` // null: no such version (a new or deleted file)
}

type apiMergeOut struct {
	// Clean is true when the changes do not overlap: Content can be sent
	// back as is with version theirs.version.
	Clean     bool   `json:"clean"`
	Conflicts int    `json:"conflicts"`
	Content   string `json:"content"`
}

// apiInvalid is the answer 422: the checker's problems at their lines.
type apiInvalid struct {
	Error    apiError          `json:"error"`
	Problems []archive.Problem `json:"problems"`
}

// handleAPISave is PUT /api/records/{path}: save a whole record.
func (s *Server) handleAPISave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editablePath(r)
	if err != nil {
		return err
	}
	var body apiSaveRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRecordBytes))
	if err := dec.Decode(&body); err != nil {
		return badRequest("edit.error.bad_json", fmt.Errorf("decode save of %s: %w", p, err))
	}
	if body.Content == nil {
		return badRequest("edit.error.no_content", fmt.Errorf("save of %s without content", p))
	}
	req := SaveRequest{Path: p, Content: []byte(*body.Content), Base: body.Version, Message: body.Message}
	res, err := s.Save(r.Context(), s.viewOf(r).Viewer, req)
	return s.answerSave(w, r, res, err)
}

// handleAPIDelete is DELETE /api/records/{path}?version=: remove a record
// that is still at that version.
func (s *Server) handleAPIDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editablePath(r)
	if err != nil {
		return err
	}
	version := r.URL.Query().Get("version")
	if version == "" {
		return badRequest("edit.error.no_version", fmt.Errorf("delete of %s without version", p))
	}
	req := SaveRequest{Path: p, Base: version, Delete: true, Message: r.URL.Query().Get("message")}
	res, err := s.Save(r.Context(), s.viewOf(r).Viewer, req)
	return s.answerSave(w, r, res, err)
}

// editablePath is the record path of an API save: a record of the archive
// (or a new one), never a folder or an attachment.
func (s *Server) editablePath(r *http.Request) (string, error) {
	p, err := cleanPathValue(r)
	if err != nil {
		return "", err
	}
	if archive.PlaceOf(p).Kind == "" {
		return "", notFound(fmt.Errorf("%s is not a record", p))
	}
	return p, nil
}

// answerSave writes the API's answer to a save.
func (s *Server) answerSave(w http.ResponseWriter, r *http.Request, res SaveResult, err error) error {
	var c *SaveConflict
	var inv *InvalidError
	switch {
	case errors.As(err, &c):
		s.logError(r, classify(err))
		s.viewOf(r).audited(archive.CustomerOf(c.Path), c.Path) // theirs is shown: a read
		out := apiConflict{
			Error:  apiError{Code: "conflict", Message: s.catalog(r).T("edit.conflict.api")},
			Path:   c.Path,
			Commit: c.Commit,
			Base:   apiVersion{Version: c.BaseVersion, Content: text(c.Base)},
			Theirs: apiVersion{Version: c.TheirsVersion, Content: text(c.Theirs)},
			Yours:  apiVersion{Version: blobID(c.Yours), Content: text(c.Yours)},
		}
		if c.Merge != nil {
			out.Merge = &apiMergeOut{Clean: c.Merge.Clean(), Conflicts: c.Merge.Conflicts, Content: string(c.Merge.Text)}
		}
		writeJSON(w, http.StatusConflict, out)
		return nil
	case errors.As(err, &inv):
		s.logError(r, classify(err))
		writeJSON(w, http.StatusUnprocessableEntity, apiInvalid{
			Error:    apiError{Code: "invalid", Message: s.catalog(r).T("edit.error.invalid")},
			Problems: inv.Problems,
		})
		return nil
	case err != nil:
		return err
	}
	if res.Warnings == nil {
		res.Warnings = []archive.Problem{}
	}
	writeJSON(w, http.StatusOK, apiSaved{Path: res.Path, Commit: res.Commit, Version: res.Version, Unchanged: res.Unchanged, Warnings: res.Warnings})
	return nil
}

func text(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}
