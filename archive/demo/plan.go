package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// The generator first plans each customer's whole life in the archive: every
// fact carries the time from which the archive knows it, and every change is
// attached to the commit (event) that writes it down. Files are rendered
// only when a commit is emitted, as they stood at that commit, so memory
// holds plans rather than every version of every file.

// timed is a value the archive shows from at until until (zero: for good).
type timed[T any] struct {
	at, until time.Time
	v         T
}

func (x timed[T]) visible(t time.Time) bool {
	return !x.at.After(t) && (x.until.IsZero() || t.Before(x.until))
}

// latest returns the value of the last entry visible at t.
func latest[T any](xs []timed[T], t time.Time, def T) T {
	v := def
	for _, x := range xs {
		if x.visible(t) {
			v = x.v
		}
	}
	return v
}

type hardware struct {
	Serial              string
	Installed, Warranty archive.Date
	Firmware            string
}

type devPlan struct {
	base   archive.Device // id, role, vendor, model, mgmt_ip, location, eol
	role   role
	model  model
	at     time.Time
	hw     []timed[hardware]
	status []timed[archive.DeviceStatus]
	util   []timed[int]
	busy   int // the utilisation a busy device climbs to; 0 for the others
	// typo is a serial mistyped when the device was first written down,
	// shown until a later commit corrects it.
	typo      string
	typoUntil time.Time
}

func (d *devPlan) asOf(t time.Time) archive.Device {
	out := d.base
	h := latest(d.hw, t, hardware{})
	out.Serial, out.Installed, out.WarrantyUntil, out.Firmware = h.Serial, h.Installed, h.Warranty, h.Firmware
	if d.typo != "" && t.Before(d.typoUntil) {
		out.Serial = d.typo
	}
	out.Status = latest(d.status, t, archive.InService)
	if u := latest(d.util, t, -1); u >= 0 {
		out.Utilisation = intp(u)
	}
	return out
}

func (d *devPlan) hwAt(t time.Time) hardware { return latest(d.hw, t, hardware{}) }

type milestonePlan struct {
	name      string
	due, done archive.Date // done zero: not done by Today
	note      string       // why it slipped
}

type projectPlan struct {
	at   time.Time
	name string
	ms   []milestonePlan
}

// asOf writes the milestones as the technician would have on day d.
func (p *projectPlan) asOf(d archive.Date) archive.Project {
	out := archive.Project{Name: p.name}
	current := true
	for _, m := range p.ms {
		am := archive.Milestone{Name: m.name, Due: m.due}
		switch {
		case !m.done.IsZero() && !m.done.After(d):
			am.Done = m.done
			if m.done.After(m.due) {
				am.Note = m.note
			}
		case m.due.Before(d):
			am.Status, am.Note = "delayed", m.note
			current = false
		case current:
			am.Status = "in_progress"
			current = false
		}
		out.Milestones = append(out.Milestones, am)
	}
	return out
}

type partPlan struct {
	at      time.Time
	p       archive.Part
	arrived time.Time // from then on_hand covers required; zero: never
}

type needPlan struct {
	at     time.Time
	n      archive.Need
	status []timed[string]
}

type visitPlan struct {
	at   time.Time
	path string
	// wrongPath is where the visit was first saved, until fixedAt.
	wrongPath string
	fixedAt   time.Time
	v         archive.Visit
	body      string
}

func (v *visitPlan) pathAt(t time.Time) string {
	if v.wrongPath != "" && t.Before(v.fixedAt) {
		return v.wrongPath
	}
	return v.path
}

type notePlan struct {
	path string
	data []byte
}

// event is one commit of the history.
type event struct {
	at      time.Time
	seq     int // order among events at the same time
	cust    *cust
	author  person
	msg     string
	kinds   []archive.Kind // one-per-customer records to write as they stand at `at`
	visits  []*visitPlan
	notes   []*notePlan
	deleted []string
	files   []File // written as they are
}

func (e *event) touch(ks ...archive.Kind) {
	for _, k := range ks {
		if !slices.Contains(e.kinds, k) {
			e.kinds = append(e.kinds, k)
		}
	}
}

