package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/archive"
)

// The query language of docs/SEARCH.md, parsed by hand: a query is a list
// of terms separated by spaces; each term is a word, a "quoted phrase", or
// field:value, and a leading - excludes what it matches.

// clause is one term of a query.
type clause struct {
	Neg    bool
	Field  string // canonical field name ("vendor", "date"); "" for words and phrases
	Value  string
	Quoted bool
	// Date ranges: From/To are inclusive bounds, zero when open.
	From, To archive.Date
	Pos      int // rune offset of the clause in the query
}

// Limits that keep a query cheap whatever is typed.
const (
	maxQueryRunes = 500
	maxClauses    = 32
)

// queryFields maps the field names people type (English, or Chinese) to
// the canonical ones.
var queryFields = map[string]string{
	"vendor": "vendor", "厂商": "vendor", "品牌": "vendor",
	"kind": "kind", "类型": "kind", "类别": "kind",
	"customer": "customer", "客户": "customer",
	"industry": "industry", "行业": "industry",
	"district": "district", "区域": "district", "街道": "district",
	"technician": "technician", "维护人员": "technician", "技术员": "technician",
	"account_manager": "account_manager", "manager": "account_manager", "客户经理": "account_manager",
	"status": "status", "状态": "status",
	"model": "model", "型号": "model",
	"serial": "serial", "sn": "serial", "序列号": "serial",
	"ip": "ip", "mgmt_ip": "ip", "管理地址": "ip",
	"warranty_until": "warranty_until", "warranty": "warranty_until", "保修": "warranty_until",
	"eol": "eol", "停产": "eol",
	"date": "date", "日期": "date",
	"due": "due", "到期": "due",
	"contract_end": "contract_end", "合同到期": "contract_end",
}

var dateFields = map[string]string{
	"warranty_until": fWarranty, "eol": fEOL, "date": fDate, "due": fDue, "contract_end": fContractEnd,
}

// kindAliases maps what people call a kind to the kind.
var kindAliases = func() map[string]archive.Kind {
	m := map[string]archive.Kind{}
	for _, k := range archive.Kinds {
		m[string(k)] = k
	}
	for alias, k := range map[string]archive.Kind{
		"客户": archive.KindCustomer, "档案": archive.KindCustomer, "profile": archive.KindCustomer,
		"设备": archive.KindDevices, "device": archive.KindDevices,
		"拓扑": archive.KindTopology,
		"进度": archive.KindProgress, "项目": archive.KindProgress,
		"培训": archive.KindTraining,
		"备件": archive.KindSpares, "spare": archive.KindSpares,
		"需求": archive.KindLeads, "商机": archive.KindLeads, "lead": archive.KindLeads,
		"上门": archive.KindVisit, "visits": archive.KindVisit, "上门记录": archive.KindVisit,
		"笔记": archive.KindNote, "notes": archive.KindNote,
		"指南": archive.KindGuide, "guides": archive.KindGuide,
	} {
		m[alias] = k
	}
	return m
}()

// statusAliases maps Chinese status words to the values in records.
var statusAliases = func() map[string]string {
	m := map[string]string{}
	for v, label := range statusLabel {
		m[v] = v
		m[label] = v
	}
	m["在网"] = "in_service"
	m["坏"] = "faulty"
	m["拆除"] = "removed"
	return m
}()

