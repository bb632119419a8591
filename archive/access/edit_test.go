package access_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
)

func TestCanEdit(t *testing.T) {
	fx := mustFixture(t)
	open, secret := fx.snap.Customer("mz-open"), fx.snap.Customer("gov-secret")
	const (
		devOpen   = "customers/mz-open/devices.md"
		leadsOpen = "customers/mz-open/leads.md"
		custOpen  = "customers/mz-open/customer.md"
		visitOpen = "customers/mz-open/visits/2026-12-01-repair.md"
		noteOpen  = "customers/mz-open/notes/wiring.md"
		spares    = "customers/mz-open/spares.md"
		devSecret = "customers/gov-secret/devices.md"
		leadsSec  = "customers/gov-secret/leads.md"
		guide     = "guides/olt.md"
		settings  = "dangan.yaml"
		escape    = "customers/mz-open/../gov-secret/devices.md"
	)
	cases := []struct {
		v   access.Viewer
		yes []string
		no  []string
	}{
		{admin, []string{devOpen, devSecret, settings, guide, custOpen, noteOpen}, []string{escape}},
		// liqiang is assigned to gov-secret; notes.body is hidden from
		// technicians, so notes are not editable; nor customer.md, whose
		// contract.id technicians cannot see.
		{liqiang, []string{devOpen, visitOpen, devSecret, guide, leadsOpen}, []string{settings, noteOpen, custOpen, escape}},
		{wangfang, []string{devOpen, visitOpen, guide}, []string{devSecret, leadsSec, settings, noteOpen}},
		// Account managers cannot see visits.five_ones.mat nor spares.parts.on_hand.
		{zhangwei, []string{devOpen, custOpen, devSecret, noteOpen, guide}, []string{visitOpen, spares, settings}},
		{otherAM, []string{devOpen, custOpen}, []string{devSecret}},
		{marketing, []string{leadsOpen}, []string{leadsSec, devOpen, custOpen, guide, settings, visitOpen}},
		{nobody, nil, []string{leadsOpen, guide}},
		{bogus, nil, []string{leadsOpen, guide}},
	}
	for _, c := range cases {
		for _, want := range []bool{true, false} {
			list := c.no
			if want {
				list = c.yes
			}
			for _, p := range list {
				f := open
				if access.SectionOf(p) != "" && bytes.Contains([]byte(p), []byte("gov-secret")) {
					f = secret
				}
				if p == guide || p == settings {
					f = nil
				}
				if got := fx.pol.CanEditFolder(c.v, f, p); got != want {
					t.Errorf("%s (%s) CanEditFolder %s = %v, want %v", c.v.Name, c.v.Role, p, got, want)
				}
				var cus *archive.Customer
				if f != nil {
					cus = f.Profile()
				}
				if got := fx.pol.CanEdit(c.v, cus, p); got != want {
					t.Errorf("%s (%s) CanEdit %s = %v, want %v", c.v.Name, c.v.Role, p, got, want)
				}
			}
		}
	}
	// A new customer (no folder yet) may be created by staff, not marketing.
	// (technicians cannot edit customer.md here: dangan.yaml hides contract.id from them).
	if !fx.pol.CanEditFolder(zhangwei, nil, "customers/new-one/customer.md") || fx.pol.CanEditFolder(marketing, nil, "customers/new-one/customer.md") {
		t.Error("creating a new customer: staff yes, marketing no")
	}
	// A broken profile is restricted: an unassigned technician may not edit it.
	if fx.pol.CanEditFolder(wangfang, fx.snap.Customer("gov-broken"), "customers/gov-broken/customer.md") {
		t.Error("unassigned technician edits a customer whose broken profile says restricted")
	}
}

