package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// world holds what every customer's plan shares.
type world struct {
	seed  int64
	today archive.Date
	start time.Time
	end   time.Time
	shift int
}

func (w *world) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(w.seed), stream*0x9E3779B97F4A7C15+0x632BE59BD9B4E019))
}

// planCustomer plans one customer's life in the archive. It uses only its
// own random stream, so customers can be planned in any order, in parallel,
// and adding a customer does not change the others.
func (w *world) planCustomer(idx int, cand candidate) *cust {
	c := &cust{
		idx: idx, cand: cand, r: w.rng(uint64(idx) + 1), today: w.today, start: w.start, end: w.end, shift: w.shift,
		used: map[time.Time]bool{}, visitNames: map[string]bool{}, extra: map[string]bool{}, serials: map[string]bool{},
		ipBase: fmt.Sprintf("10.%d.%d.", 16+idx/256, idx%256),
	}
	r := c.r
	c.staff()
	c.created = c.creationTime()
	c.profile()
	c.contractsAndServices()

	created := c.event(c.created, c.techs[0], "建档: "+c.name()+"（客户资料、设备清单）", archive.KindCustomer, archive.KindDevices)
	c.created = created.at
	topoAt := created.at
	if chance(r, 0.7) {
		created.touch(archive.KindTopology)
		created.msg = "建档: " + c.name() + "（客户资料、设备清单、网络拓扑）"
	} else if d := workday(dateOf(created.at).AddDays(between(r, 1, 20))); c.inHistory(d) {
		topoAt = c.event(c.officeTime(d), c.techs[0], "补充网络拓扑: "+c.name(), archive.KindTopology).at
	} else {
		created.touch(archive.KindTopology)
	}
	c.buildNetwork(created.at, topoAt)
	if c.cand.Restricted {
		created.notes = append(created.notes, c.securityNote())
	}
	c.createdEv = created

	stdAt := created.at
	c.hasTraining, c.hasSpares = chance(r, 0.92), chance(r, 0.92)
	std := []archive.Kind{archive.KindProgress}
	if c.hasTraining {
		std = append(std, archive.KindTraining)
	}
	if c.hasSpares {
		std = append(std, archive.KindSpares)
	}
	if chance(r, 0.5) {
		created.touch(std...)
	} else if d := workday(dateOf(created.at).AddDays(between(r, 2, 45))); c.inHistory(d) {
		stdAt = c.event(c.officeTime(d), c.techs[0], "补充项目进度、培训记录、备件计划: "+c.name(), std...).at
	} else {
		c.hasTraining, c.hasSpares = false, false
		stdAt = time.Time{}
	}

	if !stdAt.IsZero() {
		c.planProjects(stdAt)
		if c.hasSpares {
			c.planSpares(stdAt)
		}
		if c.hasTraining {
			c.planTraining(stdAt)
		}
	}
	c.planExpansion()
	c.planVisits()
	c.planNeedFollowUp()
	c.planContactChange()
	c.planNotes()
	c.planCorrections()
	c.sortEvents()
	return c
}

func (c *cust) staff() {
	r := c.r
	di := 0
	for i, t := range towns {
		if t == c.cand.District {
			di = i + 1
		}
	}
	// Four technicians share the county seat; each town has its own.
	c.techs = []person{technicians[c.idx%4]}
	if di > 0 {
		c.techs[0] = technicians[4+(di-1)%(len(technicians)-4)]
	}
	if c.cand.Size == large || (c.cand.Size == medium && chance(r, 0.5)) {
		for {
			t := pick(r, technicians)
			if t != c.techs[0] {
				c.techs = append(c.techs, t)
				break
			}
		}
	}
	ii := slices.IndexFunc(industries, func(x struct {
		Name   string
		Weight int
	}) bool {
		return x.Name == c.cand.Industry
	})
	c.am = accountManagers[ii%len(accountManagers)]
	if chance(r, 0.15) {
		c.am = pick(r, accountManagers)
	}
}

