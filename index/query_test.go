package index

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
)

func day(s string) archive.Date {
	d, err := archive.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q    string
		want []clause
	}{
		{"", nil},
		{"   ", nil},
		{"交换机", []clause{{Value: "交换机"}}},
		{"交换机 光模块", []clause{{Value: "交换机"}, {Value: "光模块", Pos: 4}}},
		{`"核心 交换机"`, []clause{{Value: "核心 交换机", Quoted: true}}},
		{`“智慧校园”`, []clause{{Value: "智慧校园", Quoted: true}}},
		{"-机房", []clause{{Neg: true, Value: "机房"}}},
		{"vendor:华为", []clause{{Field: "vendor", Value: "华为"}}},
		{"厂商：Huawei", []clause{{Field: "vendor", Value: "Huawei"}}},
		{"VENDOR:h3c", []clause{{Field: "vendor", Value: "h3c"}}},
		{`model:"ZXR10 5960-32DL"`, []clause{{Field: "model", Value: "ZXR10 5960-32DL", Quoted: true}}},
		{"kind:visit", []clause{{Field: "kind", Value: "visit"}}},
		{"kind:上门", []clause{{Field: "kind", Value: "visit"}}},
		{"-kind:guide", []clause{{Neg: true, Field: "kind", Value: "guide"}}},
		{"status:故障", []clause{{Field: "status", Value: "faulty"}}},
		{"customer:mz-renmin-hospital", []clause{{Field: "customer", Value: "mz-renmin-hospital"}}},
		{"warranty_until:<2027-01-01", []clause{{Field: "warranty_until", Value: "<2027-01-01", To: day("2026-12-31")}}},
		{"eol:<=2027-06-30", []clause{{Field: "eol", Value: "<=2027-06-30", To: day("2027-06-30")}}},
		{"date:>2026-01-01", []clause{{Field: "date", Value: ">2026-01-01", From: day("2026-01-02")}}},
		{"date:>=2026-01-01", []clause{{Field: "date", Value: ">=2026-01-01", From: day("2026-01-01")}}},
		{"date:2026-01-01..2026-06-30", []clause{{Field: "date", Value: "2026-01-01..2026-06-30", From: day("2026-01-01"), To: day("2026-06-30")}}},
		{"date:2026-01-01..", []clause{{Field: "date", Value: "2026-01-01..", From: day("2026-01-01")}}},
		{"date:2026-03-05", []clause{{Field: "date", Value: "2026-03-05", From: day("2026-03-05"), To: day("2026-03-05")}}},
		// A colon after something that is not a field is part of the word.
		{"10.0.0.1:8080", []clause{{Value: "10.0.0.1:8080"}}},
		{"http://x", []clause{{Value: "http://x"}}},
		{"a-b", []clause{{Value: "a-b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := parseQuery(tt.q)
			if err != nil {
				t.Fatalf("parseQuery(%q): %v", tt.q, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseQuery(%q) (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	long := make([]rune, maxQueryRunes+1)
	for i := range long {
		long[i] = '字'
	}
	many := ""
	for range maxClauses + 1 {
		many += "a "
	}
	tests := []struct {
		q, code string
		pos     int
		zh, en  string
	}{
		{`"交换机`, errUnclosedQuote, 0, "引号没有闭合：请在短语末尾补上引号", "The quotation mark is not closed: add one at the end of the phrase"},
		{`model:"ZXR10`, errUnclosedQuote, 6, "", ""},
		{`vendor:`, errEmptyValue, 0, "“vendor:” 后面缺少要查的内容", "Nothing follows “vendor:”: write what to look for after the colon"},
		{`a vendor:""`, errEmptyValue, 2, "", ""},
		{`- 机房`, errLoneMinus, 0, "", ""},
		{`kind:house`, errUnknownKind, 0, "", ""},
		{`status:坏了`, errUnknownStatus, 0, "", ""},
		{`eol:<2027-13-01`, errBadDate, 0, "“2027-13-01” 不是日期，请写成 2026-01-31 这样的格式", ""},
		{`date:明天`, errBadDate, 0, "", ""},
		{`date:..`, errBadRange, 0, "", ""},
		{`date:2026-06-30..2026-01-01`, errBadRange, 0, "", ""},
		{string(long), errTooLong, maxQueryRunes, "", ""},
		{many, errTooManyTerms, 2 * maxClauses, "", ""},
		{"\xff", errInvalidText, -1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			_, err := parseQuery(tt.q)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("parseQuery(%q) = %v, want a *QueryError", tt.q, err)
			}
			if qe.Code != tt.code || qe.Pos != tt.pos {
				t.Errorf("parseQuery(%q): code %s at %d, want %s at %d", tt.q, qe.Code, qe.Pos, tt.code, tt.pos)
			}
			if tt.zh != "" && qe.Error() != tt.zh {
				t.Errorf("message %q, want %q", qe.Error(), tt.zh)
			}
			if tt.en != "" && qe.In("en") != tt.en {
				t.Errorf("English message %q, want %q", qe.In("en"), tt.en)
			}
		})
	}
}

// Every message exists in both languages and fills its placeholder.
func TestQueryMessagesComplete(t *testing.T) {
	for code, m := range queryMessages {
		for _, lang := range []string{"zh", "en"} {
			if m[lang] == "" {
				t.Errorf("%s has no %s message", code, lang)
			}
		}
	}
}

// FuzzParseQuery: any text gives clauses or a *QueryError, never a panic,
// and whatever parses compiles into a query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"交换机", `"智慧 校园" -机房`, "vendor:华为 kind:visit", `model:"ZXR10 5960`, "date:2026-01-01..2026-06-30", "eol:<2027-06-30", "－kind：上门", "ip:10.12", "a:b:c"} {
		f.Add(s)
	}
	text, err := newTextAnalyzer(AnalyzerZh)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		cs, err := parseQuery(q)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Message == "" {
				t.Fatalf("parseQuery(%q): %v is not a *QueryError with a message", q, err)
			}
			return
		}
		if len(cs) > maxClauses {
			t.Fatalf("%d clauses", len(cs))
		}
		c := &compiler{text: text, vis: visibility{hide: []string{"devices.serial"}}}
		if c.compile(cs, Filter{}) == nil {
			t.Fatal("nil query")
		}
	})
}
