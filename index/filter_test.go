package index_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

// marketing is what the default settings hide from marketing.
var marketing = index.Filter{Hide: archive.DefaultSettings().Roles["marketing"].Hide}

func TestFilterHidesValues(t *testing.T) {
	snap := fixture(t)
	ix := mustBuild(t, snap, index.Options{})
	tests := []struct {
		name, q string
		f       index.Filter
	}{
		{"serial", "2102351234ABCD", marketing},
		{"serial prefix", "serial:2102351", marketing},
		{"serial field", "serial:2102351234ABCD", marketing},
		{"ip", "10.12.0.1", marketing},
		{"ip field", "ip:10.12", marketing},
		{"phone", "13800000001", marketing},
		{"email", "liu@mzrmyy.example", marketing},
		{"address", "某路", marketing},
		{"location", "A02机柜", marketing},
		{"firmware", "V200R021C00", marketing},
		{"visit body", "复测", marketing},
		{"note", "收银台", marketing},
		{"topology", "电信米脂局", marketing},
		{"restricted phrase", "涉密专网", index.Filter{}},
		{"restricted serial", "21023SECRET9", index.Filter{}},
		{"restricted model", "S5735-L24T4S-A1", index.Filter{}},
		{"restricted customer", "customer:mz-zhengwu-center", index.Filter{}},
		{"restricted name", "政务服务中心", index.Filter{AllowRestricted: []string{"mz-renmin-hospital"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := searchSet(t, ix, tt.q, all); len(got) == 0 {
				t.Fatalf("%q finds nothing even unfiltered: the test proves nothing", tt.q)
			}
			res := search(t, ix, index.Request{Query: tt.q, Facets: true, Filter: tt.f})
			if res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("%q with %+v finds %d: %v", tt.q, tt.f, res.Total, paths(res))
			}
			for name, fs := range res.Facets {
				if len(fs) != 0 {
					t.Errorf("facet %s counts %v for a query with no permitted match", name, fs)
				}
			}
		})
	}

	// Allowed restricted customers are found.
	for _, f := range []index.Filter{{AllRestricted: true}, {AllowRestricted: []string{"mz-zhengwu-center"}}} {
		if got := searchSet(t, ix, "涉密专网", f); len(got) == 0 {
			t.Errorf("%+v does not find the restricted customer it may see", f)
		}
	}
}

// Snippets shown to a filtered caller contain no hidden value, whatever
// the query.
func TestFilterSnippets(t *testing.T) {
	snap := fixture(t)
	ix := mustBuild(t, snap, index.Options{})
	var secrets []string
	for f := range snap.Customers() {
		for _, d := range f.DeviceList() {
			secrets = append(secrets, d.Serial, d.MgmtIP, d.Location, d.Firmware)
		}
		for _, c := range f.Profile().Contacts {
			secrets = append(secrets, c.Phone, c.Email)
		}
		if a := f.Profile().Address; a != "" {
			secrets = append(secrets, a)
		}
	}
	for _, q := range []string{"", "kind:devices", "S5735", "交换机", "机房", "kind:customer", "vendor:华为"} {
		res := search(t, ix, index.Request{Query: q, Size: 100, Filter: marketing})
		if len(res.Hits) == 0 {
			t.Fatalf("%q finds nothing for marketing", q)
		}
		for _, h := range res.Hits {
			text := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
			for _, s := range secrets {
				if s != "" && strings.Contains(text, s) {
					t.Errorf("%q: snippet of %s shows hidden %q: %s", q, h.Path, s, h.Snippet)
				}
			}
			if h.Kind == archive.KindTopology || h.Kind == archive.KindNote || h.Customer == "mz-zhengwu-center" {
				t.Errorf("%q: marketing sees %s", q, h.Path)
			}
		}
	}
}

