package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/snapcache"
)

// exitError carries an exit code without printing anything more: the
// command has already said what is wrong (dangan check's problem list).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// app holds what every command shares: the global flags and the streams,
// passed in so tests run the whole CLI in-process.
type app struct {
	archiveDir string
	// moreArchives are the archives after the first (serve shows them as
	// one); archiveGiven says --archive was used, which overrides the
	// environment.
	moreArchives []string
	archiveGiven bool
	dataDir      string
	// demo says the archive is the demo that serve generates in the data
	// folder, used because no archive was given (demoByDefault).
	demo   bool
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
	// cpuProfile and memProfile are --cpuprofile and --memprofile;
	// stopProfile ends them (bench.go); heapProfile writes the heap
	// profile now, once (a no-op without --memprofile).
	cpuProfile  string
	memProfile  string
	stopProfile func()
	heapProfile func()
}

// Run is the whole command line; main only adds signals and the exit.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	root := a.rootCommand()
	defer func() {
		if a.stopProfile != nil {
			a.stopProfile()
		}
	}()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "dangan: %v\n", err)
		return 1
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "dangan",
		Short: "客户维护档案: a customer maintenance archive kept as markdown in git",
		Long: `dangan keeps a telecom branch's customer maintenance archive (客户维护档案)
as markdown files with YAML front matter in a git repository, checks it,
indexes it for search and serves it as a web site.

The archive is found from --archive, else $DANGAN_ARCHIVE, else the
current directory; when that is not an archive but dangan serve made its
demo there (.dangan/demo-archive), the demo. dangan keeps its own state (index, users, audit log) in
--data, by default the .dangan folder of the archive, which the archive's
.gitignore excludes: it is never committed.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	a.archivesFromEnv()
	root.PersistentFlags().Var(archiveFlag{a}, "archive", "the archive's git repository (default $DANGAN_ARCHIVE, else the current directory); serve takes several")
	root.PersistentFlags().StringVar(&a.dataDir, "data", "", "where dangan keeps its own state (default ARCHIVE/.dangan)")
	root.AddCommand(a.checkCommand(), a.initCommand(), a.demoCommand(), a.indexCommand(), a.searchCommand(), a.serveCommand(), a.userCommand(), a.auditCommand(), a.leadsCommand())
	root.AddCommand(a.importCommand())
	root.AddCommand(a.healthCommand())
	root.AddCommand(a.benchCommand())
	a.addProfileFlag(root)
	profile := root.PersistentPreRunE
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		a.demoByDefault()
		return profile(cmd, args)
	}
	return root
}

// demoByDefault points every command at the demo archive that dangan
// serve generated in the data folder, when no archive is given and the
// current folder is not one: after the README's first command, the
// others (search, user, index) work on the same archive and data folder
// as the site, rather than on the folder they are run from.
func (a *app) demoByDefault() {
	if a.archiveDir != "" || looksLikeArchive(".") {
		return
	}
	base, dir := a.demoPaths()
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return
	}
	a.archiveDir, a.dataDir, a.demo = dir, base, true
}

// demoPaths are the data folder of the demo and the demo archive in it.
func (a *app) demoPaths() (base, dir string) {
	base = a.dataDir
	if base == "" {
		base = ".dangan"
	}
	return base, filepath.Join(base, "demo-archive")
}

// archivePath is the archive folder the flags name.
func (a *app) archivePath() string {
	if a.archiveDir != "" {
		return a.archiveDir
	}
	return "."
}

// data is the state folder, created on first use.
func (a *app) data() (string, error) {
	d := a.dataDir
	if d == "" {
		d = filepath.Join(a.archivePath(), ".dangan")
	}
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", fmt.Errorf("create data folder: %w", err)
	}
	return d, nil
}

// openRepo opens the archive's repository with its history cache in the
// data folder, so history stays fast across runs.
func (a *app) openRepo() (*gitstore.Repo, error) {
	if err := a.oneArchive(); err != nil {
		return nil, err
	}
	dir := a.archivePath()
	repo, err := gitstore.Open(dir)
	if errors.Is(err, gitstore.ErrNotARepository) {
		return nil, fmt.Errorf("%s is not an archive (no git repository there): pass --archive DIR, set DANGAN_ARCHIVE, or create one with: dangan init DIR", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", dir, err)
	}
	if d, err := a.data(); err == nil {
		repo.CacheDir = filepath.Join(d, "cache")
	}
	repo.Logger = a.logger
	return repo, nil
}

// headSnapshot loads the archive as of its branch head: restored from the
// data folder's snapshot cache when it holds the head (dangan serve and
// dangan index write it), else parsed.
func (a *app) headSnapshot(repo *gitstore.Repo) (*archive.Snapshot, error) {
	head, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", repo.Dir(), err)
	}
	if head == "" {
		return nil, fmt.Errorf("%s has no commits yet: add records and commit them, or start with: dangan init DIR", repo.Dir())
	}
	if c, ok := a.snapCache(); ok {
		if commit, err := c.Commit(); err == nil && commit == head {
			if s, err := c.Load(); err == nil && s.Commit == head {
				return s, nil
			}
		}
	}
	return repo.Snapshot(head)
}

// snapCache is the data folder's snapshot cache (archive/snapcache), when
// there is a data folder: a command does not create one to look.
func (a *app) snapCache() (snapcache.Cache, bool) {
	d := a.dataDir
	if d == "" {
		d = filepath.Join(a.archivePath(), ".dangan")
	}
	if _, err := os.Stat(d); err != nil {
		return snapcache.Cache{}, false
	}
	return snapcache.Cache{Dir: filepath.Join(d, "cache")}, true
}
