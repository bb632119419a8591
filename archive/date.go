package archive

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a calendar day written YYYY-MM-DD. The archive has no time zones:
// a day is the day the technician wrote down.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateLayout is how every date in the archive is written.
const DateLayout = "2006-01-02"

// DateTimeLayout is how every time of day in the archive is written (local time).
const DateTimeLayout = "2006-01-02T15:04"

// ParseDate reads YYYY-MM-DD and rejects impossible days such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date; write it as YYYY-MM-DD, for example 2026-03-05", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the date was never set.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// Time returns midnight of the day in UTC, for arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String writes the date as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Before reports whether d is strictly earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int { return d.Time().Compare(o.Time()) }

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// DaysUntil returns how many days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int {
	return int(o.Time().Sub(d.Time()).Hours() / 24)
}

// UnmarshalYAML accepts a YYYY-MM-DD scalar. Errors are yaml.TypeErrors so
// that one bad date does not stop the rest of the record from decoding.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return typeErr(n, "expected a date (YYYY-MM-DD), found %s", describe(n))
	}
	if n.Value == "" || n.Tag == "!!null" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(n.Value)
	if err != nil {
		return typeErr(n, "%v", err)
	}
	*d = v
	return nil
}

// MarshalYAML writes the date as a plain scalar.
func (d Date) MarshalYAML() (any, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// MarshalText lets dates appear as JSON strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD (or "" for no date).
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DateTime is a local time of day written YYYY-MM-DDTHH:MM.
type DateTime struct {
	time.Time
}

// ParseDateTime reads YYYY-MM-DDTHH:MM (seconds are allowed and kept).
func ParseDateTime(s string) (DateTime, error) {
	for _, layout := range []string{DateTimeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateTime{t}, nil
		}
	}
	return DateTime{}, fmt.Errorf("%q is not a time; write it as YYYY-MM-DDTHH:MM, for example 2026-11-20T09:00", s)
}

// String writes the time as YYYY-MM-DDTHH:MM, or "" when unset.
func (t DateTime) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateTimeLayout)
}

// Date returns the calendar day of the time.
func (t DateTime) Date() Date { return DateOf(t.Time) }

// UnmarshalYAML accepts a YYYY-MM-DDTHH:MM scalar.
func (t *DateTime) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return typeErr(n, "expected a time (YYYY-MM-DDTHH:MM), found %s", describe(n))
	}
	if n.Value == "" || n.Tag == "!!null" {
		*t = DateTime{}
		return nil
	}
	v, err := ParseDateTime(n.Value)
	if err != nil {
		return typeErr(n, "%v", err)
	}
	*t = v
	return nil
}

// MarshalYAML writes the time as YYYY-MM-DDTHH:MM.
func (t DateTime) MarshalYAML() (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.String(), nil
}

// MarshalText lets times appear as JSON strings.
func (t DateTime) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads YYYY-MM-DDTHH:MM (or "").
func (t *DateTime) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = DateTime{}
		return nil
	}
	v, err := ParseDateTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// typeErr builds the error form yaml.v3 collects instead of aborting, carrying
// our own line and column so that the checker can point at the value.
func typeErr(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d:%d: %s", n.Line, n.Column, fmt.Sprintf(format, args...))}}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

// MarshalJSON writes the time as the archive does; without it the embedded
// time.Time's RFC 3339 form (with a made-up zone) would leak into the API.
func (t DateTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.String() + `"`), nil
}

// UnmarshalJSON reads YYYY-MM-DDTHH:MM (or "").
func (t *DateTime) UnmarshalJSON(b []byte) error {
	return t.UnmarshalText([]byte(strings.Trim(string(b), `"`)))
}
