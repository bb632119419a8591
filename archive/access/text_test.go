package access_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
)

func TestRedactTextGolden(t *testing.T) {
	fx := mustFixture(t)
	for _, c := range []struct {
		v      access.Viewer
		path   string
		golden string
	}{
		{marketing, "customers/mz-open/customer.md", "marketing-customer.md"},
		{marketing, "customers/mz-open/devices.md", "marketing-devices.md"},
		{marketing, "customers/mz-open/visits/2026-11-20-repair.md", "marketing-visit.md"},
		// five_ones.mat and on_hand are written even when zero: they must be
		// pruned, not shown as false and 0.
		{zhangwei, "customers/mz-open/visits/2026-11-20-repair.md", "am-visit.md"},
		{zhangwei, "customers/mz-open/spares.md", "am-spares.md"},
		{liqiang, "customers/mz-open/notes/wiring.md", "technician-note.md"},
	} {
		got, ok := fx.pol.RedactText(c.v, c.path, fx.files[c.path])
		if !ok {
			t.Errorf("%s: %s hidden", c.v.Role, c.path)
			continue
		}
		golden(t, c.golden, string(got))
		// What comes back is a record the archive reads without new errors.
		if r := archive.Parse(c.path, got); r.Broken() && !strings.Contains(c.path, "devices") {
			t.Errorf("%s: redacted text does not parse: %v", c.golden, r.Problems)
		}
	}
}

func TestRedactTextUnchangedOrHidden(t *testing.T) {
	fx := mustFixture(t)
	for _, c := range []struct {
		v    access.Viewer
		path string
		ok   bool
		same bool
	}{
		{admin, "customers/mz-open/devices.md", true, true},
		{liqiang, "customers/mz-open/devices.md", true, true},
		{zhangwei, "customers/mz-open/customer.md", true, true},
		{marketing, "customers/mz-open/leads.md", true, false}, // marketing drops unknown keys: always re-rendered
		{marketing, "customers/mz-open/topology.md", false, false},
		{marketing, "customers/mz-open/notes/wiring.md", false, false},
		{marketing, "customers/mz-open/notes/rack.png", false, false},
		{liqiang, "customers/mz-open/notes/rack.png", false, false},
		{zhangwei, "customers/mz-open/notes/rack.png", true, true},
		{marketing, "dangan.yaml", true, true},
		{nobody, "guides/olt.md", false, false},
		{bogus, "customers/mz-open/leads.md", false, false},
	} {
		got, ok := fx.pol.RedactText(c.v, c.path, fx.files[c.path])
		if ok != c.ok {
			t.Errorf("%s %s: ok = %v, want %v", c.v.Role, c.path, ok, c.ok)
			continue
		}
		if ok && bytes.Equal(got, fx.files[c.path]) != c.same {
			t.Errorf("%s %s: unchanged = %v, want %v", c.v.Role, c.path, !c.same, c.same)
		}
		if !ok && got != nil {
			t.Errorf("%s %s: hidden file returned content", c.v.Role, c.path)
		}
	}
}

// TestRedactTextDiffStable: two versions that differ only in hidden fields
// (and in comments and layout) give the same text, so a diff shows nothing.
func TestRedactTextDiffStable(t *testing.T) {
	fx := mustFixture(t)
	p := "customers/mz-open/devices.md"
	v1 := fx.files[p]
	v2 := bytes.ReplaceAll(v1, []byte("CANARY-SN-0001"), []byte("OTHER-SERIAL"))
	v2 = bytes.Replace(v2, []byte("reviewed: 2026-10-12\n"), []byte("# checked by liqiang 10.99.99.99\nreviewed:   2026-10-12\n"), 1)
	a, _ := fx.pol.RedactText(marketing, p, v1)
	b, _ := fx.pol.RedactText(marketing, p, v2)
	if !bytes.Equal(a, b) {
		t.Errorf("versions differing only in hidden fields render differently:\n%s\n---\n%s", a, b)
	}
	v3 := bytes.ReplaceAll(v1, []byte("S5735-L24P4X-A1"), []byte("S6730"))
	c, _ := fx.pol.RedactText(marketing, p, v3)
	if bytes.Equal(a, c) {
		t.Error("a visible change (model) disappeared")
	}
}

func TestRedactTextBrokenFrontMatter(t *testing.T) {
	fx := mustFixture(t)
	p := "customers/mz-open/devices.md"
	bad := []byte("---\ndevices: [ {serial: CANARY-SN-0001\n---\nbody text\n")
	got, ok := fx.pol.RedactText(marketing, p, bad)
	if !ok || contains(string(got), "CANARY") {
		t.Errorf("broken front matter: ok=%v text=%q", ok, got)
	}
}

func FuzzRedactText(f *testing.F) {
	fx := mustFixture(f)
	for _, p := range []string{"customers/mz-open/devices.md", "customers/mz-open/customer.md", "customers/mz-open/visits/2026-11-20-repair.md"} {
		f.Add(p, fx.files[p])
	}
	f.Fuzz(func(t *testing.T, path string, content []byte) {
		for _, v := range []access.Viewer{marketing, liqiang} {
			got, ok := fx.pol.RedactText(v, path, content)
			if !ok {
				continue
			}
			if !fx.pol.CanSeePath(v, path) {
				t.Fatalf("%s: text for a hidden path", path)
			}
			if v.Role != access.Marketing || archive.PlaceOf(path).Kind == "" {
				continue
			}
			// What marketing gets holds no hidden field, and is stable.
			r := archive.Parse(path, got)
			if d := r.AsDevices(); d != nil {
				for _, dev := range d.Devices {
					if dev.Serial != "" || dev.MgmtIP != "" || dev.Extra != nil {
						t.Fatalf("hidden device field survived: %+v\n%s", dev, got)
					}
				}
			}
			if c := r.AsCustomer(); c != nil {
				for _, ct := range c.Contacts {
					if ct.Phone != "" {
						t.Fatalf("phone survived:\n%s", got)
					}
				}
			}
			if r.Body != "" && (r.Kind == archive.KindVisit || r.Kind == archive.KindDevices) {
				t.Fatalf("hidden body survived:\n%s", got)
			}
			again, ok := fx.pol.RedactText(v, path, got)
			if !ok || !bytes.Equal(again, got) {
				t.Fatalf("redaction is not idempotent:\n%s\n---\n%s", got, again)
			}
		}
	})
}

func BenchmarkRedactText(b *testing.B) {
	fx := mustFixture(b)
	p := "customers/mz-open/devices.md"
	for b.Loop() {
		if _, ok := fx.pol.RedactText(marketing, p, fx.files[p]); !ok {
			b.Fatal("hidden")
		}
	}
}
