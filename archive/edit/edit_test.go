package edit_test

import (
	"bytes"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/edit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// records reads the record files of testdata/records.txtar, with the kind
// their archive path gives them.
func records(t testing.TB) []txtar.File {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "records.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	return ar.Files
}

// kindOf tells a test file's kind from its name (demo-visits-..., format-2026-...).
func kindOf(name string) archive.Kind {
	base := name[strings.Index(name, "-")+1:]
	switch {
	case strings.HasPrefix(base, "visits-"), strings.HasPrefix(base, "20"):
		return archive.KindVisit
	case strings.HasPrefix(base, "notes-"):
		return archive.KindNote
	}
	return archive.PlaceOf("customers/x/" + base).Kind
}

// post simulates a browser: text areas come back with CRLF line ends.
func post(body string) string { return strings.ReplaceAll(body, "\n", "\r\n") }

// A form filled with a record's own values and posted back unchanged must
// leave every byte as it was: comments, unknown keys, quoting, indentation
// and the body.
func TestRoundTripUnchanged(t *testing.T) {
	files := records(t)
	// The same files with Windows line ends and a byte order mark, and a
	// body without its final newline.
	for _, f := range files[:3] {
		crlf := append([]byte{0xEF, 0xBB, 0xBF}, bytes.ReplaceAll(f.Data, []byte("\n"), []byte("\r\n"))...)
		files = append(files, txtar.File{Name: "crlf-" + strings.TrimPrefix(f.Name, "format-"), Data: crlf})
		files = append(files, txtar.File{Name: "nonl-" + strings.TrimPrefix(f.Name, "format-"), Data: bytes.TrimSuffix(f.Data, []byte("\n"))})
	}
	for _, rf := range files {
		t.Run(rf.Name, func(t *testing.T) {
			k := kindOf(rf.Name)
			if k == "" {
				t.Fatalf("no kind for %s", rf.Name)
			}
			f, err := edit.Open(rf.Data)
			if err != nil {
				t.Fatal(err)
			}
			form := f.Values(k)
			if len(form) == 0 {
				t.Fatal("no form values for a record with front matter")
			}
			f.Apply(k, form)
			f.SetBody(post(f.Body()))
			if f.Changed() {
				t.Error("Changed() after posting the record's own values")
			}
			got, err := f.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, rf.Data) {
				t.Errorf("round trip changed the file:\n%s", cmp.Diff(string(rf.Data), string(got)))
			}
		})
	}
}

