package access

import (
	"maps"
	"slices"
	"sort"

	"github.com/dangan-archive/dangan/archive"
)

// Policy applies the archive's confidentiality rules. Settings come from
// dangan.yaml (roles.<role>.hide); the rest of the rules are fixed here so
// that a careless dangan.yaml cannot open marketing's view of the network.
//
// Every method fails closed: an anonymous viewer or one with an unknown
// role sees nothing and may edit nothing.
type Policy struct {
	Settings archive.Settings
}

// marketingHide is what marketing never sees, whatever dangan.yaml says.
// Marketing works from leads, customer names, industries, districts,
// services and contract dates; of devices it keeps id, role, vendor, model,
// status and the install, warranty and end-of-life dates (the signals of a
// lead); of visits only the type, the appointment and the technician to
// ask. Free text that may carry anything (bodies other than leads.md,
// notes, the whole topology) is hidden. Unknown front-matter keys are
// dropped for marketing as well (see DropsExtra).
var marketingHide = []string{
	"customer.address", "customer.contacts.phone", "customer.contacts.email", "customer.body",
	"devices.serial", "devices.mgmt_ip", "devices.location", "devices.firmware", "devices.utilisation", "devices.body",
	"topology",
	"progress.body", "training.body", "spares.body",
	"visits.arrived", "visits.left", "visits.rescheduled", "visits.no_answer", "visits.five_ones",
	"visits.consent", "visits.devices", "visits.outcome", "visits.escalated_to", "visits.follow_up",
	"visits.satisfaction", "visits.body",
	"notes",
}

// MarketingHidden returns the fields marketing never sees, whatever
// dangan.yaml says, for documentation and tests.
func MarketingHidden() []string { return slices.Clone(marketingHide) }

// everything hides every section: what a viewer without a valid role gets.
func everything() []string {
	return slices.Sorted(maps.Values(sections))
}

