package importer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "46086", "46086.25", "20260305", "２０２６／３／５", "2026-02-30", "0", "1e9", "2026-3-5 10:30:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil || d.IsZero() {
			return
		}
		again, err := ParseDate(d.String())
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, which reads back as %v, %v", s, d, again, err)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(devicesCSV))
	f.Add([]byte("\xEF\xBB\xBF" + customersCSV))
	f.Add([]byte("\xc9\xe8\xb1\xb8\xc3\xfb\xb3\xc6,\xb3\xa7\xc9\xcc\n")) // GBK 设备名称,厂商
	f.Add([]byte("a,\"b\nc\",d\r\n\n\ne\tf"))
	f.Add([]byte{0xFF, 0xFE, 'a', 0, '\n', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadTable("f.csv", data, "")
		if err != nil {
			return
		}
		last := 0
		for _, r := range tab.Rows {
			if r.N <= last {
				t.Fatalf("row numbers not increasing: %d after %d", r.N, last)
			}
			last = r.N
			for _, c := range r.Cells {
				if !utf8.ValidString(c) {
					t.Fatalf("cell %q is not UTF-8", c)
				}
			}
		}
	})
}

func FuzzHeaders(f *testing.F) {
	f.Add("设备名称,厂商,型号,序列号,管理ＩＰ", "机器名=role")
	f.Add("客户名称|行业|地址", "")
	f.Add("Name,Serial No.,Mgmt IP,(备注)", "x=-,y=serial")
	f.Fuzz(func(t *testing.T, header, mapping string) {
		h := NormalizeHeader(header)
		if NormalizeHeader(h) != h {
			t.Fatalf("NormalizeHeader is not idempotent on %q: %q then %q", header, h, NormalizeHeader(h))
		}
		for _, k := range []Kind{Devices, Customers} {
			m, err := ParseMap(k, mapping)
			if err != nil {
				continue
			}
			tab := &Table{Sheet: "S", Rows: []Row{{N: 1, Cells: strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == '|' })}}}
			cols, err := FindColumns(k, tab, m)
			if err != nil {
				continue
			}
			for field, j := range cols.Field {
				if j < 0 || j >= len(tab.Rows[0].Cells) {
					t.Fatalf("field %s maps to column %d of %d", field, j, len(tab.Rows[0].Cells))
				}
				if cols.Where(field).Column == "" {
					t.Fatalf("no location for field %s", field)
				}
			}
		}
	})
}

// FuzzBuild imports arbitrary CSV device and customer lists into the
// fixture archive: Build may refuse a file, but a plan it returns never
// leaves the archive with an error (finish checks that, so a failure
// shows as an error mentioning "invalid").
func FuzzBuild(f *testing.F) {
	f.Add([]byte(devicesCSV), false)
	f.Add([]byte(customersCSV), true)
	f.Add([]byte("设备编号,设备名称,序列号\nfw-1,防火墙,\"210235A1XYZ\"\nolt-mz,x,y\n"), false)
	f.Add([]byte("客户编号,客户名称,涉密\nmz-renmin-hospital,,是\nnew-one,新客户,否\n"), true)
	base := loadDir(f, "testdata/archive")
	snap := base.snapshot(f)
	f.Fuzz(func(t *testing.T, data []byte, customers bool) {
		opt := Options{Kind: Devices, Customer: "mz-renmin-hospital"}
		if customers {
			opt = Options{Kind: Customers}
		}
		p, err := Build(snap, base.read, "f.csv", data, opt)
		if err != nil {
			if strings.Contains(err.Error(), "invalid") {
				t.Fatal(err)
			}
			return
		}
		for _, b := range p.Bad {
			if b.Row < 1 || b.Msg == "" {
				t.Fatalf("bad row without a place or reason: %+v", b)
			}
		}
	})
}

// FuzzDoc edits arbitrary records the way an import does: a record read
// and written back untouched is not rewritten, and one with a key set
// still reads as YAML with the body unchanged.
func FuzzDoc(f *testing.F) {
	f.Add([]byte("---\nkind: devices\ndevices:\n  - id: a   # note\n    serial: \"1\"\n---\nbody\n"))
	f.Add([]byte("---\r\nkind: customer\r\nname: x\r\n---\r\n"))
	f.Add([]byte("---\nkind: topology\nlinks: [{from: a, to: b}]\n...\n"))
	f.Add([]byte("---\na: |\n  long\n  text\nb: >-\n  folded\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseDoc(data)
		if err != nil {
			return
		}
		body := d.body
		if _, changed, err := d.bytes(); err != nil || changed {
			t.Fatalf("untouched record: changed %v, %v", changed, err)
		}
		setKey(d.front, "imported_by_fuzz", str("是"))
		out, changed, err := d.bytes()
		if err != nil || !changed {
			t.Fatalf("edited record: changed %v, %v", changed, err)
		}
		again, err := parseDoc(out)
		if err != nil {
			t.Fatalf("written record does not read back: %v\n%s", err, out)
		}
		if again.body != body || scalarOf(again.front, "imported_by_fuzz") != "是" {
			t.Fatalf("body or key lost:\n%s", out)
		}
	})
}
