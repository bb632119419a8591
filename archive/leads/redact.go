package leads

import (
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
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
	return l.redact(memo(hidden))
}

// memo remembers hidden's answers: the site's rule may be costly, and the
// same dozen fields are asked about for every lead.
func memo(hidden func(string) bool) func(string) bool {
	seen := map[string]bool{}
	return func(f string) bool {
		v, ok := seen[f]
		if !ok {
			v = hidden(f)
			seen[f] = v
		}
		return v
	}
}

// sectionOf is access.SectionOf, without allocating for the paths leads
// cite (every lead's evidence goes through it).
func sectionOf(p string) string {
	rest, ok := strings.CutPrefix(p, archive.CustomersDir+"/")
	if !ok {
		return access.SectionOf(p)
	}
	_, rest, ok = strings.Cut(rest, "/")
	if !ok {
		return access.SectionOf(p)
	}
	switch {
	case strings.HasPrefix(rest, archive.VisitsDir+"/"):
		return "visits"
	case strings.Contains(rest, "/"):
		return "notes"
	}
	if s, ok := singleSections[rest]; ok {
		return s
	}
	return "notes"
}

var singleSections = map[string]string{
	"customer.md": "customer", "devices.md": "devices", "topology.md": "topology", "progress.md": "progress",
	"training.md": "training", "spares.md": "spares", "leads.md": "leads",
}

func (l Lead) redact(hidden func(field string) bool) Lead {
	out := l
	out.Technicians = slices.Clone(l.Technicians)
	out.Evidence = nil
	for _, e := range l.Evidence {
		if s := sectionOf(e.Path); s != "" && hidden(s) {
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
	if f, ok := subjectFields[l.Signal]; ok && hidden(f) {
		out.Subject = ""
	}
	for _, f := range summaryFields[l.Signal] {
		if hidden(f) {
			out.Summary, out.SummaryEN = summarize(&out, hidden)
			break
		}
	}
	for _, f := range quotedFields[l.Signal] {
		if hidden(f) {
			// A dangan.yaml that hides what this summary is written from:
			// say only what the signal is.
			out.Summary, out.SummaryEN = l.Signal.Label("zh-CN")+"（详情不可见）", l.Signal.Label("en")+" (details hidden)"
			break
		}
	}
	return out
}

// subjectFields are where each signal's subject comes from (the id is a
// hash and reveals nothing).
var subjectFields = map[Signal]string{
	SignalNeed:         "leads.need",
	SignalContract:     "customer.contract.id",
	SignalAskedAbout:   "training.sessions.asked_about",
	SignalRepeatFaults: "visits.devices",
}

// summaryFields are the fields whose values summaries leave out when they
// are hidden (summarize knows them); the others need no rewriting.
var summaryFields = map[Signal][]string{
	SignalNeed:         {"leads.need", "leads.noted_by"},
	SignalUtilisation:  {"devices.utilisation"},
	SignalRepeatFaults: {"visits.devices"},
}

// quotedFields are the other fields summaries quote. No default rule hides
// them; if a dangan.yaml does, the summary is reduced to the signal.
var quotedFields = map[Signal][]string{
	SignalWarranty:     {"devices.role", "devices.vendor", "devices.model", "devices.warranty_until"},
	SignalEOL:          {"devices.role", "devices.vendor", "devices.model", "devices.eol"},
	SignalUtilisation:  {"devices.role", "devices.vendor", "devices.model"},
	SignalSpares:       {"spares.parts.part", "spares.parts.model", "spares.parts.on_hand", "spares.parts.required", "spares.parts.due"},
	SignalContract:     {"customer.contract.id", "customer.contract.end"},
	SignalAskedAbout:   {"training.sessions.asked_about", "training.sessions.topic", "training.sessions.date"},
	SignalRepeatFaults: {"devices.role", "devices.vendor", "devices.model", "visits.type"},
	SignalNeed:         {"leads.date"},
}

// RedactAll applies Redact to every lead.
func RedactAll(ls []Lead, hidden func(field string) bool) []Lead {
	hidden = memo(hidden)
	out := make([]Lead, len(ls))
	for i := range ls {
		out[i] = ls[i].redact(hidden)
	}
	return out
}
