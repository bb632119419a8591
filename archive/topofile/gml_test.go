package topofile_test

import (
	"github.com/dangan-archive/dangan/archive/topofile/zoo"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive/topofile"
)

// The counts of the shared data's README. The files hold exactly these
// (checked when the test was written: Cernet and Chinanet are listed in
// that order there, with 41/59 and 42/66).
var zooFiles = []struct {
	file         string
	name         string
	nodes, edges int
	external     int
}{
	{"Abilene.gml", "Abilene", 11, 14, 0},
	{"Chinanet.gml", "Chinanet", 42, 66, 4},
	{"Cernet.gml", "Cernet", 41, 59, 4},
	{"Uninett2011.gml", "Uninett2011", 69, 98, 3},
	{"Cogentco.gml", "Cogentco", 197, 245, 0},
	{"Kdl.gml", "Kdl", 754, 899, 0},
}

func TestReadZoo(t *testing.T) {
	dir := zoo.Dir(t)
	for _, z := range zooFiles {
		t.Run(z.file, func(t *testing.T) {
			g := mustRead(t, filepath.Join(dir, z.file))
			if g.Name != z.name || len(g.Nodes) != z.nodes || len(g.Edges) != z.edges {
				t.Errorf("got %q with %d nodes, %d edges; want %q with %d, %d", g.Name, len(g.Nodes), len(g.Edges), z.name, z.nodes, z.edges)
			}
			for _, n := range g.Nodes {
				if n.Label == "" || n.Line == 0 {
					t.Errorf("node %s: empty label or line: %+v", n.ID, n)
				}
			}
		})
	}
}

func mustRead(tb testing.TB, path string) *topofile.Graph {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	g, err := topofile.Read(filepath.Base(path), f)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func TestReadGML(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *topofile.Graph
	}{
		{
			name: "zoo style",
			in: `graph [
  label "Abilene"
  node [ id 0 label "New York" Longitude -74.00597 Internal 1 ]
  node [ id 1 label "Chicago" ]
  edge [ source 0 target 1 LinkLabel "OC-192c" ]
]`,
			want: &topofile.Graph{Name: "Abilene",
				Nodes: []topofile.Node{
					{ID: "0", Label: "New York", Attrs: map[string]string{"Longitude": "-74.00597", "Internal": "1"}, Line: 3},
					{ID: "1", Label: "Chicago", Attrs: map[string]string{}, Line: 4},
				},
				Edges: []topofile.Edge{{Source: "0", Target: "1", Label: "OC-192c", Attrs: map[string]string{"LinkLabel": "OC-192c"}, Line: 5}},
			},
		},
		{
			name: "escapes, comments, nesting, edges first, string ids",
			in: "\ufeff# exported by hand\r\nCreator \"yEd\"\r\ngraph [ directed 1 Network \"Net\"\r\n" +
				"  edge [ source \"a\" target \"b\" label \"1 Gbit/s\" graphics [ width 2.5e0 ] ]\r\n" +
				"  node [ id \"a\" label \"AT&amp;T &#26680;&#24515; \\\"core\\\"\" ]\r\n" +
				"  node [ id \"b\" label \"多行\n标签\" ] # trailing comment\r\n]\r\n",
			want: &topofile.Graph{Name: "Net",
				Nodes: []topofile.Node{
					{ID: "a", Label: `AT&T 核心 "core"`, Attrs: map[string]string{}, Line: 5},
					{ID: "b", Label: "多行\n标签", Attrs: map[string]string{}, Line: 6},
				},
				Edges: []topofile.Edge{{Source: "a", Target: "b", Label: "1 Gbit/s", Attrs: map[string]string{"graphics.width": "2.5e0"}, Line: 4}},
			},
		},
		{
			name: "latin-1 bytes and a node without a label",
			in:   "graph [ node [ id 7 label \"Troms\xf8\" ] node [ id 8 ] ]",
			want: &topofile.Graph{Nodes: []topofile.Node{
				{ID: "7", Label: "Tromsø", Attrs: map[string]string{}, Line: 1},
				{ID: "8", Label: "8", Attrs: map[string]string{}, Line: 1},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := topofile.ReadGML(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, g); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestReadGMLErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"graph [\n  node [ id 1 ]\n", "Kdl.gml:3:1: expected ']' to close the list opened at 1:7, found the end of the file"},
		{"graph [\n  node [ id 1 label \"New York ]\n]", `Kdl.gml:2:21: string opened here is never closed: expected '"'`},
		{"graph [ node [ label \"x\" ] ]", "Kdl.gml:1:9: node without an id"},
		{"graph [\n node [ id 1 ]\n node [ id 1 ]\n]", "Kdl.gml:3:2: node id 1 already used by the node on line 2"},
		{"graph [ node [ id 1 ]\n edge [ source 1\n target 2 ] ]", "Kdl.gml:3:2: edge target 2 is not the id of any node"},
		{"graph [ edge [ source 1 ] ]", "Kdl.gml:1:9: edge without a source and a target"},
		{"graph [ node [ id 1x ] ]", `Kdl.gml:1:19: "1x" is not a number`},
		{"graph [ node [ id 1-2 ] ]", `Kdl.gml:1:19: "1-2" is not a number`},
		{"graph [ node [ id ] ]", `Kdl.gml:1:19: expected a value for "id" (a number, a "string" or a [ list ]), found ']'`},
		{"graph [ 12 ]", "Kdl.gml:1:9: expected a key or ']', found '1'"},
		{"]", "Kdl.gml:1:1: unexpected ']' with no list open"},
		{"Creator \"x\"", "Kdl.gml:1:1: no graph [ ... ] in the file"},
		{"graph 1", "Kdl.gml:1:1: graph must be a list: graph [ ... ]"},
		{"graph [ node 1 ]", "Kdl.gml:1:9: node must be a list: node [ id ... ]"},
		{"graph [ label", `Kdl.gml:1:14: expected a value for "label", found the end of the file`},
		{strings.Repeat("a [ ", 70), "Kdl.gml:1:259: lists nested more than 64 deep"},
	}
	for _, tt := range tests {
		_, err := topofile.Read("dir/Kdl.gml", strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Read(%q):\n got %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestReadByExtension(t *testing.T) {
	if _, err := topofile.Read("net.dot", strings.NewReader("")); err == nil || !strings.Contains(err.Error(), `unknown topology format ".dot"`) {
		t.Errorf("Read(.dot) = %v, want an unknown format error", err)
	}
	g, err := topofile.Read(`C:\exports\NET.GraphML`, strings.NewReader(`<graphml><graph id="G"><node id="a"/></graph></graphml>`))
	if err != nil || len(g.Nodes) != 1 {
		t.Errorf("Read(.GraphML) = %+v, %v", g, err)
	}
	_, err = topofile.Read(`C:\exports\bad.xml`, strings.NewReader(`<graphml><graph>`))
	if err == nil || !strings.HasPrefix(err.Error(), "bad.xml:1:") {
		t.Errorf("Read(bad.xml) error = %v, want it to start with bad.xml:1:", err)
	}
}

func BenchmarkReadGML(b *testing.B) {
	dir := zoo.Dir(b)
	for _, name := range []string{"Abilene.gml", "Kdl.gml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := topofile.ReadGML(strings.NewReader(string(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
