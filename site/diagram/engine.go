package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Engine lays out a DOT graph and writes it as SVG.
type Engine interface {
	// Render runs layout ("dot", "sfdp") on src. ctx bounds the wait to
	// start; whether a layout already running can be stopped depends on
	// the engine (see each).
	Render(ctx context.Context, src []byte, layout string) ([]byte, error)
}

// Graphviz is the default engine: Graphviz 12 compiled to WebAssembly and
// run in process by go-graphviz, so the site needs no system package.
//
// go-graphviz keeps one WebAssembly instance for the whole process, with one
// memory and one allocator: it is not safe for concurrent use. Every
// Graphviz value therefore shares one slot (wasmSlot), taken for the whole
// parse-layout-render-free sequence. The instance cannot be interrupted
// either (its runtime is not built to close on context cancellation), so a
// layout that has started runs to its end; the Renderer bounds the work
// instead (node limits, simpler layout for big graphs) and stops waiting at
// its deadline.
type Graphviz struct{}

// wasmSlot guards the process-wide WebAssembly instance of go-graphviz. It
// is a package variable because the thing it guards is one too: two
// Renderers must not use the instance at the same time either.
var wasmSlot = struct {
	ch   chan struct{}
	once sync.Once
	gv   *graphviz.Graphviz
	err  error
}{ch: make(chan struct{}, 1)}

// Render implements Engine. It gives up with ctx's error only while
// waiting for the instance.
func (Graphviz) Render(ctx context.Context, src []byte, layout string) (out []byte, err error) {
	select {
	case wasmSlot.ch <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for graphviz: %w", ctx.Err())
	}
	defer func() { <-wasmSlot.ch }()
	defer func() {
		// A bug in the C code surfaces as a panic of the bindings; one bad
		// picture must not take the site down.
		if p := recover(); p != nil {
			err = fmt.Errorf("graphviz %s: panic: %v", layout, p)
		}
	}()
	// Background: the instance cannot stop half-way (see the type's doc), and
	// a cancelled context would leave graphviz's memory in an unknown state.
	bg := context.Background()
	wasmSlot.once.Do(func() { wasmSlot.gv, wasmSlot.err = graphviz.New(bg) })
	if wasmSlot.err != nil {
		return nil, fmt.Errorf("start graphviz: %w", wasmSlot.err)
	}
	g, err := graphviz.ParseBytes(src)
	if err != nil {
		return nil, fmt.Errorf("graphviz: read DOT: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	gv := wasmSlot.gv.SetLayout(graphviz.Layout(layout))
	if err := gv.Render(bg, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("graphviz %s: %w", layout, err)
	}
	if buf.Len() == 0 {
		return nil, errors.New("graphviz " + layout + ": empty output")
	}
	return buf.Bytes(), nil
}

// Command runs Graphviz's own programs (Debian's graphviz package: dot,
// sfdp) in a child process. It is faster on big graphs (Kdl: 0.18 s against
// 0.42 s) and a layout can be killed at the deadline, but the machine needs
// the package installed.
type Command struct {
	// Dir is where the programs are; empty means $PATH.
	Dir string
}

// Render implements Engine; the process is killed when ctx ends.
func (c Command) Render(ctx context.Context, src []byte, layout string) ([]byte, error) {
	switch layout {
	case "dot", "sfdp", "neato", "fdp", "twopi", "circo":
	default:
		return nil, fmt.Errorf("unknown graphviz layout %q", layout)
	}
	prog := layout
	if c.Dir != "" {
		prog = c.Dir + "/" + layout
	}
	cmd := exec.CommandContext(ctx, prog, "-Tsvg")
	cmd.Stdin = bytes.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", layout, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %w: %s", layout, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}
