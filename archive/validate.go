package archive

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// validate checks what can be checked inside one file, after decoding.
// Checks that need other files (references to devices) run in Snapshot.
func (pr *parser) validate() {
	switch d := pr.rec.Data.(type) {
	case *Customer:
		pr.validateCustomer(d)
	case *Devices:
		pr.validateDevices(d)
	case *Topology:
		pr.validateTopology(d)
	case *Progress:
		for i, p := range d.Projects {
			pr.required(p.Name, "projects", i, "name")
			for j, m := range p.Milestones {
				pr.required(m.Name, "projects", i, "milestones", j, "name")
				if m.Status != "" && !slices.Contains(MilestoneStatuses, m.Status) {
					pr.warnNode(pr.at("projects", i, "milestones", j, "status"), "unknown milestone status %q; use one of %s", m.Status, strings.Join(MilestoneStatuses, ", "))
				}
			}
		}
	case *Training:
		for i, s := range d.Sessions {
			if lookup(pr.at("sessions", i), "date") == nil {
				pr.errNode(pr.at("sessions", i), "training session without a date")
			}
			pr.required(s.Topic, "sessions", i, "topic")
			if s.Attendees < 0 {
				pr.errNode(pr.at("sessions", i, "attendees"), "attendees cannot be negative")
			}
		}
	case *Spares:
		for i, p := range d.Parts {
			pr.required(p.Part, "parts", i, "part")
			if p.OnHand < 0 || p.Required < 0 {
				pr.errNode(pr.at("parts", i), "on_hand and required cannot be negative")
			}
			if p.For != "" {
				pr.ref(p.For, "parts", i, "for")
			}
		}
	case *Needs:
		for i, n := range d.Leads {
			if lookup(pr.at("leads", i), "date") == nil {
				pr.errNode(pr.at("leads", i), "need without a date")
			}
			pr.required(n.Need, "leads", i, "need")
			if n.Status != "" && !slices.Contains(LeadStatuses, n.Status) {
				pr.errNode(pr.at("leads", i, "status"), "unknown status %q; use one of %s", n.Status, strings.Join(LeadStatuses, ", "))
			}
		}
		seen := map[string]bool{}
		for i, t := range d.Tracked {
			pr.required(t.Lead, "tracked", i, "lead")
			if seen[t.Lead] && t.Lead != "" {
				pr.warnNode(pr.at("tracked", i, "lead"), "lead %q is tracked twice; the last entry counts", t.Lead)
			}
			seen[t.Lead] = true
			if !slices.Contains(LeadStatuses, t.Status) {
				pr.errNode(pr.at("tracked", i, "status"), "unknown status %q; use one of %s", t.Status, strings.Join(LeadStatuses, ", "))
			}
		}
	case *Visit:
		pr.validateVisit(d)
	}
}

// MilestoneStatuses are the states a milestone may be in.
var MilestoneStatuses = []string{"planned", "in_progress", "done", "delayed", "cancelled"}

func (pr *parser) required(v string, steps ...any) {
	if strings.TrimSpace(v) != "" {
		return
	}
	field := steps[len(steps)-1].(string)
	pr.errNode(pr.at(steps...), "missing %s", field)
}

func (pr *parser) ref(id string, steps ...any) {
	l, c := nodePos(pr.at(steps...))
	pr.rec.Refs = append(pr.rec.Refs, Ref{ID: id, Line: l, Col: c})
}

func (pr *parser) validateCustomer(d *Customer) {
	pr.required(d.Name, "name")
	for i, c := range d.Contacts {
		pr.required(c.Name, "contacts", i, "name")
	}
	if c := d.Contract; c != nil && !c.Start.IsZero() && !c.End.IsZero() && c.End.Before(c.Start) {
		pr.errNode(pr.at("contract", "end"), "contract ends (%s) before it starts (%s)", c.End, c.Start)
	}
}

