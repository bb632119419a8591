package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/gitstore"
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
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the archive as a web site (a built-in demo archive when there is none)",
		Long: `serve runs the web site over the archive's git repository and follows its
commits: a git commit or push into the archive shows on the site within
a second, without a restart. With no --archive, no $DANGAN_ARCHIVE and no
archive in the current folder, it serves a demo archive, generated into
the data folder (default ./.dangan) on first start, with one user per
role whose passwords it prints.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			isDemo := a.archiveDir == "" && !looksLikeArchive(".")
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
			ix, err := index.Open(filepath.Join(d, "index"))
			if errors.Is(err, index.ErrLocked) {
				return fmt.Errorf("another dangan serve is already using %s: stop it first, or give this one its own --data", d)
			}
			if err != nil {
				return fmt.Errorf("open index: %w", err)
			}
			defer ix.Close()

			au := auth.New(auth.Config{DataDir: d, Logger: a.logger})
			if err := a.announceUsers(au, isDemo); err != nil {
				return err
			}
			s := &site.Server{Store: repo, Index: ix, Diagrams: diagram.New(diagram.Config{}), Logger: a.logger}
			s.UseAuth(au)
			start := time.Now()
			if err := s.Open(ctx); err != nil {
				return err
			}
			defer s.Close()
			a.logger.Info("archive loaded", "archive", name, "commit", s.Live().Snapshot().Commit, "records", s.Live().Snapshot().Len(), "took", time.Since(start).Round(time.Millisecond))
			return site.Serve(ctx, addr, s.Handler(), a.logger, func(l net.Addr) {
				fmt.Fprintf(a.stdout, "dangan is serving %s on http://%s/\n", name, l)
			})
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	c.Flags().IntVar(&demoCustomers, "demo-customers", 200, "size of the demo archive generated when there is no archive")
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
	base := a.dataDir
	if base == "" {
		base = ".dangan"
	}
	dir := filepath.Join(base, "demo-archive")
	a.archiveDir, a.dataDir = dir, base
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
