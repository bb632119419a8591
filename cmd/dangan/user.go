package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/auth"
)

func (a *app) users() (*auth.Authenticator, error) {
	d, err := a.data()
	if err != nil {
		return nil, err
	}
	return auth.New(auth.Config{DataDir: d, Logger: a.logger}), nil
}

// readPassword takes a password from standard input (--password-stdin), or
// asks twice on a terminal, or, with neither, makes one up and prints it.
func (a *app) readPassword(fromStdin bool) (pw string, generated bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(a.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, fmt.Errorf("read password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", false, err
		}
		fmt.Fprint(a.stderr, "again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", false, err
		}
		if string(p1) != string(p2) {
			return "", false, fmt.Errorf("the two passwords differ")
		}
		return string(p1), false, nil
	}
	return auth.NewPassword(), true, nil
}

func (a *app) userCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Manage the site's users (kept in the data folder, never in the archive)",
		Long: `A user's name is the person id used in records (technicians: [liqiang],
account_manager: zhangwei), so which restricted customers a person sees
comes from the archive itself. Roles: technician, account_manager,
marketing, admin.`,
	}
	var role, display, email string
	var pwStdin bool
	add := &cobra.Command{
		Use:   "add NAME --role ROLE",
		Short: "Add a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !access.Role(role).Valid() {
				return fmt.Errorf("--role %q is not a role: use technician, account_manager, marketing or admin", role)
			}
			au, err := a.users()
			if err != nil {
				return err
			}
			pw, gen, err := a.readPassword(pwStdin)
			if err != nil {
				return err
			}
			if err := au.Users.Add(args[0], access.Role(role), pw, display, email); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "added %s (%s)\n", args[0], role)
			if gen {
				fmt.Fprintf(a.stdout, "password: %s\n", pw)
			}
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "", "technician, account_manager, marketing or admin")
	add.Flags().StringVar(&display, "display-name", "", "the name shown on pages (e.g. 李强)")
	add.Flags().StringVar(&email, "email", "", "email address")
	add.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input")
	_ = add.MarkFlagRequired("role")

	list := &cobra.Command{
		Use: "list", Short: "List users", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			au, err := a.users()
			if err != nil {
				return err
			}
			us, err := au.Users.List()
			if err != nil {
				return err
			}
			return auth.WriteUsers(a.stdout, us)
		},
	}
	remove := &cobra.Command{
		Use: "remove NAME", Short: "Remove a user (their sessions and token end)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			au, err := a.users()
			if err != nil {
				return err
			}
			if err := au.Users.Remove(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "removed %s\n", args[0])
			return nil
		},
	}
	var pwStdin2 bool
	passwd := &cobra.Command{
		Use: "passwd NAME", Short: "Set a user's password", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			au, err := a.users()
			if err != nil {
				return err
			}
			pw, gen, err := a.readPassword(pwStdin2)
			if err != nil {
				return err
			}
			if err := au.Users.SetPassword(args[0], pw); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "password of %s changed\n", args[0])
			if gen {
				fmt.Fprintf(a.stdout, "password: %s\n", pw)
			}
			return nil
		},
	}
	passwd.Flags().BoolVar(&pwStdin2, "password-stdin", false, "read the password from standard input")
	var feedOnly bool
	token := &cobra.Command{
		Use: "token NAME", Short: "Print a new personal API token, or with --feed a feed token (the old one stops working)", Args: cobra.ExactArgs(1),
		Long: `Print a new personal API token for NAME (Authorization: Bearer TOKEN on
the API). The previous one stops working.

With --feed, print a feed token instead: it opens the lead feed
(/feeds/leads.atom?token=TOKEN) and nothing else, so it can live in a feed
reader's address. People can also make their own on the lead board.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			au, err := a.users()
			if err != nil {
				return err
			}
			newToken := au.Users.NewToken
			if feedOnly {
				newToken = au.Users.NewFeedToken
			}
			t, err := newToken(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, t)
			return nil
		},
	}
	token.Flags().BoolVar(&feedOnly, "feed", false, "a feed token: the lead feed only, for a feed reader's address")
	c.AddCommand(add, list, remove, passwd, token)
	return c
}

func (a *app) auditCommand() *cobra.Command {
	var since string
	c := &cobra.Command{
		Use:   "audit",
		Short: "Show the audit log: logins, failed logins, user changes, reads of restricted customers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			au, err := a.users()
			if err != nil {
				return err
			}
			var from time.Time
			if since != "" {
				if from, err = auth.ParseSince(since, time.Now()); err != nil {
					return err
				}
			}
			evs, err := au.Audit.Read(from)
			if err != nil {
				return err
			}
			return auth.WriteEvents(a.stdout, evs)
		},
	}
	c.Flags().StringVar(&since, "since", "", "only events since a day (2026-11-20), a time, or an age (24h, 7d)")
	return c
}
