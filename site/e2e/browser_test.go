package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestBrowser drives the site over a 40-customer demo archive the way a
// technician would. The subtests share one site and one Chromium, and run
// in order because later steps start from pages the earlier ones found.
func TestBrowser(t *testing.T) {
	f := newFixture(t)

	t.Run("search in Chinese highlights hits", func(t *testing.T) {
		ctx, cons := f.tab(t)
		must(t, "open home and search", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/"),
			chromedp.WaitVisible(chromedp.CSS("#q-home")),
		))
		screenshots(t, ctx, "home")
		must(t, "search from home", chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#q-home"), "交换机"),
			chromedp.Click(chromedp.CSS("form.bigsearch button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("main")),
		))
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS("ol.hits li.hit"))); err != nil {
			t.Fatalf("no search hits shown (%v); page %s:\n%.800s", err,
				eval[string](t, ctx, "location.href"), eval[string](t, ctx, "document.body.innerText"))
		}
		loc := eval[string](t, ctx, "location.pathname + location.search")
		if !strings.HasPrefix(loc, "/search?q=") {
			t.Errorf("after submitting the search the page is %q, want /search?q=…", loc)
		}
		hits := eval[int](t, ctx, `document.querySelectorAll("ol.hits li.hit").length`)
		marked := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("ol.hits .snippet mark")).map(m => m.textContent)`)
		if hits == 0 || len(marked) == 0 {
			t.Fatalf("search 交换机: %d hits, highlighted words %q; want at least one hit with a <mark> in its snippet", hits, marked)
		}
		if !anyContains(marked, "交换") {
			t.Errorf("highlighted words %q do not include the query 交换机", marked)
		}
		screenshots(t, ctx, "search")
		noCSPErrors(t, cons)
	})

	t.Run("customer page draws the topology", func(t *testing.T) {
		ctx, cons := f.tab(t)
		must(t, "open customer list", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/customers"),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/customers/`+f.customer+`"]`)),
			chromedp.Click(chromedp.CSS(`a[href="/customers/`+f.customer+`"]`)),
			chromedp.WaitVisible(chromedp.CSS("#topology")),
		))
		if got := eval[string](t, ctx, "location.pathname"); got != "/customers/"+f.customer {
			t.Fatalf("clicking the customer in the list led to %q", got)
		}
		svgs := eval[int](t, ctx, `document.querySelectorAll("#topology svg").length`)
		if svgs == 0 {
			html := eval[string](t, ctx, `document.querySelector("#topology").innerText`)
			t.Fatalf("no inline <svg> in the topology section of %s; its text:\n%s", f.customer, html)
		}
		// A diagram with no drawn nodes would be an empty box.
		if n := eval[int](t, ctx, `document.querySelectorAll("#topology svg g, #topology svg text").length`); n == 0 {
			t.Errorf("the topology <svg> has no groups or text: nothing drawn")
		}
		screenshots(t, ctx, "customer")
		for _, size := range []struct {
			label string
			width int64
		}{{"phone", 412}, {"desktop", 1280}} {
			must(t, "scroll to diagram", chromedp.Do(ctx,
				chromedp.EmulateViewport(size.width, 900),
				chromedp.ScrollIntoView(chromedp.CSS("#topology svg"))))
			shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#topology")))
			must(t, "screenshot diagram", err)
			writeScreenshot(t, "diagram-"+size.label+".png", shot)
		}
		noCSPErrors(t, cons)
	})

	t.Run("history and diff show changed lines", func(t *testing.T) {
		path := f.changedRecord(t)
		ctx, cons := f.tab(t)
		must(t, "open record and its history", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/records/"+path),
			chromedp.WaitVisible(chromedp.CSS(`nav.actions a[href^="/history/"]`)),
			chromedp.Click(chromedp.CSS(`nav.actions a[href^="/history/"]`)),
			chromedp.WaitVisible(chromedp.CSS("table.history")),
		))
		rows := eval[int](t, ctx, `document.querySelectorAll("table.history tbody tr").length`)
		if rows < 2 {
			t.Fatalf("history of %s shows %d versions, want at least 2", path, rows)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('table.history a[href*="?v="]').length`); n < rows {
			t.Errorf("history of %s has %d version links for %d rows", path, n, rows)
		}
		must(t, "compare the two newest versions", chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("form.compare button[type=submit]")),
			// Only the diff page has this list; h1 would match the history page.
			chromedp.WaitVisible(chromedp.CSS("dl.diff-sides")),
		))
		if got := eval[string](t, ctx, "location.pathname"); got != "/diff/"+path {
			t.Fatalf("compare led to %q, want /diff/%s", got, path)
		}
		added := eval[int](t, ctx, `document.querySelectorAll("table.diff tr.add").length`)
		removed := eval[int](t, ctx, `document.querySelectorAll("table.diff tr.del").length`)
		if added+removed == 0 {
			body := eval[string](t, ctx, "document.body.innerText")
			t.Fatalf("diff of %s shows no added or removed lines; page:\n%s", path, body)
		}
		if sign := eval[string](t, ctx, `(document.querySelector("table.diff tr.add .op, table.diff tr.del .op")||{}).textContent||""`); sign != "+" && sign != "−" {
			t.Errorf("changed line is marked %q, want + or −", sign)
		}
		screenshots(t, ctx, "diff")
		noCSPErrors(t, cons)
	})

	t.Run("as-of page says which day it shows", func(t *testing.T) {
		day := f.pastDay(t)
		ctx, cons := f.tab(t)
		must(t, "open as-of customer page", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/customers/"+f.customer+"?at="+day),
			chromedp.WaitVisible(chromedp.CSS(".asof")),
		))
		label := eval[string](t, ctx, `document.querySelector(".asof").innerText`)
		if !strings.Contains(label, "不是当前内容") {
			t.Errorf("as-of label %q does not say the page is not current", label)
		}
		if v := eval[string](t, ctx, `document.querySelector("#at").value`); v != day {
			t.Errorf("date field shows %q, want %s", v, day)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('nav.actions a[href="/customers/`+f.customer+`"]').length`); n == 0 {
			t.Errorf("as-of page has no link back to the current content")
		}
		must(t, "open print view", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/customers/"+f.customer+"/print?at="+day),
			chromedp.WaitVisible(chromedp.CSS("h1")),
		))
		text := eval[string](t, ctx, "document.body.innerText")
		if !strings.Contains(text, "截至") && !strings.Contains(text, "不是当前内容") {
			t.Errorf("print view of %s at %s does not name the day it shows:\n%.600s", f.customer, day, text)
		}
		screenshots(t, ctx, "asof-print")
		noCSPErrors(t, cons)
	})

	t.Run("hostile note runs no script", func(t *testing.T) {
		ctx, cons := f.tab(t)
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(f.url+"/records/"+f.hostile))
		must(t, "open hostile note", err)
		must(t, "wait for hostile note", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("h1"))))
		// The policy is the second line of defence: were the renderer to let
		// a script through, the browser must still refuse to run it.
		csp, _ := headerValue(resp.Headers, "Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") && strings.Contains(csp, "script-src") {
			t.Errorf("the note page's Content-Security-Policy %q does not forbid inline script", csp)
		}
		if title := eval[string](t, ctx, `document.querySelector("h1").textContent`); !strings.Contains(title, "恶意内容测试") {
			t.Fatalf("hostile note page has heading %q; wrong page?", title)
		}
		if body := eval[string](t, ctx, "document.body.innerText"); !strings.Contains(body, "click") {
			t.Errorf("the note's link text \"click\" is not on the page; was the body rendered at all?")
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('a[href^="javascript:" i]').length`); n > 0 {
			t.Errorf("the page has %d javascript: links", n)
			must(t, "click javascript: link", chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`a[href^="javascript:" i]`)),
				chromedp.Sleep(200*time.Millisecond),
			))
		} else {
			// Click where the link text is rendered, to prove it is inert.
			if eval[bool](t, ctx, `!!Array.from(document.querySelectorAll("a")).find(a => a.textContent === "click")`) {
				must(t, "click the neutralised link", chromedp.Do(ctx,
					chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("a")).find(a => a.textContent === "click").click()`),
					chromedp.Sleep(200*time.Millisecond),
				))
			}
		}
		// Give a broken image's onerror time to fire.
		must(t, "wait", chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)))
		if typ := eval[string](t, ctx, "typeof window.__xss"); typ != "undefined" {
			t.Errorf("window.__xss is %s (value %v): script from the record ran", typ, eval[any](t, ctx, "window.__xss"))
		}
		if n := eval[int](t, ctx, `Array.from(document.scripts).filter(s => s.textContent.includes("__xss")).length`); n > 0 {
			t.Errorf("%d <script> elements from the record are in the DOM", n)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("[onerror], [onclick], [onload]").length`); n > 0 {
			t.Errorf("%d elements carry inline event handlers", n)
		}
		for _, m := range cons.messages() {
			t.Logf("console: %s", m)
		}
	})
}

// changedRecord finds a record of the test customer with at least two
// versions, so its diff has something to show.
func (f *fixture) changedRecord(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"devices.md", "progress.md", "leads.md", "spares.md", "training.md", "topology.md", "customer.md"} {
		path := "customers/" + f.customer + "/" + name
		if h, err := f.repo.History(path, 2); err == nil && len(h) >= 2 {
			return path
		}
	}
	t.Fatalf("no record of %s has two versions in the demo archive", f.customer)
	return ""
}

// pastDay is a day between the first and the last change of the test
// customer, so the as-of view differs from both ends.
func (f *fixture) pastDay(t *testing.T) string {
	t.Helper()
	h, err := f.repo.History("customers/"+f.customer, 0)
	if err != nil || len(h) < 3 {
		t.Fatalf("history of %s: %d commits, %v", f.customer, len(h), err)
	}
	return h[len(h)/2].When.Format(time.DateOnly)
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// headerValue looks a header up regardless of case: the protocol reports
// them as the server spelled them.
func headerValue(h network.Headers, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, ok := v.(string)
			return s, ok
		}
	}
	return "", false
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func anyContains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) || strings.Contains(sub, s) {
			return true
		}
	}
	return false
}

// noCSPErrors fails when the browser refused one of our own resources:
// the pages must work under the site's Content-Security-Policy.
func noCSPErrors(t *testing.T, c *console) {
	t.Helper()
	for _, m := range c.messages() {
		if strings.HasSuffix(m, "/favicon.ico]") {
			// Chromium asks for /favicon.ico by itself; the site declares
			// no icon, so the 404 says nothing about our pages.
			t.Logf("ignored: %s", m)
			continue
		}
		if strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Content-Security-Policy") {
			t.Errorf("CSP violation: %s", m)
		} else if strings.HasPrefix(m, "error") || strings.HasPrefix(m, "exception") {
			t.Errorf("console error: %s", m)
		}
	}
}
