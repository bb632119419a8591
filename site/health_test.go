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
