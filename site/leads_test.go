package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// Secrets of the fixture that marketing must never see: device serials,
// management addresses, the words of a visit note, the restricted
// customer's need.
var marketingSecrets = []string{"2102351234ABCD", "210235A1XYZ", "10.12.0.1", "10.12.0.2", "ZTE5960"}

// restrictedNeed gives the restricted customer (mz-gongan: wangfang and
// zhaomin only) a lead, so the tests can see whom it reaches.
const restrictedNeed = "涉密专网扩容需求"

func newLeadServer(t *testing.T) *testServer {
	t.Helper()
	ts := newServer(t, options{})
	ts.commit(t, today, "王芳", "公安局需求", []gitstore.FileChange{{
		Path: "customers/mz-gongan/leads.md",
		Data: []byte("---\nkind: leads\nleads:\n  - {date: 2026-11-20, need: " + restrictedNeed + ", product: 数字电路专线, noted_by: wangfang, status: new}\n---\n"),
	}})
	if err := ts.Site.Live().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := ts.Site.RefreshLeads(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ts
}

// boardLeads returns the ids and customers of the leads a board page shows.
func boardLeads(t *testing.T, res response) (ids, customers []string) {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("board: %d\n%s", res.StatusCode, res.Body)
	}
	for _, li := range findAll(res.Doc, "ol.lead-list li.lead") {
		id, _ := attr(li, "id")
		ids = append(ids, strings.TrimPrefix(id, "lead-"))
		href, _ := attr(find(t, li, ".lead-title a"), "href")
		customers = append(customers, strings.TrimPrefix(href, "/customers/"))
	}
	return ids, customers
}

func TestLeadBoardAccess(t *testing.T) {
	ts := newLeadServer(t)
	for _, tt := range []struct {
		viewer         string
		seesRestricted bool
	}{
		{"admin", true},
		{"wangfang", true}, // the restricted customer's technician
		{"liqiang", false},
		{"marketing", false},
	} {
		t.Run(tt.viewer, func(t *testing.T) {
			res := ts.get(t, tt.viewer, "/leads?status=all")
			ids, customers := boardLeads(t, res)
			if len(ids) == 0 {
				t.Fatal("no leads on the board")
			}
			if got := slices.Contains(customers, "mz-gongan") || strings.Contains(res.Body, restrictedNeed); got != tt.seesRestricted {
				t.Errorf("restricted customer's lead shown: %v, want %v", got, tt.seesRestricted)
			}
			// The counts are of what the viewer may see: the total, and
			// each choice of each filter.
			total := find(t, res.Doc, "p.result-count")
			if want := strconv.Itoa(len(ids)); !strings.Contains(text(total), want) {
				t.Errorf("count %q does not say %s", text(total), want)
			}
			sum := 0
			for _, o := range findAll(res.Doc, "select[name=signal] option") {
				if v, _ := attr(o, "value"); v != "" {
					sum += optionCount(t, o)
				}
			}
			if sum != len(ids) {
				t.Errorf("signal choices count %d leads, the board shows %d", sum, len(ids))
			}
			for _, o := range findAll(res.Doc, "select[name=status] option") {
				if v, _ := attr(o, "value"); v == "all" && optionCount(t, o) != len(ids) {
					t.Errorf("status 'all' counts %d, board shows %d", optionCount(t, o), len(ids))
				}
			}
			if tt.viewer == "marketing" {
				for _, s := range marketingSecrets {
					if strings.Contains(res.Body, s) {
						t.Errorf("marketing's board shows %q", s)
					}
				}
				// Utilisation is hidden from marketing: its lead is there,
				// its figure is not.
				if !strings.Contains(res.Body, "利用率") {
					t.Errorf("no utilisation lead for marketing")
				}
				if strings.Contains(res.Body, "85%") || strings.Contains(res.Body, "utilisation=85") {
					t.Errorf("marketing sees the utilisation figure")
				}
			}
		})
	}
}

// optionCount reads the "(N)" at the end of a filter choice.
func optionCount(t *testing.T, o *html.Node) int {
	t.Helper()
	s := text(o)
	i := strings.LastIndex(s, "(")
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSuffix(s[i+1:], ")"), ",", ""))
	if i < 0 || err != nil {
		t.Fatalf("choice %q has no count", s)
	}
	return n
}

func TestLeadBoardFilters(t *testing.T) {
	ts := newLeadServer(t)
	all, _ := boardLeads(t, ts.get(t, "admin", "/leads?status=all"))
	for _, tt := range []struct {
		query string
		check func(ids, customers []string) bool
	}{
		{"signal=spares&status=all", func(ids, cs []string) bool { return len(ids) == 1 && cs[0] == "mz-renmin-hospital" }},
		{"industry=政府&status=all", func(ids, cs []string) bool { return len(ids) > 0 && !slices.Contains(cs, "mz-renmin-hospital") }},
		{"account_manager=zhangwei&status=all", func(ids, cs []string) bool { return len(ids) > 0 && !slices.Contains(cs, "mz-gongan") }},
		{"district=龙镇&status=all", func(ids, cs []string) bool { return !slices.Contains(cs, "mz-renmin-hospital") }},
		{"status=won", func(ids, cs []string) bool { return len(ids) == 0 }},
		{"q=公安&status=all", func(ids, cs []string) bool { return len(ids) == 1 && cs[0] == "mz-gongan" }},
	} {
		ids, cs := boardLeads(t, ts.get(t, "admin", "/leads?"+tt.query))
		if !tt.check(ids, cs) {
			t.Errorf("%s: %v %v (of %d)", tt.query, ids, cs, len(all))
		}
	}
	// Sorting by score: scores never rise down the page.
	res := ts.get(t, "admin", "/leads?status=all")
	var scores []int
	for _, s := range texts(findAll(res.Doc, ".lead-score")) {
		n, _ := strconv.Atoi(s)
		scores = append(scores, n)
	}
	if !slices.IsSortedFunc(scores, func(a, b int) int { return b - a }) {
		t.Errorf("scores not in descending order: %v", scores)
	}
	// Every filter value round-trips into the export and feed links.
	res = ts.get(t, "admin", "/leads?signal=spares&status=all&sort=new")
	for _, a := range findAll(res.Doc, ".lead-bar a") {
		href, _ := attr(a, "href")
		u, _ := url.Parse(href)
		if u.Query().Get("signal") != "spares" || u.Query().Get("status") != "all" || u.Query().Get("sort") != "new" {
			t.Errorf("link %s loses the filter", href)
		}
	}
}