// cust is the plan of one customer.
type cust struct {
	idx   int
	cand  candidate
	r     *rand.Rand
	today archive.Date
	start time.Time // when the archive began
	end   time.Time // the last moment of history
	shift int       // days between Options.Today and the default, for EOL dates

	am    person
	techs []person
	prof  archive.Customer
	body  string

	contacts  []timed[archive.Contact]
	services  []timed[archive.Service]
	contracts []timed[archive.Contract]
	devices   []*devPlan
	external  []timed[archive.External]
	links     []timed[archive.Link]
	projects  []*projectPlan
	sessions  []timed[archive.Session]
	parts     []*partPlan
	needs     []*needPlan
	visits    []*visitPlan
	notes     []*notePlan
	events    []*event

	created     time.Time
	createdEv   *event
	hasTraining bool
	hasSpares   bool
	used        map[time.Time]bool
	visitNames  map[string]bool
	extra       map[string]bool
	ipBase      string
	serials     map[string]bool
}

func (c *cust) dir() string { return archive.CustomersDir + "/" + c.cand.ID }

func (c *cust) name() string { return c.cand.Name }

// event makes a commit at t (moved on by a minute while another commit of
// this customer has the same time, so each customer's history is a line).
func (c *cust) event(t time.Time, who person, msg string, kinds ...archive.Kind) *event {
	for c.used[t] {
		t = t.Add(time.Minute)
	}
	c.used[t] = true
	e := &event{at: t, cust: c, author: who, msg: msg, kinds: kinds}
	c.events = append(c.events, e)
	return e
}

// inHistory reports whether day d can still carry a commit.
func (c *cust) inHistory(d archive.Date) bool { return !d.After(c.today) }

// officeTime is a moment of a working day when people write the archive.
func (c *cust) officeTime(d archive.Date) time.Time {
	return clock(d, between(c.r, 8, 17), between(c.r, 0, 59))
}

func (c *cust) tech() person {
	if len(c.techs) > 1 && chance(c.r, 0.3) {
		return c.techs[1]
	}
	if chance(c.r, 0.05) {
		return pick(c.r, technicians)
	}
	return c.techs[0]
}

func (c *cust) personName() string { return pick(c.r, villageFamilies).Han + pick(c.r, givenNames) }

func (c *cust) phone() string {
	if chance(c.r, 0.15) {
		return fmt.Sprintf("0912-62%05d", c.r.IntN(100000))
	}
	return fmt.Sprintf("138%08d", c.r.IntN(100000000))
}

// visibleDevices lists the devices the archive knows at t, in service or
// standing by, optionally of some roles.
func (c *cust) visibleDevices(t time.Time, roles ...role) []*devPlan {
	var out []*devPlan
	for _, d := range c.devices {
		if d.at.After(t) {
			continue
		}
		if s := latest(d.status, t, archive.InService); s == archive.Removed {
			continue
		}
		if len(roles) == 0 || slices.Contains(roles, d.role) {
			out = append(out, d)
		}
	}
	return out
}

func (c *cust) device(id string) *devPlan {
	for _, d := range c.devices {
		if d.base.ID == id {
			return d
		}
	}
	return nil
}

func (c *cust) newSerial(m model, installed archive.Date) string {
	for {
		s := serial(c.r, m, installed)
		if !c.serials[s] {
			c.serials[s] = true
			return s
		}
	}
}

func (c *cust) hardware(m model, installed archive.Date) hardware {
	return hardware{
		Serial:    c.newSerial(m, installed),
		Installed: installed,
		Warranty:  addYears(installed, m.Warranty).AddDays(-1),
		Firmware:  pick(c.r, m.Firmware),
	}
}

// addDevice plans a device the archive knows from at, installed on day inst.
func (c *cust) addDevice(ro role, m model, loc string, inst archive.Date, at time.Time) *devPlan {
	n := 1
	for _, d := range c.devices {
		if d.role == ro {
			n++
		}
	}
	id := fmt.Sprintf("%s-%d", rolePrefix[ro], n)
	d := &devPlan{role: ro, model: m, at: at}
	d.base = archive.Device{ID: id, Role: roleNames[ro], Vendor: m.Vendor, Model: m.Model, Location: loc}
	if ro != roleONT {
		d.base.MgmtIP = fmt.Sprintf("%s%d", c.ipBase, hostNumber(ro, n))
	}
	if m.EOL != "" {
		d.base.EOL = mustDate(m.EOL).AddDays(c.shift)
	}
	d.hw = []timed[hardware]{{at: at, v: c.hardware(m, inst)}}
	c.devices = append(c.devices, d)
	return d
}

// hostNumber lays out each customer's management /24 the way technicians
// do: gateways low, switches in the teens, APs and cameras high.
func hostNumber(ro role, n int) int {
	switch ro {
	case roleRouter:
		return n
	case roleFirewall:
		return 4 + n
	case roleCore:
		return 8 + n
	case roleAccess:
		return 10 + n
	case roleAP:
		return 100 + n
	case roleNVR:
		return 200 + n
	case roleCamera:
		return 210 + n
	}
	return 250
}

