package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/site"
)

// archiveFlag is --archive. serve may be given it more than once (or
// $DANGAN_ARCHIVE as a list, like PATH): restricted customers then live in
// a repository of their own, which only their staff may clone, and the
// site shows every repository as one archive. The first is the primary:
// its dangan.yaml rules all, its .dangan is the default data folder.
type archiveFlag struct{ a *app }

func (f archiveFlag) String() string { return f.a.archiveDir }
func (f archiveFlag) Type() string   { return "dir" }

func (f archiveFlag) Set(v string) error {
	if !f.a.archiveGiven {
		// The first --archive replaces the environment's list.
		f.a.archiveDir, f.a.moreArchives, f.a.archiveGiven = v, nil, true
		return nil
	}
	f.a.moreArchives = append(f.a.moreArchives, v)
	return nil
}

// archivesFromEnv reads $DANGAN_ARCHIVE: one folder, or several separated
// like PATH.
func (a *app) archivesFromEnv() {
	list := filepath.SplitList(os.Getenv("DANGAN_ARCHIVE"))
	var dirs []string
	for _, d := range list {
		if d = strings.TrimSpace(d); d != "" {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) > 0 {
		a.archiveDir, a.moreArchives = dirs[0], dirs[1:]
	}
}

// oneArchive refuses a list of archives for commands that read one.
func (a *app) oneArchive() error {
	if len(a.moreArchives) > 0 {
		return fmt.Errorf("this command works on one archive, and %d were given (--archive repeated or $DANGAN_ARCHIVE a list): only serve shows several as one", 1+len(a.moreArchives))
	}
	return nil
}

// store is what serve reads: one repository, or the union of several.
type store interface {
	site.Store
	Commit(ctx context.Context, c gitstore.Change) (string, error)
	Close() error
}

// openStore opens every archive given, each with a history cache of its
// own in the data folder.
func (a *app) openStore() (store, string, error) {
	if len(a.moreArchives) == 0 {
		repo, err := a.openRepo()
		if err != nil {
			return nil, "", err
		}
		return repo, repo.Dir(), nil
	}
	more := a.moreArchives
	a.moreArchives = nil // openRepo reads the primary
	defer func() { a.moreArchives = more }()
	primary, err := a.openRepo()
	if err != nil {
		return nil, "", err
	}
	repos := []*gitstore.Repo{primary}
	names := []string{primary.Dir()}
	d, err := a.data()
	if err != nil {
		primary.Close()
		return nil, "", err
	}
	for i, dir := range more {
		r, err := gitstore.Open(dir)
		if err != nil {
			for _, r := range repos {
				r.Close()
			}
			return nil, "", fmt.Errorf("open archive %s: %w", dir, err)
		}
		r.CacheDir = filepath.Join(d, "cache", fmt.Sprintf("archive-%d", i+2))
		r.Logger = a.logger
		repos = append(repos, r)
		names = append(names, r.Dir())
	}
	return gitstore.NewUnion(repos...), strings.Join(names, " + "), nil
}
