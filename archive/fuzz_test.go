package archive_test

import (
	"testing"

	"github.com/dangan-archive/dangan/archive"
)

// FuzzParse feeds arbitrary bytes to the record parser at every kind of
// path: it must never panic, and every problem must point inside the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\nkind: customer\nname: 甲\n---\n",
		"---\nkind: devices\ndevices:\n  - {id: a, utilisation: 9}\n  - {id: a}\n---\n",
		"---\nkind: visit\ntype: repair\ntechnician: x\narrived: 2026-01-01T10:00\n---\nbody",
		"---\n[\n---\n",
		"\ufeff---\r\nkind: leads\r\n---\r\n",
		"---\nkind: topology\nlinks: [{from: a, to: b}]\n---\n",
		"---\nkind: spares\nparts: {a: 1}\n---\n",
		"\xb1\xe0\xc2\xeb",
	} {
		f.Add(s, 0)
	}
	paths := []string{"customers/a/customer.md", "customers/a/devices.md", "customers/a/topology.md", "customers/a/progress.md",
		"customers/a/training.md", "customers/a/spares.md", "customers/a/leads.md", "customers/a/visits/x.md", "customers/a/notes/n.md", "guides/g.md"}
	f.Fuzz(func(t *testing.T, text string, which int) {
		p := paths[uint(which)%uint(len(paths))]
		r := archive.Parse(p, []byte(text))
		if r == nil {
			t.Fatal("nil record")
		}
		lines := 1
		for _, c := range text {
			if c == '\n' {
				lines++
			}
		}
		for _, pr := range r.Problems {
			if pr.Line < 1 || pr.Line > lines+1 || pr.Col < 1 {
				t.Errorf("problem outside the file (%d lines): %v", lines, pr)
			}
		}
		archive.ParseSettings([]byte(text))
	})
}
