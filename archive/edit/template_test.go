package edit_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/edit"
)

func TestNewCustomer(t *testing.T) {
	files, err := edit.NewCustomer("mz-new-school", url.Values{"f.name": {"米脂县新中学"}, "f.technicians": {"liqiang"}, "f.restricted": {""}}, "机房在行政楼一层。")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Data)
		if rec := archive.Parse(f.Path, f.Data); rec.Broken() {
			t.Errorf("%s does not check: %v\n%s", f.Path, rec.Problems, f.Data)
		}
	}
	if want := "---\nkind: customer\nname: 米脂县新中学\ntechnicians: [liqiang]\n---\n机房在行政楼一层。\n"; got["customers/mz-new-school/customer.md"] != want {
		t.Errorf("customer.md:\n%s\nwant\n%s", got["customers/mz-new-school/customer.md"], want)
	}
	for _, k := range archive.StandardKinds {
		p := archive.RecordPath("mz-new-school", k)
		if got[p] != "---\nkind: "+string(k)+"\n---\n" {
			t.Errorf("%s = %q", p, got[p])
		}
	}
	if _, ok := got["customers/mz-new-school/leads.md"]; !ok {
		t.Error("no leads.md")
	}
	if _, err := edit.NewCustomer("../etc", nil, ""); err == nil {
		t.Error("accepted a bad id")
	}
}

func TestVisitPath(t *testing.T) {
	taken := map[string]bool{"customers/c/visits/2026-11-20-repair.md": true, "customers/c/visits/2026-11-20-repair-2.md": true}
	d := archive.Date{Year: 2026, Month: 11, Day: 20}
	if got := edit.VisitPath("c", d, archive.VisitRepair, func(p string) bool { return taken[p] }); got != "customers/c/visits/2026-11-20-repair-3.md" {
		t.Errorf("got %s", got)
	}
	if got := edit.VisitPath("c", d, archive.VisitSurvey, func(p string) bool { return taken[p] }); got != "customers/c/visits/2026-11-20-survey.md" {
		t.Errorf("got %s", got)
	}
}

func TestAddLead(t *testing.T) {
	need := archive.Need{Date: archive.Date{Year: 2026, Month: 11, Day: 24}, Need: "新院区需要专线: 1G", NotedBy: "liqiang", Status: "new"}
	first, err := edit.AddLead(nil, need)
	if err != nil {
		t.Fatal(err)
	}
	second, err := edit.AddLead(first, need)
	if err != nil {
		t.Fatal(err)
	}
	rec := archive.Parse("customers/c/leads.md", second)
	n := rec.AsNeeds()
	if rec.Broken() || n == nil || len(n.Leads) != 2 {
		t.Fatalf("got %v\n%s", rec.Problems, second)
	}
	if n.Leads[0].ID != "n1" || n.Leads[1].ID != "n2" || n.Leads[1].Need != need.Need || n.Leads[1].Date != need.Date {
		t.Errorf("leads %+v", n.Leads)
	}
	// Added to a hand-written file, the new lead keeps its neighbours' style.
	hand := "---\nkind: leads\n# noted at visits\nleads:\n  - {date: 2026-11-20, need: 千兆专线, status: won, owner: x}\n---\n正文\n"
	got, err := edit.AddLead([]byte(hand), need)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "---\nkind: leads\n# noted at visits\nleads:\n  - {date: 2026-11-20, need: 千兆专线, status: won, owner: x}\n  - {id: n2,") || !strings.HasSuffix(string(got), "---\n正文\n") {
		t.Errorf("got\n%s", got)
	}
}

func TestSetLeadStatuses(t *testing.T) {
	hand := "---\nkind: leads\nleads:\n  - {date: 2026-11-20, need: 千兆专线, status: new}   # first\n  - date: 2026-11-21\n    need: 云主机\n---\n正文\n"
	got, err := edit.SetLeadStatuses([]byte(hand), map[int]string{0: "contacted", 1: "won"})
	if err != nil {
		t.Fatal(err)
	}
	want := "---\nkind: leads\nleads:\n  - {date: 2026-11-20, need: 千兆专线, status: contacted} # first\n  - date: 2026-11-21\n    need: 云主机\n    status: won\n---\n正文\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := edit.SetLeadStatuses([]byte(hand), map[int]string{2: "won"}); err == nil {
		t.Error("set the status of a lead that does not exist")
	}
	same, _ := edit.SetLeadStatuses([]byte(hand), map[int]string{0: "new"})
	if string(same) != hand {
		t.Errorf("an unchanged status rewrote the file:\n%s", same)
	}
}

func TestAttachmentPath(t *testing.T) {
	none := func(string) bool { return false }
	tests := []struct{ record, upload, want string }{
		{"customers/c/visits/2026-11-20-repair.md", "IMG 0012.JPG", "customers/c/visits/2026-11-20-repair-img-0012.jpg"},
		{"customers/c/devices.md", "../../机柜.png", "customers/c/devices-image.jpg"},
		{"customers/c/notes/rack.md", `C:\photos\rack.a.png`, "customers/c/notes/rack-rack-a.jpg"},
	}
	for _, tt := range tests {
		if got := edit.AttachmentPath(tt.record, tt.upload, ".jpg", none); got != tt.want {
			t.Errorf("AttachmentPath(%q, %q) = %q, want %q", tt.record, tt.upload, got, tt.want)
		}
	}
	taken := func(p string) bool { return p == "customers/c/devices-image.jpg" }
	if got := edit.AttachmentPath("customers/c/devices.md", "", ".jpg", taken); got != "customers/c/devices-image-2.jpg" {
		t.Errorf("got %s", got)
	}
}

func TestFieldAt(t *testing.T) {
	content := []byte("---\nkind: devices\ndevices:\n  - id: a\n    mgmt_ip: 10.0.0.300\n  - {id: b, utilisation: 140}\n---\nbody line\n")
	tests := []struct {
		line, col int
		want      string
	}{
		{2, 1, "kind"},
		{4, 5, "devices.0.id"},
		{5, 14, "devices.0.mgmt_ip"},
		{6, 26, "devices.1.utilisation"},
		{6, 8, "devices.1.id"},
		{7, 1, ""},
		{8, 1, "body"},
	}
	for _, tt := range tests {
		if got := edit.FieldAt(content, tt.line, tt.col); got != tt.want {
			t.Errorf("FieldAt(%d:%d) = %q, want %q", tt.line, tt.col, got, tt.want)
		}
	}
	// The checker's own problems land on the right fields.
	rec := archive.Parse("customers/c/devices.md", content)
	got := edit.ProblemFields(content, rec.Problems)
	if len(got["devices.0.mgmt_ip"]) != 1 || len(got["devices.1.utilisation"]) != 1 {
		t.Errorf("problems by field: %v", got)
	}
}
