package edit

import (
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"go.yaml.in/yaml/v3"
)

// NewFile is a file to create in the archive.
type NewFile struct {
	Path string
	Data []byte
}

// TemplateKinds are the records a new customer starts with: the profile,
// the five the maintenance standard asks for, and the needs list for
// marketing. Empty records say "nothing written yet" to the health pages,
// and give editors a file to open.
var TemplateKinds = []archive.Kind{archive.KindCustomer, archive.KindDevices, archive.KindTopology, archive.KindProgress, archive.KindTraining, archive.KindSpares, archive.KindLeads}

// NewCustomer returns the files of a new customer folder: customer.md with
// the profile fields of the form (f.name, f.industry, ...) and body, and an
// empty record of every other template kind.
func NewCustomer(id string, form url.Values, body string) ([]NewFile, error) {
	if !archive.ValidCustomerID(id) {
		return nil, fmt.Errorf("%q is not a customer id: %s", id, archive.CustomerIDHelp)
	}
	var files []NewFile
	for _, k := range TemplateKinds {
		f := New(k)
		if k == archive.KindCustomer {
			f.Apply(k, form)
			f.SetBody(body)
		}
		b, err := f.Bytes()
		if err != nil {
			return nil, err
		}
		files = append(files, NewFile{Path: archive.RecordPath(id, k), Data: b})
	}
	return files, nil
}

// VisitPath returns the path for a new visit record of a customer on a
// day: visits/YYYY-MM-DD-TYPE.md, with -2, -3... when the day already has
// one of that type (exists says whether a path is taken).
func VisitPath(customer string, day archive.Date, t archive.VisitType, exists func(string) bool) string {
	kind := string(t)
	if kind == "" {
		kind = "visit"
	}
	base := archive.CustomersDir + "/" + customer + "/" + archive.VisitsDir + "/" + day.String() + "-" + kind
	p := base + archive.RecordSuffix
	for i := 2; exists(p); i++ {
		p = base + "-" + strconv.Itoa(i) + archive.RecordSuffix
	}
	return p
}

// AddLead appends a need to leads.md (content nil: the file is new) and
// returns the new content. Its id is the next free "n<number>" so that the
// lead can be named in links and by marketing.
func AddLead(content []byte, need archive.Need) ([]byte, error) {
	var f *File
	if content == nil {
		f = New(archive.KindLeads)
	} else {
		var err error
		if f, err = Open(content); err != nil {
			return nil, fmt.Errorf("leads.md: %w", err)
		}
	}
	if f.root == nil {
		return nil, fmt.Errorf("leads.md has no front matter to add a need to")
	}
	n := 0
	if seq := lookup(f.root, "leads"); seq != nil && seq.Kind == yaml.SequenceNode {
		n = len(seq.Content)
		if need.ID == "" {
			need.ID = nextID(seq)
		}
	} else if need.ID == "" {
		need.ID = "n1"
	}
	form := url.Values{
		"f.leads._list": {"1"},
	}
	for i := range n {
		form.Set(fmt.Sprintf("f.leads.%d._orig", i), strconv.Itoa(i))
	}
	rk := fmt.Sprintf("f.leads.%d.", n)
	for k, v := range map[string]string{"id": need.ID, "date": need.Date.String(), "need": need.Need, "product": need.Product, "noted_by": need.NotedBy, "status": need.Status} {
		form.Set(rk+k, v)
	}
	f.Apply(archive.KindLeads, form)
	return f.Bytes()
}

// nextID returns "n" and one more than the largest n<number> id in use.
func nextID(seq *yaml.Node) string {
	top := 0
	for _, row := range seq.Content {
		if id := lookup(row, "id"); id != nil {
			if v, err := strconv.Atoi(strings.TrimPrefix(id.Value, "n")); err == nil && strings.HasPrefix(id.Value, "n") {
				top = max(top, v)
			}
		}
	}
	return "n" + strconv.Itoa(max(top, len(seq.Content))+1)
}

// SetLeadStatuses sets the status of leads by their position in leads.md
// and changes nothing else: what marketing may do.
func SetLeadStatuses(content []byte, status map[int]string) ([]byte, error) {
	f, err := Open(content)
	if err != nil {
		return nil, fmt.Errorf("leads.md: %w", err)
	}
	seq := lookup(f.root, "leads")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return content, nil
	}
	fd := archive.Field{Key: "status", Type: "text"}
	for i, s := range status {
		if i < 0 || i >= len(seq.Content) || seq.Content[i].Kind != yaml.MappingNode {
			return nil, fmt.Errorf("leads.md has no lead number %d", i+1)
		}
		a := applier{ed: f.edits()}
		a.setScalar(seq.Content[i], fd, s, []string{"id", "date", "need", "product", "noted_by", "status"})
		f.frontChanged = f.frontChanged || a.changed
	}
	return f.Bytes()
}

// AttachmentPath returns where an uploaded file goes: beside the record, in
// the record's folder, named after the record and the upload's own name
// made safe (lowercase ASCII letters, digits, - and _), with ext.
func AttachmentPath(recordPath, uploadName, ext string, exists func(string) bool) string {
	dir, file := path.Split(recordPath)
	stem := strings.TrimSuffix(file, archive.RecordSuffix)
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(uploadName, "\\", "/")), path.Ext(uploadName))
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	safe := strings.Trim(b.String(), "-_")
	if safe == "" {
		safe = "image"
	}
	base := dir + stem + "-" + safe
	p := base + ext
	for i := 2; exists(p); i++ {
		p = base + "-" + strconv.Itoa(i) + ext
	}
	return p
}
