package diagram_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/site/diagram"
)

// BenchmarkRender draws each topology-zoo file through the whole Renderer
// (records to sanitized SVG) with the default in-process engine, uncached.
// Kdl (754 nodes) goes through sfdp, the others through dot.
func BenchmarkRender(b *testing.B) {
	for _, z := range zooInputs(b) {
		b.Run(z.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := diagram.New(diagram.Config{Timeout: 5 * time.Minute}) // a new cache each time
				out, err := r.SVG(context.Background(), z.input)
				if err != nil || out.SVG == nil {
					b.Fatal(out.Message, err)
				}
				b.ReportMetric(float64(len(out.SVG))/1024, "KB-svg")
			}
		})
	}
}

// BenchmarkEngine compares the two engines on the same inputs:
// go-graphviz in process against Debian's dot/sfdp in a child process
// (skipped where the package is not installed).
func BenchmarkEngine(b *testing.B) {
	engines := map[string]diagram.Engine{"graphviz-wasm": diagram.Graphviz{}}
	if _, err := exec.LookPath("dot"); err == nil {
		engines["command"] = diagram.Command{}
	}
	for _, z := range zooInputs(b) {
		for name, eng := range engines {
			b.Run(z.name+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r := diagram.New(diagram.Config{Engine: eng, Timeout: 5 * time.Minute})
					if _, err := r.SVG(context.Background(), z.input); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
