package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/dangan-archive/dangan/archive"
)

var (
	// 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 2026-3-5 10:30:00
	ymdRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	// 20260305
	compactRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	// Excel's serial day number, possibly with a fraction of a day.
	serialRE = regexp.MustCompile(`^(\d{1,6})(?:\.\d+)?$`)
)

// excelEpoch is day 0 of Excel's 1900 date system, moved back one day so
// that serials after the fictitious 1900-02-29 count right (every date a
// device list holds is long after it).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseDate reads a date as people type it into a spreadsheet: 2026-03-05,
// 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, with a time of day after it or
// not, in full-width digits or not, or Excel's serial day number (46086,
// what a date-formatted cell holds). Day-first and month-first forms
// (05/03/2026) are refused: they are ambiguous. The error is a plain
// sentence quoting the value.
func ParseDate(s string) (archive.Date, error) {
	v := strings.TrimSpace(width.Narrow.String(s))
	if v == "" {
		return archive.Date{}, nil
	}
	var y, m, d int
	if g := ymdRE.FindStringSubmatch(v); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := compactRE.FindStringSubmatch(v); g != nil && g[1] >= "1900" {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := serialRE.FindStringSubmatch(v); g != nil {
		n := atoi(g[1])
		// 1 is 1900-01-01 and 109574 is 2199-12-31; a small number is a
		// mistake (a count, a row number) rather than a 1900s date.
		if n < 2 || n > 109574 {
			return archive.Date{}, errorf("%q is not a date; write it as 2026-03-05 or 2026/3/5", s)
		}
		return archive.DateOf(excelEpoch.AddDate(0, 0, n)), nil
	} else {
		return archive.Date{}, errorf("%q is not a date; write it as 2026-03-05 or 2026/3/5", s)
	}
	switch {
	case y < 1900 || y > 2199:
		return archive.Date{}, errorf("%q is not a date: the year %d is out of range", s, y)
	case m < 1 || m > 12:
		return archive.Date{}, errorf("%q is not a date: there is no month %d", s, m)
	case d < 1 || time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d:
		return archive.Date{}, errorf("%q is not a date: %s %d has no day %d", s, time.Month(m), y, d)
	}
	return archive.Date{Year: y, Month: time.Month(m), Day: d}, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
