package site

import (
	"fmt"
	"net/http"

	"github.com/dangan-archive/dangan/archive"
)

// requested is what a page or an API call about one customer or record
// resolves before anything else: the version asked for (?at=, ?v=), the
// snapshot of that version, and who is asking. Pages and the API share it,
// so the route to confidential data has one shape everywhere.
type requested struct {
	at   version
	snap *archive.Snapshot
	view view
}

// requestedFolder resolves /…/customers/{id}: the customer's folder,
// redacted for the viewer; the same 404 for hidden and unknown customers.
func (s *Server) requestedFolder(r *http.Request) (*archive.Folder, requested, error) {
	id := r.PathValue("id")
	if !archive.ValidCustomerID(id) {
		return nil, requested{}, notFound(fmt.Errorf("bad customer id %q", id))
	}
	q, err := s.resolve(r, id)
	if err != nil {
		return nil, q, err
	}
	f, err := q.view.folder(q.snap, id)
	return f, q, err
}

// requestedRecord resolves /…/records/{path...}: one record, redacted for
// the viewer.
func (s *Server) requestedRecord(r *http.Request) (*archive.Record, requested, error) {
	p, err := cleanPathValue(r)
	if err != nil {
		return nil, requested{}, err
	}
	if archive.PlaceOf(p).Kind == "" {
		return nil, requested{}, notFound(fmt.Errorf("%s is not a record", p))
	}
	q, err := s.resolve(r, archive.CustomerOf(p))
	if err != nil {
		return nil, q, err
	}
	rec, err := q.view.record(q.snap, p)
	return rec, q, err
}

func (s *Server) resolve(r *http.Request, customer string) (requested, error) {
	at, err := s.versionOf(r)
	if err != nil {
		return requested{}, err
	}
	snap, err := s.snapshotFor(at, customer)
	if err != nil {
		return requested{}, err
	}
	return requested{at: at, snap: snap, view: s.viewOf(r)}, nil
}
