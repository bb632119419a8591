package importer

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind is what an import brings in.
type Kind string

// The kinds of import.
const (
	Devices   Kind = "devices"
	Customers Kind = "customers"
	Topology  Kind = "topology"
)

// Kinds lists the kinds of import, in the order the site offers them.
var Kinds = []Kind{Devices, Customers, Topology}

// Valid reports whether k is a kind of import.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// The fields a column can fill. Device fields are the keys of devices.md;
// customer fields those of customer.md, with contacts and the contract
// flattened into columns the way a spreadsheet has them.
var fieldsOf = map[Kind][]string{
	Devices: {"id", "role", "vendor", "model", "serial", "mgmt_ip", "location", "installed", "warranty_until", "eol", "firmware", "status", "utilisation", "customer", "customer_name"},
	Customers: {"id", "name", "industry", "district", "address", "account_manager", "technicians", "contact", "contact_role", "phone", "email",
		"contract_id", "contract_start", "contract_end", "tags", "restricted"},
}

// Fields returns the fields a column of a kind of import can fill, for
// --map's help and the site.
func Fields(k Kind) []string { return slices.Clone(fieldsOf[k]) }

// headerNames are the column headings recognised without --map, per kind,
// written as NormalizeHeader returns them. English names are the archive's
// keys and the words people use; Chinese ones are those of the branch's
// sheets and of the usual CRM exports.
var headerNames = map[Kind]map[string][]string{
	Devices: {
		"id":             {"id", "deviceid", "设备编号", "设备id", "编号", "设备代码", "资产编号"},
		"role":           {"role", "name", "devicename", "设备名称", "名称", "设备", "设备类型", "类型", "角色", "用途", "type"},
		"vendor":         {"vendor", "manufacturer", "brand", "make", "厂商", "厂家", "品牌", "生产厂家", "制造商", "设备厂家"},
		"model":          {"model", "型号", "设备型号", "规格型号"},
		"serial":         {"serial", "serialnumber", "sn", "serialno", "序列号", "设备序列号", "sn码", "sn号", "条码"},
		"mgmt_ip":        {"mgmtip", "ip", "ipaddress", "managementip", "管理ip", "管理地址", "ip地址", "管理ip地址", "设备ip"},
		"location":       {"location", "place", "安装位置", "位置", "安装地点", "机房", "所在位置", "机柜"},
		"installed":      {"installed", "installdate", "installedon", "安装日期", "安装时间", "上线日期", "开通日期", "投运日期"},
		"warranty_until": {"warrantyuntil", "warranty", "warrantyend", "保修截止", "保修到期", "保修截止日期", "保修期至", "维保到期", "维保截止"},
		"eol":            {"eol", "endoflife", "停产日期", "停产", "停服日期", "停止服务", "eos"},
		"firmware":       {"firmware", "version", "softwareversion", "软件版本", "固件版本", "版本"},
		"status":         {"status", "state", "状态", "设备状态", "运行状态"},
		"utilisation":    {"utilisation", "utilization", "usage", "利用率", "使用率", "带宽利用率", "端口利用率"},
		"customer":       {"customer", "customerid", "客户编号", "客户id", "客户代码"},
		"customer_name":  {"customername", "客户名称", "客户", "单位名称", "单位"},
	},
	Customers: {
		"id":              {"id", "customerid", "客户编号", "客户id", "客户代码", "编号"},
		"name":            {"name", "customer", "customername", "客户名称", "客户", "单位名称", "单位", "名称"},
		"industry":        {"industry", "sector", "行业", "所属行业", "行业类别"},
		"district":        {"district", "town", "区县", "区域", "街道", "乡镇", "所属区域", "片区", "乡镇街道"},
		"address":         {"address", "地址", "详细地址", "客户地址", "装机地址"},
		"account_manager": {"accountmanager", "manager", "客户经理", "经理", "营销经理"},
		"technicians":     {"technicians", "technician", "维护人员", "维护人", "装维人员", "技术人员", "装维经理"},
		"contact":         {"contact", "contactname", "联系人", "客户联系人", "对接人"},
		"contact_role":    {"contactrole", "title", "职务", "联系人职务", "岗位"},
		"phone":           {"phone", "tel", "telephone", "mobile", "电话", "联系电话", "手机", "手机号", "联系方式"},
		"email":           {"email", "mail", "邮箱", "电子邮箱"},
		"contract_id":     {"contractid", "contract", "合同编号", "合同号"},
		"contract_start":  {"contractstart", "合同开始", "合同开始日期", "合同起始", "签约日期", "合同生效"},
		"contract_end":    {"contractend", "合同到期", "合同截止", "合同结束", "合同到期日", "合同到期日期", "到期日期"},
		"tags":            {"tags", "tag", "标签", "客户标签"},
		"restricted":      {"restricted", "confidential", "涉密", "涉密客户", "保密"},
	},
}

