package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/remote"
	"github.com/dangan-archive/dangan/archive/snapcache"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/auth"
	"github.com/dangan-archive/dangan/site/diagram"
)

// demoUsers are the demo archive's people, one per role, named as in its
// records so that restricted customers show for their own staff.
var demoUsers = map[access.Role]string{
	access.Admin:          "admin",
	access.Technician:     "liqiang",
	access.AccountManager: "zhangwei",
	access.Marketing:      "shichang",
}

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var demoCustomers int
	var fetchInterval time.Duration
	var hookSecret string
	var trustProxy bool
	var memLimit string
	var graphviz string
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the archive as a web site (a built-in demo archive when there is none)",
		Long: `serve runs the web site over the archive's git repository and follows its
commits: a git commit or push into the archive shows on the site within
a second, without a restart. With no --archive, no $DANGAN_ARCHIVE and no
archive in the current folder, it serves a demo archive, generated into
the data folder (default ./.dangan) on first start, with one user per
role whose passwords it prints.

--archive may also name a git server's repository: https://, ssh://,
git@host:path, file:// or a bare repository on this machine. serve then
clones it into DATA/remote/ (DATA is --data, default ./.dangan), fetches
every --fetch-interval and when the git server calls POST /hooks/git
with the secret (--hook-secret or $DANGAN_HOOK_SECRET), serves the clone,
and pushes the site's saves. Several servers can share one repository;
see docs/DEPLOY.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			begun := time.Now()
			limit, from, err := memoryLimit(memLimit, cmd.Flags().Changed("memory-limit"))
			if err != nil {
				return err
			}
			// Before the archive is loaded: loading is the first peak.
			debug.SetMemoryLimit(limit)
			a.logger.Info("memory limit", "limit", formatSize(limit), "from", from)
			remotes, err := a.cloneRemotes(ctx)
			if err != nil {
				return err
			}
			isDemo := a.demo || a.archiveDir == "" && !looksLikeArchive(".")
			if isDemo {
				if err := a.prepareDemo(ctx, demoCustomers); err != nil {
					return err
				}
			}
			repo, name, err := a.openStore()
			if err != nil {
				return err
			}
			defer repo.Close()
			d, err := a.data()
			if err != nil {
				return err
			}
			// The parsed archive is read from its cache while the index
			// (and its Chinese dictionary) opens: both are on the way to
			// the first answered search.
			snaps := snapcache.Cache{Dir: filepath.Join(d, "cache")}.Prefetch()
			ixStart := time.Now()
			ix, err := index.Open(filepath.Join(d, "index"))
			if errors.Is(err, index.ErrLocked) {
				return fmt.Errorf("another dangan serve is already using %s: stop it first, or give this one its own --data", d)
			}
			if err != nil {
				return fmt.Errorf("open index: %w", err)
			}
			defer ix.Close()
			a.logger.Info("index opened", "took", time.Since(ixStart).Round(time.Millisecond))

			au := auth.New(auth.Config{DataDir: d, Logger: a.logger, TrustProxy: trustProxy})
			if err := a.announceUsers(au, isDemo); err != nil {
				return err
			}
			engine, err := diagramEngine(graphviz)
			if err != nil {
				return err
			}
			s := &site.Server{Store: repo, Index: ix, Diagrams: diagram.New(diagram.Config{Engine: engine, Logger: a.logger}), Logger: a.logger, CacheDir: filepath.Join(d, "cache"), SnapshotCache: snaps}
			s.UseAuth(au)
			var syncers remote.Group
			for _, r := range members(repo) {
				if url, ok := remotes[r.Dir()]; ok {
					syncers = append(syncers, remote.New(r, remote.Options{URL: url, Interval: fetchInterval, Logger: a.logger, OnChange: s.Poke}))
				}
			}
			if len(syncers) > 0 {
				s.Remote, s.HookSecret = syncers, hookSecret
			}
			start := time.Now()
			if err := s.Open(ctx); err != nil {
				return err
			}
			defer s.Close()
			if len(syncers) > 0 {
				syncCtx, stop := context.WithCancel(ctx)
				var wg sync.WaitGroup
				for _, sy := range syncers {
					wg.Go(func() { sy.Run(syncCtx) })
				}
				defer func() { stop(); wg.Wait() }()
			}
			a.logger.Info("archive loaded", "archive", name, "commit", s.Live().Snapshot().Commit, "records", s.Live().Snapshot().Len(), "took", time.Since(start).Round(time.Millisecond))
			err = site.Serve(ctx, addr, s.Handler(), a.logger, func(l net.Addr) {
				a.logger.Info("listening", "addr", l.String(), "since_start", time.Since(begun).Round(time.Millisecond))
				// Leads and health, before the first visitor asks for them;
				// once listening, so that the first search does not wait
				// behind them for a core.
				go s.Warm(ctx)
				fmt.Fprintf(a.stdout, "dangan is serving %s on http://%s/\n", name, l)
			})
			// --memprofile: the heap a serving process holds, written
			// before the server is let go (at the command's end it would
			// show only the libraries' tables).
			if a.heapProfile != nil {
				a.heapProfile()
			}
			runtime.KeepAlive(s)
			return err
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	c.Flags().IntVar(&demoCustomers, "demo-customers", 200, "size of the demo archive generated when there is no archive")
	c.Flags().BoolVar(&trustProxy, "trust-proxy", false, "behind a load balancer or reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For: believe them (secure cookies over its TLS, client addresses in the audit log)")
	c.Flags().StringVar(&graphviz, "graphviz", "wasm", "what draws topologies: wasm (Graphviz built in, nothing to install) or dot (the dot and sfdp programs of the graphviz package, on $PATH: faster on big graphs, stopped at the deadline, and no memory kept per drawing; for a busy site)")
	c.Flags().StringVar(&memLimit, "memory-limit", formatSize(defaultMemoryLimit), "soft limit of the server's memory (Go heap and runtime), such as 768MiB or 2GiB; off for none; default $GOMEMLIMIT when set. Near it the server collects garbage more often, trading some CPU for memory")
	c.Flags().DurationVar(&fetchInterval, "fetch-interval", 30*time.Second, "how often a remote archive (--archive URL) is fetched")
	c.Flags().StringVar(&hookSecret, "hook-secret", os.Getenv("DANGAN_HOOK_SECRET"), "shared secret of the git webhook POST /hooks/git (default $DANGAN_HOOK_SECRET; none: no webhook)")
	return c
}

// looksLikeArchive reports whether dir holds an archive (its settings file
// or customer folder), so that `dangan serve` in a source checkout or an
// empty folder serves the demo instead of failing.
func looksLikeArchive(dir string) bool {
	for _, name := range []string{"dangan.yaml", "customers"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// prepareDemo points the app at the demo archive inside the data folder,
// generating it on first start.
func (a *app) prepareDemo(ctx context.Context, customers int) error {
	base, dir := a.demoPaths()
	a.archiveDir, a.dataDir, a.demo = dir, base, true
	if _, err := gitstore.Open(dir); err == nil {
		return nil
	}
	fmt.Fprintf(a.stdout, "no archive given: generating a demo archive of %d customers in %s ...\n", customers, dir)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if _, err := demo.Write(ctx, dir, demo.Options{Customers: customers, Seed: 1}); err != nil {
		return fmt.Errorf("generate demo archive: %w", err)
	}
	return nil
}

// announceUsers makes sure somebody can log in: the demo's users get fresh
// passwords printed at every start; a real archive's first start creates an
// admin whose password is printed once.
func (a *app) announceUsers(au *auth.Authenticator, isDemo bool) error {
	if isDemo {
		pws, err := au.Users.EnsureDemoUsers(demoUsers)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(pws))
		for n := range pws {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(a.stdout, "demo users (passwords are new at every start):")
		for _, n := range names {
			u, _ := au.Users.Get(n)
			fmt.Fprintf(a.stdout, "  %-10s %-16s %s\n", n, u.Role, pws[n])
		}
		return nil
	}
	pw, err := au.Users.EnsureAdmin()
	if err != nil {
		return err
	}
	if pw != "" {
		fmt.Fprintf(a.stdout, "created user admin with password %s (shown only now; change it with: dangan user passwd admin)\n", pw)
	}
	return nil
}

// cloneRemotes handles --archive values naming a git server's repository:
// each is cloned (or its clone refreshed) under DATA/remote and replaced by
// the clone's folder. It returns clone folder → URL, empty when every
// archive is served in place.
func (a *app) cloneRemotes(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	all := append([]*string{&a.archiveDir}, ptrs(a.moreArchives)...)
	for _, arch := range all {
		if *arch == "" || !remote.IsURL(*arch) {
			continue
		}
		url := *arch
		if remote.IsLocalPath(url) {
			// A bare repository on this machine: git resolves a relative
			// path against the clone, so make it absolute.
			abs, err := filepath.Abs(url)
			if err != nil {
				return nil, err
			}
			url = abs
		}
		if a.dataDir == "" && arch == &a.archiveDir {
			a.dataDir = ".dangan" // not inside the clone: it is a bare repository
		}
		d, err := a.data()
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(d, "remote", remote.CloneName(url))
		if _, err := os.Stat(dir); err != nil {
			fmt.Fprintf(a.stdout, "cloning %s into %s ...\n", remote.Redact(url), dir)
		}
		if err := remote.Clone(ctx, "", url, dir, ""); err != nil {
			return nil, fmt.Errorf("%w (is the URL right, and may this machine read it? try: git ls-remote %s)", err, remote.Redact(url))
		}
		*arch = dir
		out[dir] = url
	}
	return out, nil
}

func ptrs(ss []string) []*string {
	out := make([]*string, len(ss))
	for i := range ss {
		out[i] = &ss[i]
	}
	return out
}

// members are the repositories behind a store, primary first.
func members(st store) []*gitstore.Repo {
	switch s := st.(type) {
	case *gitstore.Repo:
		return []*gitstore.Repo{s}
	case *gitstore.Union:
		return s.Repos()
	}
	return nil
}

// diagramEngine is the --graphviz choice. dot is checked at start, so that
// a missing package is said once rather than on every customer page.
func diagramEngine(name string) (diagram.Engine, error) {
	switch name {
	case "wasm", "":
		return diagram.Graphviz{}, nil
	case "dot":
		for _, prog := range []string{"dot", "sfdp"} {
			if _, err := exec.LookPath(prog); err != nil {
				return nil, fmt.Errorf("--graphviz dot: %s is not installed (Debian: apt-get install graphviz): %w", prog, err)
			}
		}
		return diagram.Command{}, nil
	}
	return nil, fmt.Errorf("--graphviz %q: say wasm or dot", name)
}
