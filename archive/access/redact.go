package access

import (
	"path"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// Redact returns a deep copy of r with every field hidden from v removed,
// front matter and body alike, or nil when v may not see the record at all
// (its whole section is hidden, or v has no valid role). It never changes
// r. It does not check the customer's restriction: Record and Folder do.
//
// Besides the fields themselves, whatever could repeat a hidden value is
// reworked when the section has hidden fields: the title is derived again
// from what is left, problem messages lose quoted values and every removed
// value, and Version (the git blob id) is cleared, because a blob id lets
// anyone check guesses of the hidden values offline (kept when nothing
// written was actually removed, so that marketing can still save a lead's
// status against the version it read). Defines and Refs, which only the
// checker uses, are dropped with the version.
func (p Policy) Redact(v Viewer, r *archive.Record) *archive.Record {
	return p.redact(v, r, p.Hide(v))
}

// redact is Redact with the viewer's hidden fields worked out once.
func (p Policy) redact(v Viewer, r *archive.Record, hide []string) *archive.Record {
	if r == nil || v.Anonymous() || !v.Role.Valid() {
		return nil
	}
	section := Section(r.Kind)
	if section == "" {
		// A record of no known kind: only admins see what it might hold.
		if v.Role != Admin {
			return nil
		}
		section = "?"
	}
	if hiddenIn(hide, section) {
		return nil
	}
	out := *r
	out.Problems = append([]archive.Problem(nil), r.Problems...)
	out.Defines = append([]archive.Ref(nil), r.Defines...)
	out.Refs = append([]archive.Ref(nil), r.Refs...)
	rd := &redactor{hide: hide, section: section, dropExtra: p.DropsExtra(v)}
	if r.Data != nil {
		out.Data = rd.copy(reflect.ValueOf(r.Data), section).Interface()
	}
	if !anyUnder(hide, section) && !rd.dropExtra {
		return &out
	}
	if rd.hidden(section+".body") && r.Body != "" {
		rd.collect(reflect.ValueOf(r.Body))
		out.Body = ""
	}
	if rd.changed {
		out.Version = ""
		out.Defines, out.Refs = nil, nil
	}
	out.Title = title(&out)
	for i := range out.Problems {
		out.Problems[i].Message = rd.scrub(out.Problems[i].Message)
		out.Problems[i].Chinese = rd.scrub(out.Problems[i].Chinese)
	}
	return &out
}

// redactor copies front-matter values, leaving out hidden fields and
// remembering the text it removed.
type redactor struct {
	hide      []string
	section   string
	dropExtra bool
	removed   []string
	// changed is set when something that was written was removed.
	changed bool
}

func (rd *redactor) hidden(field string) bool { return hiddenIn(rd.hide, field) }

var (
	dateType     = reflect.TypeFor[archive.Date]()
	dateTimeType = reflect.TypeFor[archive.DateTime]()
	timeType     = reflect.TypeFor[time.Time]()
)

// copy returns a deep copy of v, a value found at field path p.
func (rd *redactor) copy(v reflect.Value, p string) reflect.Value {
	if !v.IsValid() {
		return v
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		n := reflect.New(t.Elem())
		n.Elem().Set(rd.copy(v.Elem(), p))
		return n
	case reflect.Interface:
		out := reflect.New(t).Elem()
		if !v.IsNil() {
			out.Set(rd.copy(v.Elem(), p))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(rd.copy(v.Index(i), p))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if fp := p + "." + k.String(); k.Kind() == reflect.String && rd.hidden(fp) {
				rd.collect(iter.Value())
				continue
			}
			out.SetMapIndex(k, rd.copy(iter.Value(), p+"."+k.String()))
		}
		return out
	case reflect.Struct:
		if t == dateType || t == dateTimeType || t == timeType {
			return v
		}
		return rd.copyStruct(v, p)
	}
	return v
}

func (rd *redactor) copyStruct(v reflect.Value, p string) reflect.Value {
	t := v.Type()
	out := reflect.New(t).Elem()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		f := v.Field(i)
		if opts == "inline" {
			// Extra: the keys dangan does not know.
			if rd.dropExtra {
				rd.collect(f)
				continue
			}
			out.Field(i).Set(rd.copy(f, p))
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		if name == "kind" {
			out.Field(i).Set(f)
			continue
		}
		fp := p + "." + name
		if p == rd.section && name == rd.section {
			// devices.md's list "devices" is addressed as devices.serial.
			fp = p
		}
		if rd.hidden(fp) {
			rd.collect(f)
			continue
		}
		out.Field(i).Set(rd.copy(f, fp))
	}
	return out
}

// collect remembers the text of a removed value so that it can be scrubbed
// from problem messages.
func (rd *redactor) collect(v reflect.Value) {
	if !v.IsValid() || v.IsZero() || ((v.Kind() == reflect.Map || v.Kind() == reflect.Slice) && v.Len() == 0) {
		return
	}
	rd.changed = true
	rd.collectText(v)
}

func (rd *redactor) collectText(v reflect.Value) {
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		rd.removed = append(rd.removed, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			rd.collectText(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			rd.collectText(v.Index(i))
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			rd.collectText(iter.Key())
			rd.collectText(iter.Value())
		}
	case reflect.Struct:
		if s, ok := v.Interface().(interface{ String() string }); ok {
			rd.removed = append(rd.removed, s.String())
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				rd.collectText(v.Field(i))
			}
		}
	}
}

var quotedRE = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// scrubQuoted replaces every quoted value in a message: the checker quotes
// the values it complains about, and one of them may be hidden.
func scrubQuoted(msg string) string { return quotedRE.ReplaceAllString(msg, `"…"`) }

// scrub removes quoted values and every removed value from a message.
func (rd *redactor) scrub(msg string) string {
	msg = scrubQuoted(msg)
	for _, s := range rd.removed {
		// Very short values (a digit, "是") would wreck the sentence and
		// say nothing on their own.
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "…")
		}
	}
	return msg
}

var headingRE = regexp.MustCompile(`(?m)^#{1,2}\s+(.+?)\s*#*\s*$`)

// title derives a record's title again from what is left after redaction,
// the way archive.Parse does: a hidden customer name or visit time must not
// survive in the title.
func title(r *archive.Record) string {
	base := strings.TrimSuffix(path.Base(r.Path), archive.RecordSuffix)
	switch d := r.Data.(type) {
	case *archive.Customer:
		if d.Name != "" {
			return d.Name
		}
		if r.Customer != "" {
			return r.Customer
		}
	case *archive.Visit:
		t := d.Appointment
		if t.IsZero() {
			t = d.Arrived
		}
		when := base
		if !t.IsZero() {
			when = t.Date().String()
		}
		return strings.TrimSpace(when + " " + string(d.Type))
	case *archive.Page:
		if d.Title != "" {
			return d.Title
		}
		if m := headingRE.FindStringSubmatch(r.Body); m != nil {
			return m[1]
		}
		return base
	case nil:
		return base
	}
	return string(r.Kind)
}
