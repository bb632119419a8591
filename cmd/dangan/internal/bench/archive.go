package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive/demo"
)

// archiveInfo is what the suite knows of one generated archive; it is
// kept beside the archive (archive-N.json) so a later run reuses it.
type archiveInfo struct {
	Customers int     `json:"customers"`
	Seed      int64   `json:"seed"`
	Head      string  `json:"head"`
	Seconds   float64 `json:"generate_seconds,omitempty"`

	Dir           string `json:"-"`
	Commits       int    `json:"-"`
	Files         int    `json:"-"`
	MarkdownFiles int    `json:"-"`
	MarkdownBytes int64  `json:"-"`
}

// prepareArchive returns the demo archive of n customers under out,
// generating it when there is none with this seed and size, and otherwise
// resetting it to the generated head: every run starts from the same
// archive, whatever commits the previous run added.
func prepareArchive(ctx context.Context, out string, n int, seed int64, logf func(string, ...any)) (*archiveInfo, error) {
	dir := filepath.Join(out, fmt.Sprintf("archive-%d", n))
	marker := dir + ".json"
	var info archiveInfo
	b, err := os.ReadFile(marker)
	reuse := err == nil && json.Unmarshal(b, &info) == nil && info.Customers == n && info.Seed == seed && info.Head != ""
	if reuse {
		if err := git(ctx, dir, "reset", "-q", "--hard", info.Head); err != nil {
			logf("archive %s cannot be reset (%v): generating it again", dir, err)
			reuse = false
		} else if err := git(ctx, dir, "clean", "-q", "-f", "-d"); err != nil {
			return nil, err
		}
	}
	if !reuse {
		logf("generating a demo archive of %d customers (seed %d) in %s", n, seed, dir)
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		start := time.Now()
		head, err := demo.Write(ctx, dir, demo.Options{Customers: n, Seed: seed})
		if err != nil {
			return nil, fmt.Errorf("generate the demo archive of %d customers: %w", n, err)
		}
		info = archiveInfo{Customers: n, Seed: seed, Head: head, Seconds: time.Since(start).Seconds()}
		b, _ := json.MarshalIndent(info, "", "  ")
		if err := os.WriteFile(marker, b, 0o644); err != nil {
			return nil, err
		}
	}
	info.Dir = dir
	count, err := gitOutput(ctx, dir, "rev-list", "--count", "HEAD")
	if err != nil {
		return nil, err
	}
	info.Commits, _ = strconv.Atoi(strings.TrimSpace(count))
	return &info, nil
}

func git(ctx context.Context, dir string, args ...string) error {
	_, err := gitOutput(ctx, dir, args...)
	return err
}

func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s in %s: %v: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
		}
		return "", fmt.Errorf("git %s in %s: %w", strings.Join(args, " "), dir, err)
	}
	return string(out), nil
}
