package e2e

import (
	"context"
	"iter"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/auth"
	"github.com/dangan-archive/dangan/site/diagram"
)

// The browser half of the leak matrix (site/leak_test.go crawls every
// address): each person logs in through the real login form, with a real
// session, and the main pages are read as the browser shows them, text
// and markup, after any script has run.

type e2eCanary struct {
	value  string
	seenBy []string
}

var (
	govCircle = []string{"admin", "liqiang", "zhangwei"}
	staff     = []string{"admin", "liqiang", "zhangwei", "wangfang"}
	people    = map[string]access.Role{"admin": access.Admin, "liqiang": access.Technician, "zhangwei": access.AccountManager, "wangfang": access.Technician, "shichang": access.Marketing}
	// The canaries of site/testdata/leak-v1.txtar.
	e2eCanaries = []e2eCanary{
		{"金丝雀保密局", govCircle},
		{"保密金丝雀短语", govCircle},
		{"金丝雀特区", govCircle},
		{"CanaryVendor", govCircle},
		{"CANARYSN9900GOV", govCircle},
		{"10.250.9.9", govCircle},
		{"保密线索金丝雀", govCircle},
		{"CANARYSN7788", staff},
		{"10.250.1.7", staff},
		{"13911112222", staff},
		{"金丝雀路88号", staff},
		{"金丝雀楼三层机房", staff},
		{"拓扑金丝雀说明", staff},
		{"维修金丝雀记录", staff},
		{"笔记金丝雀内容", staff},
		{"米脂第三中学", []string{"admin", "liqiang", "zhangwei", "wangfang", "shichang"}},
	}
	e2ePages = []string{
		"/", "/customers", "/customers/open-school", "/customers/open-school/print",
		"/customers/secret-gov", "/records/customers/open-school/devices.md",
		"/history/customers/open-school", "/history/customers/open-school/devices.md",
		"/leads", "/health", "/dashboard",
		"/search?q=" + url.QueryEscape("交换机"), "/search?q=" + url.QueryEscape("金丝雀"),
	}
)

const testPassword = "correct horse battery 金丝雀"

func TestBrowserLeakMatrix(t *testing.T) {
	browserPath := findBrowser()
	if browserPath == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found on PATH: install it (apt-get install chromium) so the browser tests can run")
		}
		t.Skip("skipping browser tests: no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	repo, err := gitstore.Init(filepath.Join(dir, "archive"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	when := time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)
	repo.Now = func() time.Time { return when }
	for i, name := range []string{"leak-v1.txtar", "leak-v2.txtar"} {
		a, err := txtar.ParseFile(filepath.Join("..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var files []gitstore.FileChange
		for _, f := range a.Files {
			files = append(files, gitstore.FileChange{Path: f.Name, Data: f.Data})
		}
		head, _ := repo.Head()
		when = when.AddDate(0, 5*i, 0)
		if _, err := repo.Commit(ctx, gitstore.Change{Parent: head, Author: gitstore.Signature{Name: "liqiang", Email: "liqiang@example.cn", When: when},
			Message: "更换 CANARYSN7788OPEN，金丝雀保密局 CANARYSN9900GOV", Files: files}); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	au := auth.New(auth.Config{DataDir: filepath.Join(dir, "data"), Logger: logger})
	au.Users.Argon2 = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}
	for name, role := range people {
		if err := au.Users.Add(name, role, testPassword, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	s := &site.Server{Store: repo, Index: ix, Diagrams: diagram.New(diagram.Config{}), Logger: logger}
	s.UseAuth(au)
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	t.Cleanup(func() { s.Close() })
	head, _ := repo.Head()
	for deadline := time.Now().Add(30 * time.Second); s.Live().Indexed() != head; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the search index did not catch up")
		}
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	for _, who := range slices.Sorted(mapKeys(people)) {
		t.Run(who, func(t *testing.T) {
			// A browser of one's own: sessions must not mix.
			bctx := newBrowser(t, browserPath, filepath.Join(dir, "chromium-"+who))
			tctx, cancel := context.WithTimeout(bctx, 60*time.Second)
			defer cancel()
			must(t, "log in as "+who, chromedp.Do(tctx,
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(chromedp.CSS("#login-name")),
				chromedp.SendKeys(chromedp.CSS("#login-name"), who),
				chromedp.SendKeys(chromedp.CSS("#login-password"), testPassword),
				chromedp.Submit(chromedp.CSS("#login-password")),
				chromedp.WaitVisible(chromedp.CSS(".who")),
			))
			seen := map[string][]string{} // canary → pages
			for _, p := range e2ePages {
				must(t, "open "+p, chromedp.Do(tctx,
					chromedp.Navigate(srv.URL+p),
					chromedp.WaitReady(chromedp.CSS("body")),
				))
				markup := eval[string](t, tctx, "document.documentElement.outerHTML")
				text := eval[string](t, tctx, "document.body.innerText")
				if strings.Contains(p, "/search?") {
					// The page repeats the person's own query.
					q, _ := url.QueryUnescape(strings.SplitN(p, "q=", 2)[1])
					markup, text = strings.ReplaceAll(markup, q, ""), strings.ReplaceAll(text, q, "")
				}
				for _, c := range e2eCanaries {
					if strings.Contains(markup, c.value) || strings.Contains(text, c.value) {
						seen[c.value] = append(seen[c.value], p)
					}
				}
			}
			for _, c := range e2eCanaries {
				allowed := slices.Contains(c.seenBy, who)
				switch {
				case !allowed && len(seen[c.value]) > 0:
					t.Errorf("%s sees %q in the browser on %v", who, c.value, seen[c.value])
				case allowed && len(seen[c.value]) == 0:
					t.Errorf("%s should see %q on one of the main pages, and saw it nowhere", who, c.value)
				}
			}
		})
	}
}

func newBrowser(t *testing.T, path, profile string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return bctx
}

func mapKeys[K comparable, V any](m map[K]V) iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
