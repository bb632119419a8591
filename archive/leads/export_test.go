package leads_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/leads"
)

func exportFixture(t *testing.T) []leads.Lead {
	t.Helper()
	snap, _ := loadTxtar(t, "rules.txtar")
	ls := leads.Derive(snap, snap.Settings.Leads, at)
	// A first-seen commit and a hostile value, as a record could hold.
	ls[0].FirstSeen = &leads.Seen{Commit: "0123456789abcdef0123456789abcdef01234567", Author: "李强", When: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	ls[1].CustomerName = "=HYPERLINK(\"http://evil\",\"点我\")"
	return ls
}

func TestWriteCSV(t *testing.T) {
	ls := exportFixture(t)
	var buf bytes.Buffer
	if err := leads.WriteCSV(&buf, ls, "zh-CN"); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV does not start with a UTF-8 byte-order mark: Excel would garble the Chinese")
	}
	if bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Error("CSV has bare LF line ends")
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ls)+1 {
		t.Fatalf("%d rows, want a header and %d leads", len(rows), len(ls))
	}
	if rows[0][0] != "商机编号" || rows[0][2] != "客户名称" {
		t.Errorf("header %v", rows[0])
	}
	if rows[1][0] != ls[0].ID || rows[1][2] != ls[0].CustomerName || rows[1][7] != ls[0].Summary {
		t.Errorf("first row %v does not match the first lead %+v", rows[1], ls[0])
	}
	if rows[1][15] != "2026-11-20" || rows[1][16] != "0123456789" || rows[1][17] != "李强" {
		t.Errorf("first seen columns: %v", rows[1][15:18])
	}
	if !strings.HasPrefix(rows[2][2], "'=") {
		t.Errorf("a formula-like value is not defused: %q", rows[2][2])
	}
	var en bytes.Buffer
	if err := leads.WriteCSV(&en, ls, "en"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(en.Bytes(), []byte("lead id,customer id,customer")) || !bytes.Contains(en.Bytes(), []byte(ls[0].SummaryEN)) {
		t.Error("English CSV lacks English headings or summaries")
	}
}

func TestWriteXLSX(t *testing.T) {
	ls := exportFixture(t)
	var buf bytes.Buffer
	if err := leads.WriteXLSX(&buf, ls, "zh-CN"); err != nil {
		t.Fatal(err)
	}
	zipped := bytes.Clone(buf.Bytes())
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "商机" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("商机")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ls)+1 || rows[0][0] != "商机编号" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for i, l := range ls {
		if rows[i+1][0] != l.ID || rows[i+1][7] != l.Summary || rows[i+1][2] != l.CustomerName {
			t.Errorf("row %d = %v, want lead %s %s", i+1, rows[i+1][:8], l.ID, l.Summary)
		}
	}
	// The score is a number, the first-seen day a real date shown as yyyy-mm-dd.
	if typ, _ := f.GetCellType("商机", "J2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("score cell is text (%v)", typ)
	}
	raw, _ := f.GetCellValue("商机", "P2", excelize.Options{RawCellValue: true})
	if shown, _ := f.GetCellValue("商机", "P2"); shown != "2026-11-20" || raw == shown {
		t.Errorf("first seen shows %q (raw %q): want a date cell shown as 2026-11-20", shown, raw)
	}
	panes, err := f.GetPanes("商机")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	if w, _ := f.GetColWidth("商机", "H"); w < 40 {
		t.Errorf("summary column width %v, want a wide column", w)
	}
	// The filter buttons: a table over the whole range, with an autoFilter.
	tables, err := f.GetTables("商机")
	if err != nil || len(tables) != 1 || tables[0].Range != fmt.Sprintf("A1:S%d", len(ls)+1) {
		t.Errorf("tables %+v, %v: want one over A1:S%d", tables, err, len(ls)+1)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	filter := false
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		filter = filter || bytes.Contains(b, []byte("<autoFilter"))
	}
	if !filter {
		t.Error("no autoFilter in the workbook's files")
	}
}

func TestWriteJSON(t *testing.T) {
	ls := exportFixture(t)
	var buf bytes.Buffer
	if err := leads.WriteJSON(&buf, ls, "en"); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ls) {
		t.Fatalf("%d objects, want %d", len(got), len(ls))
	}
	for _, k := range []string{"id", "customer", "customer_name", "signal", "summary", "score", "status", "first_seen", "evidence", "signal_label", "status_label"} {
		if _, ok := got[0][k]; !ok {
			t.Errorf("JSON object lacks %q: %v", k, got[0])
		}
	}
	if got[0]["status_label"] != "new" || got[0]["first_seen"].(map[string]any)["commit"] != ls[0].FirstSeen.Commit {
		t.Errorf("labels or first seen wrong: %v", got[0])
	}
	var back []leads.Lead
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back[0].ID != ls[0].ID || back[0].Due != ls[0].Due || back[0].Score != ls[0].Score {
		t.Errorf("JSON does not read back into leads: %v", err)
	}
	_ = archive.Date{}
}
