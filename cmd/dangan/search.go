package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
)

// syncIndex brings the index in the data folder to the archive's head,
// rebuilding it when asked or when it cannot be updated. gc, when not
// nil, is fitted to the archive once it is parsed.
func (a *app) syncIndex(ctx context.Context, repo *gitstore.Repo, rebuild, progress bool, gc *buildGCSettings) (*index.Index, error) {
	head, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", repo.Dir(), err)
	}
	d, err := a.data()
	if err != nil {
		return nil, err
	}
	// A rebuild the user asked for starts from git, not from the data
	// folder's snapshot cache: it is how a doubtful index (or cache) is
	// set right, and what the build figure of docs/BENCHMARKS.md measures.
	// The archive is parsed while the index and its dictionaries open.
	var fromGit func() (*archive.Snapshot, error)
	if rebuild && head != "" {
		type parsed struct {
			snap *archive.Snapshot
			err  error
		}
		ch := make(chan parsed, 1)
		go func() {
			snap, err := repo.Snapshot(head)
			ch <- parsed{snap, err}
		}()
		var got *parsed
		fromGit = func() (*archive.Snapshot, error) {
			if got == nil {
				p := <-ch
				got = &p
			}
			return got.snap, got.err
		}
		// The caller closes the repository: not while it is being read.
		defer fromGit()
	}
	ix, err := index.Open(filepath.Join(d, "index"))
	if errors.Is(err, index.ErrLocked) {
		return nil, fmt.Errorf("the index in %s is in use by another dangan (a running dangan serve?): stop it or use its site", d)
	}
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if why := ix.Stale(); why != "" {
		fmt.Fprintf(a.stderr, "rebuilding the index: %s\n", why)
		rebuild = true
	}
	// An index already at the head needs no snapshot: parsing a large
	// archive costs seconds that every `dangan search` would pay.
	if !rebuild && head != "" && ix.Commit() == head {
		return ix, nil
	}
	var snap *archive.Snapshot
	if fromGit != nil {
		snap, err = fromGit()
	} else {
		snap, err = a.headSnapshot(repo)
	}
	if err != nil {
		ix.Close()
		return nil, err
	}
	gc.fit()
	switch {
	case rebuild || ix.Commit() == "":
		var p func(done, total int)
		if progress {
			p = index.Progress(a.stderr, snap.Len())
		}
		err = ix.Rebuild(ctx, snap, p)
	default:
		err = ix.Sync(ctx, snap, func(from, to string) ([]string, []string, error) {
			changed, removed, err := repo.Changes(from, to)
			paths := make([]string, len(changed))
			for i, f := range changed {
				paths[i] = f.Path
			}
			return paths, removed, err
		})
	}
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("index the archive: %w", err)
	}
	// The next dangan serve starts from the parsed snapshot instead of
	// parsing the archive again.
	if c, ok := a.snapCache(); ok {
		if commit, _ := c.Commit(); commit != snap.Commit {
			if err := c.Save(snap); err != nil {
				a.logger.Warn("write snapshot cache", "err", err)
			}
		}
	}
	return ix, nil
}

func (a *app) indexCommand() *cobra.Command {
	var rebuild, walks bool
	c := &cobra.Command{
		Use:   "index",
		Short: "Bring the search index up to date with the archive (incrementally, or --rebuild)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			repo, err := a.openRepo()
			if err != nil {
				return err
			}
			defer repo.Close()
			gc := gcForBuild(a.logger)
			ix, err := a.syncIndex(cmd.Context(), repo, rebuild, true, gc)
			gc.restore()
			if err != nil {
				return err
			}
			defer ix.Close()
			fmt.Fprintf(a.stdout, "index at commit %.10s\n", ix.Commit())
			if walks {
				return a.indexWalks(cmd.Context(), repo)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&rebuild, "rebuild", false, "rebuild the whole index from git")
	c.Flags().BoolVar(&walks, "history", true, "also walk the history ahead of the server (history pages, leads' first-seen dates), into the data folder's cache")
	return c
}

func (a *app) searchCommand() *cobra.Command {
	var asJSON bool
	var limit, from int
	c := &cobra.Command{
		Use:   "search QUERY...",
		Short: "Search the archive: words, \"phrases\", -word, field:value, date ranges",
		Long: `search finds records. The query language (docs/SEARCH.md): plain words,
"quoted phrases", -word to exclude, field filters such as vendor:华为,
kind:visit, customer:ID, industry:教育, status:faulty, and date ranges such
as warranty_until:<2027-01-01 or date:2026-01-01..2026-06-30. The command
line sees everything, restricted customers included: whoever can read the
repository can read them anyway.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, err := a.openRepo()
			if err != nil {
				return err
			}
			defer repo.Close()
			ix, err := a.syncIndex(cmd.Context(), repo, false, false, nil)
			if err != nil {
				return err
			}
			defer ix.Close()
			res, err := ix.Search(cmd.Context(), index.Request{Query: strings.Join(args, " "), Size: limit, From: from, Facets: true, Filter: index.Filter{AllRestricted: true}})
			var qe *index.QueryError
			if errors.As(err, &qe) {
				return fmt.Errorf("cannot understand the query: %s", qe.In("zh-CN"))
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetEscapeHTML(false)
				return enc.Encode(res)
			}
			fmt.Fprintf(a.stdout, "%d results\n", res.Total)
			for _, h := range res.Hits {
				fmt.Fprintf(a.stdout, "\n%s  %s · %s\n  %s\n  %s\n", h.Title, h.CustomerName, h.Kind, h.Path, plainSnippet(h.Snippet))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: {total, hits, facets}")
	c.Flags().IntVar(&limit, "limit", 10, "how many results")
	c.Flags().IntVar(&from, "from", 0, "skip this many results (paging)")
	return c
}

// plainSnippet turns the HTML snippet into terminal text, marking matches
// with brackets.
func plainSnippet(s string) string {
	r := strings.NewReplacer("<mark>", "[", "</mark>", "]", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", "\"", "&#39;", "'", "&quot;", "\"")
	return r.Replace(s)
}