func (c *cust) link(from, to, medium, bw string, at time.Time, ports ...string) *timed[archive.Link] {
	c.links = append(c.links, timed[archive.Link]{at: at, v: archive.Link{From: from, To: to, Medium: medium, Bandwidth: bw, Ports: ports}})
	return &c.links[len(c.links)-1]
}

// render writes one of the customer's one-per-customer records as it stood at t.
func (c *cust) render(k archive.Kind, t time.Time) []byte {
	d := dateOf(t)
	switch k {
	case archive.KindCustomer:
		p := c.prof
		for _, x := range c.contacts {
			if x.visible(t) {
				p.Contacts = append(p.Contacts, x.v)
			}
		}
		for _, x := range c.services {
			if x.visible(t) {
				p.Services = append(p.Services, x.v)
			}
		}
		if ct := latest(c.contracts, t, archive.Contract{}); ct.ID != "" {
			p.Contract = &ct
		}
		return renderCustomer(&p, c.body)
	case archive.KindDevices:
		ds := archive.Devices{Reviewed: d}
		for _, dv := range c.devices {
			if !dv.at.After(t) {
				ds.Devices = append(ds.Devices, dv.asOf(t))
			}
		}
		return renderDevices(&ds, fmt.Sprintf("管理地址段 %s0/24，设备按机柜从上到下登记。光猫由电信远程管理，不登记管理地址。", c.ipBase))
	case archive.KindTopology:
		tp := archive.Topology{Reviewed: d}
		for _, x := range c.external {
			if x.visible(t) {
				tp.External = append(tp.External, x.v)
			}
		}
		for _, x := range c.links {
			if x.visible(t) {
				tp.Links = append(tp.Links, x.v)
			}
		}
		return renderTopology(&tp, "")
	case archive.KindProgress:
		var p archive.Progress
		for _, pr := range c.projects {
			if !pr.at.After(t) {
				p.Projects = append(p.Projects, pr.asOf(d))
			}
		}
		body := ""
		if len(p.Projects) == 0 {
			body = "暂无在建项目。"
		}
		return renderProgress(&p, body)
	case archive.KindTraining:
		var tr archive.Training
		for _, x := range c.sessions {
			if x.visible(t) {
				tr.Sessions = append(tr.Sessions, x.v)
			}
		}
		body := ""
		if len(tr.Sessions) == 0 {
			body = "暂无培训记录。"
		}
		return renderTraining(&tr, body)
	case archive.KindSpares:
		var sp archive.Spares
		for _, pp := range c.parts {
			if pp.at.After(t) {
				continue
			}
			p := pp.p
			if !pp.arrived.IsZero() && !pp.arrived.After(t) {
				p.OnHand = p.Required
			}
			sp.Parts = append(sp.Parts, p)
		}
		body := ""
		if len(sp.Parts) == 0 {
			body = "暂无备件计划。"
		}
		return renderSpares(&sp, body)
	case archive.KindLeads:
		var n archive.Needs
		for _, np := range c.needs {
			if np.at.After(t) {
				continue
			}
			x := np.n
			x.Status = latest(np.status, t, "new")
			n.Leads = append(n.Leads, x)
		}
		return renderNeeds(&n, "")
	}
	panic("demo: cannot render " + string(k))
}

// sortEvents puts the customer's commits in time order.
func (c *cust) sortEvents() {
	slices.SortStableFunc(c.events, func(a, b *event) int { return a.at.Compare(b.at) })
	for i, e := range c.events {
		e.seq = i
	}
}

// visitFile names a visit's file by day and type, as people do.
func (c *cust) visitFile(d archive.Date, typ archive.VisitType) string {
	base := fmt.Sprintf("%s/%s/%s-%s", c.dir(), archive.VisitsDir, d, typ)
	p := base + archive.RecordSuffix
	for i := 2; c.visitNames[p]; i++ {
		p = fmt.Sprintf("%s-%d%s", base, i, archive.RecordSuffix)
	}
	c.visitNames[p] = true
	return p
}

var visitWords = map[archive.VisitType]string{
	archive.VisitInstall: "安装", archive.VisitRepair: "维修", archive.VisitInspection: "巡检",
	archive.VisitTraining: "培训", archive.VisitSurvey: "勘察",
}

func fill(s string, vars ...string) string { return strings.NewReplacer(vars...).Replace(s) }
