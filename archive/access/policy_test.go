package access_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
)

func TestHide(t *testing.T) {
	fx := mustFixture(t)
	allSections := []string{"customer", "devices", "guides", "leads", "notes", "progress", "spares", "topology", "training", "visits"}
	cases := []struct {
		v       access.Viewer
		want    []string // exact list, or nil to check only has/hasNot
		has     []string
		hasNot  []string
		dropsEx bool
	}{
		{v: admin, want: []string{}},
		{v: liqiang, want: []string{"customer.contract.id", "notes.body"}},
		{v: zhangwei, want: []string{"spares.parts.on_hand", "visits.five_ones.mat"}},
		{v: marketing, has: append(access.MarketingHidden(), "devices.serial", "customer.contacts.phone"),
			hasNot: []string{"customer.name", "leads", "customer.services", "customer.contract", "devices.vendor", "devices.model", "visits.type"}, dropsEx: true},
		{v: nobody, want: allSections, dropsEx: true},
		{v: bogus, want: allSections, dropsEx: true},
	}
	for _, c := range cases {
		t.Run(string(c.v.Role)+"/"+c.v.Name, func(t *testing.T) {
			got := fx.pol.Hide(c.v)
			if c.want != nil && !slices.Equal(c.want, got) {
				t.Errorf("Hide = %q, want %q", got, c.want)
			}
			for _, h := range c.has {
				if !fx.pol.Hidden(c.v, h) {
					t.Errorf("%s not hidden", h)
				}
			}
			for _, h := range c.hasNot {
				if fx.pol.Hidden(c.v, h) {
					t.Errorf("%s hidden", h)
				}
			}
			if got := fx.pol.DropsExtra(c.v); got != c.dropsEx {
				t.Errorf("DropsExtra = %v", got)
			}
		})
	}
	// A dangan.yaml that forgets marketing must not open the network to it.
	empty := access.Policy{Settings: archive.Settings{}}
	for _, f := range []string{"devices.serial", "devices.mgmt_ip", "topology", "visits.body", "customer.contacts.phone"} {
		if !empty.Hidden(marketing, f) {
			t.Errorf("with an empty dangan.yaml, marketing sees %s", f)
		}
	}
}

func TestCanSeeCustomer(t *testing.T) {
	open := &archive.Customer{Name: "open", AccountManager: "zhangwei", Technicians: []string{"liqiang"}}
	closed := &archive.Customer{Name: "closed", AccountManager: "zhangwei", Technicians: []string{"liqiang"}, Restricted: true}
	p := access.Policy{Settings: archive.DefaultSettings()}
	cases := []struct {
		v                    access.Viewer
		open, closed, nilCus bool
	}{
		{admin, true, true, true},
		{liqiang, true, true, true},
		{zhangwei, true, true, true},
		{wangfang, true, false, true},
		{otherAM, true, false, true},
		{marketing, true, false, true},
		{mktNamed, true, false, true},
		{nobody, false, false, false},
		{bogus, false, false, false},
	}
	for _, c := range cases {
		if got := p.CanSeeCustomer(c.v, open); got != c.open {
			t.Errorf("%s sees open = %v", c.v.Name, got)
		}
		if got := p.CanSeeCustomer(c.v, closed); got != c.closed {
			t.Errorf("%s sees restricted = %v", c.v.Name, got)
		}
		if got := p.CanSeeCustomer(c.v, nil); got != c.nilCus {
			t.Errorf("%s sees a folder without profile = %v", c.v.Name, got)
		}
	}
}

func TestRestrictedAndFolders(t *testing.T) {
	fx := mustFixture(t)
	if !access.Restricted(fx.snap.Customer("gov-broken")) {
		t.Error("a broken profile (restricted: 是) must count as restricted")
	}
	if access.Restricted(fx.snap.Customer("mz-open")) {
		t.Error("mz-open is not restricted")
	}
	cases := []struct {
		v    access.Viewer
		all  bool
		ids  []string
		seen []string
	}{
		{admin, true, nil, []string{"gov-broken", "gov-secret", "mz-open"}},
		{liqiang, false, []string{"gov-broken", "gov-secret"}, []string{"gov-broken", "gov-secret", "mz-open"}},
		{zhangwei, false, []string{"gov-secret"}, []string{"gov-secret", "mz-open"}},
		{wangfang, false, nil, []string{"mz-open"}},
		{marketing, false, nil, []string{"mz-open"}},
		{nobody, false, nil, nil},
	}
	for _, c := range cases {
		all, ids := fx.pol.AllowedRestricted(c.v, fx.snap)
		if all != c.all || !slices.Equal(ids, c.ids) {
			t.Errorf("%s: AllowedRestricted = %v %v, want %v %v", c.v.Name, all, ids, c.all, c.ids)
		}
		var seen []string
		for f := range fx.snap.Customers() {
			if fx.pol.Folder(c.v, f) != nil {
				seen = append(seen, f.ID)
			}
		}
		if !slices.Equal(seen, c.seen) {
			t.Errorf("%s: folders seen %v, want %v", c.v.Name, seen, c.seen)
		}
		// A restricted record answers like one that does not exist.
		if r := fx.pol.Record(c.v, fx.snap, "customers/gov-secret/devices.md"); (r != nil) != slices.Contains(c.seen, "gov-secret") {
			t.Errorf("%s: Record of gov-secret = %v", c.v.Name, r != nil)
		}
	}
	if fx.pol.Record(admin, fx.snap, "customers/nope/customer.md") != nil {
		t.Error("a missing record must be nil")
	}
}