// Totals and facet counts equal those counted over the permitted hits.
func TestFilterCounts(t *testing.T) {
	snap := fixture(t)
	ix := mustBuild(t, snap, index.Options{})
	for _, f := range []index.Filter{{}, marketing, {AllRestricted: true}, {Hide: []string{"devices.vendor"}}} {
		for _, q := range []string{"", "交换机", "kind:devices", "银州街道", "-kind:guide"} {
			res := search(t, ix, index.Request{Query: q, Size: 200, Facets: true, Filter: f})
			if int(res.Total) != len(res.Hits) {
				t.Fatalf("%q: total %d, %d hits", q, res.Total, len(res.Hits))
			}
			want := map[string]map[string]int{}
			count := func(facet, v string) {
				if v == "" {
					return
				}
				if want[facet] == nil {
					want[facet] = map[string]int{}
				}
				want[facet][v]++
			}
			for _, h := range res.Hits {
				r := snap.Record(h.Path)
				count("kind", string(r.Kind))
				if folder := snap.Customer(r.Customer); folder != nil {
					p := folder.Profile()
					count("industry", p.Industry)
					count("district", p.District)
					count("account_manager", p.AccountManager)
				}
				if d := r.AsDevices(); d != nil && !slices.Contains(f.Hide, "devices.vendor") {
					seen := map[string]bool{}
					for _, dv := range d.Devices {
						v := map[string]string{"华为": "Huawei", "中兴": "ZTE", "海康威视": "Hikvision", "普联": "TP-LINK", "深信服": "Sangfor"}[dv.Vendor]
						if v == "" {
							v = dv.Vendor
						}
						if !seen[v] {
							seen[v] = true
							count("vendor", v)
						}
					}
				}
			}
			got := map[string]map[string]int{}
			for name, fs := range res.Facets {
				if name == "technician" {
					continue // technicians come from visits and training too
				}
				for _, x := range fs {
					if got[name] == nil {
						got[name] = map[string]int{}
					}
					got[name][x.Value] = x.Count
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%q with %+v: facets (-counted over hits +returned):\n%s", q, f, diff)
			}
			for _, h := range res.Hits {
				if h.Customer == "mz-zhengwu-center" && !f.AllRestricted {
					t.Errorf("%q: restricted %s returned", q, h.Path)
				}
			}
		}
	}
}

// A kind's part of a merged prose field hidden on its own (guides.body
// lives in body with every other kind's markdown) hides that part only:
// the guide is not found by its body nor shows it, and is still found by
// its title; the other kinds' bodies are still searched.
func TestFilterHidesOneKindsPart(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	hide := index.Filter{AllRestricted: true, Hide: []string{"guides.body"}}
	if got := searchSet(t, ix, "端口光功率", all); !slices.Contains(got, "guides/fiber-module.md") {
		t.Fatalf("端口光功率 does not find the guide unfiltered (%v): the test proves nothing", got)
	}
	if got := searchSet(t, ix, "端口光功率", hide); slices.Contains(got, "guides/fiber-module.md") {
		t.Errorf("端口光功率 finds the guide by its hidden body")
	}
	if got := searchSet(t, ix, `"端口光功率"`, hide); slices.Contains(got, "guides/fiber-module.md") {
		t.Errorf(`"端口光功率" finds the guide by its hidden body`)
	}
	res := search(t, ix, index.Request{Query: "光模块更换步骤", Filter: hide})
	found := false
	for _, h := range res.Hits {
		if h.Path == "guides/fiber-module.md" {
			found = true
			if strings.Contains(h.Snippet, "光功率") {
				t.Errorf("the snippet shows the hidden body: %s", h.Snippet)
			}
		}
	}
	if !found {
		t.Errorf("光模块更换步骤 (the guide's title) does not find the guide with only its body hidden: %v", paths(res))
	}
	if got := searchSet(t, ix, "收银台", hide); !slices.Contains(got, "customers/mz-fresh-market/notes/store.md") {
		t.Errorf("收银台 (a note's body) is not found with guides.body hidden: %v", got)
	}
	// Hiding every kind's short facts leaves a word of them unfound.
	every := index.Filter{AllRestricted: true}
	for _, k := range []string{"customer", "devices", "topology", "progress", "training", "spares", "leads", "visits", "guides"} {
		every.Hide = append(every.Hide, k+".text")
	}
	every.Hide = append(every.Hide, "notes")
	if got := searchSet(t, ix, "光模块更换步骤", every); slices.Contains(got, "guides/fiber-module.md") {
		t.Errorf("光模块更换步骤 finds the guide with every kind's text hidden")
	}
}
