package archive

import (
	"reflect"
	"strings"
)

// Field describes one front-matter key of a record kind, read from the Go
// types by reflection: the docs (docs/FORMAT.md) and the site's forms are
// generated from it, so the types stay the format's single source of truth.
type Field struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"` // the Chinese label forms show
	Type     string   `json:"type"`  // text, number, true/false, date, datetime, list of text, list, mapping
	Required bool     `json:"required,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Fields   []Field  `json:"fields,omitempty"` // of a list of mappings, or a mapping
}

// enums are the closed sets of values, by the Go type or key that holds them.
var enums = map[string][]string{
	"DeviceStatus":       toStrings(DeviceStatuses),
	"VisitType":          toStrings(VisitTypes),
	"Outcome":            toStrings(Outcomes),
	"leads.status":       LeadStatuses,
	"tracked.status":     LeadStatuses,
	"milestones.status":  MilestoneStatuses,
	"visit.satisfaction": Satisfactions,
}

func toStrings[T ~string](xs []T) []string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return s
}

// Schema returns the fields of a record kind, in the order of the types.
func Schema(k Kind) []Field {
	v := newData(k)
	if v == nil {
		return nil
	}
	return fieldsOf(reflect.TypeOf(v).Elem(), string(k))
}

var (
	dateType     = reflect.TypeOf(Date{})
	dateTimeType = reflect.TypeOf(DateTime{})
)

func fieldsOf(t reflect.Type, parent string) []Field {
	var fs []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if key == "" || key == "-" || key == "kind" {
			continue
		}
		f := Field{Key: key, Label: sf.Tag.Get("doc"), Required: sf.Tag.Get("required") == "true"}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		f.Enum = enums[ft.Name()]
		if e, ok := enums[parent+"."+key]; ok {
			f.Enum = e
		}
		switch {
		case ft == dateType:
			f.Type = "date"
		case ft == dateTimeType:
			f.Type = "datetime"
		case ft.Kind() == reflect.String:
			f.Type = "text"
		case ft.Kind() == reflect.Int:
			f.Type = "number"
		case ft.Kind() == reflect.Bool:
			f.Type = "true/false"
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			f.Type = "list of text"
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			f.Type = "list"
			f.Fields = fieldsOf(ft.Elem(), key)
		case ft.Kind() == reflect.Struct:
			f.Type = "mapping"
			f.Fields = fieldsOf(ft, key)
		default:
			f.Type = ft.Kind().String()
		}
		fs = append(fs, f)
	}
	return fs
}

// KindFile says where records of a kind live, for documentation.
func KindFile(k Kind) string {
	switch k {
	case KindVisit:
		return "customers/ID/visits/YYYY-MM-DD-TYPE.md"
	case KindNote:
		return "customers/ID/notes/*.md"
	case KindGuide:
		return "guides/*.md"
	}
	return "customers/ID/" + singleFile[k]
}
