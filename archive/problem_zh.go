package archive

import (
	"fmt"
	"regexp"
)

// The checker speaks to technicians, whose site is in Chinese: every
// problem carries its message in English (the command line, editors that
// jump to path:line:col) and in Chinese. The Chinese text is made from the
// same format and arguments, so the two never disagree on a value, and a
// test makes sure every format the checker uses has its translation.

// phrase is an English phrase used as an argument of a problem message
// ("a list", "a number"); it is translated with the message.
type phrase string

// zhProblems maps each English format (and phrase) to its Chinese form.
// Verbs keep their order, or say which argument they take (%[2]s).
var zhProblems = map[string]string{
	// parse.go
	"no front matter: a %s record starts with a line '---', then YAML such as 'kind: %s', then a closing '---'": "缺少文件头：%s 类记录以一行 '---' 开始，接着是 YAML（例如 'kind: %s'），再以一行 '---' 结束",
	"front matter opened on line 1 is never closed: add a line '---' after the YAML":                            "第 1 行打开的文件头没有结束：请在 YAML 之后加一行 '---'",
	"YAML syntax error: %s":                                                 "YAML 语法错误：%s",
	"front matter is empty: it needs at least 'kind: %s'":                   "文件头是空的：至少需要 'kind: %s'",
	"front matter must be a mapping of keys to values (key: value), not %s": "文件头必须是“键: 值”的映射，而不是%s",
	"missing 'kind: %s'":                                                    "缺少 'kind: %s'",
	"unknown kind %q; the kinds are %s":                                     "未知的记录类型 %q；可用的类型有 %s",
	"kind: %s does not belong at %s":                                        "kind: %s 不应出现在 %s",
	"kind: %s does not belong at %s; a file at this path must be kind: %s":  "kind: %s 不应出现在 %s；这个位置的文件必须是 kind: %s",
	"cannot read front matter: %v":                                          "无法读取文件头：%v",
	"cannot read settings: %v":                                              "无法读取设置：%v",
	"wrong type: expected %s, found %s":                                     "类型不对：应为%s，实际是%s",
	"file is not UTF-8 (it looks like %s); convert it, for example with: iconv -f %s -t UTF-8 FILE > FILE.utf8 && mv FILE.utf8 FILE": "文件不是 UTF-8 编码（看起来是 %s）；请转换，例如：iconv -f %s -t UTF-8 FILE > FILE.utf8 && mv FILE.utf8 FILE",
	// snapshot.go
	"customer folder %q is not a valid id: %s":                                                        "客户文件夹 %q 不是有效的编号：%s",
	"missing customer.md: every customer folder needs a profile (kind: customer, with at least name)": "缺少 customer.md：每个客户文件夹都需要客户概况（kind: customer，至少写 name）",
	"unknown device %q: %s/devices.md has no device with this id":                                     "未知设备 %q：%s/devices.md 中没有这个编号的设备",
	// validate.go
	"unknown milestone status %q; use one of %s":      "未知的里程碑状态 %q；请用 %s 之一",
	"training session without a date":                 "培训场次缺少日期",
	"attendees cannot be negative":                    "参训人数不能是负数",
	"on_hand and required cannot be negative":         "库存数（on_hand）和需求数（required）不能是负数",
	"need without a date":                             "需求缺少日期",
	"unknown status %q; use one of %s":                "未知状态 %q；请用 %s 之一",
	"lead %q is tracked twice; the last entry counts": "线索 %q 跟踪了两次；以最后一条为准",
	"missing %s": "缺少 %s",
	"contract ends (%s) before it starts (%s)":                                "合同到期日（%s）早于开始日（%s）",
	"device without an id":                                                    "设备缺少编号（id）",
	"duplicate device id %q (first used on line %d)":                          "设备编号 %q 重复（第 %d 行已用过）",
	"unknown device status %q; use one of %s":                                 "未知设备状态 %q；请用 %s 之一",
	"mgmt_ip %q is not an IP address":                                         "管理地址（mgmt_ip）%q 不是 IP 地址",
	"utilisation is a percentage from 0 to 100, not %d":                       "利用率（utilisation）是 0 到 100 的百分数，不能是 %d",
	"warranty ends (%s) before the device was installed (%s)":                 "保修截止日（%s）早于安装日期（%s）",
	"external node without an id":                                             "外部节点缺少编号（id）",
	"duplicate external node id %q":                                           "外部节点编号 %q 重复",
	"link without '%s'":                                                       "链路缺少 '%s'",
	"link from %q to itself":                                                  "链路从 %q 连到了自己",
	"missing type; use one of %s":                                             "缺少类型（type）；请用 %s 之一",
	"unknown visit type %q; use one of %s":                                    "未知上门类型 %q；请用 %s 之一",
	"unknown outcome %q; use one of %s":                                       "未知结果 %q；请用 %s 之一",
	"left (%s) before arriving (%s)":                                          "离开时间（%s）早于到达时间（%s）",
	"escalated visit does not say to whom (escalated_to, e.g. 派单中心)":          "已上报的上门记录没有写上报给谁（escalated_to，例如 派单中心）",
	"%s visit without a follow_up date: the standard wants a new appointment": "结果为 %s 的上门记录缺少跟进日期（follow_up）：规范要求重新预约",
	"unknown satisfaction %q; use one of %s":                                  "未知满意度 %q；请用 %s 之一",

	// yaml.v3's syntax errors, the common ones.
	"did not find expected ',' or ']'":                "缺少 ',' 或 ']'：这一行开始的方括号没有闭合",
	"did not find expected ',' or '}'":                "缺少 ',' 或 '}'：这一行开始的花括号没有闭合",
	"did not find expected '-' indicator":             "这一行开始的列表中，有一行缩进不一致：列表项要以 '-' 开头并对齐",
	"did not find expected key":                       "这一行的缩进与上面的键不一致",
	"did not find expected node content":              "缺少内容",
	"mapping values are not allowed in this context":  "这里不能再写“键: 值”：值里有冒号时请加引号",
	"could not find expected ':'":                     "缺少 ':'",
	"found unexpected end of stream":                  "文件头意外结束：引号没有闭合？",
	"found character that cannot start any token":     "有不能出现在开头的字符（例如制表符：YAML 只能用空格缩进）",
	"found a tab character that violates indentation": "缩进里有制表符：YAML 只能用空格缩进",

	// Phrases.
	"a list":                         "列表",
	"a mapping (key: value)":         "“键: 值”映射",
	"an alias":                       "别名",
	"a number":                       "数字",
	"true/false":                     "true/false",
	"true or false":                  "true 或 false",
	"text":                           "文字",
	"a date":                         "日期",
	"a list of text, such as [a, b]": "文字列表，例如 [a, b]",
	CustomerIDHelp:                   "客户编号只能由小写英文字母、数字和连字符组成，例如 mz-renmin-hospital",
}

