package archive

import (
	"path"
	"regexp"
	"strings"
)

// Kind names what a record holds; it is the `kind:` key of its front matter.
type Kind string

// The record kinds.
const (
	KindCustomer Kind = "customer"
	KindDevices  Kind = "devices"
	KindTopology Kind = "topology"
	KindProgress Kind = "progress"
	KindTraining Kind = "training"
	KindSpares   Kind = "spares"
	KindLeads    Kind = "leads"
	KindVisit    Kind = "visit"
	KindNote     Kind = "note"
	KindGuide    Kind = "guide"
)

// Kinds lists every kind in the order a customer page shows them.
var Kinds = []Kind{KindCustomer, KindDevices, KindTopology, KindProgress, KindTraining, KindSpares, KindLeads, KindVisit, KindNote, KindGuide}

// StandardKinds are the record kinds the maintenance standard asks every
// customer's archive to have (设备, 拓扑, 项目进度, 技术培训, 备件计划).
var StandardKinds = []Kind{KindDevices, KindTopology, KindProgress, KindTraining, KindSpares}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// singleFile maps the one-per-customer kinds to their file names.
var singleFile = map[Kind]string{
	KindCustomer: "customer.md",
	KindDevices:  "devices.md",
	KindTopology: "topology.md",
	KindProgress: "progress.md",
	KindTraining: "training.md",
	KindSpares:   "spares.md",
	KindLeads:    "leads.md",
}

// Layout of the archive repository.
const (
	SettingsFile   = "dangan.yaml"
	CustomersDir   = "customers"
	GuidesDir      = "guides"
	VisitsDir      = "visits"
	NotesDir       = "notes"
	RecordSuffix   = ".md"
	CustomerIDHelp = "a customer id is lowercase ASCII letters, digits and hyphens, for example mz-renmin-hospital"
)

var customerIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// ValidCustomerID reports whether id is a well-formed customer slug.
func ValidCustomerID(id string) bool { return customerIDPattern.MatchString(id) }

// RecordPath returns where a one-per-customer record of kind k lives.
func RecordPath(customer string, k Kind) string {
	return CustomersDir + "/" + customer + "/" + singleFile[k]
}

// Place says what a path in the archive is, judged by where it lies.
type Place struct {
	Kind     Kind   // the kind a record at this path must have; "" when not a record
	Customer string // the customer folder it lies in, "" for guides and top-level files
}

// PlaceOf tells which record, if any, a repository path holds. Files that are
// not markdown (images beside notes), and markdown outside the customer and
// guide folders (a README for editors), are not records.
func PlaceOf(p string) Place {
	if !strings.HasSuffix(p, RecordSuffix) {
		return Place{}
	}
	parts := strings.Split(p, "/")
	switch {
	case len(parts) >= 2 && parts[0] == GuidesDir:
		return Place{Kind: KindGuide}
	case len(parts) == 3 && parts[0] == CustomersDir:
		for k, name := range singleFile {
			if parts[2] == name {
				return Place{Kind: k, Customer: parts[1]}
			}
		}
		// Other markdown directly in the customer folder is a note.
		return Place{Kind: KindNote, Customer: parts[1]}
	case len(parts) == 4 && parts[0] == CustomersDir && parts[2] == VisitsDir:
		return Place{Kind: KindVisit, Customer: parts[1]}
	case len(parts) >= 4 && parts[0] == CustomersDir && parts[2] == NotesDir:
		return Place{Kind: KindNote, Customer: parts[1]}
	}
	return Place{}
}

// CustomerOf returns the customer folder a path lies in, or "".
func CustomerOf(p string) string {
	parts := strings.SplitN(p, "/", 3)
	if len(parts) >= 3 && parts[0] == CustomersDir {
		return parts[1]
	}
	return ""
}

// CleanPath makes a user-supplied archive path canonical and refuses paths
// that would leave the archive (.., absolute paths, the .git folder).
func CleanPath(p string) (string, bool) {
	if p == "" || strings.ContainsRune(p, 0) || strings.Contains(p, "\\") {
		return "", false
	}
	c := path.Clean("/" + p)[1:]
	if c == "" || c != strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/") {
		return "", false
	}
	for _, seg := range strings.Split(c, "/") {
		if seg == ".." || seg == ".git" || strings.HasPrefix(seg, ".dangan") {
			return "", false
		}
	}
	return c, true
}
