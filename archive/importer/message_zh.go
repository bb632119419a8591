package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// The importer speaks to technicians, whose site is in Chinese: every
// message it has for a person (a bad row, a note, an error about the whole
// file, a line of the plan) exists in English (the command line, its golden
// files) and in Chinese, both made from the same format and arguments so
// that they never disagree on a value. Both are rendered when the message
// is made and nothing else is kept: no argument can be re-rendered later.
// A test makes sure every format used in this package has its translation.

// phrase is an English phrase used as an argument of a message (a kind of
// import); it is translated with the message.
type phrase string

// zhMessages maps each English format (and phrase) to its Chinese form.
// Verbs keep their order, or say which argument they take (%[2]d).
var zhMessages = map[string]string{
	// plan.go
	"sheet %s, row %d":                 "工作表 %s，第 %d 行",
	", column %s (%s)":                 "，%s 列（%s）",
	", sheet %s":                       "，工作表 %s",
	", read as %s":                     "，按 %s 编码读取",
	"%d rows read":                     "读取 %d 行",
	"%d nodes and %d links read":       "读取 %d 个节点、%d 条链路",
	"import %s from %s at %.10s: %s\n": "从 %[2]s 导入%[1]s（版本 %.10[3]s）：%[4]s\n",
	" (new customer)":                  "（新客户）",
	"customer %s %s%s: %s\n":           "客户 %s %s%s：%s\n",
	"  create %s\n":                    "  新建 %s\n",
	"  change %s\n":                    "  修改 %s\n",
	"1 row cannot be imported:\n":      "1 行无法导入：\n",
	"%d rows cannot be imported:\n":    "%d 行无法导入：\n",
	"note: %s\n":                       "注意：%s\n",
	"created":                          "新建",
	"updated":                          "已更新",
	"unchanged":                        "未变",
	"%d devices added, %d updated, %d unchanged": "新增设备 %d 台，更新 %d 台，未变 %d 台",
	"%d profile added, %d updated, %d unchanged": "新增概况 %d 份，更新 %d 份，未变 %d 份",
	", ":             "，",
	"%d links added": "新增链路 %d 条",
	"unknown kind of import %q: use devices, customers or topology":                                         "未知的导入类型 %q：请用 devices（设备）、customers（客户）或 topology（拓扑）",
	"%s cannot be changed because %v; fix it first (dangan check shows where)":                              "%s 无法修改，因为%v；请先改正（dangan check 会指出位置）",
	"the import would make the archive invalid (%s); nothing was written: please report this with the file": "导入会使档案不合规（%s）；没有写入任何内容：请连同文件一起报告此问题",
	// customers.go
	"sheet %s has no 客户名称 (name) or 客户编号 (id) column":                "工作表 %s 没有“客户名称”或“客户编号”列",
	"row %d already imports customer %s":                             "第 %d 行已经导入了客户 %s",
	"%q is not a customer id: %s":                                    "%q 不是有效的客户编号：%s",
	"a new customer needs a name":                                    "新客户需要名称",
	"the row has no customer name":                                   "这一行没有客户名称",
	"no customer id can be made from the name %q; add a 客户编号 column": "无法从名称 %q 生成客户编号；请加一列“客户编号”",
	// devices.go
	"the row has no device id, name, model or serial, so it cannot be told apart from other devices": "这一行没有设备编号、名称、型号或序列号，无法与其他设备区分",
	"say which customer the devices of %s belong to: --customer ID, or a 客户编号 or 客户名称 column":        "请说明 %s 的设备属于哪个客户：--customer 编号，或加一列“客户编号”或“客户名称”",
	"say which customer the devices of %s belong to: the field %s, or a 客户编号 or 客户名称 column":         "请说明 %s 的设备属于哪个客户：填写“%s”，或加一列“客户编号”或“客户名称”",
	"--customer %q: %s":                      "--customer %q：%s",
	"customer %q: %s":                        "客户 %q：%s",
	"there is no customer %q in the archive": "档案中没有客户 %q",
	"there is no customer named %q in the archive; import the customer list first, or give --customer":                     "档案中没有名为 %q 的客户；请先导入客户清单，或用 --customer 指定客户",
	"there is no customer named %q in the archive; import the customer list first, or choose the customer in the field %s": "档案中没有名为 %q 的客户；请先导入客户清单，或在“%s”中选择客户",
	"the row does not say which customer the device belongs to":                                                            "这一行没有说明设备属于哪个客户",
	"customer id %s cannot be used; choose another":                                                                        "客户编号 %s 不能使用；请换一个",
	"serial %s belongs to device %s, not %s; correct the id or the serial":                                                 "序列号 %s 属于设备 %s，而不是 %s；请改正编号或序列号",
	"row %d already imports device %s (same id or serial)":                                                                 "第 %d 行已经导入了设备 %s（编号或序列号相同）",
	"id %s is already used by an external node of the topology":                                                            "编号 %s 已被拓扑中的外部节点使用",
	"columns not imported: %s (name them with --map 'HEADING=field' to import them)":                                       "未导入的列：%s（要导入它们，请用 --map '表头=字段' 指定）",
	"columns not imported: %s (to import them, name them in the field %s, as HEADING=field)":                               "未导入的列：%s（要导入它们，请在“%s”中写明，格式为 表头=字段）",
	// date.go
	"%q is not a date; write it as 2026-03-05 or 2026/3/5": "%q 不是日期；请写成 2026-03-05 或 2026/3/5",
	"%q is not a date: the year %d is out of range":        "%q 不是日期：年份 %d 超出范围",
	"%q is not a date: there is no month %d":               "%q 不是日期：没有 %d 月",
	"%q is not a date: %s %d has no day %d":                "%[1]q 不是日期：%[3]d 年 %[2]d 月没有 %[4]d 日",
	// header.go
	"%s %q: write each column as HEADER=FIELD, for example '机器名=role,IP=mgmt_ip'":                                                                                  "%s %q：每列请写成 表头=字段，例如 '机器名=role,IP=mgmt_ip'",
	"%s %q: %s is not a field of a %s import; use one of %s":                                                                                                       "%s %q：%s 不是%s导入的字段；请用 %s 之一",
	"sheet %s has no heading row that dangan recognises among its first rows: expected headings such as %s; name other headings with --map 'HEADING=field'":        "工作表 %s 的前几行中没有 dangan 认得的表头行：应有“%s”这样的表头；其他表头请用 --map '表头=字段' 指定",
	"sheet %s has no heading row that dangan recognises among its first rows: expected headings such as %s; name other headings in the field %s, as HEADING=field": "工作表 %s 的前几行中没有 dangan 认得的表头行：应有“%s”这样的表头；其他表头请在“%s”中写明，格式为 表头=字段",
	// table.go
	"%s is larger than %d MB; split it into smaller files":                                                      "%s 超过 %d MB；请拆分成较小的文件",
	"%s is an old Excel 97-2003 file: open it in Excel or WPS and save it as .xlsx (or .csv), then import that": "%s 是旧版 Excel 97-2003 文件：请用 Excel 或 WPS 打开，另存为 .xlsx（或 .csv）后再导入",
	"%s: %w %q; import an .xlsx or .csv file":                                                                   "%s：%w %q；请导入 .xlsx 或 .csv 文件",
	"%s cannot be read as an Excel workbook: %v":                                                                "%s 无法作为 Excel 工作簿读取：%v",
	"%s has no sheets":                      "%s 没有工作表",
	"%s has no sheet %q; its sheets are %s": "%s 没有工作表 %q；它的工作表有 %s",
	"%s, sheet %s: %v":                      "%s，工作表 %s：%v",
	"%s, sheet %s, row %d: %v":              "%s，工作表 %s，第 %d 行：%v",
	"%s: %v":                                "%s：%v",
	"%s, row %d: %v":                        "%s，第 %d 行：%v",
	"the file starts as UTF-8 but has bytes that are not UTF-8":         "文件以 UTF-8 开头，但含有不是 UTF-8 的字节",
	"the file is neither UTF-8 nor GBK; save it again as \"CSV UTF-8\"": "文件既不是 UTF-8 也不是 GBK 编码；请重新另存为“CSV UTF-8”",
	"the file looks like UTF-16 but has an odd number of bytes":         "文件看起来是 UTF-16 编码，但字节数是奇数",
	// topology.go
	"say which customer the topology %s is for: --customer ID (a new id creates the customer)": "请说明拓扑 %s 属于哪个客户：--customer 编号（新编号会新建客户）",
	"say which customer the topology %s is for: the field %s (a new id creates the customer)":  "请说明拓扑 %s 属于哪个客户：填写“%s”（新编号会新建客户）",
	"node %s: %v; left out":                        "节点 %s：%v；已略去",
	"node %s: %v; the links use the existing node": "节点 %s：%v；链路使用已有的节点",
	// values.go
	"%q is not a device status; write 在用, 备用, 故障 or 拆除 (in_service, standby, faulty, removed)": "%q 不是设备状态；请写 在用、备用、故障 或 拆除（in_service、standby、faulty、removed）",
	"%q is not a percentage; write a number from 0 to 100":                                     "%q 不是百分数；请写 0 到 100 的数字",
	"%q is not a percentage from 0 to 100":                                                     "%q 不是 0 到 100 的百分数",
	"%q is not an IP address":                                                                  "%q 不是 IP 地址",
	"%q is neither yes nor no; write 是 or 否":                                                   "%q 既不是“是”也不是“否”；请写 是 或 否",
	// yamledit.go
	"it does not start with front matter ('---')":       "它不是以文件头（'---'）开始的",
	"its front matter is never closed with '---'":       "它的文件头没有以 '---' 结束",
	"its front matter is not valid YAML: %v":            "它的文件头不是有效的 YAML：%v",
	"its front matter is not a set of key: value lines": "它的文件头不是“键: 值”的行",

	// Phrases.
	"--map":                "--map",
	archive.CustomerIDHelp: "客户编号只能由小写英文字母、数字和连字符组成，例如 mz-renmin-hospital",
	"devices":              "设备清单",
	"customers":            "客户清单",
	"topology":             "拓扑",
	"设备名称, 厂商, 型号, 序列号 (or name, vendor, model, serial)": "设备名称、厂商、型号、序列号（或 name、vendor、model、serial）",
	"客户名称, 行业, 地址 (or name, industry, address)":          "客户名称、行业、地址（或 name、industry、address）",
}