func TestRedactDoesNotMutate(t *testing.T) {
	fx := mustFixture(t)
	before := map[string]string{}
	for r := range fx.snap.Records() {
		j, _ := json.Marshal(r)
		before[r.Path] = string(j) + r.Version + r.Title
	}
	for _, v := range allViewers {
		for f := range fx.snap.Customers() {
			if rf := fx.pol.Folder(v, f); rf != nil {
				// Writing into the copy must not reach the original.
				if d := rf.Devices.AsDevices(); d != nil && len(d.Devices) > 0 {
					d.Devices[0].Serial = "changed"
					d.Devices[0].Extra = map[string]any{"x": 1}
				}
			}
		}
	}
	for r := range fx.snap.Records() {
		j, _ := json.Marshal(r)
		if got := string(j) + r.Version + r.Title; got != before[r.Path] {
			t.Errorf("%s changed by redaction:\n%s\n%s", r.Path, before[r.Path], got)
		}
	}
}

func TestRedactDetails(t *testing.T) {
	fx := mustFixture(t)
	dev := fx.snap.Record("customers/mz-open/devices.md")
	// Admins get an equal copy, version included, so that they can edit.
	if got := fx.pol.Redact(admin, dev); got == dev || got.Version != dev.Version || len(got.Refs) != len(dev.Refs) {
		t.Errorf("admin copy: same pointer %v, version %q, refs %d", got == dev, got.Version, len(got.Refs))
	}
	m := fx.pol.Redact(marketing, dev)
	if m.Version != "" || m.Defines != nil {
		t.Errorf("marketing copy keeps version %q / defines %v: a blob id lets guesses of hidden values be checked", m.Version, m.Defines)
	}
	// Nothing written is hidden in leads.md: the version stays, so that
	// marketing can save a status against what it read.
	if l := fx.pol.Redact(marketing, fx.snap.Record("customers/mz-open/leads.md")); l.Version == "" {
		t.Error("marketing lost the version of leads.md")
	}
	d := m.AsDevices().Devices[0]
	if d.Serial != "" || d.MgmtIP != "" || d.Location != "" || d.Firmware != "" || d.Utilisation != nil || d.Extra != nil {
		t.Errorf("marketing device keeps hidden fields: %+v", d)
	}
	if d.Vendor != "Huawei" || d.Model == "" || d.Status == "" || d.WarrantyUntil.IsZero() || d.EOL.IsZero() {
		t.Errorf("marketing device lost visible fields: %+v", d)
	}
	if fx.pol.Redact(marketing, fx.snap.Record("customers/mz-open/topology.md")) != nil {
		t.Error("topology must be hidden whole from marketing")
	}
	if fx.pol.Redact(marketing, nil) != nil || fx.pol.Redact(nobody, dev) != nil {
		t.Error("nil record or anonymous viewer must give nil")
	}
	// Values are scrubbed from messages even when not quoted.
	r := *dev
	r.Problems = []archive.Problem{{Path: r.Path, Line: 9, Message: "serial CANARY-SN-0001 looks odd"}}
	if got := fx.pol.Redact(marketing, &r).Problems[0].Message; contains(got, "CANARY") {
		t.Errorf("message keeps a hidden value: %q", got)
	}
	// A note's title may come from its body: hidden body, title from the file name.
	note := fx.pol.Redact(liqiang, fx.snap.Record("customers/mz-open/notes/wiring.md"))
	if note.Title != "wiring" || note.Body != "" {
		t.Errorf("note for technician: title %q body %q", note.Title, note.Body)
	}
	if v := fx.pol.Redact(marketing, fx.snap.Record("customers/mz-open/visits/2026-11-20-repair.md")); v.Title != "2026-11-20 repair" {
		t.Errorf("visit title for marketing = %q", v.Title)
	}
}

func TestSectionOf(t *testing.T) {
	for p, want := range map[string]string{
		"customers/a/customer.md":          "customer",
		"customers/a/devices.md":           "devices",
		"customers/a/visits/2026-01-01.md": "visits",
		"customers/a/visits/photo.jpg":     "visits",
		"customers/a/notes/x.md":           "notes",
		"customers/a/notes/x.png":          "notes",
		"customers/a/plan.pdf":             "notes",
		"customers/a/other.md":             "notes",
		"guides/olt.md":                    "guides",
		"guides/img/olt.png":               "guides",
		"dangan.yaml":                      "",
		"README.md":                        "",
	} {
		if got := access.SectionOf(p); got != want {
			t.Errorf("SectionOf(%q) = %q, want %q", p, got, want)
		}
	}
}

func BenchmarkRedactFolder(b *testing.B) {
	fx := mustFixture(b)
	f := fx.snap.Customer("mz-open")
	for _, v := range []access.Viewer{admin, marketing} {
		b.Run(string(v.Role), func(b *testing.B) {
			for b.Loop() {
				if fx.pol.Folder(v, f) == nil {
					b.Fatal("nil")
				}
			}
		})
	}
}

func TestHiddenPrefixes(t *testing.T) {
	p := access.Policy{Settings: archive.Settings{Roles: map[string]archive.RoleSettings{"technician": {Hide: []string{"devices.serial", "visits"}}}}}
	for field, want := range map[string]bool{
		"devices.serial": true, "devices.serial.x": true, "devices.serials": false, "devices": false,
		"visits": true, "visits.body": true, "visitsx": false, "visits2.body": false,
	} {
		if got := p.Hidden(liqiang, field); got != want {
			t.Errorf("Hidden(%q) = %v, want %v", field, got, want)
		}
	}
}
