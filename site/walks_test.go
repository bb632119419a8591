package site_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// indexingStore answers History as a Repo does while its history index is
// being built and the bounded walk did not get far: the newest commit
// only, and ErrIndexing.
type indexingStore struct{ *gitstore.Repo }

func (s indexingStore) History(path string, limit int) ([]gitstore.Commit, error) {
	cs, err := s.Repo.History(path, 1)
	if err != nil {
		return nil, err
	}
	return cs, fmt.Errorf("history of %s: %w", path, gitstore.ErrIndexing)
}

// TestHistoryWhileIndexing: the page answers with what there is and says
// the rest is coming; a viewer with a restricted customer out of sight
// gets every message withheld (whose commits touched that customer cannot
// be known yet), one who sees everything reads them.
func TestHistoryWhileIndexing(t *testing.T) {
	fx := newFixture(t)
	ts := newServerOn(t, fx, options{store: indexingStore{fx.Repo}})
	for _, tt := range []struct {
		viewer   string
		withheld bool
	}{
		{"admin", false},
		{"liqiang", true}, // mz-gongan is restricted to wangfang
	} {
		res := ts.get(t, tt.viewer, "/history/customers/mz-renmin-hospital/devices.md")
		if res.StatusCode != 200 {
			t.Fatalf("%s: history while indexing: %d", tt.viewer, res.StatusCode)
		}
		if n := len(findAll(res.Doc, ".note")); n != 1 {
			t.Errorf("%s: %d notes, want the one saying the history is being indexed", tt.viewer, n)
		}
		rows := findAll(res.Doc, "table.history tbody tr")
		if len(rows) != 1 {
			t.Fatalf("%s: rows = %q, want the newest commit", tt.viewer, texts(rows))
		}
		if got := strings.Contains(text(rows[0]), "核心交换机固件升级"); got == tt.withheld {
			t.Errorf("%s: message shown = %v, want %v: %q", tt.viewer, got, !tt.withheld, text(rows[0]))
		}
	}
	// A folder whose newest commits the bounded walk did not reach: an
	// empty list with the note, not "no history".
	res := ts.get(t, "admin", "/history/guides")
	if res.StatusCode == 404 {
		t.Errorf("guides while indexing: 404")
	}
}
