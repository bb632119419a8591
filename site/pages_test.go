package site_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestPagesRender(t *testing.T) {
	ts := newServer(t, options{})
	for _, url := range []string{
		"/", "/search", "/search?q=交换机", "/customers", "/customers?industry=教育",
		"/customers/mz-renmin-hospital", "/customers/mz-renmin-hospital?at=2026-06-30",
		"/customers/mz-renmin-hospital/print?at=2026-06-30", "/customers/bad-yaml", "/customers/no-profile", "/customers/mz-tax",
		"/records/customers/mz-renmin-hospital/devices.md", "/records/guides/olt.md",
		"/history/customers/mz-renmin-hospital/devices.md", "/history/customers/mz-renmin-hospital", "/guides",
	} {
		res := ts.get(t, "", url)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d\n%s", url, res.StatusCode, res.Body)
			continue
		}
		if res.Doc == nil || len(findAll(res.Doc, "main")) != 1 {
			t.Errorf("GET %s: no <main>", url)
		}
		if strings.Contains(res.Body, "%!") {
			t.Errorf("GET %s: formatting error in page", url)
		}
	}
}

func TestCustomerPage(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "", "/customers/mz-renmin-hospital")
	if got := text(find(t, res.Doc, "h1")); got != "米脂县人民医院" {
		t.Errorf("h1 = %q", got)
	}
	rows := findAll(res.Doc, "table.devices tbody tr")
	if len(rows) != 2 {
		t.Fatalf("%d device rows, want 2", len(rows))
	}
	// core-sw-1's warranty ended 2026-03-14 (past); fw-1's ends 2026-12-20 (near).
	if len(findAll(rows[0], "td.warranty .flag-past")) != 1 {
		t.Errorf("core-sw-1 warranty not marked past: %s", text(rows[0]))
	}
	if len(findAll(rows[1], "td.warranty .flag-near")) != 1 {
		t.Errorf("fw-1 warranty not marked near: %s", text(rows[1]))
	}
	visits := findAll(res.Doc, "#visits article.visit")
	if len(visits) != 2 {
		t.Fatalf("%d visits, want 2", len(visits))
	}
	if !strings.Contains(text(visits[0]), "2026-07-20") || len(findAll(visits[0], ".flag-near")) == 0 {
		t.Errorf("open follow-up not first: %s", text(visits[0]))
	}
	if got := len(findAll(res.Doc, "#progress .timeline li.late")); got != 1 {
		t.Errorf("%d late milestones, want 1", got)
	}
	if got := len(findAll(res.Doc, "#spares tr.short")); got != 1 {
		t.Errorf("%d short parts, want 1", got)
	}
	if len(findAll(res.Doc, "#topology figure.diagram svg")) != 1 {
		t.Errorf("no inline topology diagram")
	}
	if !strings.Contains(text(find(t, res.Doc, "#topology")), "ghost-ap") {
		t.Errorf("diagram problem about ghost-ap not shown")
	}
	// The hostile note is rendered inert.
	for _, n := range findAll(res.Doc, "script") {
		t.Errorf("script element on the page: %s", text(n))
	}
	for _, a := range findAll(res.Doc, "a[href]") {
		href, _ := attr(a, "href")
		if strings.HasPrefix(strings.ToLower(href), "javascript:") || strings.HasPrefix(href, "data:") {
			t.Errorf("dangerous link %q", href)
		}
	}
	img := find(t, res.Doc, "#notes img")
	if src, _ := attr(img, "src"); src != "/files/customers/mz-renmin-hospital/notes/rack.png" {
		t.Errorf("note image src = %q", src)
	}
}

func TestBrokenCustomerStillRenders(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "", "/customers/bad-yaml")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	probs := texts(findAll(res.Doc, ".problems li"))
	if len(probs) < 3 {
		t.Errorf("expected the records' problems on the page, got %q", probs)
	}
	if !slices.ContainsFunc(probs, func(s string) bool { return strings.Contains(s, "customers/bad-yaml/customer.md") }) {
		t.Errorf("customer.md's error not shown: %q", probs)
	}
	// The readable devices still show.
	if len(findAll(res.Doc, "table.devices tbody tr")) != 1 {
		t.Errorf("devices of a customer with a broken profile not shown")
	}
}

// TestProblemsInPageLanguage: the checker's messages follow the page's
// language, so a technician reading Chinese gets the problem in Chinese.
func TestProblemsInPageLanguage(t *testing.T) {
	ts := newServer(t, options{})
	for _, tt := range []struct{ lang, want, not string }{
		{"zh-CN", "不是日期", "is not a date"},
		{"en", "is not a date", "不是日期"},
	} {
		res := ts.get(t, "", "/records/customers/bad-yaml/devices.md", "Accept-Language", tt.lang)
		got := texts(findAll(res.Doc, ".problems li"))
		joined := strings.Join(got, "\n")
		if !strings.Contains(joined, tt.want) || strings.Contains(joined, tt.not) {
			t.Errorf("%s: problems %q, want %q and not %q", tt.lang, got, tt.want, tt.not)
		}
	}
}
