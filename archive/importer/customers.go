package importer

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
)

// customers plans a customer list import: one customer.md per row, created
// or updated.
func (w *work) customers(t *Table) error {
	cols, err := findColumns(Customers, t, w.opt.Map, w.opt.MapField)
	if err != nil {
		return err
	}
	w.noteIgnored(cols)
	_, hasID := cols.Field["id"]
	if _, ok := cols.Field["name"]; !ok && !hasID {
		return errorf("sheet %s has no 客户名称 (name) or 客户编号 (id) column", t.Sheet)
	}
	byName := w.namesToIDs()
	rows := cols.Rows(t)
	w.plan.Rows = len(rows)
	seen := map[string]int{}
	for _, r := range rows {
		id, name, cerr := w.customerID(cols, r, byName)
		if cerr != nil {
			w.bad(t.Sheet, r.N, cerr.column, "%v", cerr.err)
			continue
		}
		if first, dup := seen[id]; dup {
			w.bad(t.Sheet, r.N, Cell{}, "row %d already imports customer %s", first, id)
			continue
		}
		f := w.folder(id)
		if w.opt.Allow != nil {
			if err := w.opt.Allow(id, f); err != nil {
				w.bad(t.Sheet, r.N, Cell{}, "%v", err)
				continue
			}
		}
		vals, ok := w.readCustomer(t, cols, r)
		if !ok {
			continue
		}
		seen[id] = r.N
		ef, err := w.file(archive.RecordPath(id, archive.KindCustomer), archive.KindCustomer)
		if err != nil {
			w.bad(t.Sheet, r.N, Cell{}, "%v", err)
			continue
		}
		if f == nil {
			res := w.result(id, name, true)
			res.Added++
			byName[nameKey(name)] = id
			setKey(ef.doc.front, "name", str(name))
			vals.apply(ef.doc.front)
			continue
		}
		res := w.result(id, f.Name(), false)
		if name != "" && !sameScalar(ef.doc.front, "name", str(name)) && nameKey(name) != nameKey(f.Name()) {
			setKey(ef.doc.front, "name", str(name))
			res.Name = name
			vals.changed = true
		}
		if vals.apply(ef.doc.front) || vals.changed {
			res.Updated++
		} else {
			res.Unchanged++
		}
	}
	return nil
}

// customerID finds the customer a row is about: its id column, else an
// existing customer of that name, else an id made from the name.
func (w *work) customerID(cols *Columns, r Row, byName map[string]string) (id, name string, _ *cellError) {
	name, _ = cols.Get(r, "name")
	name = Text(name)
	if v, _ := cols.Get(r, "id"); v != "" {
		id = strings.ToLower(Text(v))
		if !archive.ValidCustomerID(id) {
			return "", "", &cellError{cols.Where("id"), errorf("%q is not a customer id: %s", v, phrase(archive.CustomerIDHelp))}
		}
		if err := w.hidden(id); err != nil {
			// Reported on the row, as Allow's refusal of a free id is.
			return "", "", &cellError{Cell{}, err}
		}
		if w.folder(id) == nil && name == "" {
			return "", "", &cellError{cols.Where("name"), errorf("a new customer needs a name")}
		}
		return id, name, nil
	}
	if name == "" {
		return "", "", &cellError{cols.Where("name"), errorf("the row has no customer name")}
	}
	if id, ok := byName[nameKey(name)]; ok {
		return id, name, nil
	}
	base := CustomerID(name)
	if base == "" {
		return "", "", &cellError{cols.Where("name"), errorf("no customer id can be made from the name %q; add a 客户编号 column", name)}
	}
	// A different customer may already have the id the name gives; the
	// first free -2, -3 … is taken, so the same list imported twice gives
	// the same ids (the second time, the names match).
	id = base
	for i := 2; w.snap.Customer(id) != nil || w.results[id] != nil; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id, name, nil
}

// customerValues are the cells of one customer row, ready to apply.
type customerValues struct {
	scalars     []keyValue
	technicians []string
	tags        []string
	contact     map[string]string // name, role, phone, email
	contract    []keyValue
	restricted  *bool
	changed     bool
}

