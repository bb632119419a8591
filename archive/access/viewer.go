// Package access decides who may see and edit what in the archive. It is
// the one implementation of the confidentiality rules: pages, search, API,
// exports, feeds and diagrams all ask it, so a rule changed here holds
// everywhere.
package access

// Role is what a user does at the branch; it decides what they may see.
type Role string

// The roles.
const (
	Technician     Role = "technician"
	AccountManager Role = "account_manager"
	Marketing      Role = "marketing"
	Admin          Role = "admin"
)

// Roles lists every role.
var Roles = []Role{Technician, AccountManager, Marketing, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Viewer is the person a page or an answer is for. Name is the person id
// used in records (technicians: [liqiang], account_manager: zhangwei), so
// assignments to restricted customers come from the archive itself.
type Viewer struct {
	Name        string
	DisplayName string
	Role        Role
}

// Anonymous reports whether nobody is logged in.
func (v Viewer) Anonymous() bool { return v.Name == "" }