// Error is an error of the importer for a person, in both languages.
type Error struct {
	Message string // English
	Chinese string // "" when the message has no translation
	err     error  // what Message was made by, for Unwrap
}

func (e *Error) Error() string { return e.Message }

// Unwrap gives the error a %w of the format wrapped.
func (e *Error) Unwrap() error { return errors.Unwrap(e.err) }

// errorf makes an Error in both languages (%w wraps, as in fmt.Errorf).
func errorf(format string, args ...any) error {
	err := fmt.Errorf(format, english(args)...)
	return &Error{Message: err.Error(), Chinese: chinese(format, args...), err: err}
}

// Chinese returns err's message in Chinese, or its English when the
// importer has no Chinese for it (errors of other packages).
func Chinese(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Chinese != "" && e.Error() == err.Error() {
		return e.Chinese
	}
	return err.Error()
}

// Label names a field of the caller's form in English and Chinese, for
// the messages that would otherwise name a command-line flag.
type Label struct{ En, Zh string }

// english turns the arguments into what the English message shows.
func english(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case phrase:
			a = string(v)
		case Label:
			a = v.En
		case *Error:
			a = v.Message
		}
		out[i] = a
	}
	return out
}

// chinese formats a message in Chinese, or returns "" when the format has
// no translation (the site then shows the English).
func chinese(format string, args ...any) string {
	zf, ok := zhMessages[format]
	if !ok {
		if format != "%s" && format != "%v" {
			return ""
		}
		zf = format
	}
	zargs := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case phrase:
			a = string(v)
			if z, ok := zhMessages[string(v)]; ok {
				a = z
			}
		case Label:
			a = v.Zh
		case *Error:
			a = v.Message
			if v.Chinese != "" {
				a = v.Chinese
			}
		case error:
			a = Chinese(v)
		}
		zargs[i] = a
	}
	return fmt.Sprintf(strings.ReplaceAll(zf, "%w", "%v"), zargs...)
}

// say formats a line of the plan in English or Chinese.
func say(zh bool, format string, args ...any) string {
	if zh {
		if s := chinese(format, args...); s != "" {
			return s
		}
	}
	return fmt.Sprintf(format, english(args)...)
}
