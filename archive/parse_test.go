package archive_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/google/go-cmp/cmp"
)

func TestParseEveryKind(t *testing.T) {
	d := func(s string) archive.Date {
		v, err := archive.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	yes := true
	tests := []struct {
		name, path, text string
		check            func(t *testing.T, r *archive.Record)
	}{
		{"customer", "customers/a/customer.md", "---\nkind: customer\nname: 甲\nindustry: 教育\ntechnicians: [liqiang]\nrestricted: true\ncontract: {id: C1, end: 2027-02-28}\nwechat: abc\n---\n正文\n", func(t *testing.T, r *archive.Record) {
			c := r.AsCustomer()
			want := &archive.Customer{Kind: "customer", Name: "甲", Industry: "教育", Technicians: []string{"liqiang"}, Restricted: true,
				Contract: &archive.Contract{ID: "C1", End: d("2027-02-28")}, Extra: archive.Extra{"wechat": "abc"}}
			if diff := cmp.Diff(want, c); diff != "" {
				t.Error(diff)
			}
			if r.Body != "正文\n" || r.BodyLine != 10 {
				t.Errorf("body %q at line %d", r.Body, r.BodyLine)
			}
		}},
		{"devices", "customers/a/devices.md", "---\nkind: devices\ndevices:\n  - {id: sw, vendor: ZTE, model: ZXR10 5960-32DL, utilisation: 81, rack_u: 12}\n---\n", func(t *testing.T, r *archive.Record) {
			ds := r.AsDevices().Devices
			if len(ds) != 1 || ds[0].Model != "ZXR10 5960-32DL" || *ds[0].Utilisation != 81 || ds[0].Extra["rack_u"] != 12 {
				t.Errorf("devices = %+v", ds)
			}
			if len(r.Defines) != 1 || r.Defines[0].ID != "sw" || r.Defines[0].Line != 4 {
				t.Errorf("defines = %+v", r.Defines)
			}
		}},
		{"topology", "customers/a/topology.md", "---\nkind: topology\nexternal: [{id: olt}]\nlinks:\n  - {from: olt, to: sw, ports: [GE0/1]}\n---\n", func(t *testing.T, r *archive.Record) {
			tp := r.AsTopology()
			if len(tp.Links) != 1 || tp.Links[0].Ports[0] != "GE0/1" {
				t.Errorf("topology = %+v", tp)
			}
			// The external node is declared here, so only sw needs devices.md.
			if len(r.Refs) != 1 || r.Refs[0].ID != "sw" {
				t.Errorf("refs = %+v", r.Refs)
			}
		}},
		{"progress", "customers/a/progress.md", "---\nkind: progress\nprojects:\n  - name: 改造\n    milestones:\n      - {name: 割接, due: 2026-12-01, status: delayed}\n---\n", func(t *testing.T, r *archive.Record) {
			m := r.AsProgress().Projects[0].Milestones[0]
			if m.Due != d("2026-12-01") || !m.Late(d("2026-11-01")) {
				t.Errorf("milestone = %+v", m)
			}
		}},
		{"training", "customers/a/training.md", "---\nkind: training\nsessions:\n  - {date: 2026-05-10, topic: 运维, attendees: 6, asked_about: [SD-WAN]}\n---\n", func(t *testing.T, r *archive.Record) {
			s := r.AsTraining().Sessions[0]
			if s.Attendees != 6 || s.AskedAbout[0] != "SD-WAN" {
				t.Errorf("session = %+v", s)
			}
		}},
		{"spares", "customers/a/spares.md", "---\nkind: spares\nparts:\n  - {part: 光模块, for: sw, on_hand: 1, required: 3}\n---\n", func(t *testing.T, r *archive.Record) {
			p := r.AsSpares().Parts[0]
			if p.Short() != 2 || len(r.Refs) != 1 {
				t.Errorf("part = %+v refs = %+v", p, r.Refs)
			}
		}},
		{"leads", "customers/a/leads.md", "---\nkind: leads\nleads:\n  - {date: 2026-11-20, need: 千兆专线, status: contacted}\n---\n", func(t *testing.T, r *archive.Record) {
			if n := r.AsNeeds().Leads[0]; n.Status != "contacted" || n.Need != "千兆专线" {
				t.Errorf("need = %+v", n)
			}
		}},
		{"visit", "customers/a/visits/2026-11-20-repair.md", "---\nkind: visit\ntype: repair\ntechnician: liqiang\nappointment: 2026-11-20T09:00\narrived: 2026-11-20T08:52\nconsent: true\nfive_ones: {shoe_covers: true, mat: true, cloth: true, service_card: true, survey_form: true}\nno_answer: {waited: 12, note_left: true}\ndevices: [sw]\n---\n记录\n", func(t *testing.T, r *archive.Record) {
			v := r.AsVisit()
			if v.Arrived.String() != "2026-11-20T08:52" || v.Consent == nil || *v.Consent != yes || !v.FiveOnes.Complete() || v.NoAnswer.Waited != 12 {
				t.Errorf("visit = %+v", v)
			}
			if r.Title != "2026-11-20 repair" {
				t.Errorf("title = %q", r.Title)
			}
		}},
		{"note without front matter", "customers/a/notes/x.md", "# 割接方案\n\n步骤\n", func(t *testing.T, r *archive.Record) {
			if r.Kind != archive.KindNote || r.Title != "割接方案" || r.AsPage() == nil {
				t.Errorf("note = %+v", r)
			}
		}},
		{"guide", "guides/sub/x.md", "---\nkind: guide\ntitle: 排查\n---\n", func(t *testing.T, r *archive.Record) {
			if r.Kind != archive.KindGuide || r.Title != "排查" {
				t.Errorf("guide = %+v", r)
			}
		}},
		{"empty file", "customers/a/devices.md", "", func(t *testing.T, r *archive.Record) {
			if !r.Broken() {
				t.Error("an empty devices.md must be an error")
			}
		}},
		{"unclosed front matter", "customers/a/spares.md", "---\nkind: spares\n", func(t *testing.T, r *archive.Record) {
			if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, "never closed") {
				t.Errorf("problems = %v", r.Problems)
			}
		}},
		{"BOM and CRLF", "customers/a/leads.md", "\ufeff---\r\nkind: leads\r\nleads: []\r\n---\r\nx\r\n", func(t *testing.T, r *archive.Record) {
			if r.Broken() || r.Body != "x\n" {
				t.Errorf("problems %v body %q", r.Problems, r.Body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := archive.Parse(tt.path, []byte(tt.text))
			if tt.name != "empty file" && tt.name != "unclosed front matter" && len(r.Problems) != 0 {
				t.Fatalf("unexpected problems: %v", r.Problems)
			}
			tt.check(t, r)
		})
	}
}

func TestPlaceOf(t *testing.T) {
	tests := []struct {
		path string
		want archive.Place
	}{
		{"customers/a/customer.md", archive.Place{Kind: archive.KindCustomer, Customer: "a"}},
		{"customers/a/visits/2026-01-01-x.md", archive.Place{Kind: archive.KindVisit, Customer: "a"}},
		{"customers/a/notes/deep/x.md", archive.Place{Kind: archive.KindNote, Customer: "a"}},
		{"customers/a/notes/rack.jpg", archive.Place{}},
		{"customers/a/other.md", archive.Place{Kind: archive.KindNote, Customer: "a"}},
		{"guides/x.md", archive.Place{Kind: archive.KindGuide}},
		{"README.md", archive.Place{}},
		{"dangan.yaml", archive.Place{}},
	}
	for _, tt := range tests {
		if got := archive.PlaceOf(tt.path); got != tt.want {
			t.Errorf("PlaceOf(%q) = %+v, want %+v", tt.path, got, tt.want)
		}
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"customers/a/customer.md", "customers/a/customer.md", true},
		{"/customers/a", "customers/a", true},
		{"../etc/passwd", "", false},
		{"customers/../../x", "", false},
		{"customers/./a", "", false},
		{".git/config", "", false},
		{".dangan/users.json", "", false},
		{"a\\b", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := archive.CleanPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CleanPath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWithUpdatesOnlyTouchedCustomers(t *testing.T) {
	s := mustLoad(t, "testdata/good")
	before := s.Customer("mz-renmin-hospital")
	n := s.With("c2", []archive.File{
		{Path: "customers/new-one/customer.md", Data: []byte("---\nkind: customer\nname: 新客户\n---\n")},
		{Path: "customers/mz-renmin-hospital/visits/2026-11-21-inspection.md", Data: []byte("---\nkind: visit\ntype: inspection\ntechnician: wangfang\ndevices: [nope]\n---\n")},
	}, []string{"guides/olt.md"})
	if n.Customer("new-one") == nil || len(n.Guides()) != 0 {
		t.Fatal("added customer or removed guide not reflected")
	}
	if got := len(n.Customer("mz-renmin-hospital").Visits); got != 2 {
		t.Errorf("visits after update = %d", got)
	}
	if len(n.Problems()) != 1 || !strings.Contains(n.Problems()[0].Message, `unknown device "nope"`) {
		t.Errorf("problems after update = %v", n.Problems())
	}
	// The old snapshot is untouched: readers of it never see the update.
	if len(s.Customer("mz-renmin-hospital").Visits) != 1 || s.Customer("new-one") != nil || before != s.Customer("mz-renmin-hospital") {
		t.Error("With changed the original snapshot")
	}
}

func TestDateTimeJSON(t *testing.T) {
	v, err := archive.ParseDateTime("2026-11-20T09:00")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct{ A, B archive.DateTime }{A: v})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"A":"2026-11-20T09:00","B":""}` {
		t.Errorf("json = %s", got)
	}
	var back struct{ A, B archive.DateTime }
	if err := json.Unmarshal(b, &back); err != nil || !back.A.Equal(v.Time) || !back.B.IsZero() {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}
