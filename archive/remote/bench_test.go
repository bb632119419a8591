package remote

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/demo"
)

// benchServer is a git server holding a demo archive of n customers.
func benchServer(b *testing.B, n int) *gitServer {
	b.Helper()
	gs := newGitServer(b)
	wt := filepath.Join(b.TempDir(), "demo")
	if _, err := demo.Write(context.Background(), wt, demo.Options{Customers: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := os.RemoveAll(gs.Dir); err != nil {
		b.Fatal(err)
	}
	run(b, filepath.Dir(gs.Dir), "clone", "--quiet", "--bare", wt, gs.Dir)
	run(b, gs.Dir, "config", "http.receivepack", "true")
	return gs
}

// BenchmarkSync measures, over git http-backend on loopback, the first
// clone of a demo archive, an idle sync (fetch, nothing new) and a web
// save pushed (commit, fetch, push).
//
//	go test -run '^$' -bench Sync -benchtime 20x ./archive/remote
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			gs := benchServer(b, n)
			start := time.Now()
			r := newReplica(b, gs, "A")
			clone := time.Since(start)
			b.Run("clone", func(b *testing.B) {
				b.ReportMetric(float64(clone.Milliseconds()), "ms/clone")
				b.ReportMetric(0, "ns/op")
			})
			b.Run("idle", func(b *testing.B) {
				for b.Loop() {
					if err := r.sync.Sync(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("save-and-push", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					r.save(b, "customers/bench/notes/n.md", fmt.Sprintf("save %d\n", i))
					if err := r.sync.Sync(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
