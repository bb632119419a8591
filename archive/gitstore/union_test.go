package gitstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

const profile = "---\nkind: customer\nname: %s\n---\n"

func customer(name string) string { return strings.Replace(profile, "%s", name, 1) }

// newUnion makes a primary archive and a restricted one, committed in
// turns on one clock, as a branch would keep them.
func newUnion(t *testing.T) (*Union, *Repo, *Repo, []string) {
	t.Helper()
	main, secret := newRepo(t, false), newRepo(t, true)
	// One clock, an hour a commit: author and commit times are equal.
	tick := testEpoch
	now := func() time.Time { return tick }
	main.Now, secret.Now = now, now
	var ids []string
	ids = append(ids, commit(t, main, "主档案", files{
		"dangan.yaml":                  "name: 主档案\n",
		"customers/school/customer.md": customer("第三中学"),
		"guides/olt.md":                "---\nkind: guide\ntitle: OLT\n---\n巡检\n",
	}))
	tick = tick.Add(time.Hour)
	ids = append(ids, commit(t, secret, "保密档案", files{
		"dangan.yaml":                  "name: 不该生效\n",
		"customers/gov/customer.md":    customer("保密局") + "restricted: true\n",
		"customers/school/customer.md": customer("重复的中学"),
		"guides/secret-room.md":        "---\nkind: guide\ntitle: 机房\n---\n登记\n",
	}))
	tick = tick.Add(time.Hour)
	ids = append(ids, commit(t, main, "医院", files{"customers/hospital/customer.md": customer("人民医院")}))
	tick = tick.Add(time.Hour)
	return NewUnion(main, secret), main, secret, ids
}

func TestUnionSnapshot(t *testing.T) {
	u, _, _, _ := newUnion(t)
	head, err := u.Head()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := u.Snapshot(head)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for f := range snap.Customers() {
		names = append(names, f.ID+"="+f.Name())
	}
	slices.Sort(names)
	if want := []string{"gov=保密局", "hospital=人民医院", "school=第三中学"}; !slices.Equal(names, want) {
		t.Errorf("customers = %v, want %v (the primary's school wins)", names, want)
	}
	if snap.Settings.Name != "主档案" {
		t.Errorf("settings name = %q, want the primary's", snap.Settings.Name)
	}
	if n := len(snap.Guides()); n != 2 {
		t.Errorf("%d guides, want both members'", n)
	}
	if again, _ := u.Head(); again != head {
		t.Errorf("Head changed without a commit: %s then %s", head, again)
	}
	f, err := u.ReadFile(head, "customers/gov/customer.md")
	if err != nil || !strings.Contains(string(f.Data), "保密局") {
		t.Errorf("ReadFile of the restricted member's file: %q, %v", f.Data, err)
	}
	if _, err := u.ReadFile(head, "customers/nobody/customer.md"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ReadFile of a missing file: %v, want ErrNotFound", err)
	}
}

