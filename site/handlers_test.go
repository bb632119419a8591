package site_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

func TestNotFound(t *testing.T) {
	ts := newServer(t, options{})
	for _, u := range []string{
		"/nope", "/customers/unknown", "/customers/Bad_ID", "/customers/..%2F..%2Fetc",
		"/records/customers/unknown/customer.md", "/records/../../etc/passwd", "/records/customers/mz-school/../../dangan.yaml",
		"/records/.git/config", "/records/dangan.yaml", "/history/customers/unknown", "/history/.git/HEAD",
		"/diff/customers/mz-renmin-hospital/devices.md?from=zzz&to=HEAD", "/diff/customers/mz-renmin-hospital/devices.md",
		"/files/customers/mz-renmin-hospital/notes/none.png", "/files/customers/mz-renmin-hospital/customer.md", "/files/.git/config",
		"/customers/mz-renmin-hospital?v=HEAD~1", "/customers/mz-renmin-hospital?v=deadbeef",
		"/customers/mz-renmin-hospital?at=2020-01-01", "/api/customers/unknown", "/api/records/customers/x/customer.md", "/api/nope",
	} {
		res := ts.get(t, "", u)
		if loc := res.Header.Get("Location"); res.StatusCode/100 == 3 && strings.HasPrefix(loc, "/") {
			// The mux cleans ".." out of paths with a redirect; where it
			// leads must not exist either.
			res = ts.get(t, "", loc)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", u, res.StatusCode)
		}
	}
	if res := ts.get(t, "", "/customers/mz-renmin-hospital?at=2026-13-45"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d, want 400", res.StatusCode)
	}
	// API errors are JSON.
	res := ts.get(t, "", "/api/customers/unknown")
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Error.Code != "not_found" || body.Error.Message == "" {
		t.Errorf("API 404 body = %s (%v)", res.Body, err)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newServer(t, options{})
	for _, u := range []string{"/", "/customers/mz-renmin-hospital", "/nope", "/api/customers", "/static/site.css"} {
		res := ts.get(t, "", u)
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("%s: CSP = %q", u, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", u, res.Header)
		}
	}
	// No page carries inline script or style, which the CSP would block.
	res := ts.get(t, "", "/customers/mz-renmin-hospital")
	if len(findAll(res.Doc, "script")) > 0 || len(findAll(res.Doc, "style")) > 0 || len(findAll(res.Doc, "[style]")) > 0 {
		t.Errorf("inline script or style on the customer page")
	}
	css := ts.get(t, "", "/static/site.css?v=x")
	if css.StatusCode != 200 || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") || css.Header.Get("Cache-Control") == "" {
		t.Errorf("static css: %d %v", css.StatusCode, css.Header)
	}
}

func TestAttachments(t *testing.T) {
	ts := newServer(t, options{})
	for _, tt := range []struct {
		path, ctype, disp string
	}{
		{"customers/mz-renmin-hospital/notes/rack.png", "image/png", "inline"},
		{"customers/mz-renmin-hospital/notes/evil.svg", "application/octet-stream", "attachment"},
		{"customers/mz-renmin-hospital/notes/wiring.pdf", "application/octet-stream", "attachment"},
	} {
		res := ts.get(t, "", "/files/"+tt.path)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", tt.path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got := res.Header.Get("Content-Disposition"); !strings.HasPrefix(got, tt.disp) {
			t.Errorf("%s: Content-Disposition %q, want %s", tt.path, got, tt.disp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: missing nosniff or sandbox", tt.path)
		}
	}
	// Marketing may not see notes, nor their images.
	if res := ts.get(t, "marketing", "/files/customers/mz-renmin-hospital/notes/rack.png"); res.StatusCode != 404 {
		t.Errorf("marketing got a note's image: %d", res.StatusCode)
	}
}

