package importer

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
)

// deviceFields are the device keys a row can set, in the order a new
// device is written (the order of the archive's example).
var deviceFields = []string{"role", "vendor", "model", "serial", "mgmt_ip", "location", "installed", "warranty_until", "eol", "firmware", "status", "utilisation"}

// deviceRow is one readable row of a device list.
type deviceRow struct {
	row Row
	id  string
	// fill only sets keys the device lacks: a topology file knows less
	// about a device than the archive (its label is not its role).
	fill   bool
	values []keyValue // in deviceFields order, only the cells that hold something
}

type keyValue struct {
	key string
	val *yaml.Node
}

func (d deviceRow) get(key string) string {
	for _, kv := range d.values {
		if kv.key == key {
			return kv.val.Value
		}
	}
	return ""
}

// readDevice reads the cells of one row; every cell that cannot be read is
// reported, and the row is then left out whole.
func (w *work) readDevice(t *Table, cols *Columns, r Row) (deviceRow, bool) {
	d := deviceRow{row: r}
	ok := true
	fail := func(field string, err error) {
		w.bad(t.Sheet, r.N, cols.Where(field), "%v", err)
		ok = false
	}
	if v, _ := cols.Get(r, "id"); v != "" {
		d.id = Text(v)
	}
	for _, f := range deviceFields {
		v, _ := cols.Get(r, f)
		if v == "" {
			continue
		}
		var n *yaml.Node
		switch f {
		case "vendor":
			n = str(NormalizeVendor(v))
		case "mgmt_ip":
			ip, err := ParseIP(v)
			if err != nil {
				fail(f, err)
				continue
			}
			n = str(ip)
		case "installed", "warranty_until", "eol":
			day, err := ParseDate(v)
			if err != nil {
				fail(f, err)
				continue
			}
			n = dateNode(day)
		case "status":
			st, err := ParseStatus(v)
			if err != nil {
				fail(f, err)
				continue
			}
			n = str(string(st))
		case "utilisation":
			pct, err := ParsePercent(v)
			if err != nil {
				fail(f, err)
				continue
			}
			n = intNode(pct)
		case "serial", "model", "firmware":
			n = str(strings.TrimSpace(narrowLatin(v)))
		default:
			n = str(Text(v))
		}
		d.values = append(d.values, keyValue{f, n})
	}
	if ok && d.id == "" && d.get("role") == "" && d.get("model") == "" && d.get("serial") == "" {
		w.bad(t.Sheet, r.N, Cell{}, "the row has no device id, name, model or serial, so it cannot be told apart from other devices")
		return d, false
	}
	return d, ok
}

// devices plans a device list import.
func (w *work) devices(t *Table) error {
	cols, err := findColumns(Devices, t, w.opt.Map, w.opt.MapField)
	if err != nil {
		return err
	}
	w.noteIgnored(cols)
	_, hasID := cols.Field["customer"]
	_, hasName := cols.Field["customer_name"]
	if w.opt.Customer == "" && !hasID && !hasName {
		if w.opt.CustomerField != nil {
			return errorf("say which customer the devices of %s belong to: the field %s, or a 客户编号 or 客户名称 column", t.Sheet, *w.opt.CustomerField)
		}
		return errorf("say which customer the devices of %s belong to: --customer ID, or a 客户编号 or 客户名称 column", t.Sheet)
	}
	if w.opt.Customer != "" && !archive.ValidCustomerID(w.opt.Customer) {
		return w.badCustomer()
	}
	byName := w.namesToIDs()
	rows := cols.Rows(t)
	w.plan.Rows = len(rows)
	lists := map[string]*deviceList{}
	for _, r := range rows {
		d, ok := w.readDevice(t, cols, r)
		if !ok {
			continue
		}
		cust, err := w.deviceCustomer(cols, r, byName)
		if err != nil {
			w.bad(t.Sheet, r.N, err.column, "%v", err.err)
			continue
		}
		l, ok := lists[cust]
		if !ok {
			var lerr error
			if l, lerr = w.deviceList(cust); lerr != nil {
				w.bad(t.Sheet, r.N, Cell{}, "%v", lerr)
				continue
			}
			lists[cust] = l
		}
		if l.err != nil {
			w.bad(t.Sheet, r.N, Cell{}, "%v", l.err)
			continue
		}
		if _, err := l.merge(d); err != nil {
			w.bad(t.Sheet, r.N, Cell{}, "%v", err)
		}
	}
	return nil
}

