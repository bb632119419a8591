package topofile_test

import (
	"errors"
	"github.com/dangan-archive/dangan/archive/topofile/zoo"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/topofile"
)

// checkGraph holds for anything a reader accepts: node ids unique, edges
// between existing nodes, and Records keeping every node and edge under
// unique ids.
func checkGraph(t *testing.T, g *topofile.Graph, err error) {
	if err != nil {
		var se *topofile.SyntaxError
		if errors.As(err, &se) && (se.Line < 1 || se.Col < 1) {
			t.Fatalf("error without a position: %v", err)
		}
		return
	}
	ids := map[string]bool{}
	for _, n := range g.Nodes {
		if ids[n.ID] {
			t.Fatalf("node id %q twice", n.ID)
		}
		ids[n.ID] = true
	}
	for _, e := range g.Edges {
		if !ids[e.Source] || !ids[e.Target] {
			t.Fatalf("edge %q → %q to a missing node", e.Source, e.Target)
		}
	}
	devs, topo, _ := g.Records("fuzz")
	seen := map[string]bool{}
	for _, d := range devs.Devices {
		seen[d.ID] = true
	}
	for _, e := range topo.External {
		seen[e.ID] = true
	}
	if len(seen) != len(g.Nodes) || len(topo.Links) != len(g.Edges) {
		t.Fatalf("records: %d ids for %d nodes, %d links for %d edges", len(seen), len(g.Nodes), len(topo.Links), len(g.Edges))
	}
}

func addZooSeeds(f *testing.F, ext string) {
	// Real files as extra seeds when the shared data is here; the
	// committed corpus in testdata/fuzz covers the rest.
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared")); err != nil && os.Getenv("DANGAN_SHARED") == "" {
		return
	}
	if ext != ".gml" {
		return
	}
	dir := zoo.Dir(f)
	for _, name := range []string{"Abilene.gml", "Uninett2011.gml"} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(data)
		}
	}
}

func FuzzReadGML(f *testing.F) {
	f.Add([]byte(sample))
	addZooSeeds(f, ".gml")
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := topofile.ReadGML(strings.NewReader(string(data)))
		checkGraph(t, g, err)
	})
}

func FuzzReadGraphML(f *testing.F) {
	f.Add([]byte(zooGraphML))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := topofile.ReadGraphML(strings.NewReader(string(data)))
		checkGraph(t, g, err)
	})
}