// TestConfidentiality: restricted customers look like missing ones to
// those not assigned; hidden fields appear nowhere: pages, API, diffs.
func TestConfidentiality(t *testing.T) {
	ts := newServer(t, options{})
	for _, tt := range []struct {
		viewer string
		want   int
	}{{"admin", 200}, {"wangfang", 200}, {"liqiang", 404}, {"marketing", 404}} {
		for _, u := range []string{"/customers/mz-gongan", "/records/customers/mz-gongan/devices.md", "/api/customers/mz-gongan",
			"/history/customers/mz-gongan", "/history/customers/mz-gongan/devices.md",
			"/diff/customers/mz-gongan/devices.md?from=" + ts.First + "&to=" + ts.Second} {
			if res := ts.get(t, tt.viewer, u); res.StatusCode != tt.want {
				t.Errorf("%s GET %s: %d, want %d", tt.viewer, u, res.StatusCode, tt.want)
			}
		}
		list := ts.get(t, tt.viewer, "/customers").Body
		if got := strings.Contains(list, "米脂县公安局"); got != (tt.want == 200) {
			t.Errorf("%s: restricted customer listed = %v", tt.viewer, got)
		}
	}
	// Marketing sees the hospital without serials, addresses, phones or
	// the topology.
	for _, u := range []string{"/customers/mz-renmin-hospital", "/api/customers/mz-renmin-hospital",
		"/records/customers/mz-renmin-hospital/devices.md", "/api/records/customers/mz-renmin-hospital/devices.md",
		"/diff/customers/mz-renmin-hospital/devices.md?from=" + ts.First + "&to=" + ts.Second, "/search?q=S5735", "/api/search?q=S5735"} {
		res := ts.get(t, "marketing", u)
		if res.StatusCode != 200 {
			t.Errorf("marketing GET %s: %d", u, res.StatusCode)
		}
		for _, secret := range []string{"2102351234ABCD", "10.12.0.1", "13800000000", "陕西省榆林市", "V200R021C00"} {
			if strings.Contains(res.Body, secret) {
				t.Errorf("marketing GET %s shows %q", u, secret)
			}
		}
	}
	page := ts.get(t, "marketing", "/customers/mz-renmin-hospital")
	if len(findAll(page.Doc, "figure.diagram")) != 0 {
		t.Errorf("marketing sees the topology diagram")
	}
	if res := ts.get(t, "marketing", "/records/customers/mz-renmin-hospital/topology.md"); res.StatusCode != 404 {
		t.Errorf("marketing opens topology.md: %d", res.StatusCode)
	}
}

func TestHistoryDiffAndAsOf(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "", "/history/customers/mz-renmin-hospital/devices.md")
	rows := findAll(res.Doc, "table.history tbody tr")
	if len(rows) != 2 || !strings.Contains(text(rows[0]), "核心交换机固件升级") {
		t.Fatalf("history rows = %q", texts(rows))
	}
	if len(findAll(res.Doc, "form.compare input[name=from]")) != 2 {
		t.Errorf("no compare form")
	}
	folder := ts.get(t, "", "/history/customers/mz-renmin-hospital")
	if n := len(findAll(folder.Doc, "table.history tbody tr")); n != 2 {
		t.Errorf("folder history has %d commits, want 2", n)
	}

	diff := ts.get(t, "", "/diff/customers/mz-renmin-hospital/devices.md?from="+ts.First[:8]+"&to="+ts.Second)
	if diff.StatusCode != 200 {
		t.Fatalf("diff: %d", diff.StatusCode)
	}
	del, add := texts(findAll(diff.Doc, "table.diff tr.del")), texts(findAll(diff.Doc, "table.diff tr.add"))
	if !containsAll(del, "V200R019C00") || !containsAll(add, "V200R021C00") {
		t.Errorf("diff -%q +%q", del, add)
	}

	// As of June 2026 the July visit did not exist and the firmware was old.
	past := ts.get(t, "", "/customers/mz-renmin-hospital?at=2026-06-30")
	if len(findAll(past.Doc, ".asof")) != 1 {
		t.Errorf("as-of page is not labelled")
	}
	if n := len(findAll(past.Doc, "#visits article.visit")); n != 1 {
		t.Errorf("as of 2026-06-30: %d visits, want 1", n)
	}
	if !strings.Contains(text(find(t, past.Doc, "table.devices")), "V200R019C00") {
		t.Errorf("as-of page shows the current firmware")
	}
	// Links on the past page stay on the past version.
	if href, _ := attr(find(t, past.Doc, "#visits article.visit h3 a"), "href"); !strings.HasSuffix(href, "?at=2026-06-30") {
		t.Errorf("visit link %q loses the date", href)
	}
	print := ts.get(t, "", "/customers/mz-renmin-hospital/print?at=2026-06-30")
	if body := find(t, print.Doc, "body"); !strings.Contains(func() string { v, _ := attr(body, "class"); return v }(), "print") {
		t.Errorf("print page without print layout")
	}
	// A record at a commit.
	rec := ts.get(t, "", "/records/customers/mz-renmin-hospital/devices.md?v="+ts.First)
	if rec.StatusCode != 200 || !strings.Contains(rec.Body, "V200R019C00") || len(findAll(rec.Doc, ".asof")) != 1 {
		t.Errorf("record at first commit: %d", rec.StatusCode)
	}
}