// creationTime: the county's institutions were written down in the first
// weeks of the archive, a share of the rest soon after, the others over the
// years as they became customers or someone got round to them.
func (c *cust) creationTime() time.Time {
	r := c.r
	first := dateOf(c.start)
	span := first.DaysUntil(c.today)
	var d archive.Date
	switch {
	case c.cand.Seat:
		d = first.AddDays(between(r, 1, min(75, span)))
	case chance(r, 0.3):
		d = first.AddDays(between(r, 3, min(120, span)))
	default:
		d = first.AddDays(between(r, min(120, span), span))
	}
	if d.After(c.today) {
		d = c.today
	}
	d = workday(d)
	if d.After(c.today) {
		d = c.today
	}
	return c.officeTime(d)
}

func (c *cust) profile() {
	r := c.r
	cd := c.cand
	var addr string
	switch {
	case cd.District == county:
		addr = fmt.Sprintf("陕西省榆林市米脂县银州街道%s%d号", pick(r, countyStreets), between(r, 1, 188))
	case cd.Village != "":
		addr = "陕西省榆林市米脂县" + cd.District.Han + cd.Village
	default:
		addr = fmt.Sprintf("陕西省榆林市米脂县%s%s街%d号", cd.District.Han, strings.TrimSuffix(cd.District.Han, "镇"), between(r, 1, 99))
	}
	c.prof = archive.Customer{
		Kind: archive.KindCustomer, Name: cd.Name, Industry: cd.Industry, District: cd.District.Han, Address: addr,
		AccountManager: c.am.ID, Restricted: cd.Restricted, Tags: slices.Clone(cd.Tags),
	}
	for _, t := range c.techs {
		c.prof.Technicians = append(c.prof.Technicians, t.ID)
	}
	if cd.Restricted && !slices.Contains(c.prof.Tags, "涉密单位") {
		c.prof.Tags = append(c.prof.Tags, "涉密单位")
	}
	n := 1
	if cd.Size != small {
		n = between(r, 1, 3)
	}
	roles := contactRoles[cd.Industry]
	for i := range n {
		ro := roles[i%len(roles)]
		if cd.Size == small {
			ro = smallRoles[cd.Industry]
		}
		c.contacts = append(c.contacts, timed[archive.Contact]{at: c.created, v: archive.Contact{Name: c.personName(), Role: ro, Phone: c.phone()}})
	}
	c.body = c.customerBody()
}

func (c *cust) customerBody() string {
	r := c.r
	cd := c.cand
	main := pick(r, rooms[cd.Industry][0])
	var b strings.Builder
	switch {
	case cd.ID == "mz-mizhi-hotel":
		// The one customer whose engineer writes traditional characters.
		b.WriteString("酒店由香港投資方經營，工程部經理習慣使用繁體字，書面材料請準備繁體版本。\n\n")
	case cd.Restricted:
		b.WriteString("涉密单位：进入机房须由办公室人员全程陪同，禁止拍照，维护电脑不得接入内网。\n\n")
	}
	fmt.Fprintf(&b, "主机房在%s", main)
	if cd.Size == large {
		b.WriteString("，门禁需提前联系信息部门登记")
	}
	b.WriteString("。")
	if cd.Village != "" {
		fmt.Fprintf(&b, "从县城出发约%d分钟车程，冬季乡道结冰注意安全。", between(r, 20, 60))
	}
	if chance(r, 0.4) {
		b.WriteString("周末值班电话见联系人。")
	}
	return b.String()
}

