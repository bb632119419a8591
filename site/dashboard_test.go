package site_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// chartsOf reads the dashboard's charts: each drawn chart names the JSON
// block that holds its ECharts option.
func chartsOf(t *testing.T, res response) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, el := range findAll(res.Doc, "div.chart[data-chart]") {
		id, _ := attr(el, "data-chart")
		src := find(t, res.Doc, "script#"+id)
		if typ, _ := attr(src, "type"); typ != "application/json" {
			t.Errorf("%s: script type %q: only data, no inline script", id, typ)
		}
		var opt map[string]any
		if err := json.Unmarshal([]byte(src.FirstChild.Data), &opt); err != nil {
			t.Fatalf("%s: option does not parse: %v\n%s", id, err, src.FirstChild.Data)
		}
		out[strings.TrimPrefix(id, "chart-")] = opt
	}
	return out
}

func TestDashboard(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "admin", "/dashboard?lang=en")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", res.StatusCode, res.Body)
	}
	charts := chartsOf(t, res)
	for _, id := range []string{"warranty", "leads", "health", "punctuality"} {
		opt, ok := charts[id]
		if !ok {
			t.Errorf("chart %s not drawn; have %v", id, charts)
			continue
		}
		if series, _ := opt["series"].([]any); len(series) == 0 {
			t.Errorf("chart %s has no series: %v", id, opt)
		}
	}
	// The warranty timeline: fw-1's warranty ends in December 2026 and
	// core-sw-1 reaches end of life in December 2027.
	w := charts["warranty"]
	months := w["xAxis"].(map[string]any)["data"].([]any)
	series := w["series"].([]any)
	at := func(s int, month string) float64 {
		i := slices.Index(months, any(month))
		if i < 0 {
			t.Fatalf("no month %s in %v", month, months)
		}
		return series[s].(map[string]any)["data"].([]any)[i].(float64)
	}
	if got := at(0, "2026-12"); got != 1 {
		t.Errorf("warranty ending 2026-12 = %v, want 1", got)
	}
	if got := at(1, "2027-12"); got != 1 {
		t.Errorf("end of life 2027-12 = %v, want 1", got)
	}
	// Both visits arrived at least five minutes early (one exactly five).
	p := charts["punctuality"]["series"].([]any)
	sum := func(s int) (n float64) {
		for _, v := range p[s].(map[string]any)["data"].([]any) {
			n += v.(float64)
		}
		return n
	}
	if on, late := sum(0), sum(1); on != 2 || late != 0 {
		t.Errorf("punctuality: on time %v, late %v; want 2, 0", on, late)
	}
	// Every chart has its table, for readers without JavaScript.
	if n, m := len(findAll(res.Doc, "details.chart-table table")), len(charts); n != m {
		t.Errorf("%d tables for %d charts", n, m)
	}
	// The charts are drawn by the served ECharts and a static script.
	var srcs []string
	for _, s := range findAll(res.Doc, "script[src]") {
		v, _ := attr(s, "src")
		srcs = append(srcs, v)
	}
	if len(srcs) != 2 || !strings.HasPrefix(srcs[0], "/static/vendor/echarts/") || !strings.HasPrefix(srcs[1], "/static/charts.js") {
		t.Errorf("scripts %v", srcs)
	}
	for _, u := range srcs {
		if js := ts.get(t, "admin", u); js.StatusCode != 200 || !strings.Contains(js.Header.Get("Content-Type"), "javascript") {
			t.Errorf("%s: %d %s", u, js.StatusCode, js.Header.Get("Content-Type"))
		}
	}
}

// Marketing may not see when technicians arrived: the punctuality chart has
// nothing to draw for it, rather than figures made of hidden fields.
func TestDashboardMarketing(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "marketing", "/dashboard")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	charts := chartsOf(t, res)
	if _, ok := charts["punctuality"]; ok {
		t.Errorf("marketing sees visit punctuality, built from hidden arrival times")
	}
	if _, ok := charts["health"]; ok {
		t.Errorf("marketing sees health by technician")
	}
	for _, id := range []string{"warranty", "leads"} {
		if _, ok := charts[id]; !ok {
			t.Errorf("marketing does not see chart %s", id)
		}
	}
	if strings.Contains(res.Body, "ZTE5960") || strings.Contains(res.Body, "10.12.0.1") {
		t.Errorf("hidden fields on the dashboard")
	}
}