func (pr *parser) validateDevices(d *Devices) {
	seen := map[string]int{}
	for i, dev := range d.Devices {
		if strings.TrimSpace(dev.ID) == "" {
			pr.errNode(pr.at("devices", i), "device without an id")
			continue
		}
		n := pr.at("devices", i, "id")
		l, c := nodePos(n)
		if first, dup := seen[dev.ID]; dup {
			pr.errAt(l, c, "duplicate device id %q (first used on line %d)", dev.ID, first)
			continue
		}
		seen[dev.ID] = l
		pr.rec.Defines = append(pr.rec.Defines, Ref{ID: dev.ID, Line: l, Col: c})
		if dev.Status != "" && !slices.Contains(DeviceStatuses, dev.Status) {
			pr.errNode(pr.at("devices", i, "status"), "unknown device status %q; use one of %s", dev.Status, join(DeviceStatuses))
		}
		if dev.MgmtIP != "" {
			if _, err := netip.ParseAddr(dev.MgmtIP); err != nil {
				pr.errNode(pr.at("devices", i, "mgmt_ip"), "mgmt_ip %q is not an IP address", dev.MgmtIP)
			}
		}
		if u := dev.Utilisation; u != nil && (*u < 0 || *u > 100) {
			pr.errNode(pr.at("devices", i, "utilisation"), "utilisation is a percentage from 0 to 100, not %d", *u)
		}
		if !dev.Installed.IsZero() && !dev.WarrantyUntil.IsZero() && dev.WarrantyUntil.Before(dev.Installed) {
			pr.warnNode(pr.at("devices", i, "warranty_until"), "warranty ends (%s) before the device was installed (%s)", dev.WarrantyUntil, dev.Installed)
		}
	}
}

func (pr *parser) validateTopology(d *Topology) {
	seen := map[string]bool{}
	for i, e := range d.External {
		if strings.TrimSpace(e.ID) == "" {
			pr.errNode(pr.at("external", i), "external node without an id")
			continue
		}
		l, c := nodePos(pr.at("external", i, "id"))
		if seen[e.ID] {
			pr.errAt(l, c, "duplicate external node id %q", e.ID)
		}
		seen[e.ID] = true
		pr.rec.Defines = append(pr.rec.Defines, Ref{ID: e.ID, Line: l, Col: c, Topo: true})
	}
	for i, link := range d.Links {
		for _, end := range []struct{ name, id string }{{"from", link.From}, {"to", link.To}} {
			if strings.TrimSpace(end.id) == "" {
				pr.errNode(pr.at("links", i), "link without '%s'", end.name)
				continue
			}
			if !seen[end.id] {
				pr.ref(end.id, "links", i, end.name)
			}
		}
		if link.From != "" && link.From == link.To {
			pr.warnNode(pr.at("links", i), "link from %q to itself", link.From)
		}
	}
}

func (pr *parser) validateVisit(v *Visit) {
	if v.Type == "" {
		pr.errAt(2, 1, "missing type; use one of %s", join(VisitTypes))
	} else if !slices.Contains(VisitTypes, v.Type) {
		pr.errNode(pr.at("type"), "unknown visit type %q; use one of %s", v.Type, join(VisitTypes))
	}
	pr.required(v.Technician, "technician")
	if v.Outcome != "" && !slices.Contains(Outcomes, v.Outcome) {
		pr.errNode(pr.at("outcome"), "unknown outcome %q; use one of %s", v.Outcome, join(Outcomes))
	}
	if !v.Arrived.IsZero() && !v.Left.IsZero() && v.Left.Before(v.Arrived.Time) {
		pr.errNode(pr.at("left"), "left (%s) before arriving (%s)", v.Left, v.Arrived)
	}
	if v.Outcome == Escalated && v.EscalatedTo == "" {
		pr.warnNode(pr.at("outcome"), "escalated visit does not say to whom (escalated_to, e.g. 派单中心)")
	}
	if (v.Outcome == Escalated || v.Outcome == FollowUp) && v.FollowUp.IsZero() {
		pr.warnNode(pr.at("outcome"), "%s visit without a follow_up date: the standard wants a new appointment", v.Outcome)
	}
	if v.Satisfaction != "" && !slices.Contains(Satisfactions, v.Satisfaction) {
		pr.warnNode(pr.at("satisfaction"), "unknown satisfaction %q; use one of %s", v.Satisfaction, strings.Join(Satisfactions, ", "))
	}
	for i, id := range v.Devices {
		pr.ref(id, "devices", i)
	}
}

func join[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// Describe returns a one-line human description of a problem list, for logs.
func Describe(ps []Problem) string {
	errs, warns := 0, 0
	for _, p := range ps {
		if p.Severity == SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return fmt.Sprintf("%d errors, %d warnings", errs, warns)
}
