package archive

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// File is the content of one file of the archive at some version.
type File struct {
	Path    string
	Version string // git blob id
	Data    []byte
}

// Snapshot is the whole archive as of one commit, parsed. It is immutable:
// updates (With) share what did not change and return a new snapshot, so
// readers never see a half-applied commit.
type Snapshot struct {
	Commit   string
	Settings Settings
	// settingsProblems are the problems of dangan.yaml.
	settingsProblems []Problem
	records          shards[*Record]
	customers        shards[*Folder]
}

// Folder is one customer's records.
type Folder struct {
	ID       string
	Customer *Record
	Devices  *Record
	Topology *Record
	Progress *Record
	Training *Record
	Spares   *Record
	Leads    *Record
	Visits   []*Record // oldest first (file names start with the date)
	Notes    []*Record
	// Problems are those that need more than one file to see: missing
	// customer.md, references to devices that do not exist.
	Problems []Problem
}

// Load parses every file of a commit. Parsing problems never stop it; only a
// failure to read the files (a broken repository) is an error.
func Load(commit string, files iter.Seq2[File, error]) (*Snapshot, error) {
	s := &Snapshot{Commit: commit, Settings: DefaultSettings()}
	// Reading blobs out of git and parsing YAML take about as long as each
	// other on a large archive: parse on every core while the files are
	// still being read, instead of one after the other.
	jobs := make(chan File, 256)
	parsed := make([][]*Record, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range parsed {
		wg.Go(func() {
			for f := range jobs {
				r := Parse(f.Path, f.Data)
				r.Version = f.Version
				parsed[w] = append(parsed[w], r)
			}
		})
	}
	var readErr error
	for f, err := range files {
		if err != nil {
			readErr = fmt.Errorf("read archive at %s: %w", short(commit), err)
			break
		}
		if f.Path == SettingsFile {
			s.Settings, s.settingsProblems = ParseSettings(f.Data)
			continue
		}
		if PlaceOf(f.Path).Kind == "" {
			continue
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	// Records are kept by path, so the order the workers finished in
	// does not show.
	for _, rs := range parsed {
		for _, r := range rs {
			s.records.set(r.Path, r)
		}
	}
	s.rebuild(nil)
	return s, nil
}

// parseAll parses files on every core: YAML decoding dominates loading a
// large archive.
func parseAll(files []File) []*Record {
	out := make([]*Record, len(files))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(files)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(files); i += workers {
				r := Parse(files[i].Path, files[i].Data)
				r.Version = files[i].Version
				out[i] = r
			}
		})
	}
	wg.Wait()
	return out
}

// With returns the snapshot of a later commit, given the files that changed
// (added or modified) and the paths removed since s. Only the customers
// touched are rebuilt.
func (s *Snapshot) With(commit string, changed []File, removed []string) *Snapshot {
	n := &Snapshot{Commit: commit, Settings: s.Settings, settingsProblems: s.settingsProblems, records: s.records.clone(), customers: s.customers.clone()}
	touched := map[string]bool{}
	for _, p := range removed {
		if p == SettingsFile {
			n.Settings, n.settingsProblems = DefaultSettings(), nil
		}
		n.records.del(p)
		if c := CustomerOf(p); c != "" {
			touched[c] = true
		}
	}
	var parse []File
	var paths []string // of the records added or changed
	for _, f := range changed {
		if f.Path == SettingsFile {
			n.Settings, n.settingsProblems = ParseSettings(f.Data)
			continue
		}
		if PlaceOf(f.Path).Kind != "" {
			parse = append(parse, f)
		}
	}
	for _, r := range parseAll(parse) {
		n.records.set(r.Path, r)
		paths = append(paths, r.Path)
		if r.Customer != "" {
			touched[r.Customer] = true
		}
	}
	n.regroup(touched, paths)
	return n
}

// regroup rebuilds the folders of the customers touched from their
// records before (s.customers still holds the old folders) and the paths
// changed, without a pass over the whole archive: a one-file commit costs
// the same on 100 customers and on 10,000.
func (s *Snapshot) regroup(touched map[string]bool, changed []string) {
	candidates := map[string][]string{}
	for id := range touched {
		if f, _ := s.customers.get(id); f != nil {
			for _, r := range f.Records() {
				candidates[id] = append(candidates[id], r.Path)
			}
		}
	}
	for _, p := range changed {
		if id := CustomerOf(p); touched[id] {
			candidates[id] = append(candidates[id], p)
		}
	}
	for id := range touched {
		s.customers.del(id)
		var f *Folder
		seen := map[string]bool{}
		for _, p := range candidates[id] {
			r, _ := s.records.get(p)
			if r == nil || seen[p] || r.Customer != id {
				continue
			}
			seen[p] = true
			if f == nil {
				f = &Folder{ID: id}
			}
			f.add(r)
		}
		if f == nil {
			// Only records no folder lists (or none): look at them all, as
			// Load does; rare enough not to matter.
			s.rebuild(map[string]bool{id: true})
			continue
		}
		slices.SortFunc(f.Visits, byPath)
		slices.SortFunc(f.Notes, byPath)
		f.check()
		s.customers.set(id, f)
	}
}

