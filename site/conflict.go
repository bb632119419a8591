package site

import (
	"net/http"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// conflictData is what conflict.html shows: the file as it is now, the
// text the person tried to save, what changed on each side, and the merge.
type conflictData struct {
	Path    string
	Title   string
	Action  string // the text editor's save address
	Message string // the commit message typed, kept
	// Theirs is the file now, at TheirsVersion, last changed by Last;
	// Deleted when someone removed it.
	Theirs        string
	TheirsVersion string
	Deleted       bool
	Last          *gitstore.Commit
	Yours         string
	// Attachment is set for a file that is not a record (a photo): no
	// text to show or merge, only that the name is taken.
	Attachment bool
	// Merged is the automatic merge: Clean when the changes do not
	// overlap; else it holds conflict markers around each overlap.
	HasMerge  bool
	Clean     bool
	Conflicts int
	Merged    string
	// Changes are the stretches where the two versions differ, side by
	// side; unchanged stretches between them are counted, not shown.
	Changes []changeView
}

// changeView is one stretch of a conflict, side by side.
type changeView struct {
	Same     int // lines all three versions share before this change
	Base     string
	Theirs   string
	Yours    string
	Conflict bool
	Line     int // the first line of the change in theirs
}

// renderConflict shows the conflict page for a save that found the file
// changed since the person's version: both versions side by side, the
// merge when the changes do not overlap, and the text typed in a text area
// that saves again on the new version (posting to the text editor). Any
// handler whose Save returns a *SaveConflict answers with it; message is
// the commit message to keep. A conflict on an attachment (c.Path is not a
// record: a photo whose name someone else took) only says so: a form that
// saved a record with it should show itself again with what was typed.
func (s *Server) renderConflict(w http.ResponseWriter, r *http.Request, c *SaveConflict, message string) error {
	d := conflictData{
		Path: c.Path, Title: c.Path, Action: sourceURL(c.Path), Message: message,
		Theirs: string(c.Theirs), TheirsVersion: c.TheirsVersion, Deleted: c.Theirs == nil,
		Yours: string(c.Yours),
	}
	if archive.PlaceOf(c.Path).Kind == "" && c.Path != archive.SettingsFile {
		d.Attachment, d.Theirs, d.Yours = true, "", ""
		return s.render(w, r, http.StatusConflict, "conflict", "edit.conflict.title", d, d.Title)
	}
	s.viewOf(r).audited(archive.CustomerOf(c.Path), c.Path) // theirs is shown: a read
	if rec := s.live.Snapshot().Record(c.Path); rec != nil {
		d.Title = recordTitle(s.catalog(r), rec)
	}
	if hist, err := s.Store.History(c.Path, 1); err == nil && len(hist) > 0 && !d.Deleted {
		last := hist[0]
		d.Last = &last
	}
	if c.Merge != nil {
		d.HasMerge, d.Clean, d.Conflicts, d.Merged = true, c.Merge.Clean(), c.Merge.Conflicts, string(c.Merge.Text)
		same, line := 0, 1
		for _, ch := range c.Merge.Chunks {
			stable := len(ch.Base) == len(ch.Yours) && len(ch.Base) == len(ch.Theirs) && strings.Join(ch.Base, "") == strings.Join(ch.Yours, "") && strings.Join(ch.Base, "") == strings.Join(ch.Theirs, "")
			if stable {
				same += len(ch.Base)
			} else {
				d.Changes = append(d.Changes, changeView{Same: same, Base: strings.Join(ch.Base, ""), Theirs: strings.Join(ch.Theirs, ""), Yours: strings.Join(ch.Yours, ""), Conflict: ch.Conflict, Line: line})
				same = 0
			}
			line += len(ch.Theirs)
		}
	}
	if c.Merge == nil || !c.Merge.Clean() {
		// Without a clean merge the text area starts from the person's
		// own text; the marked merge is offered beside it.
		d.Clean = false
	}
	return s.render(w, r, http.StatusConflict, "conflict", "edit.conflict.title", d, d.Title)
}
