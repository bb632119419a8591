package topofile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// GraphML is XML: <key> elements declare attributes (id → attr.name, with an
// optional <default>), <graph> holds <node id> and <edge source target>, and
// <data key> children carry the values. yEd writes labels inside nested
// graphics elements (<y:NodeLabel>); the text of a <data> element is all the
// text inside it, which covers both.
//
// Nested graphs (a <graph> inside a <node>) are flattened: their nodes and
// edges belong to the one topology.

type graphmlKey struct {
	name, domain, def string
	hasDef            bool
}

// ReadGraphML reads a GraphML graph.
func ReadGraphML(r io.Reader) (*Graph, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, err
	}
	return parseGraphML(data)
}

type graphmlEdge struct {
	e           Edge
	sLine, sCol int
}

func parseGraphML(data []byte) (*Graph, error) {
	dec := xml.NewDecoder(bytes.NewReader(trimBOM(data)))
	dec.Strict = true
	keys := map[string]graphmlKey{}
	out := &Graph{}
	seen := map[string]int{}
	var edges []graphmlEdge

	// The element being filled: a node, an edge or the graph itself.
	var (
		cur        map[string]string
		curNode    *Node
		curEdge    *graphmlEdge
		dataKey    string
		dataDepth  int // depth of the open <data>, 0 when none
		dataText   strings.Builder
		keyOpen    *graphmlKey
		keyID      string
		inDefault  bool
		depth      int
		sawGraphML bool
		graphDepth int
		graphAttrs = map[string]string{}
	)
	// A stack of what each open element was, to know what </x> closes.
	type frame struct{ node, edge bool }
	var stack []frame

	for {
		line, col := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			l, c := dec.InputPos()
			if errors.As(err, &se) {
				return nil, &SyntaxError{Line: max(se.Line, 1), Col: colIfSameLine(l, c, se.Line), Msg: "XML: " + se.Msg}
			}
			return nil, &SyntaxError{Line: max(l, 1), Col: max(c, 1), Msg: "XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			stack = append(stack, frame{})
			if dataDepth > 0 {
				continue // graphics inside <data>: only its text counts
			}
			if depth == 1 {
				if t.Name.Local != "graphml" {
					return nil, &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf("expected <graphml>, found <%s>", t.Name.Local)}
				}
				sawGraphML = true
				continue
			}
			switch t.Name.Local {
			case "key":
				k := graphmlKey{domain: attr(t, "for")}
				k.name = attr(t, "attr.name")
				keyID = attr(t, "id")
				if keyID == "" {
					return nil, &SyntaxError{Line: line, Col: col, Msg: "<key> without an id"}
				}
				if k.name == "" {
					k.name = keyID
					if strings.HasSuffix(attr(t, "yfiles.type"), "graphics") {
						// yEd's drawing: its text is the label.
						k.name = "graphics.label"
					}
				}
				keyOpen = &k
			case "default":
				if keyOpen != nil {
					inDefault = true
					dataText.Reset()
				}
			case "graph":
				if graphDepth == 0 {
					graphDepth = depth
					if id := attr(t, "id"); id != "" {
						out.Name = id
					}
					cur = graphAttrs
				}
			case "node":
				id := attr(t, "id")
				if id == "" {
					return nil, &SyntaxError{Line: line, Col: col, Msg: "<node> without an id"}
				}
				if first, dup := seen[id]; dup {
					return nil, &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf("node id %q already used by the node on line %d", id, first)}
				}
				seen[id] = line
				out.Nodes = append(out.Nodes, Node{ID: id, Line: line, Attrs: map[string]string{}})
				curNode = &out.Nodes[len(out.Nodes)-1]
				curEdge = nil
				cur = curNode.Attrs
				stack[len(stack)-1].node = true
			case "edge":
				src, tgt := attr(t, "source"), attr(t, "target")
				if src == "" || tgt == "" {
					return nil, &SyntaxError{Line: line, Col: col, Msg: "<edge> without a source and a target"}
				}
				edges = append(edges, graphmlEdge{e: Edge{Source: src, Target: tgt, Line: line, Attrs: map[string]string{}}, sLine: line, sCol: col})
				curEdge = &edges[len(edges)-1]
				curNode = nil
				cur = curEdge.e.Attrs
				stack[len(stack)-1].edge = true
			case "data":
				dataKey = attr(t, "key")
				if dataKey == "" {
					return nil, &SyntaxError{Line: line, Col: col, Msg: "<data> without a key"}
				}
				dataDepth = depth
				dataText.Reset()
			}
		case xml.CharData:
			if dataDepth > 0 || inDefault {
				dataText.Write(t)
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case dataDepth == depth:
				dataDepth = 0
				if cur != nil {
					name := dataKey
					if k, ok := keys[dataKey]; ok {
						name = k.name
					}
					cur[name] = strings.TrimSpace(dataText.String())
				}
			case dataDepth > 0:
			case t.Name.Local == "default" && inDefault:
				inDefault = false
				keyOpen.def, keyOpen.hasDef = strings.TrimSpace(dataText.String()), true
			case t.Name.Local == "key" && keyOpen != nil:
				keys[keyID] = *keyOpen
				keyOpen = nil
			case f.node || f.edge:
				// Back to the enclosing graph, whose own <data> may follow.
				curNode, curEdge, cur = nil, nil, nil
				if graphDepth > 0 {
					cur = graphAttrs
				}
			case depth == graphDepth:
				graphDepth = 0
				cur = nil
			}
			depth--
		}
	}
	if !sawGraphML {
		return nil, &SyntaxError{Line: 1, Col: 1, Msg: "no <graphml> element in the file"}
	}
	if n := graphAttrs["name"]; n != "" {
		out.Name = n
	} else if n := graphAttrs["label"]; n != "" {
		out.Name = n
	}
	for i := range out.Nodes {
		n := &out.Nodes[i]
		applyDefaults(n.Attrs, keys, "node")
		n.Label = take(n.Attrs, "label", "name", "graphics.label")
		if n.Label == "" {
			n.Label = n.ID
		}
	}
	for _, ge := range edges {
		e := ge.e
		if _, ok := seen[e.Source]; !ok {
			return nil, &SyntaxError{Line: ge.sLine, Col: ge.sCol, Msg: fmt.Sprintf("edge source %q is not the id of any node", e.Source)}
		}
		if _, ok := seen[e.Target]; !ok {
			return nil, &SyntaxError{Line: ge.sLine, Col: ge.sCol, Msg: fmt.Sprintf("edge target %q is not the id of any node", e.Target)}
		}
		applyDefaults(e.Attrs, keys, "edge")
		e.Label = take(e.Attrs, "label", "graphics.label")
		if e.Label == "" {
			e.Label = e.Attrs["LinkLabel"]
		}
		out.Edges = append(out.Edges, e)
	}
	return out, nil
}

// colIfSameLine returns the decoder's column when it stopped on the line
// of the error, else 1: encoding/xml reports only the line.
func colIfSameLine(l, c, errLine int) int {
	if l == errLine {
		return max(c, 1)
	}
	return 1
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func applyDefaults(attrs map[string]string, keys map[string]graphmlKey, domain string) {
	for _, k := range keys {
		if !k.hasDef || (k.domain != domain && k.domain != "all" && k.domain != "") {
			continue
		}
		if _, ok := attrs[k.name]; !ok {
			attrs[k.name] = k.def
		}
	}
}

// take removes and returns the first of the named attributes present.
func take(attrs map[string]string, names ...string) string {
	for _, n := range names {
		if v, ok := attrs[n]; ok {
			delete(attrs, n)
			return v
		}
	}
	return ""
}
