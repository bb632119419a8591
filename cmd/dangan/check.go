package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive"
)

func (a *app) checkCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "check",
		Short: "Check every record of the archive at HEAD",
		Long: `check reads every record of the archive's last commit (straight from git,
so uncommitted edits are not seen) and prints each problem as
path:line:col: message. Errors make it exit 1; warnings are printed but
do not fail.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			repo, err := a.openRepo()
			if err != nil {
				return err
			}
			defer repo.Close()
			snap, err := a.headSnapshot(repo)
			if err != nil {
				return err
			}
			ps := snap.Problems()
			if asJSON {
				if ps == nil {
					ps = []archive.Problem{}
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(map[string]any{"commit": snap.Commit, "records": snap.Len(), "problems": ps}); err != nil {
					return err
				}
			} else {
				for _, p := range ps {
					fmt.Fprintln(a.stdout, p)
				}
				fmt.Fprintf(a.stderr, "%d records, %d customers checked at %.10s: %s\n", snap.Len(), len(snap.CustomerIDs()), snap.Commit, archive.Describe(ps))
			}
			if archive.HasErrors(ps) {
				return exitError{1}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the problems as JSON")
	return c
}