// parseQuery splits a query into clauses. Errors are *QueryError.
func parseQuery(q string) ([]clause, error) {
	if !utf8.ValidString(q) {
		return nil, qerr(q, -1, errInvalidText)
	}
	rs := []rune(q)
	if len(rs) > maxQueryRunes {
		return nil, qerr(q, maxQueryRunes, errTooLong)
	}
	var out []clause
	i := 0
	for {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			break
		}
		c := clause{Pos: i}
		if rs[i] == '-' || rs[i] == '－' {
			c.Neg = true
			i++
			if i >= len(rs) || unicode.IsSpace(rs[i]) {
				return nil, qerr(q, c.Pos, errLoneMinus)
			}
		}
		if isQuote(rs[i]) {
			v, next, err := readQuoted(q, rs, i)
			if err != nil {
				return nil, err
			}
			c.Value, c.Quoted, i = v, true, next
		} else {
			start := i
			for i < len(rs) && !unicode.IsSpace(rs[i]) && !isQuote(rs[i]) && rs[i] != ':' && rs[i] != '：' {
				i++
			}
			name := string(rs[start:i])
			field, known := queryFields[strings.ToLower(name)]
			if i < len(rs) && (rs[i] == ':' || rs[i] == '：') && known {
				i++ // past the colon
				c.Field = field
				if i < len(rs) && isQuote(rs[i]) {
					v, next, err := readQuoted(q, rs, i)
					if err != nil {
						return nil, err
					}
					c.Value, c.Quoted, i = v, true, next
				} else {
					vs := i
					for i < len(rs) && !unicode.IsSpace(rs[i]) {
						i++
					}
					c.Value = string(rs[vs:i])
				}
				if strings.TrimSpace(c.Value) == "" {
					return nil, qerr(q, c.Pos, errEmptyValue, name)
				}
			} else {
				// Not a field we know: the colon is part of a word
				// (10.0.0.1:8080, a time 09:00).
				for i < len(rs) && !unicode.IsSpace(rs[i]) && !isQuote(rs[i]) {
					i++
				}
				c.Value = string(rs[start:i])
			}
		}
		if err := checkClause(q, &c); err != nil {
			return nil, err
		}
		if len(out) == maxClauses {
			return nil, qerr(q, c.Pos, errTooManyTerms)
		}
		out = append(out, c)
	}
	return out, nil
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '＂' }

// readQuoted reads "…" starting at rs[i] (the opening quote).
func readQuoted(q string, rs []rune, i int) (string, int, error) {
	for j := i + 1; j < len(rs); j++ {
		if isQuote(rs[j]) {
			return string(rs[i+1 : j]), j + 1, nil
		}
	}
	return "", 0, qerr(q, i, errUnclosedQuote)
}

// checkClause validates field values that have a fixed vocabulary or a
// syntax, and fills in date bounds.
func checkClause(q string, c *clause) error {
	switch c.Field {
	case "kind":
		k, ok := kindAliases[strings.ToLower(c.Value)]
		if !ok {
			return qerr(q, c.Pos, errUnknownKind, c.Value)
		}
		c.Value = string(k)
	case "status":
		s, ok := statusAliases[strings.ToLower(c.Value)]
		if !ok {
			return qerr(q, c.Pos, errUnknownStatus, c.Value)
		}
		c.Value = s
	case "warranty_until", "eol", "date", "due", "contract_end":
		return parseDateRange(q, c)
	}
	return nil
}

// parseDateRange reads <D, <=D, >D, >=D, D..D, D.., ..D or D.
func parseDateRange(q string, c *clause) error {
	v := c.Value
	day := func(s string) (archive.Date, error) {
		d, err := archive.ParseDate(strings.TrimSpace(s))
		if err != nil {
			return d, qerr(q, c.Pos, errBadDate, s)
		}
		return d, nil
	}
	var err error
	switch {
	case strings.HasPrefix(v, "<="):
		c.To, err = day(v[2:])
	case strings.HasPrefix(v, "<"):
		c.To, err = day(v[1:])
		c.To = c.To.AddDays(-1)
	case strings.HasPrefix(v, ">="):
		c.From, err = day(v[2:])
	case strings.HasPrefix(v, ">"):
		c.From, err = day(v[1:])
		c.From = c.From.AddDays(1)
	case strings.Contains(v, ".."):
		a, b, _ := strings.Cut(v, "..")
		if a == "" && b == "" {
			return qerr(q, c.Pos, errBadRange, v)
		}
		if a != "" {
			if c.From, err = day(a); err != nil {
				return err
			}
		}
		if b != "" {
			if c.To, err = day(b); err != nil {
				return err
			}
		}
		if !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
			return qerr(q, c.Pos, errBadRange, v)
		}
	default:
		c.From, err = day(v)
		c.To = c.From
	}
	return err
}