// cellError is why a row is left out, and the cell to blame.
type cellError struct {
	column Cell
	err    error
}

// deviceCustomer decides which customer a row's device belongs to.
func (w *work) deviceCustomer(cols *Columns, r Row, byName map[string]string) (string, *cellError) {
	if w.opt.Customer != "" {
		return w.opt.Customer, nil
	}
	if id, _ := cols.Get(r, "customer"); id != "" {
		id = strings.ToLower(Text(id))
		if w.folder(id) == nil {
			return "", &cellError{cols.Where("customer"), errorf("there is no customer %q in the archive", id)}
		}
		return id, nil
	}
	if name, _ := cols.Get(r, "customer_name"); name != "" {
		if id, ok := byName[nameKey(name)]; ok {
			return id, nil
		}
		if w.opt.CustomerField != nil {
			return "", &cellError{cols.Where("customer_name"), errorf("there is no customer named %q in the archive; import the customer list first, or choose the customer in the field %s", Text(name), *w.opt.CustomerField)}
		}
		return "", &cellError{cols.Where("customer_name"), errorf("there is no customer named %q in the archive; import the customer list first, or give --customer", Text(name))}
	}
	return "", &cellError{Cell{}, errorf("the row does not say which customer the device belongs to")}
}

// namesToIDs maps the customers' names (as nameKey) to their ids; a name
// two customers share maps to neither.
func (w *work) namesToIDs() map[string]string {
	m := map[string]string{}
	dup := map[string]bool{}
	for f := range w.snap.Customers() {
		if w.opt.Visible != nil && !w.opt.Visible(f) {
			continue
		}
		k := nameKey(f.Name())
		if _, ok := m[k]; ok {
			dup[k] = true
		}
		m[k] = f.ID
	}
	for k := range dup {
		delete(m, k)
	}
	return m
}

// nameKey is how names are compared: width, case and spaces do not count.
func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(narrowLatin(s)), ""))
}

// deviceList is a customer's devices.md being merged into.
type deviceList struct {
	customer string
	res      *CustomerResult
	list     *yaml.Node
	ids      map[string]bool // every id in the folder: devices and external nodes
	byID     map[string]*yaml.Node
	bySerial map[string]*yaml.Node
	rowOf    map[*yaml.Node]int // device → the row of this import that set it
	next     map[string]int     // id base → the last number given
	err      error              // the customer cannot take devices (reported per row)
}

// deviceList opens a customer's devices.md for merging, creating the
// customer when the id is new.
func (w *work) deviceList(cust string) (*deviceList, error) {
	f := w.folder(cust)
	if err := w.hidden(cust); err != nil {
		return &deviceList{err: err}, nil
	}
	if w.opt.Allow != nil {
		if err := w.opt.Allow(cust, f); err != nil {
			return &deviceList{err: err}, nil
		}
	}
	if err := w.ensureCustomer(cust, f); err != nil {
		return nil, err
	}
	ef, err := w.file(archive.RecordPath(cust, archive.KindDevices), archive.KindDevices)
	if err != nil {
		return &deviceList{err: err}, nil
	}
	l := &deviceList{customer: cust, ids: map[string]bool{}, byID: map[string]*yaml.Node{}, bySerial: map[string]*yaml.Node{}, rowOf: map[*yaml.Node]int{}, next: map[string]int{}}
	l.res = w.results[cust]
	l.list = listOf(ef.doc.front, "devices")
	for _, item := range l.list.Content {
		if id := scalarOf(item, "id"); id != "" {
			l.ids[id], l.byID[id] = true, item
		}
		if s := scalarOf(item, "serial"); s != "" {
			l.bySerial[serialKey(s)] = item
		}
	}
	if f != nil && f.Topology != nil {
		if t := f.Topology.AsTopology(); t != nil {
			for _, e := range t.External {
				l.ids[e.ID] = true
			}
		}
	}
	return l, nil
}

func serialKey(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(narrowLatin(s)), ""))
}