func TestLeadStatusChange(t *testing.T) {
	ts := newLeadServer(t)
	ids, customers := boardLeads(t, ts.get(t, "marketing", "/leads"))
	i := slices.Index(customers, "mz-renmin-hospital")
	if i < 0 {
		t.Fatal("no hospital lead")
	}
	id := ids[i]
	before, _ := ts.Repo.Head()
	form := url.Values{"status": {"contacted"}, "next": {"/leads?signal=&status=open"}}
	req := httptest.NewRequest(http.MethodPost, "/leads/"+id+"/status", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Viewer", "marketing")
	res := ts.do(t, req)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status change: %d\n%s", res.StatusCode, res.Body)
	}
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/leads?") || !strings.Contains(loc, "saved="+id) || !strings.HasSuffix(loc, "#lead-"+id) {
		t.Errorf("redirect to %q", loc)
	}
	head, _ := ts.Repo.Head()
	if head == before {
		t.Fatal("no commit")
	}
	c, err := ts.Repo.CommitInfo(head)
	if err != nil {
		t.Fatal(err)
	}
	if c.Author != marketing.DisplayName || !strings.Contains(c.Message, id) {
		t.Errorf("commit by %q: %q", c.Author, c.Message)
	}
	// The history of leads.md shows it, and the board has the new status.
	hist := ts.get(t, "marketing", "/history/customers/mz-renmin-hospital/leads.md")
	if !strings.Contains(hist.Body, head[:7]) {
		t.Errorf("history of leads.md lacks commit %s", head[:7])
	}
	board := ts.get(t, "marketing", "/leads?status=contacted")
	got, _ := boardLeads(t, board)
	if !slices.Contains(got, id) {
		t.Errorf("lead %s not contacted on the board: %v", id, got)
	}
	// Unknown statuses and leads the viewer may not see are refused
	// without a commit.
	restricted, rc := boardLeads(t, ts.get(t, "admin", "/leads?q=公安&status=all"))
	if len(restricted) != 1 || rc[0] != "mz-gongan" {
		t.Fatalf("restricted lead: %v", restricted)
	}
	for _, tt := range []struct {
		viewer, id, status string
		want               int
	}{
		{"marketing", id, "sold", http.StatusBadRequest},
		{"marketing", restricted[0], "contacted", http.StatusNotFound},
		{"liqiang", restricted[0], "contacted", http.StatusNotFound},
		{"marketing", "000000000000", "contacted", http.StatusNotFound},
	} {
		req := httptest.NewRequest(http.MethodPost, "/leads/"+tt.id+"/status", strings.NewReader("status="+tt.status))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Test-Viewer", tt.viewer)
		if res := ts.do(t, req); res.StatusCode != tt.want {
			t.Errorf("%s sets %s of %s: %d, want %d", tt.viewer, tt.status, tt.id, res.StatusCode, tt.want)
		}
	}
	if now, _ := ts.Repo.Head(); now != head {
		t.Errorf("a refused change made a commit")
	}
}

// The customer page shows the customer's open leads to everyone who may
// see the customer, redacted like the board, and its health score to the
// staff.
func TestCustomerPageLeadsAndHealth(t *testing.T) {
	ts := newLeadServer(t)
	for _, tt := range []struct {
		viewer     string
		seesHealth bool
	}{{"marketing", false}, {"liqiang", true}, {"admin", true}} {
		res := ts.get(t, tt.viewer, "/customers/mz-renmin-hospital")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tt.viewer, res.StatusCode)
		}
		leads := findAll(res.Doc, "#open-leads ul.customer-leads li")
		if len(leads) == 0 {
			t.Errorf("%s: no open leads on the customer page", tt.viewer)
		}
		if got := len(findAll(res.Doc, "section#health")) == 1; got != tt.seesHealth {
			t.Errorf("%s: health section shown %v, want %v", tt.viewer, got, tt.seesHealth)
		}
		if tt.seesHealth {
			if score := text(find(t, res.Doc, "section#health h2 strong")); score == "" {
				t.Errorf("%s: no score", tt.viewer)
			}
		}
		if tt.viewer == "marketing" {
			sec := text(find(t, res.Doc, "#open-leads"))
			for _, s := range append(marketingSecrets, "85%") {
				if strings.Contains(sec, s) {
					t.Errorf("marketing's customer page leads show %q", s)
				}
			}
		}
	}
	// As of a past day, the leads of that day: the restricted customer's
	// need was written in November.
	if res := ts.get(t, "wangfang", "/customers/mz-gongan?at=2026-03-15"); strings.Contains(text(find(t, res.Doc, "#open-leads")), restrictedNeed) {
		t.Errorf("a need written in November shows on the page as of March")
	}
	if res := ts.get(t, "wangfang", "/customers/mz-gongan"); !strings.Contains(text(find(t, res.Doc, "#open-leads")), restrictedNeed) {
		t.Errorf("the restricted customer's need is not on its page for its technician")
	}
}
