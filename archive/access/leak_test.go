package access_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/access"
)

// everything returns all that v can get out of the fixture through the
// package: every folder and record as JSON, every file's text, titles and
// problem messages. A canary absent from it cannot leak through access.
func (fx *fixture) everything(t *testing.T, v access.Viewer) string {
	t.Helper()
	var b strings.Builder
	for f := range fx.snap.Customers() {
		if rf := fx.pol.Folder(v, f); rf != nil {
			j, err := json.Marshal(rf)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(j)
			for _, r := range rf.Records() {
				b.WriteString(r.Title + "\n" + r.Body + "\n")
			}
		}
	}
	paths := make([]string, 0, len(fx.files))
	for p := range fx.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if r := fx.pol.Record(v, fx.snap, p); r != nil {
			j, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(j)
		}
		if !fx.pol.CanSeeFile(v, fx.snap, p) {
			continue
		}
		if text, ok := fx.pol.RedactText(v, p, fx.files[p]); ok {
			b.Write(text)
		}
	}
	return b.String()
}

// TestLeakMatrix is the confidentiality matrix of the package: for each
// canary, exactly the viewers listed may find it anywhere in their output.
// Every canary is seen by someone, so the test also proves that the output
// is not simply empty.
func TestLeakMatrix(t *testing.T) {
	fx := mustFixture(t)
	staff := []string{"admin", "liqiang", "wangfang", "zhangwei", "otherAM"}
	valid := append(slices.Clone(staff), "marketing", "mktNamed")
	without := func(from []string, drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(from), func(s string) bool { return slices.Contains(drop, s) })
	}
	cases := []struct {
		canary string
		why    string
		seenBy []string
	}{
		{"米脂县人民医院", "customer name (control)", valid},
		{"数字电路专线", "services (control)", valid},
		{"新院区明年开业", "leads (control)", valid},
		{"2027-02-28", "contract end date (control)", valid},
		{"S5735-L24P4X-A1", "device model (control)", valid},
		{"CANARY-SN-0001", "devices.serial", staff},
		{"10.99.99.99", "mgmt_ip, devices body, topology label, visit body", staff},
		{"CANARY-BADIP", "bad mgmt_ip quoted in a problem message", staff},
		{"13999999999", "customer.contacts.phone", staff},
		{"canary-mail@example.cn", "customer.contacts.email", staff},
		{"CANARY-ADDR", "customer.address", staff},
		{"CANARY-PROFILE-BODY", "customer.body", staff},
		{"CANARY-LOCATION", "devices.location", staff},
		{"CANARY-FW-V200", "devices.firmware", staff},
		{"CANARY-VLAN", "an unknown device key", staff},
		{"CANARY-OLT", "topology", staff},
		{"CANARY-RESCHEDULE", "visits.rescheduled", staff},
		{"CANARY-VISIT-BODY", "visits.body", staff},
		{"CANARY-CONTRACT-ID", "customer.contract.id, hidden from technicians by dangan.yaml", without(valid, "liqiang", "wangfang")},
		{"CANARY-NOTE-BODY", "notes.body, hidden from technicians by dangan.yaml", without(staff, "liqiang", "wangfang")},
		{"CANARY-HEADING", "a note title taken from a hidden body", without(staff, "liqiang", "wangfang")},
		{"CANARY-ATTACHMENT", "an image beside a note whose body is hidden", without(staff, "liqiang", "wangfang")},
		{"绝密演练", "restricted customer", []string{"admin", "liqiang", "zhangwei"}},
		{"损坏的涉密客户", "restricted customer with a broken profile", []string{"admin", "liqiang"}},
	}
	outs := map[string]string{}
	for name, v := range allViewers {
		outs[name] = fx.everything(t, v)
	}
	for _, c := range cases {
		for name := range allViewers {
			got := contains(outs[name], c.canary)
			if want := slices.Contains(c.seenBy, name); got != want {
				t.Errorf("%s (%s): seen by %s = %v, want %v", c.canary, c.why, name, got, want)
			}
		}
	}
}