// edits are the changes a person makes in the form, each applied to the
// form's own values of one file; the results are golden files.
var edits = []struct {
	name, file string
	change     func(form url.Values)
	body       func(string) string
	// must appear in the result, proving what was kept and what changed
	want []string
}{
	{"change one field", "odd-devices.md",
		func(v url.Values) { v.Set("f.devices.0.role", "汇聚交换机") }, nil,
		[]string{"# Devices checked by hand; keep this comment.", "owner_note: 李强负责", "vlan: [10, 20]", "rack: {row: A, unit: 12}", "role: 汇聚交换机", "# the core", "serial: '2102351234ABCD'"}},
	{"add a row", "format-devices.md",
		func(v url.Values) {
			v.Set("f.devices.2._orig", "")
			v.Set("f.devices.2.id", "ap-9")
			v.Set("f.devices.2.serial", "00123")
			v.Set("f.devices.2.utilisation", "40")
			v.Set("f.devices.2.installed", "2026-11-24")
		}, nil,
		[]string{"# in_service | standby | faulty | removed", "- id: ap-9", `serial: "00123"`, "utilisation: 40", "installed: 2026-11-24"}},
	{"remove a row", "odd-devices.md",
		func(v url.Values) { v.Set("f.devices.0._delete", "1") }, nil,
		[]string{"id: ap-1", "rack: {row: A, unit: 12}", "owner_note"}},
	{"reorder rows", "format-progress.md",
		func(v url.Values) {
			// the form moved the third milestone first
			a, b := "f.projects.0.milestones.0.", "f.projects.0.milestones.2."
			for _, k := range []string{"_orig", "name", "due", "done", "status", "note"} {
				va, vb := v.Get(a+k), v.Get(b+k)
				v.Set(a+k, vb)
				v.Set(b+k, va)
			}
		}, nil,
		[]string{"- {name: 割接, due: 2026-12-01}"}},
	{"flow rows stay flow", "format-customer.md",
		func(v url.Values) {
			v.Set("f.contacts.1._orig", "")
			v.Set("f.contacts.1.name", "王工")
			v.Set("f.contacts.1.phone", "13900000000")
			v.Set("f.tags", "二级医院、重点客户, 新院区")
			v.Set("f.contract.end", "")
		}, nil,
		[]string{`- {name: 王工, phone: "13900000000"}`, "tags: [二级医院, 重点客户, 新院区]", "contract: {id: MZ-2021-0042, start: 2021-03-01}"}},
	{"clear a mapping keeps unknown keys", "odd-customer.md",
		func(v url.Values) {
			v.Set("f.contract.id", "")
			v.Set("f.contract.end", "")
		}, nil,
		[]string{"contract:\n  signed_by: 王某", "wechat: liu-zr", "x-custom:"}},
	{"new key goes in schema order", "odd-customer.md",
		func(v url.Values) {
			v.Set("f.industry", "医疗卫生")
			v.Set("f.account_manager", "zhangwei")
		}, nil,
		[]string{"name: \"测试：冒号客户\"\nindustry: 医疗卫生\naccount_manager: zhangwei\ntechnicians:"}},
	{"visit fields", "format-2026-11-20-repair.md",
		func(v url.Values) {
			v.Set("f.no_answer.waited", "12")
			v.Set("f.no_answer.note_left", "true")
			v.Set("f.consent", "false")
			v.Set("f.devices", "core-sw-1")
			v.Add("f.devices", "fw-1")
			v.Set("f.arrived", "2026-11-20T08:50:00")
			v.Set("f.rescheduled.reason", "客户要求: 改到上午")
		}, nil,
		[]string{"no_answer: {waited: 12, note_left: true}", "consent: false", "devices: [core-sw-1, fw-1]", "arrived: 2026-11-20T08:50\n", "reason: '客户要求: 改到上午'", "# resolved | follow_up | escalated | no_answer"}},
	{"values patched where they are written", "format-2026-11-20-repair.md",
		func(v url.Values) {
			v.Set("f.satisfaction", "neutral")
			v.Set("f.rescheduled.reason", "客户要求: 改到上午")
			v.Set("f.type", "inspection")
		}, nil,
		[]string{"type: inspection                  # install | repair", "rescheduled: {notified: 2026-11-19T15:00, from: 2026-11-19T14:00, reason: '客户要求: 改到上午'}", "satisfaction: neutral       # from the survey form", "outcome: escalated            # resolved"}},
	{"a value after Chinese text on its line", "format-customer.md",
		func(v url.Values) { v.Set("f.contacts.0.phone", "13911112222"); v.Set("f.contract.end", "2028-02-29") }, nil,
		[]string{`  - {name: 刘主任, role: 信息科主任, phone: "13911112222"}`, "contract: {id: MZ-2021-0042, start: 2021-03-01, end: 2028-02-29}"}},
	{"body only", "odd-devices.md", func(url.Values) {},
		func(b string) string { return b + "新增一行。\n" },
		[]string{"---\n# Devices checked by hand; keep this comment.\nkind: devices\nreviewed: 2026-10-12\nowner_note: 李强负责      # unknown key, kept\n", "新增一行。"}},
	{"typed text that looks like a number stays text", "format-devices.md",
		func(v url.Values) { v.Set("f.devices.1.serial", "0012"); v.Set("f.devices.1.firmware", "true") }, nil,
		[]string{`serial: "0012"`, `firmware: "true"`}},
}

