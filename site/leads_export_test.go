package site_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// rowsOf reads an export back: the CSV as Excel would, the workbook with
// excelize.
func rowsOf(t *testing.T, format string, res response) [][]string {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s export: %d %s", format, res.StatusCode, res.Body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "."+format) {
		t.Errorf("%s export: Content-Disposition %q", format, cd)
	}
	if format == "json" {
		var ls []struct {
			ID, Customer, Summary string
			Evidence              []map[string]any
		}
		if err := json.Unmarshal([]byte(res.Body), &ls); err != nil {
			t.Fatalf("JSON does not read back: %v", err)
		}
		rows := [][]string{{"header"}}
		for _, l := range ls {
			ev, _ := json.Marshal(l.Evidence)
			rows = append(rows, []string{l.ID, l.Customer, l.Summary, string(ev)})
		}
		return rows
	}
	if format == "csv" {
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not read back: %v", err)
		}
		return rows
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The exports hold what the board shows under the same filter, all of it,
// and nothing the viewer may not see.
func TestLeadExports(t *testing.T) {
	ts := newLeadServer(t)
	for _, tt := range []struct {
		viewer, query  string
		seesRestricted bool
	}{
		{"marketing", "status=all", false},
		{"liqiang", "status=all", false},
		{"wangfang", "status=all", true},
		{"admin", "status=all", true},
		{"admin", "signal=spares&status=all", false},
		{"marketing", "industry=医疗卫生", false},
	} {
		ids, _ := boardLeads(t, ts.get(t, tt.viewer, "/leads?"+tt.query))
		for _, format := range []string{"csv", "xlsx", "json"} {
			res := ts.get(t, tt.viewer, "/leads/export."+format+"?"+tt.query)
			rows := rowsOf(t, format, res)
			if len(rows) != len(ids)+1 {
				t.Errorf("%s %s?%s: %d rows, board shows %d leads (+1 header)", tt.viewer, format, tt.query, len(rows), len(ids))
				continue
			}
			all := ""
			for _, r := range rows[1:] {
				all += strings.Join(r, "\t") + "\n"
			}
			for _, id := range ids {
				if !strings.Contains(all, id) {
					t.Errorf("%s %s?%s: lead %s of the board missing", tt.viewer, format, tt.query, id)
				}
			}
			if got := strings.Contains(all, restrictedNeed); got != tt.seesRestricted {
				t.Errorf("%s %s?%s: restricted lead exported: %v", tt.viewer, format, tt.query, got)
			}
			if tt.viewer == "marketing" {
				for _, s := range marketingSecrets {
					if strings.Contains(all, s) {
						t.Errorf("marketing's %s export holds %q", format, s)
					}
				}
			}
		}
	}
}
