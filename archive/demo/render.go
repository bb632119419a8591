package demo

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/archive"
)

// The archive's YAML is written by hand rather than through yaml.Marshal so
// that it looks like what a person writes (short list items as flow mappings,
// no quotes where none are needed) and so that writing tens of thousands of
// files stays cheap. render_test.go proves every form reads back exactly.

// scalar writes s as a YAML scalar that reads back as the string s, plain
// when that is safe in both block and flow context, double-quoted otherwise.
func scalar(s string) string {
	if plainOK(s) {
		return s
	}
	return dquote(s)
}

// plainOK is deliberately conservative: a needless pair of quotes costs
// nothing, a misread value breaks the archive.
func plainOK(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`.+~", first) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r != ' ' && !unicode.IsPrint(r)) || r == 0xFEFF {
			return false
		}
		if strings.ContainsRune(",[]{}#:?\"'\\", r) {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "<<":
		return false
	}
	if first >= '0' && first <= '9' {
		// Dotted IPv4 addresses read back as text; other digit-led values
		// made only of number characters might be numbers, dates or times.
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return true
		}
		if strings.Trim(s, "0123456789abcdefABCDEFxXoO_.:+- ") == "" {
			return false
		}
	}
	return true
}

// dquote writes a YAML double-quoted scalar, escaping everything YAML does
// not allow raw (control characters, line breaks, non-printable runes).
func dquote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			switch {
			case r == utf8.RuneError:
				b.WriteString(`\uFFFD`)
			case r < 0x20 || r == 0x7f || r == 0xFEFF || (r >= 0x80 && !unicode.IsPrint(r) && r != ' '):
				if r <= 0xFFFF {
					fmt.Fprintf(&b, `\u%04X`, r)
				} else {
					fmt.Fprintf(&b, `\U%08X`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// doc builds one record file: front matter, then the markdown body.
type doc struct{ b strings.Builder }

func newDoc(k archive.Kind) *doc {
	d := &doc{}
	d.b.WriteString("---\nkind: ")
	d.b.WriteString(string(k))
	d.b.WriteByte('\n')
	return d
}

// line writes "key: value" at an indent; empty values are left out.
func (d *doc) str(indent, key, v string) {
	if v == "" {
		return
	}
	d.raw(indent, key, scalar(v))
}

func (d *doc) raw(indent, key, v string) {
	d.b.WriteString(indent)
	d.b.WriteString(key)
	d.b.WriteString(": ")
	d.b.WriteString(v)
	d.b.WriteByte('\n')
}

func (d *doc) date(indent, key string, v archive.Date) {
	if !v.IsZero() {
		d.raw(indent, key, v.String())
	}
}

func (d *doc) list(indent, key string, vs []string) {
	if len(vs) > 0 {
		d.raw(indent, key, flowSeq(vs))
	}
}

// end closes the front matter and appends the body.
func (d *doc) end(body string) []byte {
	d.b.WriteString("---\n")
	if body != "" {
		d.b.WriteString(strings.TrimRight(body, "\n"))
		d.b.WriteByte('\n')
	}
	return []byte(d.b.String())
}

func flowSeq(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = scalar(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// flow builds a one-line mapping {k: v, ...}, skipping empty values.
type flow []string

func (f *flow) str(k, v string) {
	if v != "" {
		*f = append(*f, k+": "+scalar(v))
	}
}
func (f *flow) date(k string, v archive.Date) {
	if !v.IsZero() {
		*f = append(*f, k+": "+v.String())
	}
}
func (f *flow) time(k string, v archive.DateTime) {
	if !v.IsZero() {
		*f = append(*f, k+": "+v.String())
	}
}
func (f *flow) int(k string, v int)   { *f = append(*f, k+": "+strconv.Itoa(v)) }
func (f *flow) bool(k string, v bool) { *f = append(*f, k+": "+strconv.FormatBool(v)) }
func (f *flow) list(k string, vs []string) {
	if len(vs) > 0 {
		*f = append(*f, k+": "+flowSeq(vs))
	}
}
func (f flow) String() string { return "{" + strings.Join(f, ", ") + "}" }

func renderCustomer(c *archive.Customer, body string) []byte {
	d := newDoc(archive.KindCustomer)
	d.str("", "name", c.Name)
	d.str("", "industry", c.Industry)
	d.str("", "district", c.District)
	d.str("", "address", c.Address)
	d.str("", "account_manager", c.AccountManager)
	d.list("", "technicians", c.Technicians)
	d.raw("", "restricted", strconv.FormatBool(c.Restricted))
	if len(c.Contacts) > 0 {
		d.b.WriteString("contacts:\n")
		for _, ct := range c.Contacts {
			var f flow
			f.str("name", ct.Name)
			f.str("role", ct.Role)
			if ct.Phone != "" {
				f = append(f, "phone: "+dquote(ct.Phone))
			}
			f.str("email", ct.Email)
			d.b.WriteString("  - " + f.String() + "\n")
		}
	}
	if len(c.Services) > 0 {
		d.b.WriteString("services:\n")
		for _, s := range c.Services {
			var f flow
			f.str("product", s.Product)
			f.str("bandwidth", s.Bandwidth)
			f.date("since", s.Since)
			d.b.WriteString("  - " + f.String() + "\n")
		}
	}
	if ct := c.Contract; ct != nil {
		var f flow
		f.str("id", ct.ID)
		f.date("start", ct.Start)
		f.date("end", ct.End)
		d.raw("", "contract", f.String())
	}
	d.list("", "tags", c.Tags)
	return d.end(body)
}

func renderDevices(ds *archive.Devices, body string) []byte {
	d := newDoc(archive.KindDevices)
	d.date("", "reviewed", ds.Reviewed)
	if len(ds.Devices) == 0 {
		d.b.WriteString("devices: []\n")
	} else {
		d.b.WriteString("devices:\n")
	}
	for _, dv := range ds.Devices {
		d.raw("  - ", "id", scalar(dv.ID))
		const in = "    "
		d.str(in, "role", dv.Role)
		d.str(in, "vendor", dv.Vendor)
		d.str(in, "model", dv.Model)
		if dv.Serial != "" {
			d.raw(in, "serial", dquote(dv.Serial))
		}
		d.str(in, "mgmt_ip", dv.MgmtIP)
		d.str(in, "location", dv.Location)
		d.date(in, "installed", dv.Installed)
		d.date(in, "warranty_until", dv.WarrantyUntil)
		d.date(in, "eol", dv.EOL)
		d.str(in, "firmware", dv.Firmware)
		d.str(in, "status", string(dv.Status))
		if dv.Utilisation != nil {
			d.raw(in, "utilisation", strconv.Itoa(*dv.Utilisation))
		}
	}
	return d.end(body)
}

func renderTopology(t *archive.Topology, body string) []byte {
	d := newDoc(archive.KindTopology)
	d.date("", "reviewed", t.Reviewed)
	if len(t.External) > 0 {
		d.b.WriteString("external:\n")
		for _, e := range t.External {
			var f flow
			f.str("id", e.ID)
			f.str("label", e.Label)
			d.b.WriteString("  - " + f.String() + "\n")
		}
	}
	if len(t.Links) > 0 {
		d.b.WriteString("links:\n")
		for _, l := range t.Links {
			var f flow
			f.str("from", l.From)
			f.str("to", l.To)
			f.str("medium", l.Medium)
			f.str("bandwidth", l.Bandwidth)
			f.list("ports", l.Ports)
			d.b.WriteString("  - " + f.String() + "\n")
		}
	}
	return d.end(body)
}

func renderProgress(p *archive.Progress, body string) []byte {
	d := newDoc(archive.KindProgress)
	if len(p.Projects) == 0 {
		d.b.WriteString("projects: []\n")
	} else {
		d.b.WriteString("projects:\n")
	}
	for _, pr := range p.Projects {
		d.raw("  - ", "name", scalar(pr.Name))
		if len(pr.Milestones) > 0 {
			d.b.WriteString("    milestones:\n")
		}
		for _, m := range pr.Milestones {
			var f flow
			f.str("name", m.Name)
			f.date("due", m.Due)
			f.date("done", m.Done)
			f.str("status", m.Status)
			f.str("note", m.Note)
			d.b.WriteString("      - " + f.String() + "\n")
		}
	}
	return d.end(body)
}

func renderTraining(t *archive.Training, body string) []byte {
	d := newDoc(archive.KindTraining)
	if len(t.Sessions) == 0 {
		d.b.WriteString("sessions: []\n")
	} else {
		d.b.WriteString("sessions:\n")
	}
	for _, s := range t.Sessions {
		var f flow
		f.date("date", s.Date)
		f.str("topic", s.Topic)
		f.str("trainer", s.Trainer)
		if s.Attendees != 0 {
			f.int("attendees", s.Attendees)
		}
		f.list("asked_about", s.AskedAbout)
		d.b.WriteString("  - " + f.String() + "\n")
	}
	return d.end(body)
}

func renderSpares(s *archive.Spares, body string) []byte {
	d := newDoc(archive.KindSpares)
	if len(s.Parts) == 0 {
		d.b.WriteString("parts: []\n")
	} else {
		d.b.WriteString("parts:\n")
	}
	for _, p := range s.Parts {
		var f flow
		f.str("part", p.Part)
		f.str("model", p.Model)
		f.str("for", p.For)
		f.int("on_hand", p.OnHand)
		f.int("required", p.Required)
		f.date("due", p.Due)
		d.b.WriteString("  - " + f.String() + "\n")
	}
	return d.end(body)
}

func renderNeeds(n *archive.Needs, body string) []byte {
	d := newDoc(archive.KindLeads)
	if len(n.Leads) == 0 {
		d.b.WriteString("leads: []\n")
	} else {
		d.b.WriteString("leads:\n")
	}
	for _, l := range n.Leads {
		var f flow
		f.str("id", l.ID)
		f.date("date", l.Date)
		f.str("need", l.Need)
		f.str("product", l.Product)
		f.str("noted_by", l.NotedBy)
		f.str("status", l.Status)
		d.b.WriteString("  - " + f.String() + "\n")
	}
	return d.end(body)
}

func renderVisit(v *archive.Visit, body string) []byte {
	d := newDoc(archive.KindVisit)
	d.str("", "type", string(v.Type))
	d.str("", "technician", v.Technician)
	dt := func(k string, t archive.DateTime) {
		if !t.IsZero() {
			d.raw("", k, t.String())
		}
	}
	dt("appointment", v.Appointment)
	dt("arrived", v.Arrived)
	dt("left", v.Left)
	if r := v.Rescheduled; r != nil {
		var f flow
		f.time("notified", r.Notified)
		f.time("from", r.From)
		f.str("reason", r.Reason)
		d.raw("", "rescheduled", f.String())
	}
	if n := v.NoAnswer; n != nil {
		var f flow
		if n.Waited != 0 {
			f.int("waited", n.Waited)
		}
		f.bool("note_left", n.NoteLeft)
		d.raw("", "no_answer", f.String())
	}
	if o := v.FiveOnes; o != nil {
		var f flow
		f.bool("shoe_covers", o.ShoeCovers)
		f.bool("mat", o.Mat)
		f.bool("cloth", o.Cloth)
		f.bool("service_card", o.ServiceCard)
		f.bool("survey_form", o.SurveyForm)
		d.raw("", "five_ones", f.String())
	}
	if v.Consent != nil {
		d.raw("", "consent", strconv.FormatBool(*v.Consent))
	}
	d.list("", "devices", v.Devices)
	d.str("", "outcome", string(v.Outcome))
	d.str("", "escalated_to", v.EscalatedTo)
	d.date("", "follow_up", v.FollowUp)
	d.str("", "satisfaction", v.Satisfaction)
	return d.end(body)
}

func renderPage(k archive.Kind, p *archive.Page, body string) []byte {
	d := newDoc(k)
	d.str("", "title", p.Title)
	d.list("", "tags", p.Tags)
	return d.end(body)
}
