package index_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/index"
)

const (
	hospitalDevices = "customers/mz-renmin-hospital/devices.md"
	schoolDevices   = "customers/mz-no1-middle-school/devices.md"
	primaryDevices  = "customers/mz-xinghe-school/devices.md"
	bankDevices     = "customers/mz-nongshang-bank/devices.md"
	hotelDevices    = "customers/mz-tianyuan-hotel/devices.md"
	coldDevices     = "customers/mz-lvyuan-coldchain/devices.md"
	govDevices      = "customers/mz-zhengwu-center/devices.md"
)

// searchSet runs a query and returns the matching paths, sorted.
func searchSet(t *testing.T, ix *index.Index, q string, f index.Filter) []string {
	t.Helper()
	res := search(t, ix, index.Request{Query: q, Size: 100, Filter: f})
	ps := paths(res)
	slices.Sort(ps)
	return ps
}

var all = index.Filter{AllRestricted: true}

func TestIdentifiers(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	tests := []struct {
		q    string
		want []string
	}{
		{"S5735-L24P4X-A1", []string{hospitalDevices}},
		{"s5735-l24p4x-a1", []string{hospitalDevices}},
		{"model:S5735-L24P4X-A1", []string{hospitalDevices}},
		{"S5735", []string{hospitalDevices, bankDevices, schoolDevices, govDevices}},
		{"model:s5735", []string{hospitalDevices, bankDevices, schoolDevices, govDevices}},
		{"model:S5735-L", []string{hospitalDevices, schoolDevices, govDevices}},
		{"L24P4X", []string{hospitalDevices}},
		{`"ZXR10 5960-32DL"`, []string{schoolDevices}},
		{`model:"zxr10 5960-32dl"`, []string{schoolDevices}},
		{"model:5960", []string{schoolDevices}},
		{"ZXR10", []string{schoolDevices, primaryDevices}},
		{"serial:2102351234ABCD", []string{hospitalDevices}},
		{"2102351234abcd", []string{hospitalDevices}},
		{"serial:210235", []string{hospitalDevices, bankDevices, schoolDevices}},
		{"10.12.0.1", []string{hospitalDevices}},
		{"ip:10.12.0", []string{hospitalDevices}},
		{"ip:192.168.10", []string{coldDevices}},
		{"ip:172.16", []string{schoolDevices}},
		{"customer:mz-renmin-hospital kind:devices", []string{hospitalDevices}},
		{"mz-renmin-hospital kind:devices", []string{hospitalDevices}},
		{"mz-renmin kind:devices", []string{hospitalDevices}},
		{"model:SFP-GE-LX", []string{"customers/mz-renmin-hospital/spares.md"}},
		{"ISR4331", []string{hotelDevices}},
		{"ＩＳＲ４３３１", []string{hotelDevices}}, // typed full-width
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			want := slices.Sorted(slices.Values(tt.want))
			if diff := cmp.Diff(want, searchSet(t, ix, tt.q, all)); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestQueryLanguage(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	tests := []struct {
		q    string
		want []string
	}{
		{"vendor:华为", []string{hospitalDevices, bankDevices, schoolDevices, govDevices}},
		{"vendor:Huawei", []string{hospitalDevices, bankDevices, schoolDevices, govDevices}},
		{"vendor:huawei -customer:mz-zhengwu-center", []string{hospitalDevices, bankDevices, schoolDevices}},
		{"vendor:中兴", []string{schoolDevices, primaryDevices}},
		{"vendor:华三", []string{hospitalDevices}},
		{"vendor:新华三", []string{hospitalDevices}},
		{"vendor:锐捷", []string{schoolDevices}},
		{"vendor:思科", []string{hotelDevices}},
		{"vendor:海康", []string{coldDevices}},
		{"vendor:hikvision", []string{coldDevices}},
		{"vendor:普联", []string{hotelDevices, coldDevices}},
		{"vendor:tp-link", []string{hotelDevices, coldDevices}},
		{"status:faulty", []string{schoolDevices}},
		{"status:standby", []string{bankDevices}},
		{"kind:visit technician:zhaolei", []string{"customers/mz-lvyuan-coldchain/visits/2026-08-02-repair.md", "customers/mz-tianyuan-hotel/visits/2026-07-11-survey.md"}},
		{"kind:visit date:2026-08-01..2026-10-31", []string{"customers/mz-lvyuan-coldchain/visits/2026-08-02-repair.md", "customers/mz-no1-middle-school/visits/2026-10-08-inspection.md", "customers/mz-zhengwu-center/visits/2026-09-15-inspection.md"}},
		{"kind:visit date:2026-11-20", []string{"customers/mz-renmin-hospital/visits/2026-11-20-repair.md"}},
		{"warranty_until:<2027-01-01", []string{hospitalDevices, schoolDevices, primaryDevices}},
		{"warranty_until:<2026-03-14", []string{primaryDevices}},
		{"warranty_until:<=2026-03-14", []string{hospitalDevices, primaryDevices}},
		{"eol:<2027-06-30", []string{schoolDevices, hotelDevices}},
		{"industry:教育 kind:customer", []string{"customers/mz-no1-middle-school/customer.md", "customers/mz-xinghe-school/customer.md"}},
		{"industry:医疗 kind:customer", []string{"customers/mz-renmin-hospital/customer.md"}},
		{"district:十里铺乡 kind:customer", []string{"customers/mz-fresh-market/customer.md", "customers/mz-lvyuan-coldchain/customer.md"}},
		{"account_manager:liuyang kind:leads", []string{"customers/mz-fresh-market/leads.md"}},
		{"冷链仓库 -kind:customer -kind:leads", []string{coldDevices, "customers/mz-lvyuan-coldchain/visits/2026-08-02-repair.md"}},
		{`"光衰" kind:visit`, []string{"customers/mz-renmin-hospital/visits/2026-11-20-repair.md"}},
		{"kind:topology", []string{"customers/mz-renmin-hospital/topology.md"}},
		{"。，", nil}, // punctuation only, with nothing else, finds everything? no: it is dropped, leaving match-all
	}
	tests[len(tests)-1].want = searchSet(t, ix, "", all)
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			want := slices.Sorted(slices.Values(tt.want))
			if diff := cmp.Diff(want, searchSet(t, ix, tt.q, all)); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestChinese(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	for _, tt := range []struct {
		q       string
		must    []string // among the hits
		mustNot []string
	}{
		{"交换机", []string{"guides/switch-inspection.md", hospitalDevices, "customers/mz-xinghe-school/notes/upgrade.md"}, []string{"customers/mz-tianyuan-hotel/visits/2026-07-11-survey.md", "customers/mz-fresh-market/notes/store.md"}},
		{"光模块", []string{"guides/fiber-module.md", "customers/mz-renmin-hospital/spares.md", "customers/mz-xinghe-school/notes/upgrade.md"}, nil},
		{"智慧校园", []string{"guides/smart-campus.md", "customers/mz-no1-middle-school/progress.md", "customers/mz-xinghe-school/notes/upgrade.md"}, nil},
		{"冷链仓库", []string{"customers/mz-fresh-market/leads.md", "customers/mz-lvyuan-coldchain/visits/2026-08-02-repair.md"}, nil},
		{"医院", []string{"customers/mz-renmin-hospital/customer.md"}, nil},
		{"校园", []string{"guides/smart-campus.md"}, nil}, // a word inside a longer one
	} {
		got := searchSet(t, ix, tt.q, all)
		for _, p := range tt.must {
			if !slices.Contains(got, p) {
				t.Errorf("%s does not find %s; found %v", tt.q, p, got)
			}
		}
		for _, p := range tt.mustNot {
			if slices.Contains(got, p) {
				t.Errorf("%s finds %s, which only has parts of the word", tt.q, p)
			}
		}
	}

	// 交换 and 机房 apart must not outrank 交换机, for any query that
	// finds both.
	for _, tt := range []struct{ q, real string }{
		{"交换机", "guides/switch-inspection.md"},
		{"交换机 机房", "customers/mz-xinghe-school/notes/upgrade.md"},
		{"交换", "guides/switch-inspection.md"},
	} {
		res := search(t, ix, index.Request{Query: tt.q, Size: 100, Filter: all})
		rank := map[string]int{}
		for i, h := range res.Hits {
			rank[h.Path] = i + 1
		}
		trap, real := rank["customers/mz-tianyuan-hotel/visits/2026-07-11-survey.md"], rank[tt.real]
		if real == 0 || trap != 0 && trap < real {
			t.Errorf("%s: the record with 交换机 ranks %d, the one with 交换 and 机房 apart %d", tt.q, real, trap)
		}
	}

	// Traditional and simplified forms find the same records.
	for _, pair := range [][2]string{{"交换机", "交換機"}, {"光模块", "光模塊"}, {"智慧校园", "智慧校園"}, {"机房", "機房"}} {
		s, tr := searchSet(t, ix, pair[0], all), searchSet(t, ix, pair[1], all)
		if len(s) == 0 || !slices.Equal(s, tr) {
			t.Errorf("%s finds %v, %s finds %v", pair[0], s, pair[1], tr)
		}
	}
}

// TestSplitWords: a word the segmenter cuts differently in the text than
// in the query is still found (issue 3's misses on the demo archive).
func TestSplitWords(t *testing.T) {
	visit := func(body string) []byte {
		return []byte("---\nkind: visit\ntype: repair\ntechnician: liqiang\nappointment: 2026-03-01T09:00\noutcome: resolved\n---\n" + body + "\n")
	}
	snap := snapshot(t, "c1", map[string][]byte{
		"customers/a/visits/2026-03-01-repair.md": visit("客户的天翼云主机无法登录，已重启。"),
		"customers/b/visits/2026-03-01-repair.md": visit("设备放在弱电机房，温度正常。"),
		"customers/c/visits/2026-03-01-repair.md": visit("弱电井里的光猫已更换，机房空调漏水。"),
		"customers/d/visits/2026-03-01-repair.md": visit("电机维修，厂房停电。"),
	})
	ix := mustBuild(t, snap, index.Options{})
	for _, tt := range []struct {
		q    string
		want []string // in this order
	}{
		{"云主机", []string{"customers/a/visits/2026-03-01-repair.md"}},
		{"天翼云", []string{"customers/a/visits/2026-03-01-repair.md"}},
		// 弱电 and 机房 together first, apart next; 电机 and 房 alone never.
		{"弱电机房", []string{"customers/b/visits/2026-03-01-repair.md", "customers/c/visits/2026-03-01-repair.md"}},
		{`"弱电机房"`, []string{"customers/b/visits/2026-03-01-repair.md"}},
		{"机房", []string{"customers/b/visits/2026-03-01-repair.md", "customers/c/visits/2026-03-01-repair.md"}},
	} {
		res := search(t, ix, index.Request{Query: tt.q, Filter: all})
		if got := paths(res); !slices.Equal(got, tt.want) {
			t.Errorf("%s finds %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestHits(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	res := search(t, ix, index.Request{Query: "S5735-L24P4X-A1", Filter: all})
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits, want 1", len(res.Hits))
	}
	h := res.Hits[0]
	want := index.Hit{Customer: "mz-renmin-hospital", CustomerName: "米脂县人民医院", Path: hospitalDevices, Kind: "devices", Title: "设备清单"}
	if diff := cmp.Diff(want, h, cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".Snippet" || f == ".Score"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("hit (-want +got):\n%s", diff)
	}
	if !strings.Contains(h.Snippet, "<mark>S5735-L24P4X-A1</mark>") || h.Score <= 0 {
		t.Errorf("snippet %q score %v: want the model marked and a positive score", h.Snippet, h.Score)
	}

	// Snippets are HTML: what the archive says is escaped, only <mark> is markup.
	res = search(t, ix, index.Request{Query: "防火墙密码", Filter: all})
	if len(res.Hits) == 0 {
		t.Fatal("no hit for the hostile note")
	}
	s := res.Hits[0].Snippet
	if strings.Contains(s, "<script") || !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "&amp;") {
		t.Errorf("snippet not escaped: %q", s)
	}
	if stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s); strings.ContainsAny(stripped, "<>") {
		t.Errorf("snippet has markup other than <mark>: %q", s)
	}

	// Paging.
	full := search(t, ix, index.Request{Query: "交换机", Size: 100, Filter: all})
	page := search(t, ix, index.Request{Query: "交换机", From: 2, Size: 3, Filter: all})
	if page.Total != full.Total || len(page.Hits) != 3 || !slices.Equal(paths(page), paths(full)[2:5]) {
		t.Errorf("page 2..5 = %v (total %d), want %v (total %d)", paths(page), page.Total, paths(full)[2:5], full.Total)
	}
}

func TestFacets(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	res := search(t, ix, index.Request{Query: "kind:devices", Facets: true, Filter: all})
	want := map[string][]index.Facet{
		"kind":            {{"devices", 7}},
		"industry":        {{"教育", 2}, {"医疗卫生", 1}, {"政府", 1}, {"物流仓储", 1}, {"酒店", 1}, {"金融", 1}},
		"district":        {{"银州街道", 4}, {"十里铺乡", 1}, {"桃镇", 1}, {"龙镇", 1}},
		"vendor":          {{"Huawei", 4}, {"TP-LINK", 2}, {"ZTE", 2}, {"Cisco", 1}, {"H3C", 1}, {"Hikvision", 1}, {"Ruijie", 1}, {"Sangfor", 1}},
		"account_manager": {{"zhangwei", 4}, {"liuyang", 3}},
		"technician":      {{"liqiang", 3}, {"wangfang", 3}, {"zhaolei", 2}},
	}
	if diff := cmp.Diff(want, res.Facets); diff != "" {
		t.Errorf("facets (-want +got):\n%s", diff)
	}
}

func TestQueryErrorFromSearch(t *testing.T) {
	ix := mustBuild(t, fixture(t), index.Options{})
	_, err := ix.Search(context.Background(), index.Request{Query: `"交换机`})
	var qe *index.QueryError
	if !errors.As(err, &qe) || qe.Message != "引号没有闭合：请在短语末尾补上引号" || qe.Pos != 0 {
		t.Fatalf("got %v, want the unclosed-quote QueryError", err)
	}
}