// problemf makes a problem with its message in both languages.
func problemf(path string, line, col int, sev Severity, format string, args ...any) Problem {
	return Problem{Path: path, Line: line, Col: col, Severity: sev,
		Message: fmt.Sprintf(format, plain(args)...), Chinese: chinese(format, args...)}
}

// plain turns phrases back into strings so that %q quotes them as text.
func plain(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if p, ok := a.(phrase); ok {
			a = string(p)
		}
		out[i] = a
	}
	return out
}

// flattened are messages that reach the checker as text (yaml.v3 collects
// our decoders' errors as strings): they are recognised again here.
var flattened = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`^expected a date \(YYYY-MM-DD\), found (.*)$`), "应为日期（YYYY-MM-DD），实际是%s"},
	{regexp.MustCompile(`^expected a time \(YYYY-MM-DDTHH:MM\), found (.*)$`), "应为时间（YYYY-MM-DDTHH:MM），实际是%s"},
	{regexp.MustCompile(`^(".*") is not a date; write it as YYYY-MM-DD, for example 2026-03-05$`), "%s 不是日期；请写成 YYYY-MM-DD，例如 2026-03-05"},
	{regexp.MustCompile(`^(".*") is not a time; write it as YYYY-MM-DDTHH:MM, for example 2026-11-20T09:00$`), "%s 不是时间；请写成 YYYY-MM-DDTHH:MM，例如 2026-11-20T09:00"},
}

// chinese formats a problem in Chinese, or returns "" when the format has
// no translation (the site then shows the English).
func chinese(format string, args ...any) string {
	if format == "%s" && len(args) == 1 {
		if s, ok := args[0].(string); ok {
			for _, f := range flattened {
				if m := f.re.FindStringSubmatch(s); m != nil {
					arg := m[1]
					if z, ok := zhProblems[arg]; ok {
						arg = z
					}
					return fmt.Sprintf(f.zh, arg)
				}
			}
		}
	}
	zf, ok := zhProblems[format]
	if !ok {
		return ""
	}
	zargs := make([]any, len(args))
	for i, a := range args {
		if p, ok := a.(phrase); ok {
			a = string(p)
			if z, ok := zhProblems[string(p)]; ok {
				a = z
			}
		}
		zargs[i] = a
	}
	return fmt.Sprintf(zf, zargs...)
}
