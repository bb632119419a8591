package site_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"iter"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
)

// A canary is a value of the leak archive (testdata/leak-*.txtar) that
// only some people may see. The leak matrix crawls the whole site as each
// person and fails wherever a canary shows up for someone outside its
// circle. New pages are covered as soon as something links to them.
type canary struct {
	name  string
	value string
	// seenBy are the people who may see it (and must, somewhere: a canary
	// nobody reaches would prove nothing).
	seenBy []string
}

var (
	everyone   = []string{"admin", "liqiang", "zhangwei", "wangfang", "marketing"}
	staff      = []string{"admin", "liqiang", "zhangwei", "wangfang"} // not marketing
	govCircle  = []string{"admin", "liqiang", "zhangwei"}             // secret-gov's staff
	leakSeeds  = []string{"/", "/customers", "/guides", "/leads", "/health", "/dashboard", "/api/customers"}
	leakFarOff = []string{ // asked for directly by people who should not know they exist
		"/customers/secret-gov", "/customers/secret-gov/print", "/history/customers/secret-gov",
		"/records/customers/secret-gov/devices.md", "/history/customers/secret-gov/devices.md",
		"/api/customers/secret-gov", "/api/records/customers/secret-gov/devices.md",
		"/records/customers/open-school/visits/2026-03-02-repair.md", "/records/customers/open-school/notes/rack.md",
		"/records/customers/open-school/topology.md", "/api/records/customers/open-school/devices.md",
		"/files/customers/open-school/notes/wiring.txt", "/files/customers/secret-gov/notes/plan.txt",
		"/customers/open-school?at=2026-05-01", "/customers/secret-gov?at=2026-05-01",
		"/customers/open-school/print?at=2026-09-01", "/customers/secret-gov/print?at=2026-09-01",
	}
)

var canaries = []canary{
	// Restricted customer: its staff and admins only.
	{"restricted name", "金丝雀保密局", govCircle},
	{"restricted profile phrase", "保密金丝雀短语", govCircle},
	{"restricted district (a facet value)", "金丝雀特区", govCircle},
	{"restricted vendor (a facet value)", "CanaryVendor", govCircle},
	{"restricted model", "CANARYMODEL-9", govCircle},
	{"restricted serial", "CANARYSN9900GOV", govCircle},
	{"restricted IP", "10.250.9.9", govCircle}, // prefix of both versions' addresses
	{"restricted need", "保密线索金丝雀", govCircle},
	{"restricted dangling device (a checker message)", "gov-ghost-canary", govCircle},
	// Fields marketing may not see (the default hide list).
	{"serial", "CANARYSN7788", staff},
	{"management IP", "10.250.1.7", staff},
	{"contact phone", "13911112222", staff},
	{"contact email", "canary-mail@school.example.cn", staff},
	{"address", "金丝雀路88号", staff},
	{"device location", "金丝雀楼三层机房", staff},
	{"firmware", "V200R0CANARY", staff},
	{"topology text", "拓扑金丝雀说明", staff},
	{"visit notes", "维修金丝雀记录", staff},
	{"note page", "笔记金丝雀内容", staff},
	{"attachment", "附件金丝雀文本", staff},
	{"restricted attachment", "保密附件金丝雀", govCircle},
	// Controls: what everybody may see must be seen, or the crawl proves
	// nothing.
	{"open customer name", "米脂第三中学", everyone},
	{"open need", "实验楼需要万兆上联", everyone},
	{"open model", "S5735-L24P4X-A1", everyone},
}

const leakMessage = "更换核心交换机 CANARYSN7788OPEN 为 CANARYSN7788NEW，管理地址 10.250.1.77 改为 10.250.1.78；金丝雀保密局 CANARYSN9900GOV 改地址 10.250.9.98"

