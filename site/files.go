package site

import (
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// imageTypes are the only attachments shown inline; everything else is
// downloaded. SVG is not among them: it can carry script.
var imageTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp",
}

// handleFile serves an attachment (an image beside a note) at the live
// commit or the one given by ?v=. Records themselves are not served raw
// here: their pages and the API redact them.
func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) error {
	p, err := cleanPathValue(r)
	if err != nil {
		return err
	}
	if strings.HasSuffix(p, archive.RecordSuffix) || p == archive.SettingsFile || !s.viewOf(r).canSeeFile(p) {
		return notFound(fmt.Errorf("file %q", p))
	}
	at, err := s.versionOf(r)
	if err != nil {
		return err
	}
	commit := s.live.Snapshot().Commit
	if at.Past {
		commit = at.Commit.Hash
	}
	f, err := s.Store.ReadFile(commit, p)
	if err != nil {
		return notFound(err)
	}
	h := w.Header()
	name := path.Base(p)
	// Shown inline only when the name and the content agree that it is one
	// of the images: HTML named .png is downloaded, never rendered.
	if ct, ok := imageTypes[strings.ToLower(path.Ext(p))]; ok && http.DetectContentType(f.Data) == ct {
		h.Set("Content-Type", ct)
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+f.Version+`"`)
	if at.Past {
		h.Set("Cache-Control", "private, max-age=86400")
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match == `"`+f.Version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	_, err = w.Write(f.Data)
	return err
}
