// Command dangan keeps a branch's customer maintenance archive (客户维护档案):
// it checks the archive, indexes it, serves it as a web site and manages
// the site's users. Run `dangan --help` for the commands.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Packages that log through slog.Default write the same way as ours.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
