package edit

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"go.yaml.in/yaml/v3"
)

// Values returns the form values that show the record as it is, named as
// Apply reads them: a form filled with them and posted back unchanged
// leaves the file byte for byte as it was. Values the schema does not
// expect (a list where text should be) are left out, so a form never
// offers to overwrite what it cannot show.
func (f *File) Values(k archive.Kind) url.Values {
	out := url.Values{}
	fields := archive.Schema(k)
	if f.root == nil {
		return out
	}
	values(out, f.root, fields, Prefix)
	return out
}

func values(out url.Values, m *yaml.Node, fields []archive.Field, prefix string) {
	for _, fd := range fields {
		key := prefix + fd.Key
		n := lookup(m, fd.Key)
		switch fd.Type {
		case "list":
			if n != nil && n.Kind != yaml.SequenceNode {
				continue
			}
			out.Set(key+"._list", "1")
			if n == nil {
				continue
			}
			for i, row := range n.Content {
				if row.Kind != yaml.MappingNode {
					continue
				}
				rk := key + "." + strconv.Itoa(i)
				out.Set(rk+"._orig", strconv.Itoa(i))
				values(out, row, fd.Fields, rk+".")
			}
		case "mapping":
			if n != nil && n.Kind == yaml.MappingNode {
				values(out, n, fd.Fields, key+".")
			}
		case "list of text":
			if n == nil || n.Kind != yaml.SequenceNode {
				continue
			}
			items := make([]string, 0, len(n.Content))
			for _, c := range n.Content {
				if c.Kind != yaml.ScalarNode {
					items = nil
					break
				}
				items = append(items, c.Value)
			}
			if items != nil {
				out.Set(key, strings.Join(items, ", "))
			}
		default:
			if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
				continue
			}
			v := n.Value
			if fd.Type == "datetime" {
				if t, err := archive.ParseDateTime(v); err == nil && t.Second() == 0 {
					v = t.String()
				}
			}
			out.Set(key, v)
		}
	}
}

// ListItems reads a list of text the way Apply does, for forms that show
// the items one by one (the devices a visit touched).
func ListItems(v string) []string { return splitList([]string{v}) }

// ListItemsOf reads the items of several posted values (checkboxes).
func ListItemsOf(vs []string) []string { return splitList(vs) }