// contractsAndServices plans what the customer buys and the contracts that
// cover it, with renewals by the account manager.
func (c *cust) contractsAndServices() {
	r := c.r
	menu := serviceMenu[c.cand.Industry]
	cd := dateOf(c.created)
	mainSince := cd.AddDays(-between(r, 30, 5*365))
	mainSince = archive.Date{Year: mainSince.Year, Month: mainSince.Month, Day: 1}
	extras := map[size]int{small: between(r, 0, 1), medium: between(r, 1, 2), large: between(r, 2, 3)}[c.cand.Size]
	for i, opt := range menu[:1+min(extras, len(menu)-1)] {
		since := mainSince
		if i > 0 {
			since = mainSince.AddDays(between(r, 0, max(0, mainSince.DaysUntil(cd))))
		}
		s := archive.Service{Product: opt.Product, Since: since}
		if len(opt.Bandwidths) > 0 {
			s.Bandwidth = pick(r, opt.Bandwidths)
			if c.cand.Size == small {
				s.Bandwidth = opt.Bandwidths[0]
			}
		}
		c.services = append(c.services, timed[archive.Service]{at: c.created, v: s})
	}
	// A service added later, written down by the account manager.
	if chance(r, 0.25) && len(menu) > len(c.services) {
		opt := menu[len(c.services)]
		d := workday(cd.AddDays(between(r, 30, 900)))
		if c.inHistory(d) {
			e := c.event(c.officeTime(d), c.am, "新增业务: "+c.name()+" "+opt.Product, archive.KindCustomer)
			s := archive.Service{Product: opt.Product, Since: d}
			if len(opt.Bandwidths) > 0 {
				s.Bandwidth = opt.Bandwidths[0]
			}
			c.services = append(c.services, timed[archive.Service]{at: e.at, v: s})
		}
	}

	term := 1 + weighted(r, 1, 4, 4)
	start := mainSince
	for k := 0; k < 8; k++ {
		end := addYears(start, term).AddDays(-1)
		ct := archive.Contract{ID: fmt.Sprintf("MZ-%d-%04d", start.Year, c.idx*8+k+1), Start: start, End: end}
		switch {
		case end.Before(cd):
			// Contracts that ended before the archive are not written down.
		case !start.After(cd):
			c.contracts = append(c.contracts, timed[archive.Contract]{at: c.created, v: ct})
		default:
			d := workday(start.AddDays(-between(r, 0, 20)))
			if !c.inHistory(d) || chance(r, 0.12) {
				return // not renewed (yet): the contract stays as it was
			}
			if !d.After(cd) {
				d = cd.AddDays(1)
			}
			e := c.event(c.officeTime(d), c.am, "续签合同: "+c.name()+" "+ct.ID, archive.KindCustomer)
			c.contracts = append(c.contracts, timed[archive.Contract]{at: e.at, v: ct})
		}
		start = end.AddDays(1)
		if start.After(c.today) {
			return
		}
	}
}

func (c *cust) mainBandwidth() string {
	for _, s := range c.services {
		if s.v.Bandwidth != "" {
			return s.v.Bandwidth
		}
	}
	return "100M"
}