// rebuild regroups records into customer folders: all of them when only is
// nil, else just the customers named.
func (s *Snapshot) rebuild(only map[string]bool) {
	fresh := map[string]*Folder{}
	for id := range only {
		s.customers.del(id)
	}
	for r := range s.records.values() {
		if r.Customer == "" || (only != nil && !only[r.Customer]) {
			continue
		}
		f := fresh[r.Customer]
		if f == nil {
			f = &Folder{ID: r.Customer}
			fresh[r.Customer] = f
		}
		f.add(r)
	}
	for id, f := range fresh {
		slices.SortFunc(f.Visits, byPath)
		slices.SortFunc(f.Notes, byPath)
		f.check()
		s.customers.set(id, f)
	}
}

func byPath(a, b *Record) int { return strings.Compare(a.Path, b.Path) }

func (f *Folder) add(r *Record) {
	switch r.Kind {
	case KindCustomer:
		f.Customer = r
	case KindDevices:
		f.Devices = r
	case KindTopology:
		f.Topology = r
	case KindProgress:
		f.Progress = r
	case KindTraining:
		f.Training = r
	case KindSpares:
		f.Spares = r
	case KindLeads:
		f.Leads = r
	case KindVisit:
		f.Visits = append(f.Visits, r)
	case KindNote:
		f.Notes = append(f.Notes, r)
	}
}

// check finds what is wrong across the files of one customer.
func (f *Folder) check() {
	f.Problems = nil
	dir := CustomersDir + "/" + f.ID
	if !ValidCustomerID(f.ID) {
		f.Problems = append(f.Problems, problemf(dir, 1, 1, SeverityError, "customer folder %q is not a valid id: %s", f.ID, phrase(CustomerIDHelp)))
	}
	if f.Customer == nil {
		f.Problems = append(f.Problems, problemf(dir+"/customer.md", 1, 1, SeverityError, "missing customer.md: every customer folder needs a profile (kind: customer, with at least name)"))
	}
	// When devices.md cannot be read at all, every reference would look
	// unknown; its own error says enough.
	if f.Devices != nil && f.Devices.Data == nil {
		return
	}
	known := map[string]bool{}
	if f.Devices != nil {
		for _, d := range f.Devices.Defines {
			known[d.ID] = true
		}
	}
	for _, r := range f.Records() {
		for _, ref := range r.Refs {
			if !known[ref.ID] {
				f.Problems = append(f.Problems, problemf(r.Path, ref.Line, ref.Col, SeverityError, "unknown device %q: %s/devices.md has no device with this id", ref.ID, dir))
			}
		}
	}
}

// Records returns every record of the customer, profile first.
func (f *Folder) Records() []*Record {
	var rs []*Record
	for _, r := range []*Record{f.Customer, f.Devices, f.Topology, f.Progress, f.Training, f.Spares, f.Leads} {
		if r != nil {
			rs = append(rs, r)
		}
	}
	rs = append(rs, f.Visits...)
	return append(rs, f.Notes...)
}

// Profile returns the customer's profile, or an empty one when customer.md
// is missing or unreadable, so pages can still show the rest.
func (f *Folder) Profile() *Customer {
	if c := f.Customer.AsCustomer(); c != nil {
		return c
	}
	return &Customer{Kind: KindCustomer, Name: f.ID}
}

// Name is the customer's name, or its id when the profile has none.
func (f *Folder) Name() string {
	if n := f.Profile().Name; n != "" {
		return n
	}
	return f.ID
}

// DeviceList returns the customer's devices (nil when there are none).
func (f *Folder) DeviceList() []Device {
	if d := f.Devices.AsDevices(); d != nil {
		return d.Devices
	}
	return nil
}

// Device finds a device by id.
func (f *Folder) Device(id string) (Device, bool) {
	for _, d := range f.DeviceList() {
		if d.ID == id {
			return d, true
		}
	}
	return Device{}, false
}

// Record returns the record at a path, or nil.
func (s *Snapshot) Record(path string) *Record { r, _ := s.records.get(path); return r }

// Customer returns one customer's folder, or nil.
func (s *Snapshot) Customer(id string) *Folder { f, _ := s.customers.get(id); return f }

// CustomerIDs returns every customer id, sorted.
func (s *Snapshot) CustomerIDs() []string {
	return slices.Sorted(s.customers.keys())
}

// Customers iterates the customer folders in id order.
func (s *Snapshot) Customers() iter.Seq[*Folder] {
	return func(yield func(*Folder) bool) {
		for _, id := range s.CustomerIDs() {
			if !yield(s.Customer(id)) {
				return
			}
		}
	}
}

// Records iterates every record in path order.
func (s *Snapshot) Records() iter.Seq[*Record] {
	return func(yield func(*Record) bool) {
		for _, p := range slices.Sorted(s.records.keys()) {
			if !yield(s.Record(p)) {
				return
			}
		}
	}
}

// Len is the number of records.
func (s *Snapshot) Len() int { return s.records.len() }

// Guides returns the guides in path order.
func (s *Snapshot) Guides() []*Record {
	var gs []*Record
	for r := range s.records.values() {
		if r.Kind == KindGuide {
			gs = append(gs, r)
		}
	}
	slices.SortFunc(gs, byPath)
	return gs
}

// Problems returns every problem of the archive, sorted by file and line.
func (s *Snapshot) Problems() []Problem {
	ps := slices.Clone(s.settingsProblems)
	for r := range s.records.values() {
		ps = append(ps, r.Problems...)
	}
	for f := range s.customers.values() {
		ps = append(ps, f.Problems...)
	}
	SortProblems(ps)
	return ps
}

func short(commit string) string {
	if len(commit) > 10 {
		return commit[:10]
	}
	if commit == "" {
		return "(no commit)"
	}
	return commit
}
