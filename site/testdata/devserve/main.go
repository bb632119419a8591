// Command devserve serves the site's test fixture (testdata/v1.txtar and
// v2.txtar committed into a fresh git archive) for looking at the pages by
// hand: go run ./site/testdata/devserve -addr 127.0.0.1:8090
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/diagram"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	dir := flag.String("data", "", "archive folder (default: a new temporary one)")
	role := flag.String("role", "admin", "role of the default viewer")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *dir == "" {
		*dir, _ = os.MkdirTemp("", "dangan-dev")
	}
	repoDir := filepath.Join(*dir, "archive")
	repo, err := gitstore.Open(repoDir)
	if err != nil {
		if repo, err = gitstore.Init(repoDir, false); err != nil {
			log.Fatal(err)
		}
		for i, name := range []string{"v1.txtar", "v2.txtar"} {
			a, err := txtar.ParseFile(filepath.Join("site", "testdata", name))
			if err != nil {
				log.Fatal(err)
			}
			var fs []gitstore.FileChange
			for _, f := range a.Files {
				fs = append(fs, gitstore.FileChange{Path: f.Name, Data: f.Data})
			}
			when := time.Date(2026, time.Month(3+5*i), 1, 10, 0, 0, 0, time.Local)
			repo.Now = func() time.Time { return when }
			head, _ := repo.Head()
			if _, err := repo.Commit(ctx, gitstore.Change{Parent: head, Author: gitstore.Signature{Name: "李强", Email: "liqiang@example.cn", When: when}, Message: "fixture " + name, Files: fs}); err != nil {
				log.Fatal(err)
			}
		}
		repo.Now = nil
	}
	ix, err := index.Open(filepath.Join(*dir, "index"))
	if err != nil {
		log.Fatal(err)
	}
	s := &site.Server{Store: repo, Index: ix, Diagrams: diagram.New(diagram.Config{}),
		DefaultViewer: access.Viewer{Name: "liqiang", DisplayName: "李强", Role: access.Role(*role)}, Logger: slog.Default()}
	if err := s.Open(ctx); err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	log.Printf("archive in %s, serving on http://%s", repoDir, *addr)
	if err := site.Serve(ctx, *addr, s.Handler(), slog.Default(), nil); err != nil {
		log.Fatal(err)
	}
}
