package edit_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/edit"
)

// FuzzApply posts arbitrary form values to arbitrary files: whatever is
// typed, the result must be a file the archive reads without a YAML error
// (typed text never becomes YAML syntax), and a typed name reads back as
// typed.
func FuzzApply(f *testing.F) {
	for _, rf := range records(f) {
		if kindOf(rf.Name) == archive.KindCustomer || kindOf(rf.Name) == archive.KindDevices {
			f.Add(string(rf.Data), "f.name", "新名字", "f.devices.0.serial", "0012")
		}
	}
	f.Add("---\nkind: customer\nname: a\n---\n", "f.name", "a: b # c\n- d", "f.tags", "x, [y], {z}")
	f.Add("---\nkind: devices\n---\n", "f.devices.3.id", "&a *b", "f.devices._list", "")
	f.Add("", "f.name", "'\"\\\x00\x85\u2028", "f.contract.end", "2026-02-30")
	f.Fuzz(func(t *testing.T, content, k1, v1, k2, v2 string) {
		for _, kind := range []archive.Kind{archive.KindCustomer, archive.KindDevices} {
			file, err := edit.Open([]byte(content))
			if err != nil {
				return
			}
			before := archive.Parse(archive.RecordPath("x", kind), []byte(content))
			file.Apply(kind, url.Values{k1: {v1}, k2: {v2}, "f.devices._list": {"1"}})
			file.SetBody(file.Body())
			got, err := file.Bytes()
			if err != nil {
				t.Fatalf("Bytes: %v", err)
			}
			rec := archive.Parse(archive.RecordPath("x", kind), got)
			if syntaxError(rec) && !syntaxError(before) {
				t.Fatalf("form values made the YAML unreadable: %v\n%s", rec.Problems, got)
			}
			c := rec.AsCustomer()
			if kind != archive.KindCustomer || c == nil || syntaxError(rec) || k2 == k1 {
				continue
			}
			want := strings.TrimSpace(strings.ToValidUTF8(v1, "\uFFFD"))
			if k1 == "f.name" && want != "" && !strings.ContainsAny(want, "\r\n") && utf8.ValidString(v1) && c.Name != want {
				t.Fatalf("name %q reads back as %q:\n%s", want, c.Name, got)
			}
		}
	})
}

func syntaxError(r *archive.Record) bool {
	for _, p := range r.Problems {
		if strings.Contains(p.Message, "YAML syntax") || strings.Contains(p.Message, "front matter") {
			return true
		}
	}
	return false
}