func (w *work) readCustomer(t *Table, cols *Columns, r Row) (*customerValues, bool) {
	v := &customerValues{contact: map[string]string{}}
	ok := true
	fail := func(field string, format string, args ...any) {
		w.bad(t.Sheet, r.N, cols.Where(field), format, args...)
		ok = false
	}
	get := func(f string) string { s, _ := cols.Get(r, f); return s }
	for _, f := range []string{"industry", "district", "address"} {
		if s := get(f); s != "" {
			v.scalars = append(v.scalars, keyValue{f, str(Text(s))})
		}
	}
	if s := get("account_manager"); s != "" {
		if id := PersonID(s); id != "" {
			v.scalars = append(v.scalars, keyValue{"account_manager", str(id)})
		} else {
			fail("account_manager", "%q is not a person's name or id", s)
		}
	}
	for _, p := range SplitList(get("technicians")) {
		if id := PersonID(p); id != "" && !slices.Contains(v.technicians, id) {
			v.technicians = append(v.technicians, id)
		}
	}
	for _, tag := range SplitList(get("tags")) {
		if !slices.Contains(v.tags, tag) {
			v.tags = append(v.tags, Text(tag))
		}
	}
	for _, f := range []string{"contact", "contact_role", "phone", "email"} {
		if s := get(f); s != "" {
			v.contact[strings.TrimPrefix(f, "contact_")] = Text(s)
		}
	}
	if c, ok := v.contact["contact"]; ok {
		v.contact["name"] = c
		delete(v.contact, "contact")
	}
	if len(v.contact) > 0 && v.contact["name"] == "" {
		field := "phone"
		if _, ok := cols.Field[field]; !ok || get(field) == "" {
			field = "email"
		}
		fail(field, "a phone number or e-mail needs the contact's name (联系人) in the same row")
	}
	if s := get("contract_id"); s != "" {
		v.contract = append(v.contract, keyValue{"id", str(Text(s))})
	}
	var start, end archive.Date
	for _, f := range []string{"contract_start", "contract_end"} {
		s := get(f)
		if s == "" {
			continue
		}
		d, err := ParseDate(s)
		if err != nil {
			fail(f, "%v", err)
			continue
		}
		if f == "contract_start" {
			start = d
		} else {
			end = d
		}
		v.contract = append(v.contract, keyValue{strings.TrimPrefix(f, "contract_"), dateNode(d)})
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		fail("contract_end", "the contract ends (%s) before it starts (%s)", end, start)
	}
	if s := get("restricted"); s != "" {
		b, err := ParseBool(s)
		if err != nil {
			fail("restricted", "%v", err)
		} else {
			v.restricted = &b
		}
	}
	return v, ok
}

// apply writes the values into a customer.md front matter and reports
// whether anything changed.
func (v *customerValues) apply(m *yaml.Node) bool {
	changed := false
	for _, kv := range v.scalars {
		if !sameScalar(m, kv.key, kv.val) {
			setKey(m, kv.key, kv.val)
			changed = true
		}
	}
	if len(v.technicians) > 0 && addToList(m, "technicians", v.technicians) {
		changed = true
	}
	if len(v.tags) > 0 && addToList(m, "tags", v.tags) {
		changed = true
	}
	if v.restricted != nil {
		cur := scalarOf(m, "restricted") == "true"
		if cur != *v.restricted {
			setKey(m, "restricted", boolNode(*v.restricted))
			changed = true
		}
	}
	if len(v.contact) > 0 {
		list := listOf(m, "contacts")
		var c *yaml.Node
		for _, item := range list.Content {
			if nameKey(scalarOf(item, "name")) == nameKey(v.contact["name"]) {
				c = item
			}
		}
		if c == nil {
			c = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			list.Content = append(list.Content, c)
			changed = true
		}
		for _, k := range []string{"name", "role", "phone", "email"} {
			if s, ok := v.contact[k]; ok && !sameScalar(c, k, str(s)) {
				setKey(c, k, str(s))
				changed = true
			}
		}
	}
	if len(v.contract) > 0 {
		c := mapOf(m, "contract", true)
		for _, kv := range v.contract {
			if !sameScalar(c, kv.key, kv.val) {
				setKey(c, kv.key, kv.val)
				changed = true
			}
		}
	}
	return changed
}

// addToList adds the values a list lacks (technicians, tags), keeping
// those already there: a list names who else is assigned, not only who the
// sheet names.
func addToList(m *yaml.Node, key string, vals []string) bool {
	n := getKey(m, key)
	if n == nil || n.Kind != yaml.SequenceNode {
		setKey(m, key, strList(vals))
		return true
	}
	changed := false
	for _, v := range vals {
		if !slices.ContainsFunc(n.Content, func(x *yaml.Node) bool { return x.Value == v }) {
			n.Content = append(n.Content, str(v))
			changed = true
		}
	}
	return changed
}
