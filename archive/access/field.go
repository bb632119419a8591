package access

import (
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// Field names, as written in dangan.yaml (roles.<role>.hide), follow one
// rule so that pages, the index and this package agree on them:
//
//   - the first part is the section: the file or folder name of the record
//     kind (customer, devices, topology, progress, training, spares, leads,
//     visits, notes, guides);
//   - then the YAML keys of the front matter, lists being transparent
//     (customer.contacts.phone is the phone of every contact);
//   - a file whose single list has the section's own name skips that level:
//     devices.serial (not devices.devices.serial), leads.need;
//   - <section>.body is the markdown body;
//   - naming a parent hides everything under it: "topology" hides every
//     topology file, "customer.contacts" every contact.
//
// Unknown keys (kept in Extra) are named the same way: devices.vlan hides a
// key "vlan" written in a device.

// sections maps record kinds to their section names.
var sections = map[archive.Kind]string{
	archive.KindCustomer: "customer",
	archive.KindDevices:  "devices",
	archive.KindTopology: "topology",
	archive.KindProgress: "progress",
	archive.KindTraining: "training",
	archive.KindSpares:   "spares",
	archive.KindLeads:    "leads",
	archive.KindVisit:    "visits",
	archive.KindNote:     "notes",
	archive.KindGuide:    "guides",
}

// Section returns the name hide rules use for a record kind, "" for none.
func Section(k archive.Kind) string { return sections[k] }

// SectionOf returns the section a file of the archive belongs to, records
// and attachments alike: an image beside a note belongs to notes, one in a
// visit folder to visits. Files outside customers and guides (dangan.yaml, a
// README) belong to no section and return "".
func SectionOf(p string) string {
	if k := archive.PlaceOf(p).Kind; k != "" {
		return sections[k]
	}
	parts := strings.Split(p, "/")
	switch {
	case len(parts) >= 2 && parts[0] == archive.GuidesDir:
		return "guides"
	case len(parts) >= 4 && parts[0] == archive.CustomersDir && parts[2] == archive.VisitsDir:
		return "visits"
	case len(parts) >= 3 && parts[0] == archive.CustomersDir:
		// Anything else in a customer folder is an attachment of its notes.
		return "notes"
	}
	return ""
}

// hiddenIn reports whether field is hidden by a list of names: named itself
// or under a named parent. It is the rule of archive.Settings.Hidden.
func hiddenIn(hide []string, field string) bool {
	for _, h := range hide {
		if under(field, h) {
			return true
		}
	}
	return false
}

// anyUnder reports whether some name in hide lies in section (the section
// itself or a field of it).
func anyUnder(hide []string, section string) bool {
	for _, h := range hide {
		if under(h, section) {
			return true
		}
	}
	return false
}

// under reports whether field is name itself or lies under it
// ("devices.serial" under "devices"), without building strings: it runs
// for every field of every record shown.
func under(field, name string) bool {
	return strings.HasPrefix(field, name) && (len(field) == len(name) || field[len(name)] == '.')
}