// buildNetwork plans the devices found when the archive was started and the
// topology that links them: the operator's node at the top, then router,
// firewall, core, access switches, APs, recorders and cameras.
func (c *cust) buildNetwork(at, topoAt time.Time) {
	r := c.r
	cd := c.cand
	rm := rooms[cd.Industry]
	mainRoom := pick(r, rm[0])
	inst := dateOf(at).AddDays(-between(r, 20, 1500))
	when := func() archive.Date { return inst.AddDays(between(r, 0, 12)) }
	var ext archive.External
	if cd.District == county {
		ext = archive.External{ID: "bras-mz", Label: "电信米脂局 BRAS"}
		if strings.Contains(c.services[0].v.Product, "数字电路") || strings.Contains(c.services[0].v.Product, "云专网") {
			ext = archive.External{ID: "ptn-mz", Label: "电信米脂局 PTN汇聚"}
		}
	} else {
		ext = archive.External{ID: "olt-" + cd.District.Py, Label: "电信" + cd.District.Han + "支局 OLT"}
	}
	c.external = append(c.external, timed[archive.External]{at: topoAt, v: ext})
	bw := c.mainBandwidth()
	add := func(ro role, loc string) *devPlan {
		return c.addDevice(ro, pickModel(r, cd.Industry, cd.Size, ro), loc, when(), at)
	}
	sub := func() string { return pick(r, rm[1]) }

	var core *devPlan
	var access []*devPlan
	switch cd.Size {
	case large:
		rt := add(roleRouter, mainRoom+" A01机柜")
		c.link(ext.ID, rt.base.ID, "fiber", bw, topoAt, "GE0/0/0")
		if len(c.services) > 1 && (c.services[1].v.Product == "互联网专线" || c.services[1].v.Product == "数字电路专线") && ext.ID != "bras-mz" {
			e2 := archive.External{ID: "bras-mz", Label: "电信米脂局 BRAS"}
			c.external = append(c.external, timed[archive.External]{at: topoAt, v: e2})
			c.link(e2.ID, rt.base.ID, "fiber", c.services[1].v.Bandwidth, topoAt, "GE0/0/1")
		}
		fw := add(roleFirewall, mainRoom+" A01机柜")
		c.link(rt.base.ID, fw.base.ID, "copper", "1G", topoAt)
		core = add(roleCore, mainRoom+" A02机柜")
		c.link(fw.base.ID, core.base.ID, "copper", "1G", topoAt)
		n := between(r, 2, 5)
		for i := range n {
			a := add(roleAccess, sub())
			access = append(access, a)
			medium, abw := "fiber", "1G"
			if cd.Industry == indLogistics && i == n-1 && slices.Contains(cd.Tags, "冷链仓库") {
				medium, abw = "wireless", "300M" // a bridge across the yard to the cold store
			}
			if cd.Industry == indEnergy && i > 0 {
				continue // mines run their access switches as a ring, below
			}
			c.link(core.base.ID, a.base.ID, medium, abw, topoAt, fmt.Sprintf("GE0/0/%d", 20+i), "GE0/0/25")
		}
		if cd.Industry == indEnergy && n >= 2 {
			for i := range n {
				if n == 2 && i == 1 {
					break
				}
				c.link(access[i].base.ID, access[(i+1)%n].base.ID, "fiber", "1G", topoAt, "GE0/0/27", "GE0/0/28")
			}
		}
	case medium:
		ont := add(roleONT, mainRoom)
		c.link(ext.ID, ont.base.ID, "fiber", bw, topoAt)
		rt := add(roleRouter, mainRoom)
		c.link(ont.base.ID, rt.base.ID, "copper", "1G", topoAt)
		up := rt
		if cd.Industry == indGov || cd.Industry == indFinance || chance(r, 0.2) {
			fw := add(roleFirewall, mainRoom)
			c.link(rt.base.ID, fw.base.ID, "copper", "1G", topoAt)
			up = fw
		}
		core = add(roleAccess, mainRoom)
		c.link(up.base.ID, core.base.ID, "copper", "1G", topoAt)
		access = []*devPlan{core}
		for range between(r, 0, 1) {
			a := add(roleAccess, sub())
			c.link(core.base.ID, a.base.ID, "copper", "1G", topoAt)
			access = append(access, a)
		}
	default:
		ont := add(roleONT, mainRoom)
		c.link(ext.ID, ont.base.ID, "fiber", bw, topoAt)
		if chance(r, 0.7) {
			rt := add(roleRouter, mainRoom)
			c.link(ont.base.ID, rt.base.ID, "copper", "1G", topoAt)
			if chance(r, 0.5) {
				core = add(roleAccess, mainRoom)
				c.link(rt.base.ID, core.base.ID, "copper", "1G", topoAt)
				access = []*devPlan{core}
			}
		}
	}
	if len(access) == 0 {
		return
	}
	aps := map[size]int{small: 0, medium: between(r, 0, 2), large: between(r, 1, 4)}[cd.Size]
	if cd.Industry == indEdu || cd.Industry == indHotel {
		aps += between(r, 0, 2)
	}
	for i := range aps {
		sw := access[i%len(access)]
		ap := c.addDevice(roleAP, pickModel(r, cd.Industry, cd.Size, roleAP), sw.base.Location, when(), at)
		c.link(sw.base.ID, ap.base.ID, "copper", "1G", topoAt)
	}
	if chance(r, map[size]float64{small: 0.3, medium: 0.5, large: 0.7}[cd.Size]) {
		nvr := c.addDevice(roleNVR, pickModel(r, cd.Industry, cd.Size, roleNVR), mainRoom, when(), at)
		c.link(access[0].base.ID, nvr.base.ID, "copper", "1G", topoAt)
		for i := range between(r, 1, map[size]int{small: 2, medium: 3, large: 6}[cd.Size]) {
			sw := access[i%len(access)]
			cam := c.addDevice(roleCamera, pickModel(r, cd.Industry, cd.Size, roleCamera), pick(r, rm[1])+"监控点", when(), at)
			c.link(sw.base.ID, cam.base.ID, "copper", "100M", topoAt)
		}
	}
	if cd.Size != small && chance(r, 0.08) {
		sb := c.addDevice(roleAccess, pickModel(r, cd.Industry, cd.Size, roleAccess), mainRoom+" 备件柜", when(), at)
		sb.status = []timed[archive.DeviceStatus]{{at: at, v: archive.Standby}}
	}
	// Utilisation is read off the router and core at inspections.
	if cd.Size != small && chance(r, 0.6) {
		hot := chance(r, 0.15)
		for _, d := range c.devices {
			if d.role == roleRouter || d.role == roleCore {
				d.util = []timed[int]{{at: at, v: between(r, 15, 55)}}
				if hot {
					d.util[0].v = -between(r, 82, 95) // negative marks the target of a busy device
				}
			}
		}
		c.fixBusyStart()
	}
}

