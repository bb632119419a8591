package site_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// A push of an invalid record shows on the health page, linked to the line
// to fix, and the pages around it keep working (issue 6, point 7).
func TestHealthShowsPushedInvalidRecord(t *testing.T) {
	ts := newServer(t, options{})
	ts.commit(t, today, "liqiang", "推送了一个坏文件", []gitstore.FileChange{
		{Path: "customers/mz-renmin-hospital/spares.md", Data: []byte("---\nkind: spares\nparts:\n  - {part: 光模块, on_hand: many}\n---\n")},
		{Path: "customers/mz-gongan/training.md", Data: []byte("---\nkind: training\nsessions: [\n---\n")},
	})
	if err := ts.Site.Live().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, "liqiang", "/health")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("health: %d", res.StatusCode)
	}
	var links []string
	for _, a := range findAll(res.Doc, "table.problem-list a") {
		href, _ := attr(a, "href")
		links = append(links, href)
	}
	want := "/records/customers/mz-renmin-hospital/spares.md#L4"
	if !slices.Contains(links, want) {
		t.Errorf("health links %v, want %s", links, want)
	}
	// The restricted customer's broken file is not liqiang's to see.
	if strings.Contains(res.Body, "mz-gongan") || strings.Contains(res.Body, "公安") {
		t.Errorf("a restricted customer's problem shown to someone not assigned")
	}
	// Its technician sees it; so does an admin.
	for _, who := range []string{"wangfang", "admin"} {
		if body := ts.get(t, who, "/health").Body; !strings.Contains(body, "customers/mz-gongan/training.md") {
			t.Errorf("%s does not see the restricted customer's broken record", who)
		}
	}
	// The pages still work.
	for _, u := range []string{"/customers/mz-renmin-hospital", "/records/customers/mz-renmin-hospital/spares.md", "/dashboard"} {
		if res := ts.get(t, "liqiang", u); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d after an invalid push", u, res.StatusCode)
		}
	}
}

func TestHealthNotForMarketing(t *testing.T) {
	ts := newServer(t, options{})
	if res := ts.get(t, "marketing", "/health"); res.StatusCode != http.StatusForbidden {
		t.Errorf("marketing /health: %d, want 403", res.StatusCode)
	}
	nav := texts(findAll(ts.get(t, "marketing", "/").Doc, "nav.nav a"))
	if slices.Contains(nav, "健康") || !slices.Contains(nav, "线索") || !slices.Contains(nav, "仪表板") {
		t.Errorf("marketing's nav: %v", nav)
	}
	nav = texts(findAll(ts.get(t, "liqiang", "/").Doc, "nav.nav a"))
	if !slices.Contains(nav, "健康") {
		t.Errorf("technician's nav: %v", nav)
	}
}

func TestHealthScores(t *testing.T) {
	ts := newLeadServer(t)
	names := func(res response) []string {
		t.Helper()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("health: %d\n%s", res.StatusCode, res.Body)
		}
		return texts(findAll(res.Doc, "ol.health-customers .hc-name"))
	}
	// Restricted customers count only for those who may see them: in the
	// list, and in the technicians' and the archive's figures.
	admin := names(ts.get(t, "admin", "/health"))
	if !slices.Contains(admin, "米脂县公安局") || !slices.Contains(admin, "米脂县人民医院") {
		t.Errorf("admin's health lists %v", admin)
	}
	res := ts.get(t, "liqiang", "/health")
	if got := names(res); slices.Contains(got, "米脂县公安局") || strings.Contains(res.Body, "mz-gongan") {
		t.Errorf("liqiang sees the restricted customer's health: %v", got)
	}
	techs := texts(findAll(res.Doc, "table.health-techs td a"))
	if !slices.Contains(techs, "liqiang") || slices.Contains(techs, "zhaomin") {
		t.Errorf("liqiang's technician table: %v", techs)
	}
	// Every problem links to the record to fix.
	var links []string
	for _, a := range findAll(ts.get(t, "admin", "/health").Doc, "ul.health-problems a") {
		href, _ := attr(a, "href")
		links = append(links, href)
	}
	if !slices.ContainsFunc(links, func(l string) bool { return strings.HasPrefix(l, "/records/customers/mz-renmin-hospital/") }) {
		t.Errorf("no problem links to a hospital record: %v", links)
	}
	// One technician's customers.
	for _, n := range names(ts.get(t, "admin", "/health?technician=liqiang")) {
		if n == "米脂县公安局" {
			t.Errorf("liqiang's customers include the police")
		}
	}
	// As of a day: the archive as it stood then, labelled.
	past := ts.get(t, "admin", "/health?at=2026-03-15")
	if past.StatusCode != http.StatusOK || len(findAll(past.Doc, ".asof")) == 0 {
		t.Errorf("health as of 2026-03-15: %d, banner %d", past.StatusCode, len(findAll(past.Doc, ".asof")))
	}
	if len(findAll(past.Doc, "#problems")) != 0 {
		t.Errorf("the checker's problems of today shown on a past day's page")
	}
	for u, want := range map[string]int{"/health?at=2020-01-01": http.StatusNotFound, "/health?at=yesterday": http.StatusBadRequest} {
		if res := ts.get(t, "admin", u); res.StatusCode != want {
			t.Errorf("%s: %d, want %d", u, res.StatusCode, want)
		}
	}
}
