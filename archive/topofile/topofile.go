// Package topofile reads network topologies drawn or exported by other tools
// (GML as written by the Internet Topology Zoo, NetworkX, yEd and igraph;
// GraphML) so that a technician can start a customer's devices.md and
// topology.md from a file instead of typing every link.
//
// The parsers are strict about syntax and name the line and column of the
// first mistake, because the files come from people and other programs and a
// half-read topology is worse than none. Turning a graph into records
// (Graph.Records) is lenient instead: it keeps every node and edge and
// reports what it had to change as problems.
package topofile

import (
	"fmt"
	"io"
	"path"
	"strings"
)

// Graph is a topology as read from a file, before it becomes records.
type Graph struct {
	Name  string
	Nodes []Node
	Edges []Edge
}

// Node is one vertex. ID is the file's own identifier (GML `id`, GraphML
// `id`), Label the human name (the ID when the file has none). Attrs holds
// every other attribute as written; nested GML lists are flattened with dots
// ("graphics.x").
type Node struct {
	ID, Label string
	Attrs     map[string]string
	Line      int
}

// Edge joins two node IDs. Label is the edge's `label`, or the Topology
// Zoo's `LinkLabel` when it has none (that is where the Zoo writes speeds).
type Edge struct {
	Source, Target string
	Label          string
	Attrs          map[string]string
	Line           int
}

// SyntaxError is a mistake in a topology file, located so that an editor can
// jump to it.
type SyntaxError struct {
	File      string // base name of the file; empty when reading a bare stream
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// MaxSize is the largest file the readers accept. The biggest real topology
// we know (Kdl.gml, 754 nodes) is 170 KB; 32 MB leaves room for real files
// while keeping a hostile upload from taking the server's memory.
const MaxSize = 32 << 20

// Read reads a topology file, choosing the format by the extension of name
// (.gml, .graphml or .xml). Errors name the file.
func Read(name string, r io.Reader) (*Graph, error) {
	var (
		g   *Graph
		err error
	)
	switch ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/"))); ext {
	case ".gml":
		g, err = ReadGML(r)
	case ".graphml", ".xml":
		g, err = ReadGraphML(r)
	default:
		return nil, fmt.Errorf("%s: unknown topology format %q: use a .gml or .graphml file", name, ext)
	}
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			se.File = path.Base(strings.ReplaceAll(name, `\`, "/"))
			return nil, se
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return g, nil
}

// readAll reads at most MaxSize bytes and says so when there is more.
func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read topology: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("topology file larger than %d MB", MaxSize>>20)
	}
	return data, nil
}
