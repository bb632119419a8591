package importer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dangan-archive/dangan/archive"
)

func TestParseDate(t *testing.T) {
	d := func(y, m, day int) archive.Date { return archive.Date{Year: y, Month: timeMonth(m), Day: day} }
	tests := []struct {
		in      string
		want    archive.Date
		wantErr string
	}{
		{"2026-03-05", d(2026, 3, 5), ""},
		{"2026/3/5", d(2026, 3, 5), ""},
		{"2026.3.5", d(2026, 3, 5), ""},
		{"2026年3月5日", d(2026, 3, 5), ""},
		{"2026 年 3 月 5 日", d(2026, 3, 5), ""},
		{"２０２６／３／５", d(2026, 3, 5), ""},
		{"2026-3-5 10:30:00", d(2026, 3, 5), ""},
		{"2026/03/05 9:05", d(2026, 3, 5), ""},
		{"20260305", d(2026, 3, 5), ""},
		{"46086", d(2026, 3, 5), ""},        // Excel serial
		{"46086.5", d(2026, 3, 5), ""},      // serial with a time of day
		{"44270", d(2021, 3, 15), ""},       // serial
		{" 2026-03-05 ", d(2026, 3, 5), ""}, // spaces
		{"", archive.Date{}, ""},
		{"2026-02-29", archive.Date{}, "February 2026 has no day 29"},
		{"2024-02-29", d(2024, 2, 29), ""},
		{"2026/13/5", archive.Date{}, "there is no month 13"},
		{"2026-04-31", archive.Date{}, "has no day 31"},
		{"05/03/2026", archive.Date{}, "is not a date"},
		{"tomorrow", archive.Date{}, "is not a date"},
		{"1", archive.Date{}, "is not a date"},
		{"999999", archive.Date{}, "is not a date"},
		{"1850-01-01", archive.Date{}, "out of range"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDate(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	tests := map[string]string{
		"管理IP":         "管理ip",
		"管理ＩＰ":         "管理ip",
		" Mgmt IP ":    "mgmtip",
		"mgmt_ip":      "mgmtip",
		"保修截止（日期）":     "保修截止",
		"Serial No.":   "serialno",
		"厂 商":          "厂商",
		"\uFEFF设备名称":   "设备名称",
		"安装日期:":        "安装日期",
		"WARRANTY-END": "warrantyend",
	}
	for in, want := range tests {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindColumns(t *testing.T) {
	tests := []struct {
		name    string
		kind    Kind
		rows    [][]string
		extra   string
		want    map[string]int
		ignored []string
		wantErr string
	}{
		{"chinese", Devices, [][]string{{"设备名称", "厂商", "型号", "序列号", "管理IP", "安装位置", "安装日期", "保修截止", "停产日期", "状态"}}, "",
			map[string]int{"role": 0, "vendor": 1, "model": 2, "serial": 3, "mgmt_ip": 4, "location": 5, "installed": 6, "warranty_until": 7, "eol": 8, "status": 9}, nil, ""},
		{"english", Devices, [][]string{{"Name", "Vendor", "Model", "Serial", "MGMT_IP", "Notes"}}, "",
			map[string]int{"role": 0, "vendor": 1, "model": 2, "serial": 3, "mgmt_ip": 4}, []string{"Notes"}, ""},
		{"title row first", Customers, [][]string{{"2026年客户清单"}, {"客户名称", "行业", "区县", "地址", "客户经理", "维护人员", "联系人", "电话", "合同到期"}}, "",
			map[string]int{"name": 0, "industry": 1, "district": 2, "address": 3, "account_manager": 4, "technicians": 5, "contact": 6, "phone": 7, "contract_end": 8}, nil, ""},
		{"customer columns in a device list", Devices, [][]string{{"客户编号", "客户名称", "设备名称", "型号"}}, "",
			map[string]int{"customer": 0, "customer_name": 1, "role": 2, "model": 3}, nil, ""},
		{"map", Devices, [][]string{{"机器名", "IP", "位置说明"}}, "机器名=role,位置说明=location,IP=-",
			map[string]int{"role": 0, "location": 2}, []string{"IP"}, ""},
		{"nothing known", Devices, [][]string{{"a", "b"}, {"c", "d"}}, "", nil, nil, "no heading row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := &Table{Sheet: "S"}
			for i, r := range tt.rows {
				tab.Rows = append(tab.Rows, Row{N: i + 1, Cells: r})
			}
			m, err := ParseMap(tt.kind, tt.extra)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := FindColumns(tt.kind, tab, m)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, cols.Field); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.ignored, cols.Ignored); diff != "" {
				t.Errorf("ignored (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMapErrors(t *testing.T) {
	for _, in := range []string{"机器名", "机器名=colour", "=role"} {
		if _, err := ParseMap(Devices, in); err == nil {
			t.Errorf("ParseMap(%q) accepted it", in)
		}
	}
}

func TestColumnName(t *testing.T) {
	for j, want := range map[int]string{0: "A", 5: "F", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(j); got != want {
			t.Errorf("ColumnName(%d) = %s, want %s", j, got, want)
		}
	}
}

func TestReadCSVEncodings(t *testing.T) {
	text := "设备名称,厂商\n核心交换机,华为\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().String(text + "㐀设备,华为\n")
	tests := []struct {
		name, file, data, enc string
		rows                  int
	}{
		{"utf-8", "a.csv", text, "UTF-8", 2},
		{"utf-8 with BOM", "a.csv", "\uFEFF" + text, "UTF-8", 2},
		{"gbk", "a.csv", gbk, "GB18030", 2},
		{"gb18030", "a.csv", gb18030, "GB18030", 3},
		{"crlf", "a.csv", strings.ReplaceAll(text, "\n", "\r\n"), "UTF-8", 2},
		{"tabs", "a.txt", "设备名称\t厂商\n核心交换机\t华为\n", "UTF-8", 2},
		{"semicolons", "a.csv", "设备名称;厂商\n核心交换机;华为\n", "UTF-8", 2},
		{"utf-16 le", "a.txt", utf16le("设备名称\t厂商\n核心交换机\t华为\n"), "UTF-16", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadTable(tt.file, []byte(tt.data), "")
			if err != nil {
				t.Fatal(err)
			}
			if tab.Encoding != tt.enc || len(tab.Rows) != tt.rows {
				t.Fatalf("encoding %s, %d rows; want %s, %d", tab.Encoding, len(tab.Rows), tt.enc, tt.rows)
			}
			if got := tab.Rows[0].Cells[0]; got != "设备名称" {
				t.Errorf("first heading = %q", got)
			}
			if got := tab.Rows[1].Cells[1]; got != "华为" {
				t.Errorf("vendor = %q", got)
			}
		})
	}
}

func utf16le(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func TestReadTableErrors(t *testing.T) {
	tests := []struct{ file, data, want string }{
		{"a.xls", "x", "Excel 97-2003"},
		{"a.pdf", "x", "unknown file format"},
		{"a.xlsx", "not a zip", "cannot be read as an Excel workbook"},
		{"a.csv", "a,\"b\n", ""},
	}
	for _, tt := range tests {
		_, err := ReadTable(tt.file, []byte(tt.data), "")
		if tt.want == "" {
			continue // lazy quotes: read, not refused
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadTable(%s) error = %v, want %q", tt.file, err, tt.want)
		}
	}
}

func TestReadXLSX(t *testing.T) {
	tab, err := ReadTable("devices.xlsx", fixture(t, "devices.xlsx"), "")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Sheet != "设备清单" || len(tab.Rows) != 7 || tab.Rows[0].N != 1 || tab.Rows[1].N != 2 {
		t.Fatalf("sheet %s, %d rows", tab.Sheet, len(tab.Rows))
	}
	// The date cell holds its serial, whatever the display format.
	if got := tab.Rows[2].Cells[7]; got != "44713" {
		t.Errorf("date cell = %q, want the serial 44713", got)
	}
	other, err := ReadTable("devices.xlsx", fixture(t, "devices.xlsx"), "说明")
	if err != nil || other.Rows[0].Cells[0] != "本表由信息科维护" {
		t.Errorf("--sheet 说明: %v %v", other, err)
	}
	if _, err := ReadTable("devices.xlsx", fixture(t, "devices.xlsx"), "nope"); err == nil || !strings.Contains(err.Error(), "设备清单, 说明") {
		t.Errorf("missing sheet: %v", err)
	}
}

func TestValues(t *testing.T) {
	vendors := map[string]string{"华为": "Huawei", "HUAWEI": "Huawei", " huawei ": "Huawei", "华为技术有限公司": "Huawei", "新华三": "H3C", "h3c": "H3C", "ＺＴＥ": "ZTE", "Acme": "Acme"}
	for in, want := range vendors {
		if got := NormalizeVendor(in); got != want {
			t.Errorf("NormalizeVendor(%q) = %q, want %q", in, got, want)
		}
	}
	statuses := map[string]archive.DeviceStatus{"在用": archive.InService, "In Service": archive.InService, "维修中": "", "in_service": archive.InService, "备用": archive.Standby, "故障": archive.Faulty, "拆除": archive.Removed, "": ""}
	for in, want := range statuses {
		got, err := ParseStatus(in)
		if got != want || (want == "" && in != "" && err == nil) {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]int{"85": 85, "85%": 85, "0.35": 35, "１００％": 100, "0": 0} {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"101", "-1", "lots"} {
		if _, err := ParsePercent(in); err == nil {
			t.Errorf("ParsePercent(%q) accepted", in)
		}
	}
	for in, want := range map[string]string{"10.0.0.1": "10.0.0.1", "１０.0.0.1": "10.0.0.1", "10.0.0.1/24": "10.0.0.1", "fe80::1": "fe80::1"} {
		if got, err := ParseIP(in); err != nil || got != want {
			t.Errorf("ParseIP(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseIP("10.0.0.256"); err == nil {
		t.Error("ParseIP accepted 10.0.0.256")
	}
}

func TestCustomerID(t *testing.T) {
	tests := map[string]string{
		"米脂县人民医院":   "mizhixianrenminyiyuan",
		"米脂县 第2中学":  "mizhixiandi-2-zhongxue",
		"Acme 公司":   "acme-gongsi",
		"ＡＢＣ银行米脂支行": "abc-yinhangmizhizhihang",
		"米脂县第二中学":   "mizhixiandierzhongxue",
		"!!!":       "",
		"长庆油田采油三厂":  "changqingyoutiancaiyousanchang",
	}
	for in, want := range tests {
		got := CustomerID(in)
		if got != want {
			t.Errorf("CustomerID(%q) = %q, want %q", in, got, want)
		}
		if got != "" && !archive.ValidCustomerID(got) {
			t.Errorf("CustomerID(%q) = %q is not valid", in, got)
		}
	}
	long := strings.Repeat("米脂县人民医院", 10)
	if id := CustomerID(long); len(id) > 48 || !archive.ValidCustomerID(id) {
		t.Errorf("CustomerID(long) = %q", id)
	}
	if PersonID("李强") != "liqiang" || PersonID("ZhangWei") != "zhangwei" {
		t.Errorf("PersonID: %q %q", PersonID("李强"), PersonID("ZhangWei"))
	}
}

func TestDeviceIDBase(t *testing.T) {
	tests := []struct{ role, model, want string }{
		{"核心交换机", "", "core-sw"},
		{"防火墙", "F1000", "fw"},
		{"无线AP", "", "ap"},
		{"Core Router", "", "router"},
		{"机顶盒", "EC6108V9", "ec6108v9"},
		{"", "", "dev"},
	}
	for _, tt := range tests {
		if got := DeviceIDBase(tt.role, tt.model); got != tt.want {
			t.Errorf("DeviceIDBase(%q, %q) = %q, want %q", tt.role, tt.model, got, tt.want)
		}
	}
}
