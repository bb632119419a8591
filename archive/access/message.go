package access

import (
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// Patterns of values that a commit message may repeat from a hidden field
// even when the record no longer holds them (the serial that was replaced,
// the old address). They are removed from messages shown to anyone who has
// hidden fields: an over-eager scrub costs a few characters of a message,
// a missed one costs the confidentiality of a customer's network.
var messagePatterns = []*regexp.Regexp{
	regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b`),     // IPv4 (and CIDR)
	regexp.MustCompile(`(?i)\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b`), // IPv6
	regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`),                 // e-mail
	regexp.MustCompile(`(?:\+?86[- ]?)?\b1[3-9]\d{9}\b`),               // mobile phone
	regexp.MustCompile(`\b0\d{2,3}-?\d{7,8}\b`),                        // landline
	// Serial-like: a run of letters and digits with at least three digits
	// (only runs of seven or more are removed, below: model numbers are
	// short runs between hyphens, years are four digits).
	regexp.MustCompile(`\b(?:[A-Za-z]*\d){3}[A-Za-z0-9]*\b`),
}

// Message returns a commit message as v may read it. recs are the records
// the commit is shown with (the record or customer whose history is
// listed): every value of them hidden from v is removed, and so is
// anything shaped like an address, a phone number or a serial. People
// with no hidden field read the message as written. Whether v may see the
// commit at all (it may also have changed a restricted customer) is the
// caller's question.
func (p Policy) Message(v Viewer, msg string, recs []*archive.Record) string {
	hide := p.Hide(v)
	if len(hide) == 0 && !p.DropsExtra(v) {
		return msg
	}
	rd := &redactor{hide: hide, dropExtra: p.DropsExtra(v)}
	for _, r := range recs {
		if r == nil {
			continue
		}
		section := Section(r.Kind)
		if section == "" || hiddenIn(hide, section) {
			// The whole record is hidden: all of its text is.
			if r.Data != nil {
				rd.collectText(reflect.ValueOf(r.Data))
			}
			rd.collectText(reflect.ValueOf(r.Body))
			continue
		}
		rd.section = section
		if r.Data != nil {
			rd.copy(reflect.ValueOf(r.Data), section)
		}
		if rd.hidden(section + ".body") {
			rd.collectText(reflect.ValueOf(r.Body))
		}
	}
	msg = rd.scrub(msg)
	for _, re := range messagePatterns {
		msg = re.ReplaceAllStringFunc(msg, func(m string) string {
			if len(m) < 7 && re != messagePatterns[0] {
				return m // "2026" or "3:00" are not worth a hole in the sentence
			}
			return "…"
		})
	}
	return msg
}

// Identifying returns the values that single out a customer and its
// network: its id and name, address, contacts, contract number, device
// serials and management addresses. A commit message about another
// customer may still name them ("moved the line from 公安局"), so they are
// removed from every message shown to someone who may not see the
// customer.
func Identifying(f *archive.Folder) []string {
	if f == nil {
		return nil
	}
	out := []string{f.ID}
	if c := f.Profile(); c != nil {
		out = append(out, c.Name, c.Address)
		for _, ct := range c.Contacts {
			out = append(out, ct.Name, ct.Phone, ct.Email)
		}
		if c.Contract != nil {
			out = append(out, c.Contract.ID)
		}
	}
	for _, d := range f.DeviceList() {
		out = append(out, d.Serial, d.MgmtIP)
	}
	return out
}

// Scrub removes values from a message, longest first so that a name is
// not left half-removed by a shorter value inside it. Values under four
// bytes (one Chinese character, a digit) are left: they would punch holes
// in the sentence and say nothing on their own.
func Scrub(msg string, values []string) string {
	vs := slices.Clone(values)
	slices.SortFunc(vs, func(a, b string) int { return len(b) - len(a) })
	for _, s := range vs {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "…")
		}
	}
	return msg
}
