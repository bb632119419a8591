package demo

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dangan-archive/dangan/archive"
)

// awkward are values a hand-rolled YAML writer gets wrong.
var awkward = []string{
	"13800000000", "0912-6221234", "true", "No", "null", "~", "1e3", "0x1F", "2026-01-02", "12:30",
	"a: b", "#not a comment", "x #y", "[list]", "{map}", "a, b", "-dash", "? q", "'quoted'", `"dq"`,
	" leading", "trailing ", "tab\there", "line\nbreak", `back\slash`, "10.16.0.1", "17.06.05", "V200R021C00",
	"中文，全角逗号：冒号", "光衰-27.5dBm", "%percent", "@at", "`tick", "!tag", "&anchor", "*alias", "|pipe", ">fold",
	"RGOS 11.4(1)B12P6", "Release 6635P07", "\u00a0nbsp", "bom\ufeff", "emoji 📡", "\x7f", "",
}

func TestRenderRoundTrip(t *testing.T) {
	dt := func(s string) archive.DateTime {
		v, err := archive.ParseDateTime(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	d := archive.Date{Year: 2026, Month: time.March, Day: 5}
	opts := cmp.Options{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b archive.DateTime) bool { return a.Equal(b.Time) })}
	for _, s := range awkward {
		name := s
		if strings.TrimSpace(name) == "" {
			name = "x" + name // name is required
		}
		cases := []struct {
			path string
			want any
			data []byte
		}{}
		c := &archive.Customer{Kind: archive.KindCustomer, Name: name, Industry: s, Address: s, Technicians: []string{s, "b"}, Restricted: true,
			Contacts: []archive.Contact{{Name: name, Role: s, Phone: s}}, Services: []archive.Service{{Product: s, Bandwidth: s, Since: d}},
			Contract: &archive.Contract{ID: s, Start: d, End: d}, Tags: []string{s}}
		cases = append(cases, struct {
			path string
			want any
			data []byte
		}{"customers/x/customer.md", c, renderCustomer(c, "正文")})
		u := 85
		dv := &archive.Devices{Kind: archive.KindDevices, Reviewed: d, Devices: []archive.Device{{ID: "sw-1", Role: s, Vendor: s, Model: s, Serial: s, Location: s,
			Installed: d, WarrantyUntil: d, EOL: d, Firmware: s, Status: archive.InService, Utilisation: &u}}}
		tp := &archive.Topology{Kind: archive.KindTopology, Reviewed: d, External: []archive.External{{ID: "olt", Label: s}},
			Links: []archive.Link{{From: "olt", To: "sw-1", Medium: s, Bandwidth: s, Ports: []string{s}}}}
		pr := &archive.Progress{Kind: archive.KindProgress, Projects: []archive.Project{{Name: name, Milestones: []archive.Milestone{{Name: name, Due: d, Done: d, Status: "delayed", Note: s}}}}}
		tr := &archive.Training{Kind: archive.KindTraining, Sessions: []archive.Session{{Date: d, Topic: name, Trainer: s, Attendees: 3, AskedAbout: []string{s}}}}
		sp := &archive.Spares{Kind: archive.KindSpares, Parts: []archive.Part{{Part: name, Model: s, For: "sw-1", OnHand: 0, Required: 2, Due: d}}}
		nd := &archive.Needs{Kind: archive.KindLeads, Leads: []archive.Need{{ID: s, Date: d, Need: name, Product: s, NotedBy: s, Status: "new"}}}
		vi := &archive.Visit{Kind: archive.KindVisit, Type: archive.VisitRepair, Technician: name, Appointment: dt("2026-03-05T09:00"), Arrived: dt("2026-03-05T08:52"),
			Left: dt("2026-03-05T11:30"), Rescheduled: &archive.Reschedule{Notified: dt("2026-03-04T15:00"), From: dt("2026-03-04T14:00"), Reason: s},
			NoAnswer: &archive.NoAnswer{Waited: 12, NoteLeft: true}, FiveOnes: &archive.FiveOnes{ShoeCovers: true, Mat: false, Cloth: true, ServiceCard: true, SurveyForm: true},
			Consent: boolp(false), Devices: []string{"sw-1"}, Outcome: archive.Escalated, EscalatedTo: s, FollowUp: d, Satisfaction: "satisfied"}
		pg := &archive.Page{Kind: archive.KindNote, Title: s, Tags: []string{s}}
		for _, x := range []struct {
			path string
			want any
			data []byte
		}{
			{"customers/x/devices.md", dv, renderDevices(dv, "")},
			{"customers/x/topology.md", tp, renderTopology(tp, "")},
			{"customers/x/progress.md", pr, renderProgress(pr, "")},
			{"customers/x/training.md", tr, renderTraining(tr, "")},
			{"customers/x/spares.md", sp, renderSpares(sp, "")},
			{"customers/x/leads.md", nd, renderNeeds(nd, "")},
			{"customers/x/visits/2026-03-05-repair.md", vi, renderVisit(vi, "")},
			{"customers/x/notes/n.md", pg, renderPage(archive.KindNote, pg, "# 标题")},
		} {
			cases = append(cases, x)
		}
		for _, tc := range cases {
			rec := archive.Parse(tc.path, tc.data)
			for _, p := range rec.Problems {
				if p.Severity == archive.SeverityError {
					t.Errorf("value %q: %s\n%s", s, p, tc.data)
				}
			}
			if diff := cmp.Diff(tc.want, rec.Data, opts); diff != "" {
				t.Errorf("value %q in %s does not read back (-written +read):\n%s\n%s", s, tc.path, diff, tc.data)
			}
		}
	}
}

func TestScalarStaysPlainWhenSafe(t *testing.T) {
	for _, s := range []string{"米脂县人民医院", "S5735-L24P4X-A1", "200M", "10.16.0.1", "MZ-2026-0042", "RGOS 11.4(1)B12P6", "core-sw-1"} {
		if got := scalar(s); got != s {
			t.Errorf("scalar(%q) = %s, want it unquoted", s, got)
		}
	}
}

// FuzzScalar checks that any text written as a scalar, in block and in
// flow context, reads back as the same text.
func FuzzScalar(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.TrimSpace(s) == "" {
			t.Skip("the archive is UTF-8 and names are required")
		}
		data := []byte("---\nkind: customer\nname: " + scalar(s) + "\ntags: [" + scalar(s) + ", x]\ncontacts:\n  - {name: " + scalar(s) + ", phone: " + dquote(s) + "}\n---\n")
		rec := archive.Parse("customers/x/customer.md", data)
		c := rec.AsCustomer()
		if c == nil || archive.HasErrors(rec.Problems) {
			t.Fatalf("%q does not parse: %v\n%s", s, rec.Problems, data)
		}
		if c.Name != s || len(c.Tags) != 2 || c.Tags[0] != s || len(c.Contacts) != 1 || c.Contacts[0].Name != s || c.Contacts[0].Phone != s {
			t.Fatalf("%q read back as %+v\n%s", s, c, data)
		}
	})
}