// hidden refuses an id taken by a customer the importer may not see, in
// the words used for an id that is free (Allow's refusal to create), so
// that the answer does not tell that the customer exists.
func (w *work) hidden(id string) error {
	if w.snap.Customer(id) == nil || w.folder(id) != nil {
		return nil
	}
	if w.opt.Allow != nil {
		if err := w.opt.Allow(id, nil); err != nil {
			return err
		}
	}
	return errorf("customer id %s cannot be used; choose another", id)
}

// ensureCustomer makes sure the customer has a tally and, when it is new,
// a customer.md.
func (w *work) ensureCustomer(id string, f *archive.Folder) error {
	if _, ok := w.results[id]; ok {
		return nil
	}
	if f != nil {
		w.result(id, f.Name(), false)
		return nil
	}
	name := w.opt.Name
	if name == "" || id != w.opt.Customer {
		name = id
	}
	if w.newName != "" && id == w.opt.Customer && w.opt.Name == "" {
		name = w.newName
	}
	ef, err := w.file(archive.RecordPath(id, archive.KindCustomer), archive.KindCustomer)
	if err != nil {
		return err
	}
	setKey(ef.doc.front, "name", str(name))
	w.result(id, name, true)
	return nil
}

// merge adds or updates one device and returns its id, or says why not
// when it cannot.
func (l *deviceList) merge(d deviceRow) (string, error) {
	var item *yaml.Node
	serial := d.get("serial")
	switch {
	case d.id != "" && l.byID[d.id] != nil:
		item = l.byID[d.id]
	case serial != "" && l.bySerial[serialKey(serial)] != nil:
		item = l.bySerial[serialKey(serial)]
		if d.id != "" && scalarOf(item, "id") != d.id {
			return "", errorf("serial %s belongs to device %s, not %s; correct the id or the serial", serial, scalarOf(item, "id"), d.id)
		}
	}
	if item != nil {
		if first, dup := l.rowOf[item]; dup {
			return "", errorf("row %d already imports device %s (same id or serial)", first, scalarOf(item, "id"))
		}
		l.rowOf[item] = d.row.N
		changed := false
		for _, kv := range d.values {
			if d.fill && getKey(item, kv.key) != nil {
				continue
			}
			if !sameScalar(item, kv.key, kv.val) {
				setKey(item, kv.key, kv.val)
				changed = true
			}
		}
		if changed {
			l.res.Updated++
		} else {
			l.res.Unchanged++
		}
		return scalarOf(item, "id"), nil
	}
	id := d.id
	if id == "" {
		base := DeviceIDBase(d.get("role"), d.get("model"))
		// Numbering resumes where this base last stopped: a list of
		// 2,000 access switches must not try access-sw-1 … each time.
		for i := l.next[base] + 1; ; i++ {
			if id = base + "-" + strconv.Itoa(i); !l.ids[id] {
				l.next[base] = i
				break
			}
		}
	} else if l.ids[id] {
		return "", errorf("id %s is already used by an external node of the topology", id)
	}
	item = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	setKey(item, "id", str(id))
	for _, kv := range d.values {
		setKey(item, kv.key, kv.val)
	}
	l.list.Content = append(l.list.Content, item)
	l.ids[id], l.byID[id] = true, item
	if serial != "" {
		l.bySerial[serialKey(serial)] = item
	}
	l.rowOf[item] = d.row.N
	l.res.Added++
	return id, nil
}

// noteIgnored tells which columns nothing reads, so a misspelt heading is
// noticed before the import rather than after.
func (w *work) noteIgnored(cols *Columns) {
	if len(cols.Ignored) > 0 {
		if w.opt.MapField != nil {
			w.note("columns not imported: %s (to import them, name them in the field %s, as HEADING=field)", strings.Join(cols.Ignored, ", "), *w.opt.MapField)
			return
		}
		w.note("columns not imported: %s (name them with --map 'HEADING=field' to import them)", strings.Join(cols.Ignored, ", "))
	}
}

// badCustomer says that the customer chosen for the whole file is not an
// id, naming the flag or the form's field it was given in.
func (w *work) badCustomer() error {
	if w.opt.CustomerField != nil {
		return errorf("customer %q: %s", w.opt.Customer, phrase(archive.CustomerIDHelp))
	}
	return errorf("--customer %q: %s", w.opt.Customer, phrase(archive.CustomerIDHelp))
}
