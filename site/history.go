package site

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

type historyPage struct {
	Path     string
	Folder   bool   // a customer folder (or guides), not one record
	Customer string // customer id, for folder links
	Name     string // what the history is of, for the heading
	Commits  []gitstore.Commit
	Limit    int
	Indexing bool // the history index is still being built: Commits are the most recent only
}

const historyLimit = 200

// handleHistory lists the commits that changed a record, a customer's
// folder or the guides, newest first, with a form to compare two versions.
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) error {
	p, err := cleanPathValue(r)
	if err != nil {
		return err
	}
	v := s.viewOf(r)
	page := historyPage{Path: p, Limit: historyLimit}
	live := s.live.Snapshot()
	parts := strings.Split(p, "/")
	switch {
	case len(parts) == 2 && parts[0] == archive.CustomersDir:
		page.Folder, page.Customer = true, parts[1]
		f, err := v.folder(live, parts[1])
		if err != nil {
			return err
		}
		page.Name = f.Name()
	case p == archive.GuidesDir:
		page.Folder = true
		page.Name = s.catalog(r).T("guides.title")
	case archive.PlaceOf(p).Kind != "" && v.canSeeFile(p):
		page.Name = p
		if rec := live.Record(p); rec != nil {
			page.Name = recordTitle(s.catalog(r), rec)
			if f := live.Customer(rec.Customer); f != nil && rec.Kind != archive.KindCustomer {
				page.Name = f.Name() + " · " + page.Name
			}
		}
		page.Customer = archive.CustomerOf(p)
	default:
		return notFound(fmt.Errorf("history of %q", p))
	}
	page.Commits, err = s.Store.History(p, historyLimit)
	// While the index is being built the store answers within a bound
	// with the most recent commits: show them and say so. The messages
	// are withheld as usual (readableCommits cannot know every commit of
	// a restricted customer yet, so it withholds them all).
	page.Indexing = errors.Is(err, gitstore.ErrIndexing)
	if err != nil && !page.Indexing {
		return err
	}
	if len(page.Commits) == 0 && !page.Indexing {
		return notFound(fmt.Errorf("no history for %q", p))
	}
	var recs []*archive.Record
	if page.Customer != "" {
		recs = folderRecords(live.Customer(page.Customer))
	} else if rec := live.Record(p); rec != nil {
		recs = []*archive.Record{rec}
	} else if page.Folder {
		recs = live.Guides()
	}
	page.Commits = s.readableCommits(r, v, recs, page.Commits)
	return s.renderWith(w, r, http.StatusOK, "history", layoutData{Title: page.Name, Data: page})
}
