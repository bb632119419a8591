package index

import (
	"fmt"
	"strings"
)

// Query error codes, with the message in Chinese and English. The site
// shows Message (Chinese) or asks In("en").
const (
	errUnclosedQuote = "unclosed_quote"
	errEmptyValue    = "empty_value"
	errLoneMinus     = "lone_minus"
	errUnknownKind   = "unknown_kind"
	errUnknownStatus = "unknown_status"
	errBadDate       = "bad_date"
	errBadRange      = "bad_range"
	errTooLong       = "too_long"
	errTooManyTerms  = "too_many_terms"
	errInvalidText   = "invalid_text"
)

// queryMessages holds every message a person can get for a query they
// typed; %s is filled with the word concerned.
var queryMessages = map[string]map[string]string{
	errUnclosedQuote: {"zh": "引号没有闭合：请在短语末尾补上引号", "en": "The quotation mark is not closed: add one at the end of the phrase"},
	errEmptyValue:    {"zh": "“%s:” 后面缺少要查的内容", "en": "Nothing follows “%s:”: write what to look for after the colon"},
	errLoneMinus:     {"zh": "减号后面缺少要排除的词", "en": "A minus sign must be followed by the word to exclude"},
	errUnknownKind:   {"zh": "没有 “%s” 这种记录类型；可用：customer 客户、devices 设备、topology 拓扑、progress 进度、training 培训、spares 备件、leads 需求、visit 上门、note 笔记、guide 指南", "en": "There is no record kind “%s”; use customer, devices, topology, progress, training, spares, leads, visit, note or guide"},
	errUnknownStatus: {"zh": "没有 “%s” 这种状态；设备状态可用 in_service 在用、standby 备用、faulty 故障、removed 已拆除", "en": "There is no status “%s”; device statuses are in_service, standby, faulty and removed"},
	errBadDate:       {"zh": "“%s” 不是日期，请写成 2026-01-31 这样的格式", "en": "“%s” is not a date; write it as 2026-01-31"},
	errBadRange:      {"zh": "日期范围 “%s” 不对，请写成 2026-01-01..2026-06-30，且开始不晚于结束", "en": "The date range “%s” is wrong; write it as 2026-01-01..2026-06-30, the start not after the end"},
	errTooLong:       {"zh": "查询太长，请缩短到 500 个字以内", "en": "The query is too long; keep it under 500 characters"},
	errTooManyTerms:  {"zh": "查询条件太多，请减少到 32 个以内", "en": "The query has too many terms; use at most 32"},
	errInvalidText:   {"zh": "查询里有无法识别的字符", "en": "The query contains characters that cannot be read"},
}

func qerr(q string, pos int, code string, args ...any) *QueryError {
	e := &QueryError{Query: q, Pos: pos, Code: code, args: args}
	e.Message = e.In("zh")
	return e
}

// In returns the message in a language ("zh" or "en"; Chinese otherwise).
func (e *QueryError) In(lang string) string {
	m := queryMessages[e.Code]
	t, ok := m[strings.ToLower(lang)]
	if !ok {
		t, ok = m["zh"]
	}
	if !ok {
		return e.Message
	}
	if strings.Contains(t, "%s") {
		return fmt.Sprintf(t, e.args...)
	}
	return t
}
