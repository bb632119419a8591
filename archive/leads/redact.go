package leads

import (
	"slices"

	"github.com/dangan-archive/dangan/archive/access"
)

// Redact returns a copy of the lead for a viewer from whom hidden says a
// field ("devices.serial", "visits.body", "notes") is hidden; the site
// passes
//
//	func(f string) bool { return policy.Hidden(viewer, f) }
//
// Evidence in a section the viewer may not see (topology, notes) is
// dropped whole; evidence whose field is hidden keeps its path and device
// but loses its value; serials and management addresses go when
// devices.serial and devices.mgmt_ip are hidden. The summary is written
// again without hidden values (a utilisation lead no longer says how
// high). Whether the viewer may see the customer at all (restricted
// customers) is the caller's question: access.Policy.CanSeeFolder.
func (l Lead) Redact(hidden func(field string) bool) Lead {
	out := l
	out.Technicians = slices.Clone(l.Technicians)
	out.Evidence = nil
	for _, e := range l.Evidence {
		if s := access.SectionOf(e.Path); s != "" && hidden(s) {
			continue
		}
		if e.Field != "" && hidden(e.Field) {
			e.Value = ""
		}
		if hidden("devices.serial") {
			e.Serial = ""
		}
		if hidden("devices.mgmt_ip") {
			e.MgmtIP = ""
		}
		if e.Device != "" && e.Field == "" && e.Serial == "" && e.MgmtIP == "" && hidden("devices") {
			continue
		}
		out.Evidence = append(out.Evidence, e)
	}
	if hidden("leads.tracked.note") {
		out.StatusNote = ""
	}
	out.Summary, out.SummaryEN = summarize(&out, hidden)
	return out
}

// RedactAll applies Redact to every lead.
func RedactAll(ls []Lead, hidden func(field string) bool) []Lead {
	out := make([]Lead, len(ls))
	for i, l := range ls {
		out[i] = l.Redact(hidden)
	}
	return out
}