func TestCheckChange(t *testing.T) {
	fx := mustFixture(t)
	open := fx.snap.Customer("mz-open")
	leads := "customers/mz-open/leads.md"
	old := fx.files[leads]
	cust := "customers/mz-open/customer.md"
	replace := func(b []byte, from, to string) []byte { return bytes.Replace(b, []byte(from), []byte(to), 1) }
	if !bytes.HasSuffix(old, []byte("\n---\n")) {
		t.Fatalf("fixture leads.md should end with its front matter: %q", old)
	}
	tracked := append(bytes.Clone(old[:len(old)-4]), "tracked:\n  - {lead: 3fa9c2e1b0d4, status: new, by: other}\n---\n"...)
	newCust := []byte("---\nkind: customer\nname: 新客户\naccount_manager: zhaomin\nrestricted: true\n---\n")
	cases := []struct {
		name     string
		v        access.Viewer
		path     string
		old, new []byte
		ok       bool
	}{
		{"marketing sets a status", marketing, leads, old, replace(old, "status: new", "status: contacted"), true},
		{"marketing rewrites a need", marketing, leads, old, replace(old, "千兆专线", "万兆专线"), false},
		{"marketing adds a body", marketing, leads, old, append(bytes.Clone(old), "备注\n"...), false},
		{"marketing adds a lead", marketing, leads, old, replace(old, "status: new}", "status: new}\n  - {date: 2026-11-21, need: 新需求}"), false},
		{"marketing deletes", marketing, leads, old, nil, false},
		{"marketing creates", marketing, leads, nil, old, false},
		{"marketing tracks a lead", marketing, leads, old, append(bytes.Clone(old[:len(old)-4]), "tracked:\n  - {lead: 3fa9c2e1b0d4, status: contacted, by: xiaoma, date: 2026-11-24, note: 已约面谈}\n---\n"...), true},
		{"marketing updates a tracked lead", marketing, leads, tracked, replace(tracked, "status: new, by: other", "status: won, by: xiaoma"), true},
		{"marketing keeps another's name", marketing, leads, tracked, replace(tracked, "status: new, by: other", "status: won, by: other"), false},
		{"marketing removes a tracked entry", marketing, leads, tracked, replace(tracked, "  - {lead: 3fa9c2e1b0d4, status: new, by: other}\n", ""), false},
		{"marketing renames a tracked lead", marketing, leads, tracked, replace(replace(tracked, "3fa9c2e1b0d4", "000000000000"), "by: other", "by: xiaoma"), false},
		{"marketing hides data in a tracked entry", marketing, leads, tracked, replace(tracked, "}\n---", "}\n  - {lead: abc, status: new, by: xiaoma, serial: x}\n---"), false},
		{"marketing tracks with an unknown status", marketing, leads, old, append(bytes.Clone(old[:len(old)-4]), "tracked:\n  - {lead: abc, status: maybe, by: xiaoma}\n---\n"...), false},
		{"marketing creates a tracking-only leads.md", marketing, leads, nil, []byte("---\nkind: leads\ntracked:\n  - {lead: abc, status: contacted, by: xiaoma, date: 2026-11-24}\n---\n"), true},
		{"marketing creates a leads.md with a need", marketing, leads, nil, []byte("---\nkind: leads\nleads:\n  - {date: 2026-11-21, need: 新需求}\n---\n"), false},
		{"marketing edits devices", marketing, "customers/mz-open/devices.md", fx.files["customers/mz-open/devices.md"], fx.files["customers/mz-open/devices.md"], false},
		{"technician rewrites a need", liqiang, leads, old, replace(old, "千兆专线", "万兆专线"), true},
		{"account manager restricts", zhangwei, cust, fx.files[cust], replace(fx.files[cust], "tags:", "restricted: true\ntags:"), true},
		{"other account manager restricts", otherAM, cust, fx.files[cust], replace(fx.files[cust], "tags:", "restricted: true\ntags:"), false},
		{"account manager breaks the profile", otherAM, cust, fx.files[cust], replace(fx.files[cust], "tags:", "restricted: 是\ntags:"), false},
		{"admin restricts", admin, cust, fx.files[cust], replace(fx.files[cust], "tags:", "restricted: true\ntags:"), true},
		{"account manager creates a restricted customer assigned to them", otherAM, "customers/new-one/customer.md", nil, newCust, true},
		{"account manager creates a restricted customer for others", zhangwei, "customers/new-one/customer.md", nil, newCust, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := open
			if c.old == nil && c.path != leads {
				f = nil
			}
			err := fx.pol.CheckChange(c.v, f, c.path, c.old, c.new)
			if (err == nil) != c.ok {
				t.Fatalf("CheckChange = %v, want ok=%v", err, c.ok)
			}
			if err != nil && !errors.Is(err, access.ErrForbidden) {
				t.Errorf("error %v does not wrap ErrForbidden", err)
			}
		})
	}
}