func TestEdits(t *testing.T) {
	byName := map[string][]byte{}
	for _, f := range records(t) {
		byName[f.Name] = f.Data
	}
	out := &txtar.Archive{Comment: []byte("Results of the edits in edit_test.go. Regenerate with: go test ./archive/edit -run TestEdits -update\n")}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			k := kindOf(e.file)
			f, err := edit.Open(byName[e.file])
			if err != nil {
				t.Fatal(err)
			}
			form := f.Values(k)
			e.change(form)
			f.Apply(k, form)
			body := f.Body()
			if e.body != nil {
				body = e.body(body)
			}
			f.SetBody(post(body))
			if !f.Changed() {
				t.Fatal("the edit changed nothing")
			}
			got, err := f.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range e.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("result lacks %q:\n%s", w, got)
				}
			}
			rec := archive.Parse(archive.RecordPath("x", k), got)
			if k == archive.KindVisit {
				rec = archive.Parse("customers/x/visits/2026-11-20-repair.md", got)
			}
			if rec.Broken() {
				t.Errorf("result does not check: %v\n%s", rec.Problems, got)
			}
			if e.body == nil && !strings.HasSuffix(string(got), "---\n"+string(f.Body())) {
				t.Error("the body changed")
			}
			out.Files = append(out.Files, txtar.File{Name: e.name, Data: got})
		})
	}
	golden(t, "edits.txtar", txtar.Format(out))
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s changed (-golden +now); if intended, run with -update:\n%s", name, diff)
	}
}

func TestFieldsOnlyInTheSchema(t *testing.T) {
	f, _ := edit.Open([]byte("---\nkind: customer\nname: A\n---\n"))
	f.Apply(archive.KindCustomer, url.Values{"f.evil": {"x"}, "f.name.x": {"y"}, "f.kind": {"devices"}, "body": {"z"}})
	if f.Changed() {
		b, _ := f.Bytes()
		t.Errorf("keys outside the schema were written:\n%s", b)
	}
}

func TestNoFrontMatter(t *testing.T) {
	note := []byte("# 机房照片\n\n见下图。\n")
	f, err := edit.Open(note)
	if err != nil {
		t.Fatal(err)
	}
	f.Apply(archive.KindNote, url.Values{"f.tags": {""}})
	f.SetBody(post(f.Body()))
	if got, _ := f.Bytes(); !bytes.Equal(got, note) {
		t.Errorf("plain note changed:\n%s", got)
	}
	f.Apply(archive.KindNote, url.Values{"f.title": {"机房"}})
	got, _ := f.Bytes()
	if want := "---\nkind: note\ntitle: 机房\n---\n# 机房照片\n\n见下图。\n"; string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestOpenRefusesBrokenFrontMatter(t *testing.T) {
	for _, s := range []string{"---\nkind: [\n---\n", "---\nkind: customer\n", "---\n- a\n---\n", "---\nkind: note\n---\n\xb2\xe2\xca\xd4\n"} {
		if _, err := edit.Open([]byte(s)); err == nil {
			t.Errorf("Open(%q) accepted", s)
		}
	}
}

// BenchmarkApply is one save of the devices form: open, apply every
// field's value, write.
func BenchmarkApply(b *testing.B) {
	var data []byte
	for _, f := range records(b) {
		if f.Name == "demo-devices.md" {
			data = f.Data
		}
	}
	f, err := edit.Open(data)
	if err != nil {
		b.Fatal(err)
	}
	form := f.Values(archive.KindDevices)
	form.Set("f.devices.0.role", "改")
	b.ReportAllocs()
	for b.Loop() {
		f, _ := edit.Open(data)
		f.Apply(archive.KindDevices, form)
		if _, err := f.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// Every record of a generated demo archive goes through its own form
// unchanged.
func TestRoundTripDemoArchive(t *testing.T) {
	files, err := demo.Files(demo.Options{Customers: 8, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, data := range files {
		k := archive.PlaceOf(p).Kind
		if k == "" {
			continue
		}
		f, err := edit.Open(data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		f.Apply(k, f.Values(k))
		f.SetBody(post(f.Body()))
		if got, _ := f.Bytes(); f.Changed() || !bytes.Equal(got, data) {
			t.Errorf("%s changed by its own form:\n%s", p, cmp.Diff(string(data), string(got)))
		}
		n++
	}
	if n < 50 {
		t.Errorf("only %d records round-tripped", n)
	}
}