func newLeakServer(tb testing.TB) *testServer {
	tb.Helper()
	fx := emptyFixture(tb)
	fx.First = fx.commit(tb, day1, "liqiang", "建立金丝雀测试档案", readTxtar(tb, "leak-v1.txtar"))
	fx.Second = fx.commit(tb, day2, "liqiang", leakMessage, readTxtar(tb, "leak-v2.txtar"))
	return newServerOn(tb, fx, options{index: true})
}

// newLeakUnion serves the same archive from two repositories, the
// restricted customer in its own (gitstore.Union), as a branch keeps it.
func newLeakUnion(tb testing.TB) *testServer {
	tb.Helper()
	split := func(name string) (open, secret []gitstore.FileChange) {
		for _, f := range readTxtar(tb, name) {
			if strings.HasPrefix(f.Path, "customers/secret-gov/") {
				secret = append(secret, f)
			} else {
				open = append(open, f)
			}
		}
		return open, secret
	}
	fx, sec := emptyFixture(tb), emptyFixture(tb)
	o1, s1 := split("leak-v1.txtar")
	o2, s2 := split("leak-v2.txtar")
	fx.First = fx.commit(tb, day1, "liqiang", "建立金丝雀测试档案", o1)
	sec.commit(tb, day1, "liqiang", "建立金丝雀保密档案", s1)
	fx.Second = fx.commit(tb, day2, "liqiang", leakMessage, o2)
	sec.commit(tb, day2, "liqiang", leakMessage, s2)
	return newServerOn(tb, fx, options{index: true, store: gitstore.NewUnion(fx.Repo, sec.Repo)})
}

// TestLeakMatrix crawls every page and API answer reachable by each person
// and checks the canaries.
func TestLeakMatrix(t *testing.T) {
	leakMatrix(t, newLeakServer(t))
}

// TestLeakMatrixUnion: the same with the restricted customer in a
// repository of its own.
func TestLeakMatrixUnion(t *testing.T) {
	ts := newLeakUnion(t)
	if ts.Site.Live().Snapshot().Customer("secret-gov") == nil {
		t.Fatal("the union does not show the restricted repository's customer")
	}
	leakMatrix(t, ts)
}

func leakMatrix(t *testing.T, ts *testServer) {
	for _, who := range everyone {
		t.Run(who, func(t *testing.T) {
			seeds := slices.Clone(leakSeeds)
			seeds = append(seeds, leakFarOff...)
			for _, c := range canaries {
				seeds = append(seeds, "/search?q="+url.QueryEscape(c.value), "/api/search?q="+url.QueryEscape(c.value))
			}
			seeds = append(seeds, "/search?q="+url.QueryEscape("交换机"), "/api/search?q="+url.QueryEscape("交换机"))
			pages := crawl(t, ts, who, seeds, 2000)
			if len(pages) < 20 {
				t.Fatalf("the crawl reached only %d pages: %v", len(pages), slices.Sorted(mapKeys(pages)))
			}
			for _, c := range canaries {
				allowed := slices.Contains(c.seenBy, who)
				var where []string
				for u, body := range pages {
					if strings.Contains(body, c.value) {
						where = append(where, u)
					}
				}
				slices.Sort(where)
				switch {
				case !allowed && len(where) > 0:
					t.Errorf("%s sees the %s %q on %d pages: %s", who, c.name, c.value, len(where), strings.Join(where[:min(len(where), 8)], " "))
				case allowed && len(where) == 0:
					t.Errorf("%s should see the %s %q somewhere, and the crawl found it nowhere", who, c.name, c.value)
				}
			}
			t.Logf("%s: %d pages crawled", who, len(pages))
			if testing.Verbose() {
				for _, u := range slices.Sorted(mapKeys(pages)) {
					t.Log(u)
				}
			}
		})
	}
}

