package leads_test

import (
	"bytes"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/leads"
)

// FuzzSetStatus feeds arbitrary leads.md content to SetStatus: it must
// never panic, and whatever it returns must read back with the status set,
// and keep the body.
func FuzzSetStatus(f *testing.F) {
	// The seed corpus is in testdata/fuzz/FuzzSetStatus.
	const p = "customers/a/leads.md"
	f.Fuzz(func(t *testing.T, content, id, status, note string) {
		out, err := leads.SetTracked([]byte(content), archive.Tracked{Lead: id, Status: status, By: "xiaoma", Date: archive.Date{Year: 2026, Month: 11, Day: 24}, Note: note})
		if err != nil {
			return
		}
		r := archive.Parse(p, out)
		n := r.AsNeeds()
		if n == nil {
			t.Fatalf("result does not read as leads.md:\n%s", out)
		}
		var last *archive.Tracked
		for i := range n.Tracked {
			if n.Tracked[i].Lead == id {
				last = &n.Tracked[i]
			}
		}
		if last == nil || last.Status != status || last.Note != note {
			t.Fatalf("status or note not set (%+v):\n%s", last, out)
		}
		if before := archive.Parse(p, []byte(content)); len(content) > 0 && before.AsNeeds() != nil && !bytes.Contains([]byte(content), []byte("\r")) && before.Body != r.Body {
			t.Errorf("body changed: %q → %q", before.Body, r.Body)
		}
	})
}