// utilAt is a device's utilisation at an inspection: busy devices climb
// towards their target over the years, the others wander.
func (c *cust) utilAt(d *devPlan, t time.Time) int {
	if d.busy == 0 {
		return max(5, min(75, latest(d.util, t, d.util[0].v)+between(c.r, -8, 10)))
	}
	target := d.busy
	frac := float64(t.Sub(c.start)) / float64(c.end.Sub(c.start))
	return min(100, int(math.Round(40+float64(target-40)*frac))+between(c.r, -3, 3))
}

// fixBusyStart replaces the target marker of busy devices by the value
// first written down, keeping the target for later inspections.
func (c *cust) fixBusyStart() {
	for _, d := range c.devices {
		if len(d.util) > 0 && d.util[0].v < 0 {
			d.busy = -d.util[0].v
			d.util[0].v = c.utilAt(d, d.util[0].at)
		}
	}
}

func (c *cust) planProjects(stdAt time.Time) {
	r := c.r
	n := 0
	switch c.cand.Size {
	case large:
		n = weighted(r, 3, 5, 2)
	case medium:
		n = weighted(r, 6, 4)
	default:
		n = weighted(r, 9, 1)
	}
	forced := c.cand.Seat && c.cand.Size == large // the county's big institutions always have work going on
	if forced {
		n = max(n, 1)
	}
	names := slices.Clone(projectNames[c.cand.Industry])
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for i := range min(n, len(names)) {
		span := dateOf(stdAt).DaysUntil(c.today)
		first := dateOf(stdAt).AddDays(between(r, -60, max(0, span+60)))
		if forced && i == 0 {
			first = dateOf(stdAt).AddDays(between(r, 0, max(0, span-90)))
		}
		from := between(r, 0, 1)
		steps := milestoneSteps[from : from+between(r, 4, 6)]
		p := &projectPlan{name: names[i]}
		due := workday(first)
		ok := true
		for _, s := range steps {
			m := milestonePlan{name: s, due: due}
			switch {
			case !ok:
			case chance(r, 0.1):
				ok = false
				m.note = pick(r, delayReasons)
			case chance(r, 0.17):
				m.note = pick(r, delayReasons)
				m.done = due.AddDays(between(r, 3, 30))
			default:
				m.done = due.AddDays(-between(r, 0, 5))
			}
			if m.done.After(c.today) {
				m.done, ok = archive.Date{}, false
			}
			if !ok && m.note == "" {
				m.note = pick(r, delayReasons)
			}
			p.ms = append(p.ms, m)
			due = workday(due.AddDays(between(r, 10, 40)))
		}
		openDay := p.ms[0].due.AddDays(-between(r, 0, 14))
		at := stdAt
		if d := workday(openDay); d.After(dateOf(stdAt)) {
			if !c.inHistory(d) {
				continue
			}
			at = c.event(c.officeTime(d), c.tech(), "新增项目: "+c.name()+" "+p.name, archive.KindProgress).at
		}
		p.at = at
		c.projects = append(c.projects, p)
		for _, m := range p.ms {
			switch {
			case !m.done.IsZero() && m.done.After(dateOf(at)) && chance(r, 0.65):
				d := workday(m.done.AddDays(between(r, 0, 3)))
				if c.inHistory(d) {
					c.event(c.officeTime(d), c.tech(), fmt.Sprintf("更新项目进度: %s %s %s完成", c.name(), p.name, m.name), archive.KindProgress)
				}
			case m.done.IsZero() && m.due.After(dateOf(at)) && chance(r, 0.5):
				d := workday(m.due.AddDays(between(r, 1, 10)))
				if c.inHistory(d) {
					c.event(c.officeTime(d), c.tech(), fmt.Sprintf("更新项目进度: %s %s %s延期（%s）", c.name(), p.name, m.name, m.note), archive.KindProgress)
				}
			}
			if m.name == "现场勘察" && !m.done.IsZero() && m.done.After(dateOf(at)) {
				c.surveyVisit(p, m.done)
			}
			if m.name == "安装调试" && !m.done.IsZero() && m.done.After(dateOf(at)) {
				c.expand(m.done, p.name)
			}
			if m.name == "割接" && m.due.AddDays(-7).After(dateOf(at)) && c.inHistory(m.due.AddDays(-7)) {
				e := c.event(c.officeTime(workday(m.due.AddDays(-7))), c.tech(), "新增割接方案: "+c.name()+" "+p.name)
				e.notes = append(e.notes, c.cutoverNote(p, m.due))
			}
		}
	}
}

