package access

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/dangan-archive/dangan/archive"
)

// ErrForbidden is the error of every refused change; test with errors.Is.
var ErrForbidden = errors.New("forbidden")

// CanEdit reports whether v may change (write, create or delete) the file
// at path of customer c (nil for a new customer or a guide).
//
//   - Admins edit everything, dangan.yaml included.
//   - Technicians and account managers edit the records of every customer
//     they can see (any customer not restricted, restricted ones they are
//     assigned to) and the guides, but never a file of a section in which
//     something is hidden from them: a save written from a redacted view
//     would erase what they could not see.
//   - Marketing edits only leads.md of customers it can see, and only the
//     status of each lead (CheckChange enforces that).
//
// Only files in customers/ and guides/ are editable by anyone but admins.
func (p Policy) CanEdit(v Viewer, c *archive.Customer, path string) bool {
	return p.canEdit(v, p.CanSeeCustomer(v, c), path)
}

// CanEditFolder is CanEdit for a folder of a snapshot (nil for a new
// customer), with the folder's stricter reading of a broken profile.
func (p Policy) CanEditFolder(v Viewer, f *archive.Folder, path string) bool {
	see := f == nil && !v.Anonymous() && v.Role.Valid() || p.CanSeeFolder(v, f)
	return p.canEdit(v, see, path)
}

func (p Policy) canEdit(v Viewer, seeCustomer bool, path string) bool {
	clean, ok := archive.CleanPath(path)
	if !ok || clean != path || v.Anonymous() || !v.Role.Valid() {
		return false
	}
	if v.Role == Admin {
		return true
	}
	section := SectionOf(path)
	inCustomer := archive.CustomerOf(path) != ""
	if section == "" || (inCustomer && !seeCustomer) {
		return false
	}
	if anyUnder(p.Hide(v), section) {
		return false
	}
	if v.Role == Marketing {
		return archive.PlaceOf(path).Kind == archive.KindLeads
	}
	return true
}

// CheckChange says whether v may change the file at path from old to new
// content (old nil: the file is created; new nil: it is deleted), in the
// customer folder f (nil for a new customer or a guide). Beyond CanEdit it
// checks what changed: marketing may only set the status of existing
// leads, and only admins and the customer's account manager may turn the
// restricted flag on or off (a new restricted customer may be created by
// someone it assigns). The error wraps ErrForbidden and is a plain
// sentence naming the file.
func (p Policy) CheckChange(v Viewer, f *archive.Folder, path string, old, new []byte) error {
	if !p.CanEditFolder(v, f, path) {
		return fmt.Errorf("%w: %s may not change %s", ErrForbidden, nameOf(v), path)
	}
	if v.Role == Marketing {
		if new == nil {
			return fmt.Errorf("%w: marketing may not delete %s, only set the status of its leads", ErrForbidden, path)
		}
		if !onlyStatuses(path, old, new, v.Name) {
			return fmt.Errorf("%w: marketing may only change the status of leads in %s", ErrForbidden, path)
		}
	}
	if archive.PlaceOf(path).Kind == archive.KindCustomer && v.Role != Admin {
		was, is := restrictedIn(path, old), restrictedIn(path, new)
		if was != is {
			var c *archive.Customer
			if f != nil {
				c = f.Customer.AsCustomer()
			}
			creating := old == nil && is && namesViewer(path, new, v)
			if !creating && (c == nil || c.AccountManager != v.Name) {
				return fmt.Errorf("%w: only an admin or the account manager may change restricted in %s", ErrForbidden, path)
			}
		}
	}
	return nil
}

func nameOf(v Viewer) string {
	if v.Anonymous() {
		return "nobody logged in"
	}
	return fmt.Sprintf("%s (%s)", v.Name, v.Role)
}

// restrictedIn reads the restricted flag of a customer.md content; a
// profile that cannot be read counts as restricted, as in Restricted.
func restrictedIn(path string, content []byte) bool {
	if content == nil {
		return false
	}
	r := archive.Parse(path, content)
	c := r.AsCustomer()
	return c == nil || c.Restricted || r.Broken()
}

func namesViewer(path string, content []byte, v Viewer) bool {
	c := archive.Parse(path, content).AsCustomer()
	return c != nil && assigned(v, c)
}

// onlyStatuses reports whether two versions of leads.md differ at most in
// the status of their leads: the status: of the needs written by staff,
// and the tracked: entries (archive.Tracked) through which marketing
// follows up every lead, derived ones included. Tracked entries may be
// added or updated, in the name of the person saving (by), never removed,
// reordered or given keys dangan does not know. old is nil when the
// customer has no leads.md yet: marketing may then create one that holds
// tracked entries only.
func onlyStatuses(path string, old, new []byte, by string) bool {
	if old == nil {
		old = []byte("---\nkind: leads\n---\n")
	}
	a, b := archive.Parse(path, old), archive.Parse(path, new)
	na, nb := a.AsNeeds(), b.AsNeeds()
	if na == nil || nb == nil || len(na.Leads) != len(nb.Leads) || a.Body != b.Body || b.Broken() {
		return false
	}
	if !trackedOnly(na.Tracked, nb.Tracked, by) {
		return false
	}
	ca, cb := *na, *nb
	ca.Leads = append([]archive.Need(nil), na.Leads...)
	cb.Leads = append([]archive.Need(nil), nb.Leads...)
	for i := range ca.Leads {
		ca.Leads[i].Status, cb.Leads[i].Status = "", ""
	}
	ca.Tracked, cb.Tracked = nil, nil
	return reflect.DeepEqual(ca, cb)
}

// trackedOnly reports whether tracked entries changed from a to b only by
// entries added at the end or updated in place, each changed one signed
// by the person saving and without unknown keys.
func trackedOnly(a, b []archive.Tracked, by string) bool {
	if len(b) < len(a) {
		return false
	}
	for i := range b {
		if i < len(a) && reflect.DeepEqual(a[i], b[i]) {
			continue
		}
		if i < len(a) && a[i].Lead != b[i].Lead {
			return false
		}
		if b[i].By != by || len(b[i].Extra) > 0 {
			return false
		}
	}
	return true
}
