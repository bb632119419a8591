package importer

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
)

// planText is what golden files hold: the plan as --dry-run prints it,
// then every file the import writes.
func planText(p *Plan) string {
	var b strings.Builder
	p.WriteText(&b)
	for _, f := range p.Files {
		fmt.Fprintf(&b, "\n=== %s\n%s", f.Path, f.New)
	}
	return b.String()
}

const officeGML = `graph [
  label "县医院内网"
  node [ id 0 label "OLT" Internal 0 ]
  node [ id 1 label "core-sw-1" vendor "华为" ]
  node [ id 2 label "Server Room SW" model "S5735" ]
  node [ id 3 label "Wifi AC" ]
  edge [ source 0 target 1 label "1 Gbit/s" ]
  edge [ source 1 target 2 LinkLabel "10G fiber" ]
  edge [ source 2 target 3 ]
]
`

func TestBuildGolden(t *testing.T) {
	tests := []struct {
		golden, file string
		data         []byte
		opt          Options
	}{
		{"devices-xlsx.golden", "devices.xlsx", fixture(t, "devices.xlsx"), Options{Kind: Devices, Customer: "mz-renmin-hospital"}},
		{"devices-bom-csv.golden", "devices-bom.csv", fixture(t, "devices-bom.csv"), Options{Kind: Devices, Customer: "mz-renmin-hospital"}},
		{"devices-new-customer.golden", "devices-bom.csv", fixture(t, "devices-bom.csv"), Options{Kind: Devices, Customer: "mz-new-clinic", Name: "米脂县新诊所"}},
		{"customers-csv.golden", "customers.csv", fixture(t, "customers.csv"), Options{Kind: Customers}},
		{"topology-gml.golden", "office.gml", []byte(officeGML), Options{Kind: Topology, Customer: "mz-renmin-hospital"}},
		{"topology-new-customer.golden", "office.gml", []byte(officeGML), Options{Kind: Topology, Customer: "mz-county-hospital"}},
	}
	base := loadDir(t, "testdata/archive")
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			p, err := Build(base.snapshot(t), base.read, tt.file, tt.data, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, planText(p))
			after := base.apply(p)
			if errs := errorsIn(t, after); len(errs) > 0 {
				t.Fatalf("archive has errors after the import: %s", strings.Join(errs, "\n"))
			}
			again, err := Build(after.snapshot(t), after.read, tt.file, tt.data, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !again.Empty() {
				t.Errorf("importing again changes %d files:\n%s", len(again.Files), planText(again))
			}
		})
	}
}

// TestGBKMatchesUTF8: the same list saved as GBK imports exactly as the
// UTF-8 one.
func TestGBKMatchesUTF8(t *testing.T) {
	base := loadDir(t, "testdata/archive")
	a, err := Build(base.snapshot(t), base.read, "customers.csv", fixture(t, "customers.csv"), Options{Kind: Customers})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(base.snapshot(t), base.read, "customers.csv", fixture(t, "customers-gbk.csv"), Options{Kind: Customers})
	if err != nil {
		t.Fatal(err)
	}
	if b.Encoding != "GB18030" {
		t.Errorf("encoding = %s", b.Encoding)
	}
	b.Encoding = a.Encoding
	if planText(a) != planText(b) {
		t.Errorf("GBK plan differs:\n%s\nvs\n%s", planText(a), planText(b))
	}
}

// TestMergeKeepsWhatItDoesNotTouch: unknown keys, comments and bodies of
// existing records survive an import that updates them.
func TestMergeKeepsWhatItDoesNotTouch(t *testing.T) {
	base := loadDir(t, "testdata/archive")
	p, err := Build(base.snapshot(t), base.read, "devices-bom.csv", fixture(t, "devices-bom.csv"), Options{Kind: Devices, Customer: "mz-renmin-hospital"})
	if err != nil {
		t.Fatal(err)
	}
	dev := string(base.apply(p)["customers/mz-renmin-hospital/devices.md"])
	for _, want := range []string{"rack_unit: 12", "rack_unit: 12        # a key dangan does not know", "status: in_service   # checked on site", "核心交换机上联口 GE0/0/24 接电信 OLT。\n", "reviewed: 2026-10-12", "utilisation: 85"} {
		if !strings.Contains(dev, want) {
			t.Errorf("devices.md lost %q:\n%s", want, dev)
		}
	}
	if n := strings.Count(dev, "id: core-sw-1"); n != 1 {
		t.Errorf("core-sw-1 appears %d times, want 1 (updated by serial)", n)
	}
	c := p.Customers[0]
	if c.Added != 1 || c.Updated != 1 {
		t.Errorf("added %d, updated %d; want 1, 1", c.Added, c.Updated)
	}

	p, err = Build(base.snapshot(t), base.read, "customers.csv", fixture(t, "customers.csv"), Options{Kind: Customers})
	if err != nil {
		t.Fatal(err)
	}
	cust := string(base.apply(p)["customers/mz-renmin-hospital/customer.md"])
	for _, want := range []string{"floor_plan: 门诊楼三层   # a key dangan does not know", "机房在门诊楼三层东侧", "technicians: [liqiang, wangfang]", `{name: 刘主任, role: 信息科主任, phone: "13900000000"}`} {
		if !strings.Contains(cust, want) {
			t.Errorf("customer.md lacks %q:\n%s", want, cust)
		}
	}
}