func (c *cust) planSpares(stdAt time.Time) {
	r := c.r
	n := map[size]int{small: between(r, 0, 1), medium: between(r, 0, 2), large: between(r, 1, 4)}[c.cand.Size]
	var cands []*devPlan
	for _, d := range c.visibleDevices(stdAt) {
		if spareParts[d.role] != nil {
			cands = append(cands, d)
		}
	}
	if len(cands) == 0 {
		return
	}
	seen := map[string]bool{}
	for range n {
		d := pick(r, cands)
		sp := pick(r, spareParts[d.role])
		if seen[d.base.ID+sp.Part] {
			continue
		}
		seen[d.base.ID+sp.Part] = true
		p := archive.Part{Part: sp.Part, Model: sp.Model, For: d.base.ID, Required: between(r, 1, 2)}
		if p.Model == "" && d.role == roleAccess {
			p.Model = d.base.Model
		}
		pp := &partPlan{at: stdAt, p: p}
		if chance(r, 0.4) {
			pp.p.OnHand = between(r, 0, p.Required-1)
			pp.p.Due = dateOf(stdAt).AddDays(between(r, 20, 120))
			if d := workday(pp.p.Due.AddDays(between(r, -10, 10))); chance(r, 0.65) && c.inHistory(d) && d.After(dateOf(stdAt)) {
				pp.arrived = c.event(c.officeTime(d), c.tech(), fmt.Sprintf("备件到货: %s %s %d个", c.name(), p.Part, p.Required), archive.KindSpares).at
			}
		} else {
			pp.p.OnHand = p.Required
		}
		c.parts = append(c.parts, pp)
	}
}

func (c *cust) planTraining(stdAt time.Time) {
	r := c.r
	n := map[size]int{small: weighted(r, 7, 3), medium: between(r, 0, 2), large: between(r, 1, 3)}[c.cand.Size]
	from, to := dateOf(stdAt), c.today
	if from.DaysUntil(to) < 3 {
		return
	}
	for range n {
		d := workday(from.AddDays(between(r, 1, from.DaysUntil(to))))
		if !c.inHistory(d) {
			continue
		}
		trainer := c.tech()
		s := archive.Session{Date: d, Topic: pick(r, trainingTopics), Trainer: trainer.ID, Attendees: between(r, 3, 30)}
		if chance(r, 0.35) {
			s.AskedAbout = []string{pick(r, askable)}
		}
		var e *event
		if chance(r, 0.55) {
			body := fmt.Sprintf("为客户%s等%d人讲解%s，现场演示并答疑。", pick(r, contactRoles[c.cand.Industry]), s.Attendees, s.Topic)
			if len(s.AskedAbout) > 0 {
				body += fmt.Sprintf("培训中客户咨询了%s，已转客户经理%s。", s.AskedAbout[0], c.am.Name)
			}
			v, ev := c.visit(visitSpec{day: d, typ: archive.VisitTraining, tech: trainer, body: body, outcome: archive.Resolved})
			_ = v
			e = ev
			e.touch(archive.KindTraining)
		} else {
			e = c.event(c.officeTime(d), trainer, fmt.Sprintf("新增培训记录: %s %s", c.name(), s.Topic), archive.KindTraining)
		}
		c.sessions = append(c.sessions, timed[archive.Session]{at: e.at, v: s})
		if len(s.AskedAbout) > 0 {
			c.noteNeed(e, d, trainer, needIdea{"培训中客户咨询" + s.AskedAbout[0] + "，有意向进一步了解", s.AskedAbout[0]})
		}
	}
}