// NormalizeHeader reduces a column heading to the form it is looked up by:
// full-width letters and digits made narrow (ＩＰ → ip), compatibility forms
// folded, lower case, and spaces, underscores, hyphens, dots, colons and a
// trailing note in brackets dropped ("保修截止（日期）", "Mgmt IP:" ).
func NormalizeHeader(h string) string {
	h = norm.NFKC.String(h)
	if i := strings.IndexAny(h, "(（[【"); i > 0 {
		h = h[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsSpace(r) || strings.ContainsRune("_-.:：*#/\\'\"`", r) || r == '\uFEFF' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Columns maps the fields of an import to the columns of a table.
type Columns struct {
	Kind    Kind
	Header  Row            // the heading row
	Field   map[string]int // field → column index
	Ignored []string       // headings of columns nothing reads, for the plan
}

// ParseMap reads --map: "header=field,header=field". A field of "-" makes
// a column ignored. Headings are compared normalised.
func ParseMap(k Kind, s string) (map[string]string, error) {
	return ParseMapField(k, s, nil)
}

// ParseMapField is ParseMap for a form: its errors name the form's field
// (when given) instead of --map.
func ParseMapField(k Kind, s string, field *Label) (map[string]string, error) {
	var name any = phrase("--map")
	if field != nil {
		name = Label{En: "“" + field.En + "”", Zh: "“" + field.Zh + "”"}
	}
	m := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '\n' }) {
		h, f, ok := strings.Cut(part, "=")
		h, f = strings.TrimSpace(h), strings.TrimSpace(f)
		if !ok || h == "" || f == "" {
			return nil, errorf("%s %q: write each column as HEADER=FIELD, for example '机器名=role,IP=mgmt_ip'", name, part)
		}
		if f != "-" && !slices.Contains(fieldsOf[k], f) {
			return nil, errorf("%s %q: %s is not a field of a %s import; use one of %s", name, part, f, phrase(k), strings.Join(fieldsOf[k], ", "))
		}
		m[NormalizeHeader(h)] = f
	}
	return m, nil
}

// FindColumns finds the heading row among the first rows of t (lists often
// start with a title row or two) and maps its columns. The heading row is
// the first with two or more recognised headings; extra says how to read
// other headings (from ParseMap).
func FindColumns(k Kind, t *Table, extra map[string]string) (*Columns, error) {
	return findColumns(k, t, extra, nil)
}

// findColumns is FindColumns; mapField names the form's field for other
// headings when there is one.
func findColumns(k Kind, t *Table, extra map[string]string, mapField *Label) (*Columns, error) {
	lookup := map[string]string{}
	for f, names := range headerNames[k] {
		for _, n := range names {
			lookup[n] = f
		}
	}
	for h, f := range extra {
		lookup[h] = f
	}
	for i, row := range t.Rows {
		if i >= 10 {
			break
		}
		cols := &Columns{Kind: k, Header: row, Field: map[string]int{}}
		for j, cell := range row.Cells {
			h := NormalizeHeader(cell)
			f, ok := lookup[h]
			switch {
			case h == "":
			case !ok || f == "-":
				cols.Ignored = append(cols.Ignored, strings.TrimSpace(cell))
			default:
				if _, dup := cols.Field[f]; !dup {
					cols.Field[f] = j
				} else {
					cols.Ignored = append(cols.Ignored, strings.TrimSpace(cell))
				}
			}
		}
		if len(cols.Field) >= 2 || (len(cols.Field) == 1 && len(row.Cells) == 1) {
			return cols, nil
		}
	}
	want := "设备名称, 厂商, 型号, 序列号 (or name, vendor, model, serial)"
	if k == Customers {
		want = "客户名称, 行业, 地址 (or name, industry, address)"
	}
	if mapField != nil {
		return nil, errorf("sheet %s has no heading row that dangan recognises among its first rows: expected headings such as %s; name other headings in the field %s, as HEADING=field", t.Sheet, phrase(want), *mapField)
	}
	return nil, errorf("sheet %s has no heading row that dangan recognises among its first rows: expected headings such as %s; name other headings with --map 'HEADING=field'", t.Sheet, phrase(want))
}

// Rows returns the data rows: those after the heading row.
func (c *Columns) Rows(t *Table) []Row {
	for i, r := range t.Rows {
		if r.N == c.Header.N {
			return t.Rows[i+1:]
		}
	}
	return nil
}

// Get returns the trimmed cell of a field in a row, and whether the table
// has that column at all.
func (c *Columns) Get(r Row, field string) (string, bool) {
	j, ok := c.Field[field]
	if !ok {
		return "", false
	}
	if j >= len(r.Cells) {
		return "", true
	}
	return strings.TrimSpace(r.Cells[j]), true
}

// Cell locates a field's column for a person: its letter and heading.
type Cell struct{ Column, Heading string }

// Where locates a field's column ("F", "安装日期"); the zero Cell when the
// table has no such column.
func (c *Columns) Where(field string) Cell {
	j, ok := c.Field[field]
	if !ok {
		return Cell{}
	}
	h := ""
	if j < len(c.Header.Cells) {
		h = strings.TrimSpace(c.Header.Cells[j])
	}
	return Cell{Column: ColumnName(j), Heading: h}
}

// ColumnName is the spreadsheet letter of a zero-based column: 0 → A,
// 26 → AA.
func ColumnName(j int) string {
	name := ""
	for j++; j > 0; j = (j - 1) / 26 {
		name = string(rune('A'+(j-1)%26)) + name
	}
	return name
}