// TestLeakSearchCounts checks that a search for a hidden value finds
// nothing, and that totals and facet counts are those of what the person
// may see, not of the whole archive.
func TestLeakSearchCounts(t *testing.T) {
	ts := newLeakServer(t)
	search := func(who, q string) index.Result {
		t.Helper()
		res := ts.get(t, who, "/api/search?size=200&q="+url.QueryEscape(q))
		if res.StatusCode != 200 {
			t.Fatalf("%s: /api/search?q=%s: %d %s", who, q, res.StatusCode, res.Body)
		}
		var out index.Result
		if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, c := range canaries {
		for _, who := range everyone {
			if slices.Contains(c.seenBy, who) {
				continue
			}
			if got := search(who, c.value); got.Total != 0 || len(got.Hits) != 0 {
				t.Errorf("%s searching the %s %q gets %d hits: %+v", who, c.name, c.value, got.Total, got.Hits)
			}
		}
	}
	// wangfang's view of 交换机 is admin's minus the restricted customer,
	// facet by facet.
	mine := search("wangfang", "交换机")
	want := search("admin", "交换机 -customer:secret-gov")
	if mine.Total == 0 || mine.Total != want.Total {
		t.Errorf("wangfang's total for 交换机 is %d, want %d (admin's without the restricted customer)", mine.Total, want.Total)
	}
	if all := search("admin", "交换机"); all.Total <= want.Total {
		t.Errorf("the restricted customer should match 交换机 for admin (total %d, without it %d): the test proves nothing", all.Total, want.Total)
	}
	for name, fs := range want.Facets {
		if got := mine.Facets[name]; !slices.Equal(got, fs) {
			t.Errorf("facet %s for wangfang = %v, want %v", name, got, fs)
		}
	}
}

// TestLeakNotFoundIsNotFound checks that a restricted customer answers
// exactly like one that does not exist, for those outside its circle.
func TestLeakNotFoundIsNotFound(t *testing.T) {
	ts := newLeakServer(t)
	for _, who := range []string{"wangfang", "marketing"} {
		for _, u := range []string{"/customers/%s", "/customers/%s/print", "/history/customers/%s", "/records/customers/%s/devices.md", "/api/customers/%s", "/api/records/customers/%s/devices.md"} {
			secret := ts.get(t, who, strings.ReplaceAll(u, "%s", "secret-gov"))
			none := ts.get(t, who, strings.ReplaceAll(u, "%s", "no-such-cu"))
			if secret.StatusCode != 404 || none.StatusCode != 404 {
				t.Errorf("%s %s: status %d, want 404 like a missing customer (%d)", who, u, secret.StatusCode, none.StatusCode)
			}
			if a, b := strings.ReplaceAll(secret.Body, "secret-gov", "X"), strings.ReplaceAll(none.Body, "no-such-cu", "X"); a != b {
				t.Errorf("%s %s: the restricted customer's 404 differs from a missing one's", who, u)
			}
		}
	}
}

// crawl fetches seeds and everything they link to (same site, GET only)
// as one person and returns each address's text: the body, the addresses
// it links to (decoded), and the contents of zip files (XLSX exports).
func crawl(t *testing.T, ts *testServer, who string, seeds []string, limit int) map[string]string {
	t.Helper()
	pages := map[string]string{}
	queue := slices.Clone(seeds)
	seen := map[string]bool{}
	searches := map[string]int{}
	for _, s := range seeds {
		seen[s] = true
	}
	for len(queue) > 0 && len(pages) < limit {
		u := queue[0]
		queue = queue[1:]
		res := ts.get(t, who, u)
		if res.StatusCode >= 500 {
			t.Errorf("%s: GET %s: %d %s", who, u, res.StatusCode, res.Body)
		}
		body := res.Body
		var links []string
		ct := res.Header.Get("Content-Type")
		switch {
		case res.Doc != nil:
			links = append(htmlLinks(res.Doc), formQueries(res.Doc)...)
		case strings.Contains(ct, "json"):
			links = jsonLinks(res.Body)
		case strings.Contains(ct, "zip") || strings.Contains(ct, "spreadsheet"):
			body += unzipText(t, []byte(res.Body))
		}
		if loc := res.Header.Get("Location"); loc != "" {
			links = append(links, loc)
		}
		var text strings.Builder
		text.WriteString(body)
		for _, l := range links {
			if d, err := url.PathUnescape(l); err == nil {
				text.WriteString("\n" + d)
			}
			if d, err := url.QueryUnescape(l); err == nil {
				text.WriteString("\n" + d)
			}
			next, ok := sameSite(u, l)
			if ok && !seen[next] {
				seen[next] = true
				// Facet links combine without end: a few hundred
				// searches cover every facet value, the rest is more
				// of the same.
				if p, _, _ := strings.Cut(next, "?"); strings.HasSuffix(p, "/search") {
					if searches[p]++; searches[p] > 150 {
						continue
					}
				}
				queue = append(queue, next)
			}
		}
		seenText := text.String()
		if pu, err := url.Parse(u); err == nil && pu.Path == "/search" {
			// The search page repeats the person's own query (box, title,
			// links to more pages and facets): that is not a leak.
			// Whether the query found anything is TestLeakSearchCounts'
			// question.
			if q := pu.Query().Get("q"); q != "" {
				seenText = strings.ReplaceAll(seenText, q, "‹query›")
				seenText = strings.ReplaceAll(seenText, html.EscapeString(q), "‹query›")
			}
		}
		pages[u] = seenText
	}
	return pages
}

func htmlLinks(doc *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "href" || a.Key == "src" || (a.Key == "action" && strings.EqualFold(attrOr(n, "method", "get"), "get")) {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// formQueries submits each GET form with its default values (the history
// page's comparison of the two newest versions, for one).
func formQueries(doc *html.Node) []string {
	var out []string
	for _, f := range findAll(doc, "form") {
		if !strings.EqualFold(attrOr(f, "method", "get"), "get") {
			continue
		}
		q := url.Values{}
		for _, in := range findAll(f, "input") {
			name, _ := attr(in, "name")
			typ := strings.ToLower(attrOr(in, "type", "text"))
			_, checked := attr(in, "checked")
			if name == "" || ((typ == "radio" || typ == "checkbox") && !checked) || typ == "submit" {
				continue
			}
			q.Add(name, attrOr(in, "value", ""))
		}
		out = append(out, attrOr(f, "action", "")+"?"+q.Encode())
	}
	return out
}

func attrOr(n *html.Node, name, def string) string {
	if v, ok := attr(n, name); ok {
		return v
	}
	return def
}

var jsonPathRE = regexp.MustCompile(`"((?:/|customers/|guides/)[^"\s]*)"`)

// jsonLinks finds site addresses and record paths in an API answer.
func jsonLinks(body string) []string {
	var out []string
	for _, m := range jsonPathRE.FindAllStringSubmatch(body, -1) {
		p := m[1]
		if strings.HasPrefix(p, "/") {
			out = append(out, p)
			continue
		}
		out = append(out, "/api/records/"+p, "/records/"+p)
	}
	return out
}

// sameSite resolves a link against the page and keeps it when it is a GET
// of this site worth following.
func sameSite(page, link string) (string, bool) {
	base, err := url.Parse(page)
	if err != nil {
		return "", false
	}
	ref, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", false
	}
	u := base.ResolveReference(ref)
	if (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Host != "" && u.Host != "example.com") {
		return "", false
	}
	if strings.HasPrefix(u.Path, "/static/") || u.Path == "/logout" || u.Path == "/login" || u.Path == "/lang" {
		return "", false
	}
	u.Scheme, u.Host, u.Fragment = "", "", ""
	return u.RequestURI(), true
}

func unzipText(t *testing.T, b []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Errorf("a zip answer does not open: %v", err)
		return ""
	}
	var out strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		out.Write(data)
	}
	return out.String()
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