func TestUnionFollowsCommits(t *testing.T) {
	u, main, secret, _ := newUnion(t)
	before, _ := u.Head()
	id, err := u.Commit(context.Background(), Change{Parent: before, Author: Signature{Name: "liqiang"}, Message: "保密局换设备",
		Files: files{"customers/gov/devices.md": "---\nkind: devices\ndevices:\n  - {id: sw, vendor: ZTE}\n---\n"}.changes()})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := u.Head()
	if id != after || after == before {
		t.Errorf("Commit returned %s, head is %s (was %s)", id, after, before)
	}
	if h, _ := secret.Head(); !slices.ContainsFunc(must(secret.History("customers/gov/devices.md", 0)), func(c Commit) bool { return c.Hash == h }) {
		t.Errorf("the commit did not land in the restricted member")
	}
	if cs := must(main.History("customers/gov", 0)); len(cs) != 0 {
		t.Errorf("the primary got a commit of the restricted customer: %v", cs)
	}
	changed, removed, err := u.Changes(before, after)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || changed[0].Path != "customers/gov/devices.md" || len(removed) != 0 {
		t.Errorf("Changes = %v, %v; want the one device file", changed, removed)
	}
	// The same change applied to the old snapshot equals a fresh load.
	old, _ := u.Snapshot(before)
	inc := old.With(after, changed, removed)
	fresh, _ := u.Snapshot(after)
	if inc.Customer("gov") == nil || len(inc.Customer("gov").DeviceList()) != len(fresh.Customer("gov").DeviceList()) {
		t.Errorf("incremental snapshot differs from a fresh one")
	}
	hist, err := u.History("customers/gov", 0)
	if err != nil || len(hist) != 2 || strings.TrimSpace(hist[0].Message) != "保密局换设备" {
		t.Errorf("History(customers/gov) = %v, %v", hist, err)
	}
	if d, err := u.Diff("customers/gov/devices.md", before, after); err != nil || len(d.Hunks) == 0 {
		t.Errorf("Diff across union versions: %+v, %v", d, err)
	}
	if _, err := u.Commit(context.Background(), Change{Parent: after, Author: Signature{Name: "x"}, Message: "跨库",
		Files: files{"customers/gov/a.md": "x", "customers/hospital/a.md": "y"}.changes()}); err == nil {
		t.Errorf("a change spanning members was accepted")
	}
	if _, err := u.Commit(context.Background(), Change{Parent: before, Author: Signature{Name: "x"}, Message: "旧版本上改",
		Files: files{"customers/gov/b.md": "x"}.changes()}); !errors.Is(err, ErrConflict) {
		t.Errorf("a change on a stale union version: %v, want ErrConflict", err)
	}
}

func TestUnionVersions(t *testing.T) {
	u, main, secret, ids := newUnion(t)
	// A member's commit is a version: the others as of its time.
	snap, err := u.Snapshot(ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if snap.Customer("hospital") != nil || snap.Customer("gov") == nil || snap.Customer("school") == nil {
		t.Errorf("snapshot at the secret member's first commit should have school and gov, not the later hospital")
	}
	c, err := secret.CommitInfo(ids[1])
	if err != nil {
		t.Fatal(err)
	}
	at, err := u.AsOf(c.When)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := u.Snapshot(at); s.Customer("hospital") != nil || s.Customer("gov") == nil {
		t.Errorf("AsOf(%v) does not stand for both members then", c.When)
	}
	if info, err := u.CommitInfo(at); err != nil || info.Hash != at || strings.TrimSpace(info.Message) != "保密档案" {
		t.Errorf("CommitInfo(union version) = %+v, %v", info, err)
	}
	if r, err := u.Resolve(ids[0][:10]); err != nil || r != ids[0] {
		t.Errorf("Resolve(prefix of a primary commit) = %q, %v", r, err)
	}
	all, err := u.History("", 0)
	if err != nil || len(all) != 3 {
		t.Errorf("History(\"\") = %d commits, %v; want all three", len(all), err)
	}
	_ = main
	log, err := u.Log(0)
	if err != nil || len(log) != 3 || log[0].Hash != ids[2] || log[1].Hash != ids[1] || log[2].Hash != ids[0] {
		t.Errorf("Log = %v, %v; want the three commits newest first across members", log, err)
	}
	// Walking the log from the oldest, each step's changes are that commit's.
	changed, _, err := u.Changes(ids[0], ids[1])
	if err != nil || len(changed) != 2 {
		t.Errorf("Changes(primary's first, secret's first) = %v, %v; want the secret member's two new files (its dangan.yaml and duplicate school left out)", paths(changed), err)
	}
	if es, err := u.List(ids[2], archive.GuidesDir); err != nil || len(es) != 2 {
		t.Errorf("List(guides) = %v, %v; want both members' guides", es, err)
	}
}

func paths(fs []archive.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