// noteNeed records a business need in the commit e.
func (c *cust) noteNeed(e *event, d archive.Date, by person, idea needIdea) {
	n := archive.Need{ID: fmt.Sprintf("L%s-%d", strings.ReplaceAll(d.String(), "-", ""), len(c.needs)+1), Date: d, Need: idea.Need, Product: idea.Product, NotedBy: by.ID}
	c.needs = append(c.needs, &needPlan{at: e.at, n: n})
	e.touch(archive.KindLeads)
	if !strings.Contains(e.msg, "需求") {
		e.msg += "，记录客户需求"
	}
}

// planNeedFollowUp: the account manager calls the customer about a need and
// writes down how it went.
func (c *cust) planNeedFollowUp() {
	r := c.r
	for _, np := range c.needs {
		if !chance(r, 0.6) {
			continue
		}
		d := workday(dateOf(np.at).AddDays(between(r, 3, 30)))
		if !c.inHistory(d) {
			continue
		}
		e := c.event(c.officeTime(d), c.am, fmt.Sprintf("跟进商机: %s %s → 已联系", c.name(), np.n.Need), archive.KindLeads)
		np.status = append(np.status, timed[string]{at: e.at, v: "contacted"})
		if !chance(r, 0.5) {
			continue
		}
		d = workday(d.AddDays(between(r, 15, 90)))
		if !c.inHistory(d) {
			continue
		}
		st := []string{"won", "lost", "dismissed"}[weighted(r, 4, 35, 25)]
		word := map[string]string{"won": "已签约", "lost": "未成功", "dismissed": "不跟进"}[st]
		e = c.event(c.officeTime(d), c.am, fmt.Sprintf("商机结果: %s %s → %s", c.name(), np.n.Need, word), archive.KindLeads)
		np.status = append(np.status, timed[string]{at: e.at, v: st})
		if st == "won" && np.n.Product != "" {
			s := archive.Service{Product: np.n.Product, Since: d}
			c.services = append(c.services, timed[archive.Service]{at: e.at, v: s})
			e.touch(archive.KindCustomer)
		}
	}
}

func (c *cust) planContactChange() {
	r := c.r
	if !chance(r, 0.1) {
		return
	}
	d := workday(dateOf(c.created).AddDays(between(r, 60, 1200)))
	if !c.inHistory(d) {
		return
	}
	old := &c.contacts[0]
	e := c.event(c.officeTime(d), pick(r, []person{c.am, c.techs[0]}), "更新联系人电话: "+c.name()+" "+old.v.Name, archive.KindCustomer)
	nc := old.v
	nc.Phone = c.phone()
	old.until = e.at
	c.contacts = append([]timed[archive.Contact]{{at: e.at, v: nc}}, c.contacts...)
}

// planCorrections: now and then someone finds a mistake and fixes it in a
// commit of its own.
func (c *cust) planCorrections() {
	r := c.r
	if chance(r, 0.04) {
		var cands []*devPlan
		for _, d := range c.devices {
			if d.role != roleONT && len(d.hw) == 1 && d.at.Equal(c.created) {
				cands = append(cands, d)
			}
		}
		if d := workday(dateOf(c.created).AddDays(between(r, 5, 120))); len(cands) > 0 && c.inHistory(d) {
			dv := pick(r, cands)
			right := []byte(dv.hw[0].v.Serial)
			i := between(r, 4, len(right)-2)
			wrong := slices.Clone(right)
			wrong[i], wrong[i+1] = wrong[i+1], wrong[i]
			if string(wrong) != string(right) {
				e := c.event(c.officeTime(d), c.techs[0], fmt.Sprintf("更正: %s %s 序列号录入错误（%s → %s）", c.name(), dv.base.ID, wrong, right), archive.KindDevices)
				dv.typo, dv.typoUntil = string(wrong), e.at
			}
		}
	}
	if chance(r, 0.03) {
		for _, v := range c.visits {
			if v.v.Type != archive.VisitInspection {
				continue
			}
			d := workday(dateOf(v.at).AddDays(between(r, 1, 10)))
			if !c.inHistory(d) {
				break
			}
			v.wrongPath = c.visitFile(v.v.Appointment.Date(), archive.VisitRepair)
			e := c.event(c.officeTime(d), c.techs[0], fmt.Sprintf("更正上门记录文件名: %s %s 类型应为巡检", c.name(), v.v.Appointment.Date()))
			v.fixedAt = e.at
			e.visits = append(e.visits, v)
			e.deleted = append(e.deleted, v.wrongPath)
			break
		}
	}
}
