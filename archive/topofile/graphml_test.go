package topofile_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive/topofile"
)

const zooGraphML = `<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key attr.name="label" attr.type="string" for="node" id="d1"/>
  <key attr.name="Internal" attr.type="int" for="node" id="d2"><default>1</default></key>
  <key attr.name="LinkLabel" attr.type="string" for="edge" id="d3"/>
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <key attr.name="name" for="graph" id="d0"/>
  <graph edgedefault="undirected" id="G">
    <data key="d0">米脂分公司</data>
    <node id="0"><data key="d1">电信 OLT</data><data key="d2">0</data></node>
    <node id="1"><data key="d6"><y:ShapeNode><y:Geometry x="1"/><y:NodeLabel>核心交换机</y:NodeLabel></y:ShapeNode></data></node>
    <node id="2">
      <graph id="sub">
        <node id="2.1"><data key="d1">AP &amp; 控制器</data></node>
      </graph>
    </node>
    <edge source="0" target="1"><data key="d3">1 Gbit/s</data></edge>
    <edge source="1" target="2.1"/>
  </graph>
</graphml>`

func TestReadGraphML(t *testing.T) {
	g, err := topofile.ReadGraphML(strings.NewReader(zooGraphML))
	if err != nil {
		t.Fatal(err)
	}
	want := &topofile.Graph{Name: "米脂分公司",
		Nodes: []topofile.Node{
			{ID: "0", Label: "电信 OLT", Attrs: map[string]string{"Internal": "0"}, Line: 10},
			{ID: "1", Label: "核心交换机", Attrs: map[string]string{"Internal": "1"}, Line: 11},
			{ID: "2", Label: "2", Attrs: map[string]string{"Internal": "1"}, Line: 12},
			{ID: "2.1", Label: "AP & 控制器", Attrs: map[string]string{"Internal": "1"}, Line: 14},
		},
		Edges: []topofile.Edge{
			{Source: "0", Target: "1", Label: "1 Gbit/s", Attrs: map[string]string{"LinkLabel": "1 Gbit/s"}, Line: 17},
			{Source: "1", Target: "2.1", Attrs: map[string]string{}, Line: 18},
		},
	}
	if d := cmp.Diff(want, g); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

func TestReadGraphMLErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<graphml>\n<graph>\n<node id=\"a\">\n</graph>", "t.graphml:4:"},
		{"<graph/>", "t.graphml:1:1: expected <graphml>, found <graph>"},
		{"<graphml><graph>\n<node/></graph></graphml>", "t.graphml:2:1: <node> without an id"},
		{"<graphml><graph>\n<node id=\"a\"/>\n<node id=\"a\"/></graph></graphml>", `t.graphml:3:1: node id "a" already used by the node on line 2`},
		{"<graphml><graph><node id=\"a\"/>\n<edge source=\"a\" target=\"b\"/></graph></graphml>", `t.graphml:2:1: edge target "b" is not the id of any node`},
		{"<graphml><graph><edge source=\"a\"/></graph></graphml>", "t.graphml:1:17: <edge> without a source and a target"},
		{"<graphml><key/></graphml>", "t.graphml:1:10: <key> without an id"},
		{"<graphml><graph><node id=\"a\"><data>x</data></node></graph></graphml>", "t.graphml:1:30: <data> without a key"},
		{"", "t.graphml:1:1: no <graphml> element in the file"},
		{"<graphml>&bad;</graphml>", "t.graphml:1:"},
	}
	for _, tt := range tests {
		_, err := topofile.Read("t.graphml", strings.NewReader(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Read(%q):\n got %v\nwant prefix %s", tt.in, err, tt.want)
		}
	}
}