// TestBadRows: every unreadable cell is reported by sheet, row and column,
// and the good rows still go in; --strict blocks the whole plan.
func TestBadRows(t *testing.T) {
	base := loadDir(t, "testdata/archive")
	for _, strict := range []bool{false, true} {
		p, err := Build(base.snapshot(t), base.read, "devices.xlsx", fixture(t, "devices.xlsx"), Options{Kind: Devices, Customer: "mz-renmin-hospital", Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range p.Bad {
			got = append(got, b.String())
		}
		want := []string{
			`sheet 设备清单, row 6, column F (管理ＩＰ): "10.12.0.256" is not an IP address`,
			`sheet 设备清单, row 7, column H (安装日期): "2024-02-30" is not a date: February 2024 has no day 30`,
			`sheet 设备清单, row 7, column J (状态): "维修中" is not a device status; write 在用, 备用, 故障 or 拆除 (in_service, standby, faulty, removed)`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if p.Blocked() != strict {
			t.Errorf("strict %v: Blocked() = %v", strict, p.Blocked())
		}
		if p.Empty() {
			t.Error("the good rows make no change")
		}
		if !strings.Contains(p.Message(), "row 6, column F") {
			t.Errorf("commit message does not list the bad rows:\n%s", p.Message())
		}
	}
}

func TestBuildErrors(t *testing.T) {
	base := loadDir(t, "testdata/archive")
	tests := []struct {
		name, file, data string
		opt              Options
		want             string
	}{
		{"no customer", "a.csv", "设备名称,型号\nx,y\n", Options{Kind: Devices}, "--customer ID"},
		{"bad customer id", "a.csv", "设备名称,型号\nx,y\n", Options{Kind: Devices, Customer: "Bad Id"}, "lowercase ASCII"},
		{"no headings", "a.csv", "foo,bar\n1,2\n", Options{Kind: Devices, Customer: "x"}, "no heading row"},
		{"topology without customer", "a.gml", officeGML, Options{Kind: Topology}, "--customer ID"},
		{"broken gml", "a.gml", "graph [ node [ id 0 ", Options{Kind: Topology, Customer: "x"}, "a.gml:"},
		{"unknown kind", "a.csv", "", Options{Kind: "visits"}, "unknown kind"},
		{"restricted topology", "a.gml", officeGML, Options{Kind: Topology, Customer: "mz-secret-bureau", Visible: func(f *archive.Folder) bool { return f.ID != "mz-secret-bureau" }}, "customer id mz-secret-bureau cannot be used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(base.snapshot(t), base.read, tt.file, []byte(tt.data), tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestAccessHooks: a customer the importer may not see is as if it did
// not exist (its name is not matched), and Allow's refusal is reported per
// row.
func TestAccessHooks(t *testing.T) {
	base := loadDir(t, "testdata/archive")
	csv := "客户名称,设备名称,型号\n米脂县保密局,核心交换机,S5735\n米脂县人民医院,防火墙,F1000-AK155\n"
	hidden := func(f *archive.Folder) bool { return f.ID != "mz-secret-bureau" }
	deny := errors.New("you are not assigned to mz-renmin-hospital")
	p, err := Build(base.snapshot(t), base.read, "a.csv", []byte(csv), Options{Kind: Devices, Visible: hidden,
		Allow: func(id string, f *archive.Folder) error {
			if id == "mz-renmin-hospital" {
				return deny
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Bad) != 2 || !strings.Contains(p.Bad[0].Msg, `no customer named "米脂县保密局"`) || p.Bad[1].Msg != deny.Error() || !p.Empty() {
		t.Errorf("plan:\n%s", planText(p))
	}
}

// TestMergeOddIndentation: a record indented its own way (four spaces) is
// still edited into valid YAML; the lines cannot be kept as they were
// when the encoder's lines would not fit between them.
func TestMergeOddIndentation(t *testing.T) {
	base := memArchive{
		"customers/mz-x/customer.md": "---\nkind: customer\nname: 某单位\n---\n",
		"customers/mz-x/devices.md":  "---\nkind: devices\ndevices:\n    -   id: core-sw-1\n        serial: \"2102351234ABCD\"   # 铭牌\n---\n正文\n",
	}
	p, err := Build(base.snapshot(t), base.read, "devices-bom.csv", fixture(t, "devices-bom.csv"), Options{Kind: Devices, Customer: "mz-x"})
	if err != nil {
		t.Fatal(err)
	}
	after := base.apply(p)
	if errs := errorsIn(t, after); len(errs) > 0 {
		t.Fatalf("errors: %v\n%s", errs, after["customers/mz-x/devices.md"])
	}
	dev := after["customers/mz-x/devices.md"]
	if !strings.Contains(dev, "# 铭牌") || !strings.HasSuffix(dev, "---\n正文\n") || strings.Count(dev, "id: core-sw-1") != 1 {
		t.Errorf("devices.md:\n%s", dev)
	}
}
