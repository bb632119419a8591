package site

import (
	"net/http"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// readableCommits returns commits as the viewer may read them. A commit
// message is free text that can name anything the commit touched, so:
// the message of a commit that also changed a customer the viewer may not
// see is withheld (one commit may span customers: an import, a bulk fix),
// and values hidden from the viewer are scrubbed from the others, given
// the records the commits are listed with. Author and date stay: they
// say who kept the archive, which every role may know.
func (s *Server) readableCommits(r *http.Request, v view, recs []*archive.Record, cs []gitstore.Commit) []gitstore.Commit {
	if len(cs) == 0 {
		return cs
	}
	withheld, unseen, ok := s.withheldCommits(v)
	out := make([]gitstore.Commit, len(cs))
	for i, c := range cs {
		switch {
		case !ok || withheld[c.Hash]:
			c.Message = s.catalog(r).T("history.message_withheld")
		default:
			c.Message = v.policy.Message(v.Viewer, access.Scrub(c.Message, unseen), recs)
		}
		out[i] = c
	}
	return out
}

// withheldCommits is the set of commits that changed a customer the viewer
// may not see, and the values that identify those customers (a message
// about another customer may name them). It is read from the store's
// per-path history index, so it costs one lookup per such customer. When
// it cannot be known, ok is false and every message is withheld.
func (s *Server) withheldCommits(v view) (_ map[string]bool, unseen []string, ok bool) {
	out := map[string]bool{}
	for f := range v.live.Customers() {
		if !access.Restricted(f) || v.policy.CanSeeFolder(v.Viewer, f) {
			continue
		}
		cs, err := s.Store.History(archive.CustomersDir+"/"+f.ID, 0)
		if err != nil {
			s.Logger.Warn("history of a restricted customer unavailable; withholding every commit message", "customer", f.ID, "err", err)
			return nil, nil, false
		}
		for _, c := range cs {
			out[c.Hash] = true
		}
		unseen = append(unseen, access.Identifying(f)...)
	}
	return out, unseen, true
}

// folderRecords lists a folder's records, for scrubbing messages.
func folderRecords(f *archive.Folder) []*archive.Record {
	if f == nil {
		return nil
	}
	return f.Records()
}
