package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/topofile/zoo"
)

// TestImportZoo imports every real topology of the shared Topology Zoo
// files into a new customer and checks that the archive has no error, and
// that importing the same file again changes nothing.
func TestImportZoo(t *testing.T) {
	dir := zoo.Dir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if ext != ".gml" && ext != ".graphml" {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m := memArchive{}
			cust := "zoo-" + strings.ToLower(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())))
			p, err := Build(m.snapshot(t), m.read, e.Name(), data, Options{Kind: Topology, Customer: cust})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Customers) != 1 || !p.Customers[0].New || p.Customers[0].Added == 0 || p.Customers[0].Links == 0 {
				t.Fatalf("plan = %+v", p.Customers)
			}
			after := m.apply(p)
			if errs := errorsIn(t, after); len(errs) > 0 {
				t.Fatalf("%d errors after import, first: %s", len(errs), errs[0])
			}
			again, err := Build(after.snapshot(t), after.read, e.Name(), data, Options{Kind: Topology, Customer: cust})
			if err != nil {
				t.Fatal(err)
			}
			if !again.Empty() {
				t.Errorf("importing %s again changes %d files, want none", e.Name(), len(again.Files))
			}
		})
	}
	if n == 0 {
		t.Fatal("no zoo files found")
	}
}