func containsAll(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func TestRecordKinds(t *testing.T) {
	ts := newServer(t, options{})
	snap := ts.Site.Live().Snapshot()
	n := 0
	for r := range snap.Records() {
		n++
		res := ts.get(t, "", "/records/"+(&url.URL{Path: r.Path}).EscapedPath())
		if res.StatusCode != 200 {
			t.Errorf("%s (%s): %d", r.Path, r.Kind, res.StatusCode)
			continue
		}
		if r.Broken() && len(findAll(res.Doc, ".problems li")) == 0 {
			t.Errorf("%s: broken record without its problems", r.Path)
		}
		// Structured fields are tables, never raw YAML.
		if !r.Broken() && strings.Contains(res.Body, "kind: ") {
			t.Errorf("%s: raw front matter on the page", r.Path)
		}
		api := ts.get(t, "", "/api/records/"+r.Path)
		var body struct {
			Path, Kind, Version, Content string
			Data                         any
		}
		if err := json.Unmarshal([]byte(api.Body), &body); err != nil || body.Path != r.Path || body.Version == "" || body.Content == "" && !strings.HasSuffix(r.Path, "empty.md") {
			t.Errorf("API %s: %s (%v)", r.Path, api.Body, err)
		}
	}
	if n < 20 {
		t.Errorf("only %d records in the fixture", n)
	}
}

func TestAPI(t *testing.T) {
	ts := newServer(t, options{})
	var list struct {
		Total     int
		Customers []struct{ ID, Name string }
	}
	decode(t, ts.get(t, "", "/api/customers?industry=教育"), &list)
	if list.Total != 1 || list.Customers[0].ID != "mz-school" {
		t.Errorf("customers?industry=教育 = %+v", list)
	}
	var c struct {
		ID, Commit string
		Records    []struct{ Path, Kind string }
	}
	decode(t, ts.get(t, "", "/api/customers/mz-renmin-hospital?at=2026-06-30"), &c)
	if c.Commit != ts.First || len(c.Records) != 10 {
		t.Errorf("customer as of June: commit %s, %d records", c.Commit, len(c.Records))
	}
	var rec struct {
		Version, Content string
		Data             struct {
			Devices []struct{ ID, Firmware string }
		}
	}
	decode(t, ts.get(t, "", "/api/records/customers/mz-renmin-hospital/devices.md?at=2026-06-30"), &rec)
	if len(rec.Data.Devices) != 2 || rec.Data.Devices[0].Firmware != "V200R019C00" || !strings.Contains(rec.Content, "kind: devices") {
		t.Errorf("record as of June = %+v", rec)
	}
	var search struct {
		Total uint64
		Hits  []struct {
			Customer, Path, Kind, Title, Snippet string
			Score                                float64
		}
	}
	decode(t, ts.get(t, "", "/api/search?q=光衰"), &search)
	if search.Total == 0 || search.Hits[0].Path != "customers/mz-renmin-hospital/visits/2026-07-20-repair.md" {
		t.Errorf("search 光衰 = %+v", search)
	}
}

func decode(t *testing.T, res response, v any) {
	t.Helper()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s: %s", res.StatusCode, res.Header.Get("Content-Type"), res.Body)
	}
	if err := json.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
}

func TestSearchWithIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("loading the Chinese dictionary takes seconds; -short skips the real index")
	}
	ts := newServer(t, options{index: true})
	res := ts.get(t, "", "/search?q=光衰")
	hits := findAll(res.Doc, "ol.hits li.hit")
	if len(hits) == 0 {
		t.Fatalf("no hits for 光衰")
	}
	if len(findAll(hits[0], ".snippet mark")) == 0 {
		t.Errorf("snippet without highlight: %s", text(hits[0]))
	}
	if len(findAll(res.Doc, "aside.facets details")) == 0 {
		t.Errorf("no facets")
	}
	bad := ts.get(t, "", "/search?q=eol:<tomorrow")
	if bad.StatusCode != http.StatusUnprocessableEntity || len(findAll(bad.Doc, ".query-error")) != 1 {
		t.Errorf("bad query: %d", bad.StatusCode)
	}
	api := ts.get(t, "", "/api/search?q=eol:<tomorrow")
	if api.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(api.Body, `"bad_query"`) {
		t.Errorf("API bad query: %d %s", api.StatusCode, api.Body)
	}
	// Restricted customers are not found by those who may not see them.
	if body := ts.get(t, "liqiang", "/api/search?q=ZXR10").Body; strings.Contains(body, "mz-gongan") {
		t.Errorf("liqiang finds the restricted customer")
	}
	if body := ts.get(t, "wangfang", "/api/search?q=ZXR10").Body; !strings.Contains(body, "mz-gongan") {
		t.Errorf("wangfang does not find her restricted customer")
	}
	// Paging.
	first := ts.get(t, "", "/search?q=kind:customer")
	if len(findAll(first.Doc, "nav.pager a")) != 0 {
		t.Errorf("pager on a single page of results")
	}
}