// Hide returns the names of the fields hidden from v, sorted: those of
// dangan.yaml for v's role, plus MarketingHidden for marketing. Admins hide
// nothing; an anonymous viewer or unknown role hides every section. The
// list is what index.Filter.Hide takes.
func (p Policy) Hide(v Viewer) []string {
	switch {
	case v.Anonymous() || !v.Role.Valid():
		return everything()
	case v.Role == Admin:
		return nil
	}
	set := map[string]bool{}
	for _, h := range p.Settings.Roles[string(v.Role)].Hide {
		set[h] = true
	}
	if v.Role == Marketing {
		for _, h := range marketingHide {
			set[h] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// DropsExtra reports whether front-matter keys unknown to dangan are
// removed for v. They are for marketing: an unknown key may hold anything,
// and marketing's view is a list of what it may see, not of what it may not.
func (p Policy) DropsExtra(v Viewer) bool {
	return v.Role != Admin && v.Role != Technician && v.Role != AccountManager
}

// Hidden reports whether one field (devices.serial) is hidden from v.
func (p Policy) Hidden(v Viewer, field string) bool { return hiddenIn(p.Hide(v), field) }

// CanSeeCustomer reports whether v may know that the customer exists.
// Customers with restricted: true are seen only by admins and by the people
// the profile names: its account manager and its technicians. A folder
// without a readable profile (c == nil) is not restricted.
func (p Policy) CanSeeCustomer(v Viewer, c *archive.Customer) bool {
	if v.Anonymous() || !v.Role.Valid() {
		return false
	}
	if v.Role == Admin || c == nil || !c.Restricted {
		return true
	}
	return assigned(v, c)
}

// assigned reports whether the profile names v as its account manager or
// one of its technicians.
// Only staff roles count: a marketing user whose name happens to be listed
// is a mistake in the archive, not a reason to open it.
func assigned(v Viewer, c *archive.Customer) bool {
	if v.Role != Technician && v.Role != AccountManager {
		return false
	}
	return c.AccountManager == v.Name || slices.Contains(c.Technicians, v.Name)
}

// CanSeeFolder is CanSeeCustomer for a customer folder of a snapshot,
// failing closed on a broken profile (see Restricted).
func (p Policy) CanSeeFolder(v Viewer, f *archive.Folder) bool {
	if f == nil || v.Anonymous() || !v.Role.Valid() {
		return false
	}
	if v.Role == Admin || !Restricted(f) {
		return true
	}
	c := f.Customer.AsCustomer()
	return c != nil && assigned(v, c)
}

// Restricted reports whether a customer is restricted. A profile with
// errors counts as restricted: "restricted: yes" or a YAML syntax error
// would otherwise open a government network to everyone until someone
// fixes the file. Its assigned people (as far as they could be read) and
// admins still see it, and they are the ones who fix it. The search index
// must use this rule too.
func Restricted(f *archive.Folder) bool {
	if f == nil || f.Customer == nil {
		return false
	}
	c := f.Customer.AsCustomer()
	return c == nil || c.Restricted || f.Customer.Broken()
}

// AllowedRestricted returns the restricted customers v may see, for the
// search filter: all is true for admins; otherwise ids lists them, sorted.
func (p Policy) AllowedRestricted(v Viewer, snap *archive.Snapshot) (all bool, ids []string) {
	if v.Anonymous() || !v.Role.Valid() {
		return false, nil
	}
	if v.Role == Admin {
		return true, nil
	}
	for f := range snap.Customers() {
		if c := f.Customer.AsCustomer(); c != nil && Restricted(f) && assigned(v, c) {
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	return false, ids
}

// CanSeePath reports whether v may see the file at p at all, judged by its
// section only (Hide: [topology] hides topology.md, Hide: [notes] hides
// notes and their images). Attachments (an image beside a note) are part of
// the body they illustrate: hiding notes.body hides them too. It does not
// check the customer's restriction: use CanSeeFile, Record or Folder.
func (p Policy) CanSeePath(v Viewer, path string) bool {
	if v.Anonymous() || !v.Role.Valid() {
		return false
	}
	s := SectionOf(path)
	if s == "" {
		return true
	}
	hide := p.Hide(v)
	if archive.PlaceOf(path).Kind == "" && hiddenIn(hide, s+".body") {
		return false
	}
	return !hiddenIn(hide, s)
}

// Folder returns the customer's folder as v may see it: nil when the
// customer is restricted from v (the same answer as a customer that does
// not exist), else a copy with every record redacted and the records v may
// not see at all left out. Problems across files are kept with their
// messages scrubbed like a record's.
func (p Policy) Folder(v Viewer, f *archive.Folder) *archive.Folder {
	if !p.CanSeeFolder(v, f) {
		return nil
	}
	hide := p.Hide(v)
	out := &archive.Folder{
		ID:       f.ID,
		Customer: p.redact(v, f.Customer, hide),
		Devices:  p.redact(v, f.Devices, hide),
		Topology: p.redact(v, f.Topology, hide),
		Progress: p.redact(v, f.Progress, hide),
		Training: p.redact(v, f.Training, hide),
		Spares:   p.redact(v, f.Spares, hide),
		Leads:    p.redact(v, f.Leads, hide),
	}
	for _, r := range f.Visits {
		if x := p.redact(v, r, hide); x != nil {
			out.Visits = append(out.Visits, x)
		}
	}
	for _, r := range f.Notes {
		if x := p.redact(v, r, hide); x != nil {
			out.Notes = append(out.Notes, x)
		}
	}
	for _, pr := range f.Problems {
		if s := SectionOf(pr.Path); s != "" && hiddenIn(hide, s) {
			continue
		}
		if anyUnder(hide, SectionOf(pr.Path)) || p.DropsExtra(v) {
			pr.Message, pr.Chinese = scrubQuoted(pr.Message), scrubQuoted(pr.Chinese)
		}
		out.Problems = append(out.Problems, pr)
	}
	return out
}

// Record returns the record at path as v may see it, or nil when there is
// no such record, when its customer is restricted from v or when its whole
// section is hidden: the three look the same to v.
func (p Policy) Record(v Viewer, snap *archive.Snapshot, path string) *archive.Record {
	r := snap.Record(path)
	if r == nil {
		return nil
	}
	if r.Customer != "" && !p.CanSeeFolder(v, snap.Customer(r.Customer)) {
		return nil
	}
	return p.Redact(v, r)
}

// CanSeeFile reports whether v may see a file of the snapshot's commit,
// record or attachment: its section is visible and its customer is not
// restricted from v. Raw content must still go through RedactText.
func (p Policy) CanSeeFile(v Viewer, snap *archive.Snapshot, path string) bool {
	if !p.CanSeePath(v, path) {
		return false
	}
	if c := archive.CustomerOf(path); c != "" {
		f := snap.Customer(c)
		// A file in a folder without records (an orphan image) has no
		// profile to restrict it; it is as open as the folder name.
		return f == nil || p.CanSeeFolder(v, f)
	}
	return true
}
