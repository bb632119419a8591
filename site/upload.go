package site

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/edit"
)

// maxUpload is the largest image a form may attach: a phone photo of a
// rack fits, a video does not.
const maxUpload = 10 << 20

// uploadTypes are the images the site accepts, by the type their first
// bytes show (never by the name or the browser's word): the ones browsers
// display and that carry no script. SVG is not one of them.
var uploadTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}

// attachUpload adds an image posted with a form to the save: stored beside
// the record, linked from the end of its body, in the same commit.
func (s *Server) attachUpload(r *http.Request, req *SaveRequest, page *editPage) error {
	if !hasUpload(r) {
		return nil
	}
	cat := s.catalog(r)
	refuse := func(key string) error {
		return &formError{problems: []archive.Problem{{Path: req.Path, Line: 1, Col: 1, Severity: archive.SeverityError, Message: cat.T(key)}}}
	}
	fh := r.MultipartForm.File["image"][0]
	if fh.Size > maxUpload {
		return refuse("form.upload_too_big")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	if len(data) > maxUpload {
		return refuse("form.upload_too_big")
	}
	ext, ok := uploadTypes[http.DetectContentType(data)]
	if !ok {
		return refuse("form.upload_type")
	}
	snap := s.live.Snapshot()
	exists := func(p string) bool {
		if _, err := s.Store.ReadFile(snap.Commit, p); err == nil {
			return true
		}
		for _, f := range req.Files {
			if f.Path == p {
				return true
			}
		}
		return false
	}
	img := edit.AttachmentPath(req.Path, fh.Filename, ext, exists)
	caption := strings.Map(func(r rune) rune {
		if strings.ContainsRune("[]()\r\n!`*_<>\\", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(r.PostForm.Get("caption")))
	if caption == "" {
		caption = strings.TrimSuffix(path.Base(img), ext)
	}
	link := "![" + caption + "](" + path.Base(img) + ")\n"
	req.Content = appendToBody(req.Content, link)
	req.Files = append(req.Files, SaveFile{Path: img, Data: data})
	return nil
}

// appendToBody adds a paragraph at the end of a record's body.
func appendToBody(content []byte, para string) []byte {
	f, err := edit.Open(content)
	if err != nil {
		sep := "\n"
		if len(content) == 0 || bytes.HasSuffix(content, []byte("\n\n")) {
			sep = ""
		} else if !bytes.HasSuffix(content, []byte("\n")) {
			sep = "\n\n"
		}
		return append(append(content, sep...), para...)
	}
	body := f.Body()
	switch {
	case body == "" || strings.HasSuffix(body, "\n\n"):
	case strings.HasSuffix(body, "\n"):
		body += "\n"
	default:
		body += "\n\n"
	}
	f.SetBody(body + para)
	b, err := f.Bytes()
	if err != nil {
		return content
	}
	return b
}