// TestLiveUpdate: a commit made behind the site's back (as git push or git
// commit would) shows on pages and in search after a refresh.
func TestLiveUpdate(t *testing.T) {
	ts := newServer(t, options{})
	ts.commit(t, today, "王芳", "新增客户米脂电厂", []gitstore.FileChange{{Path: "customers/mz-power/customer.md", Data: []byte("---\nkind: customer\nname: 米脂电厂\nindustry: 能源\n---\n")}})
	if res := ts.get(t, "", "/customers/mz-power"); res.StatusCode != 404 {
		t.Fatalf("new customer visible before refresh: %d", res.StatusCode)
	}
	if err := ts.Site.Live().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res := ts.get(t, "", "/customers/mz-power"); res.StatusCode != 200 {
		t.Errorf("new customer after refresh: %d", res.StatusCode)
	}
	if !strings.Contains(ts.get(t, "", "/api/search?q=电厂").Body, "mz-power") {
		t.Errorf("new customer not found by search")
	}
	var h struct{ Commit string }
	decode(t, ts.get(t, "", "/healthz"), &h)
	if head, _ := ts.Repo.Head(); h.Commit != head {
		t.Errorf("healthz commit %s, head %s", h.Commit, head)
	}
}

func TestLanguage(t *testing.T) {
	ts := newServer(t, options{})
	title := func(res response) string { return text(find(t, res.Doc, "nav.nav a")) }
	if got := title(ts.get(t, "", "/")); got != "客户" {
		t.Errorf("default language: %q", got)
	}
	if got := title(ts.get(t, "", "/", "Accept-Language", "en-GB,en;q=0.8")); got != "Customers" {
		t.Errorf("Accept-Language en: %q", got)
	}
	if got := title(ts.get(t, "", "/?lang=en")); got != "Customers" {
		t.Errorf("?lang=en: %q", got)
	}
	// The switch is a POST that sets a cookie and goes back, never elsewhere.
	for _, next := range []string{"/customers?industry=教育", "//evil.example/x", "https://evil.example", "/\\evil.example"} {
		req := httptest.NewRequest(http.MethodPost, "/lang", strings.NewReader(url.Values{"lang": {"en"}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res := ts.do(t, req)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "evil")) {
			t.Errorf("POST /lang next=%q: %d → %q", next, res.StatusCode, loc)
		}
		cookies := res.Cookies()
		if len(cookies) != 1 || cookies[0].Value != "en" || !cookies[0].HttpOnly {
			t.Errorf("cookie %v", cookies)
		}
		got := title(ts.get(t, "", "/", "Cookie", cookies[0].Name+"="+cookies[0].Value))
		if got != "Customers" {
			t.Errorf("with cookie: %q", got)
		}
	}
	if res := ts.get(t, "", "/lang?lang=en"); res.StatusCode == http.StatusSeeOther || len(res.Cookies()) > 0 {
		t.Errorf("GET /lang changed state")
	}
}

func TestXSSInQueryIsEscaped(t *testing.T) {
	ts := newServer(t, options{})
	payload := `"><script>alert(1)</script>`
	res := ts.get(t, "", "/search?q="+url.QueryEscape(payload))
	if len(findAll(res.Doc, "script")) != 0 {
		t.Errorf("query payload became a script element")
	}
	if v, _ := attr(find(t, res.Doc, "#q-top"), "value"); v != payload {
		t.Errorf("search box value = %q", v)
	}
}

func TestFavicon(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "", "/favicon.ico")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/static/favicon.svg" {
		t.Fatalf("/favicon.ico: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if svg := ts.get(t, "", "/static/favicon.svg"); svg.StatusCode != 200 || !strings.HasPrefix(svg.Header.Get("Content-Type"), "image/svg+xml") {
		t.Errorf("favicon.svg: %d %q", svg.StatusCode, svg.Header.Get("Content-Type"))
	}
	if page := ts.get(t, "", "/"); len(findAll(page.Doc, `link[rel=icon]`)) != 1 {
		t.Errorf("the layout declares no icon")
	}
}
