package leads

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/dangan-archive/dangan/archive"
)

// Exports write the leads they are given, in that order: the site passes
// leads already filtered, sorted and redacted for the viewer (Redact); the
// command line passes everything. lang is "zh-CN" or "en": it picks the
// column headings, labels and summaries.

// column is one column of the CSV and XLSX exports.
type column struct {
	zh, en string
	width  float64 // in characters, for XLSX
	kind   int     // cellText, cellNumber, cellDate
	value  func(l *Lead, lang string) any
}

const (
	cellText = iota
	cellNumber
	cellDate
)

func dateOrNil(d archive.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

var columns = []column{
	{"商机编号", "lead id", 14, cellText, func(l *Lead, _ string) any { return l.ID }},
	{"客户编号", "customer id", 22, cellText, func(l *Lead, _ string) any { return l.Customer }},
	{"客户名称", "customer", 26, cellText, func(l *Lead, _ string) any { return l.CustomerName }},
	{"行业", "industry", 10, cellText, func(l *Lead, _ string) any { return l.Industry }},
	{"区域", "district", 10, cellText, func(l *Lead, _ string) any { return l.District }},
	{"客户经理", "account manager", 12, cellText, func(l *Lead, _ string) any { return l.AccountManager }},
	{"信号", "signal", 16, cellText, func(l *Lead, lang string) any { return l.Signal.Label(lang) }},
	{"摘要", "summary", 60, cellText, func(l *Lead, lang string) any { return l.Text(lang) }},
	{"建议产品", "suggested product", 22, cellText, func(l *Lead, lang string) any { return l.ProductIn(lang) }},
	{"评分", "score", 7, cellNumber, func(l *Lead, _ string) any { return l.Score }},
	{"状态", "status", 9, cellText, func(l *Lead, lang string) any { return l.Status.Label(lang) }},
	{"跟进人", "status by", 10, cellText, func(l *Lead, _ string) any { return l.StatusBy }},
	{"跟进日期", "status date", 12, cellDate, func(l *Lead, _ string) any { return dateOrNil(l.StatusDate) }},
	{"开始日期", "since", 12, cellDate, func(l *Lead, _ string) any { return dateOrNil(l.Began()) }},
	{"到期日期", "due", 12, cellDate, func(l *Lead, _ string) any { return dateOrNil(l.Due) }},
	{"首次出现", "first seen", 12, cellDate, func(l *Lead, _ string) any { return dateOrNil(l.FirstSeen.Date()) }},
	{"首次出现提交", "first seen commit", 12, cellText, func(l *Lead, _ string) any {
		if l.FirstSeen == nil {
			return ""
		}
		return shortHash(l.FirstSeen.Commit)
	}},
	{"首次记录人", "first seen by", 10, cellText, func(l *Lead, _ string) any {
		if l.FirstSeen == nil {
			return ""
		}
		return l.FirstSeen.Author
	}},
	{"依据", "evidence", 60, cellText, func(l *Lead, _ string) any { return evidenceText(l.Evidence) }},
}

func shortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

func evidenceText(es []Evidence) string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.String()
	}
	return strings.Join(lines, "\n")
}

func heading(c column, lang string) string { return pick(lang, c.zh, c.en) }

// WriteCSV writes the leads as CSV that Excel and WPS open with Chinese
// intact: UTF-8 with a byte-order mark, CRLF line ends, a header row.
// Dates are YYYY-MM-DD; evidence lines are separated by line breaks within
// the quoted cell. Text that a spreadsheet would run as a formula (= + - @
// at the start) is prefixed with an apostrophe.
func WriteCSV(w io.Writer, ls []Lead, lang string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	row := make([]string, len(columns))
	for i, c := range columns {
		row[i] = heading(c, lang)
	}
	if err := cw.Write(row); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for i := range ls {
		for j, c := range columns {
			row[j] = csvCell(c.value(&ls[i], lang))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return defuse(x)
	case int:
		return fmt.Sprint(x)
	case archive.Date:
		return x.String()
	}
	return defuse(fmt.Sprint(v))
}

// defuse keeps a spreadsheet from reading a cell as a formula: a record
// may hold anything a person typed.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteXLSX writes the leads as an Excel workbook: one sheet holding a
// table whose bold header row is frozen and has filter buttons, column widths that fit the content,
// scores as numbers and dates as real dates (yyyy-mm-dd).
func WriteXLSX(w io.Writer, ls []Lead, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := pick(lang, "商机", "Leads")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	top, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	for i, c := range columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	row := make([]any, len(columns))
	for i, c := range columns {
		row[i] = excelize.Cell{StyleID: head, Value: heading(c, lang)}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	for r := range ls {
		for i, c := range columns {
			v := c.value(&ls[r], lang)
			switch x := v.(type) {
			case archive.Date:
				row[i] = excelize.Cell{StyleID: date, Value: x.Time()}
			case nil:
				row[i] = excelize.Cell{StyleID: top}
			case string:
				st := top
				if c.width >= 40 {
					st = text
				}
				row[i] = excelize.Cell{StyleID: st, Value: x}
			default:
				row[i] = excelize.Cell{StyleID: top, Value: x}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
	}
	// A table gives the header row its filter buttons; the stream writer
	// cannot add a bare autofilter, and one added after it is lost.
	last, _ := excelize.CoordinatesToCellName(len(columns), max(2, len(ls)+1))
	yes := true
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Leads", StyleName: "TableStyleLight9", ShowHeaderRow: &yes, ShowRowStripes: &yes}); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: pick(lang, "商机清单", "Leads"), Creator: "dangan"}); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}

// exported is a lead as the JSON export writes it: every field of Lead
// plus the labels of its signal and status in the export's language.
type exported struct {
	Lead
	SignalLabel string `json:"signal_label"`
	StatusLabel string `json:"status_label"`
}

// WriteJSON writes the leads as a JSON list of objects with every field
// of Lead (id, customer, customer_name, signal, summary, summary_en,
// score, status, first_seen, evidence...) and signal_label and
// status_label in the language asked for.
func WriteJSON(w io.Writer, ls []Lead, lang string) error {
	out := make([]exported, len(ls))
	for i, l := range ls {
		out[i] = exported{Lead: l, SignalLabel: l.Signal.Label(lang), StatusLabel: l.Status.Label(lang)}
		if out[i].Evidence == nil {
			out[i].Evidence = []Evidence{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
