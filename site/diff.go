package site

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

type diffPage struct {
	Path      string
	Title     string
	From, To  gitstore.Commit
	Diff      *gitstore.Diff
	Redacted  bool // what the viewer may not see was left out of both sides
	TooLarge  bool
	Identical bool
}

// handleDiff shows what changed in a record between two commits.
func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) error {
	p, err := cleanPathValue(r)
	if err != nil {
		return err
	}
	v := s.viewOf(r)
	if archive.PlaceOf(p).Kind == "" || !v.canSeeFile(p) {
		return notFound(fmt.Errorf("diff of %q", p))
	}
	q := r.URL.Query()
	from, err := s.commitParam(q.Get("from"))
	if err != nil {
		return err
	}
	to, err := s.commitParam(q.Get("to"))
	if err != nil {
		return err
	}
	var recs []*archive.Record
	if c := archive.CustomerOf(p); c != "" {
		recs = folderRecords(s.live.Snapshot().Customer(c))
	} else if rec := s.live.Snapshot().Record(p); rec != nil {
		recs = []*archive.Record{rec}
	}
	cs := s.readableCommits(r, v, recs, []gitstore.Commit{from, to})
	page := diffPage{Path: p, Title: p, From: cs[0], To: cs[1]}
	if rec := s.live.Snapshot().Record(p); rec != nil {
		page.Title = recordTitle(s.catalog(r), rec)
	}
	a, aok, err := s.readRedacted(v, from.Hash, p)
	if err != nil {
		return err
	}
	b, bok, err := s.readRedacted(v, to.Hash, p)
	if err != nil {
		return err
	}
	if !aok && !bok {
		return notFound(fmt.Errorf("%s exists in neither %s nor %s", p, short(from.Hash), short(to.Hash)))
	}
	rawA, _ := s.Store.ReadFile(from.Hash, p)
	rawB, _ := s.Store.ReadFile(to.Hash, p)
	if bytes.Equal(a, rawA.Data) && bytes.Equal(b, rawB.Data) {
		page.Diff, err = s.Store.Diff(p, from.Hash, to.Hash)
		if err != nil {
			return err
		}
	} else {
		page.Redacted = true
		page.Diff, page.TooLarge = lineDiff(p, from.Hash, to.Hash, string(a), string(b))
	}
	page.Identical = page.Diff != nil && len(page.Diff.Hunks) == 0 && !page.TooLarge
	return s.renderWith(w, r, http.StatusOK, "diff", layoutData{Title: page.Title, Data: page})
}

// commitParam resolves ?from= or ?to= to a commit.
func (s *Server) commitParam(rev string) (gitstore.Commit, error) {
	if !revPattern.MatchString(rev) {
		return gitstore.Commit{}, notFound(fmt.Errorf("bad commit %q", rev))
	}
	id, err := s.Store.Resolve(rev)
	if err != nil {
		return gitstore.Commit{}, notFound(err)
	}
	c, err := s.Store.CommitInfo(id)
	if err != nil {
		return gitstore.Commit{}, notFound(err)
	}
	return c, nil
}

// readRedacted reads a file at a commit as the viewer may see it; ok is
// false when the file does not exist there (one side of an addition).
func (s *Server) readRedacted(v view, commit, p string) ([]byte, bool, error) {
	f, err := s.Store.ReadFile(commit, p)
	if errors.Is(err, gitstore.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	text, ok := v.text(p, f.Data)
	if !ok {
		return nil, false, notFound(fmt.Errorf("%s hidden from %q", p, v.Viewer.Name))
	}
	return text, true, nil
}

// maxDiffLines bounds the quadratic diff of redacted texts.
const maxDiffLines = 3000

// lineDiff compares two redacted texts line by line (longest common
// subsequence) and returns them as one hunk with every line. It is used
// only when redaction makes git's own diff unusable.
func lineDiff(p, from, to, a, b string) (*gitstore.Diff, bool) {
	d := &gitstore.Diff{Path: p, From: from, To: to}
	if a == b {
		return d, false
	}
	al, bl := splitLines(a), splitLines(b)
	if len(al) > maxDiffLines || len(bl) > maxDiffLines {
		return d, true
	}
	n, m := len(al), len(bl)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	h := gitstore.Hunk{OldStart: 1, NewStart: 1, OldLines: n, NewLines: m}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && al[i] == bl[j]:
			h.Lines = append(h.Lines, gitstore.DiffLine{Op: ' ', Text: al[i], OldNo: i + 1, NewNo: j + 1})
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			h.Lines = append(h.Lines, gitstore.DiffLine{Op: '+', Text: bl[j], NewNo: j + 1})
			j++
		default:
			h.Lines = append(h.Lines, gitstore.DiffLine{Op: '-', Text: al[i], OldNo: i + 1})
			i++
		}
	}
	d.Hunks = []gitstore.Hunk{h}
	return d, false
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
