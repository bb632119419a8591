package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Table is one sheet of a spreadsheet (or a whole CSV file) as text cells.
// Row numbers are those a person sees in Excel: the first row is 1.
type Table struct {
	Sheet    string // sheet name; the file's base name for CSV
	Encoding string // what a CSV file was decoded from ("UTF-8", "GB18030"); "" for XLSX
	Rows     []Row
}

// Row is one row of cells, numbered as in the spreadsheet.
type Row struct {
	N     int
	Cells []string
}

// MaxSize is the largest spreadsheet the readers accept. Real device and
// customer lists of a county branch are well under 1 MB; the limit keeps a
// hostile upload (or a zip bomb inside an XLSX) from taking the memory.
const MaxSize = 16 << 20

// ErrUnknownFormat says the file is neither a spreadsheet nor CSV.
var ErrUnknownFormat = errors.New("unknown file format")

// ReadTable reads a spreadsheet, choosing the reader by the extension of
// name: .xlsx/.xlsm (the first sheet, or the one named sheet), .csv/.txt/
// .tsv. Errors are plain sentences naming the file.
func ReadTable(name string, data []byte, sheet string) (*Table, error) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if len(data) > MaxSize {
		return nil, errorf("%s is larger than %d MB; split it into smaller files", base, MaxSize>>20)
	}
	switch ext := strings.ToLower(path.Ext(base)); ext {
	case ".xlsx", ".xlsm":
		return readXLSX(base, data, sheet)
	case ".csv", ".txt", ".tsv":
		return readCSV(base, data)
	case ".xls":
		return nil, errorf("%s is an old Excel 97-2003 file: open it in Excel or WPS and save it as .xlsx (or .csv), then import that", base)
	default:
		return nil, errorf("%s: %w %q; import an .xlsx or .csv file", base, ErrUnknownFormat, ext)
	}
}

func readXLSX(name string, data []byte, sheet string) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 4 * MaxSize, UnzipXMLSizeLimit: MaxSize})
	if err != nil {
		return nil, errorf("%s cannot be read as an Excel workbook: %v", name, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errorf("%s has no sheets", name)
	}
	if sheet == "" {
		// The first visible sheet is what Excel opens on.
		sheet = sheets[0]
		for _, s := range sheets {
			if v, err := f.GetSheetVisible(s); err == nil && v {
				sheet = s
				break
			}
		}
	} else if !contains(sheets, sheet) {
		return nil, errorf("%s has no sheet %q; its sheets are %s", name, sheet, strings.Join(sheets, ", "))
	}
	// Raw values: a date-formatted cell gives its serial number, which the
	// date parser reads, instead of a display form that depends on the
	// locale Excel was set to (3/5/26 or 5/3/26).
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, errorf("%s, sheet %s: %v", name, sheet, err)
	}
	defer rows.Close()
	t := &Table{Sheet: sheet}
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errorf("%s, sheet %s, row %d: %v", name, sheet, n, err)
		}
		if blank(cells) {
			continue
		}
		t.Rows = append(t.Rows, Row{N: n, Cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, errorf("%s, sheet %s: %v", name, sheet, err)
	}
	return t, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// DecodeText turns a text file into UTF-8: a UTF-8 BOM is dropped, valid
// UTF-8 is kept, anything else is read as GB18030 (a superset of GBK and
// GB2312, what Excel and WPS on Chinese Windows write when saving CSV).
// UTF-16 files (Excel's "Unicode text") are decoded by their BOM.
func DecodeText(data []byte) (text []byte, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
		if !utf8.Valid(data) {
			return nil, "", errorf("the file starts as UTF-8 but has bytes that are not UTF-8")
		}
		return data, "UTF-8", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data)
	case utf8.Valid(data):
		return data, "UTF-8", nil
	}
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
	if err != nil || !utf8.Valid(out) {
		return nil, "", errorf("the file is neither UTF-8 nor GBK; save it again as \"CSV UTF-8\"")
	}
	return out, "GB18030", nil
}

func decodeUTF16(data []byte) ([]byte, string, error) {
	le := data[0] == 0xFF
	data = data[2:]
	if len(data)%2 != 0 {
		return nil, "", errorf("the file looks like UTF-16 but has an odd number of bytes")
	}
	var b strings.Builder
	u := make([]uint16, len(data)/2)
	for i := range u {
		if le {
			u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
		} else {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		}
	}
	for i := 0; i < len(u); i++ {
		r := rune(u[i])
		if r >= 0xD800 && r < 0xDC00 && i+1 < len(u) && u[i+1] >= 0xDC00 && u[i+1] < 0xE000 {
			r = (r-0xD800)<<10 | (rune(u[i+1]) - 0xDC00) + 0x10000
			i++
		}
		b.WriteRune(r)
	}
	return []byte(b.String()), "UTF-16", nil
}

func readCSV(name string, data []byte) (*Table, error) {
	text, enc, err := DecodeText(data)
	if err != nil {
		return nil, errorf("%s: %v", name, err)
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = sniffComma(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	t := &Table{Sheet: name, Encoding: enc}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, errorf("%s, row %d: %v", name, pe.Line, pe.Err)
			}
			return nil, errorf("%s: %v", name, err)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		t.Rows = append(t.Rows, Row{N: line, Cells: rec})
	}
	return t, nil
}

// sniffComma picks the separator of the first line: a comma unless tabs or
// semicolons (European Excel) or Chinese commas clearly dominate.
func sniffComma(text []byte) rune {
	first, _, _ := bytes.Cut(text, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, c := range []rune{'\t', ';', '，'} {
		if k := bytes.Count(first, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}
