package site

import (
	"fmt"
	"net/http"

	"github.com/dangan-archive/dangan/archive"
)

type recordPage struct {
	View     *recordView
	At       version
	Customer string // the customer's name, for the breadcrumb
	Hidden   bool   // the record exists but nothing of it may be shown raw
}

// cleanPathValue reads {path...} and refuses anything outside the archive.
func cleanPathValue(r *http.Request) (string, error) {
	p, ok := archive.CleanPath(r.PathValue("path"))
	if !ok {
		return "", notFound(fmt.Errorf("bad path %q", r.PathValue("path")))
	}
	return p, nil
}

// handleRecord shows one record: its fields as tables, its body, its
// problems; now, as of a day or at a commit.
func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request) error {
	rec, q, err := s.requestedRecord(r)
	if err != nil {
		return err
	}
	at, snap := q.at, q.snap
	page := recordPage{View: s.newRecordView(rec, snap.Settings, s.recordToday(at), at.Pin()), At: at}
	if !at.Past {
		s.markEditable(r, page.View)
	}
	if c := rec.Customer; c != "" {
		if f := snap.Customer(c); f != nil {
			page.Customer = f.Name()
		}
	}
	return s.renderWith(w, r, http.StatusOK, "record", layoutData{Title: recordTitle(s.catalog(r), rec), Data: page})
}

func (s *Server) recordToday(at version) archive.Date {
	if at.Past && !at.At.IsZero() {
		return at.At
	}
	return s.today()
}
