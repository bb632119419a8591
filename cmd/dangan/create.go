package main

import (
	"fmt"
	"net/mail"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

func (a *app) initCommand() *cobra.Command {
	var author string
	c := &cobra.Command{
		Use:   "init DIR",
		Short: "Create a new archive: a git repository with settings, a README and one example customer",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			sig, err := parseAuthor(author)
			if err != nil {
				return err
			}
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return fmt.Errorf("%s is not empty: dangan init creates a new archive in an empty or new folder", dir)
			}
			repo, err := gitstore.Init(dir, false)
			if err != nil {
				return fmt.Errorf("create archive: %w", err)
			}
			defer repo.Close()
			var files []gitstore.FileChange
			for _, f := range demo.InitFiles() {
				files = append(files, gitstore.FileChange{Path: f.Path, Data: f.Data})
			}
			sig.When = time.Now()
			head, err := repo.Commit(cmd.Context(), gitstore.Change{Author: sig, Message: "新建客户维护档案", Files: files})
			if err != nil {
				return fmt.Errorf("first commit: %w", err)
			}
			fmt.Fprintf(a.stdout, "created archive %s at commit %.10s\nnext: dangan --archive %s check; dangan --archive %s serve\n", dir, head, dir, dir)
			return nil
		},
	}
	c.Flags().StringVar(&author, "author", "dangan <dangan@localhost>", "author of the first commit, as \"Name <email>\"")
	return c
}

func parseAuthor(s string) (gitstore.Signature, error) {
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return gitstore.Signature{}, fmt.Errorf("--author %q: write it as \"Name <email>\"", s)
	}
	return gitstore.Signature{Name: addr.Name, Email: addr.Address}, nil
}

func (a *app) demoCommand() *cobra.Command {
	var opts demo.Options
	c := &cobra.Command{
		Use:   "demo DIR",
		Short: "Generate a realistic demo archive with years of history (same seed, same archive)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			head, err := demo.Write(cmd.Context(), args[0], opts)
			if err != nil {
				return fmt.Errorf("generate demo archive: %w", err)
			}
			fmt.Fprintf(a.stdout, "demo archive of %d customers written to %s in %.1fs (head %.10s)\n", opts.Customers, args[0], time.Since(start).Seconds(), head)
			return nil
		},
	}
	c.Flags().IntVar(&opts.Customers, "customers", 100, "how many customers")
	c.Flags().Int64Var(&opts.Seed, "seed", 1, "random seed: the same seed gives the same archive")
	c.Flags().IntVar(&opts.Years, "years", 4, "years of history")
	return c
}
