package e2e

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/diagram"

	"net/http/httptest"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the screenshots into docs/screenshots")

// hostileNote is committed on top of the demo archive: each line tries a
// different way to run script in the reader's browser.
const hostileNote = `---
kind: note
title: 恶意内容测试
---
<script>window.__xss=1</script>

<img src=x onerror="window.__xss=2">

[click](javascript:window.__xss=3)
`

// fixture is one site over a demo archive plus one browser shared by all
// subtests; starting Chromium costs about a second, so it is started once.
type fixture struct {
	url      string
	repo     *gitstore.Repo
	customer string // id of the customer holding the hostile note
	hostile  string // path of the hostile note
	browser  context.Context
}

// findBrowser returns the path of a Chromium-like browser, or "".
func findBrowser() string {
	if p := os.Getenv("DANGAN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	browserPath := findBrowser()
	if browserPath == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found on PATH: install it (apt-get install chromium) so the browser tests can run")
		}
		t.Skip("skipping browser tests: no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	repoDir := filepath.Join(dir, "archive")
	if _, err := demo.Write(ctx, repoDir, demo.Options{Customers: 40, Seed: 1}); err != nil {
		t.Fatalf("write demo archive: %v", err)
	}
	repo, err := gitstore.Open(repoDir)
	if err != nil {
		t.Fatalf("open demo archive: %v", err)
	}
	t.Cleanup(func() { repo.Close() })
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	// The first customer with a topology, so the diagram test has one to see.
	var customer string
	for file, err := range repo.Files(head) {
		if err != nil {
			t.Fatalf("list files of the demo archive: %v", err)
		}
		if rest, ok := strings.CutPrefix(file.Path, "customers/"); ok && strings.HasSuffix(rest, "/topology.md") {
			customer = strings.TrimSuffix(rest, "/topology.md")
			break
		}
	}
	if customer == "" {
		t.Fatal("the demo archive has no customer with a topology.md")
	}
	hostile := "customers/" + customer + "/notes/xss-probe.md"
	// A fixed clock, at the end of the demo's last day, keeps the commit id
	// and the pages (and so the screenshots) the same from run to run.
	today := demo.DefaultToday
	now := time.Date(today.Year, today.Month, today.Day, 23, 0, 0, 0, time.Local)
	repo.Now = func() time.Time { return now }
	head, err = repo.Commit(ctx, gitstore.Change{
		Parent:  head,
		Author:  gitstore.Signature{Name: "测试", Email: "e2e@example.cn", When: now},
		Message: "e2e: hostile note",
		Files:   []gitstore.FileChange{{Path: hostile, Data: []byte(hostileNote)}},
	})
	if err != nil {
		t.Fatalf("commit hostile note: %v", err)
	}

	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := &site.Server{Store: repo, Index: ix, Diagrams: diagram.New(diagram.Config{}),
		DefaultViewer: access.Viewer{Name: "admin", DisplayName: "管理员", Role: access.Admin}, Logger: logger,
		Now: func() time.Time { return now }}
	if err := s.Open(ctx); err != nil {
		t.Fatalf("open site: %v", err)
	}
	// Cleanups run last-in first-out: the server stops before the index closes.
	t.Cleanup(func() { ix.Close() })
	t.Cleanup(func() { s.Close() })
	// The index is rebuilt in the background; until it has the head,
	// searches would answer from a partial index.
	for deadline := time.Now().Add(45 * time.Second); s.Live().Indexed() != head; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the search index did not reach the archive's head %s (at %q)", head, s.Live().Indexed())
		}
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// The UI is Chinese first; the tests read its Chinese labels.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(filepath.Join(dir, "chromium")),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", browserPath, err)
	}
	return &fixture{url: srv.URL, repo: repo, customer: customer, hostile: hostile, browser: bctx}
}

// tab opens a new tab with its own deadline and records the console
// messages, uncaught exceptions and browser log entries (CSP violations
// among them) of its pages.
func (f *fixture) tab(t *testing.T) (context.Context, *console) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(f.browser)
	ctx, cancelT := context.WithTimeout(ctx, 25*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	c := &console{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.add(string(m.Type) + ": " + m.String() + " [" + m.URL + "]")
		}
	}()
	return ctx, c
}

type console struct {
	mu   sync.Mutex
	msgs []string
}

func (c *console) add(m string) { c.mu.Lock(); c.msgs = append(c.msgs, m); c.mu.Unlock() }

func (c *console) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// screenshots takes the visible part of the page at phone and desktop
// widths. The files go into docs/screenshots only with -update-screenshots,
// so an ordinary test run leaves the tree clean.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, size := range []struct {
		label         string
		width, height int64
		mobile        bool
	}{{"phone", 412, 900, true}, {"desktop", 1280, 900, false}} {
		emulate := chromedp.EmulateViewport(size.width, size.height)
		if size.mobile {
			emulate = chromedp.EmulateViewport(size.width, size.height, chromedp.EmulateMobile, chromedp.EmulateScale(1))
		}
		if err := chromedp.Do(ctx, emulate, chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatalf("resize for screenshot %s at %s: %v", name, size.label, err)
		}
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s at %s: %v", name, size.label, err)
		}
		if !isPNG(buf) {
			t.Fatalf("screenshot %s at %s is not a PNG (%d bytes)", name, size.label, len(buf))
		}
		writeScreenshot(t, fmt.Sprintf("%s-%s.png", name, size.label), buf)
	}
	// Back to desktop so later steps see the layout they expect.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

func isPNG(b []byte) bool { return len(b) > 8 && string(b[1:4]) == "PNG" }

func writeScreenshot(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := t.TempDir()
	if *updateScreenshots {
		root, err := repoRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatalf("write screenshot: %v", err)
	}
	t.Logf("screenshot %s: %d KB", name, len(data)/1024)
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// testWriter sends the site's warnings to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
