package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

type visitSpec struct {
	day      archive.Date
	typ      archive.VisitType
	tech     person
	devices  []string
	outcome  archive.Outcome
	followUp archive.Date
	body     string
	weekend  bool // repairs are done on weekends too
	noAnswer bool
}

var appointmentSlots = [][2]int{{9, 0}, {9, 30}, {10, 0}, {10, 30}, {11, 0}, {14, 30}, {15, 0}, {15, 30}, {16, 0}}

// visit plans one visit and the commit that records it, applying the
// standard's checklist with the lapses real people have: arriving late,
// announcing a change of time too late, forgetting one of the five ones.
// It returns nils when the day is past the end of history.
func (c *cust) visit(s visitSpec) (*visitPlan, *event) {
	r := c.r
	day := s.day
	if !s.weekend {
		day = workday(day)
	}
	if !c.inHistory(day) || !day.After(dateOf(c.created)) {
		return nil, nil
	}
	slot := pick(r, appointmentSlots)
	appt := clock(day, slot[0], slot[1])
	v := archive.Visit{Kind: archive.KindVisit, Type: s.typ, Technician: s.tech.ID, Appointment: wall(appt), Devices: s.devices}
	var pre []string

	if chance(r, 0.07) {
		from := appt.Add(-time.Duration(between(r, 2, 5)) * time.Hour)
		if chance(r, 0.5) {
			from = appt.AddDate(0, 0, -1)
		}
		// Calls are made in office hours, at least two hours ahead; now and
		// then only minutes ahead, which the standard does not allow.
		notified := clock(dateOf(from).AddDays(-1), between(r, 9, 17), between(r, 0, 59))
		if h := from.Hour() - 3; h >= 8 && chance(r, 0.5) {
			notified = clock(dateOf(from), between(r, 8, h), between(r, 0, 59))
		}
		if chance(r, 0.3) {
			notified = from.Add(-time.Duration(between(r, 20, 100)) * time.Minute)
		}
		reason := pick(r, rescheduleReasons)
		v.Rescheduled = &archive.Reschedule{Notified: wall(notified), From: wall(from), Reason: reason}
		pre = append(pre, fmt.Sprintf("原约%s，因%s改约到%s，已电话告知客户。", from.Format("1月2日15:04"), reason, appt.Format("1月2日15:04")))
	}
	arrived := appt.Add(-time.Duration(between(r, 5, 15)) * time.Minute)
	if chance(r, 0.07) {
		late := between(r, 6, 45)
		arrived = appt.Add(time.Duration(late) * time.Minute)
		if chance(r, 0.5) {
			pre = append(pre, fmt.Sprintf("因%s比预约晚到%d分钟，已向客户致歉。", pick(r, lateReasons), late))
		}
	}
	v.Arrived = wall(arrived)
	minutes := map[archive.VisitType][2]int{
		archive.VisitInstall: {120, 300}, archive.VisitRepair: {40, 200}, archive.VisitInspection: {40, 120},
		archive.VisitTraining: {60, 150}, archive.VisitSurvey: {40, 120},
	}[s.typ]
	left := arrived.Add(time.Duration(between(r, minutes[0], minutes[1])) * time.Minute)

	switch {
	case chance(r, 0.01):
		// The five ones were not written down at all.
	case chance(r, 0.06):
		f := archive.FiveOnes{ShoeCovers: true, Mat: true, Cloth: true, ServiceCard: true, SurveyForm: true}
		switch r.IntN(3) {
		case 0:
			f.Mat = false
		case 1:
			f.SurveyForm = false
		default:
			f.ShoeCovers = false
		}
		v.FiveOnes = &f
	default:
		v.FiveOnes = &archive.FiveOnes{ShoeCovers: true, Mat: true, Cloth: true, ServiceCard: true, SurveyForm: true}
	}

	if s.noAnswer {
		waited := between(r, 10, 20)
		if chance(r, 0.2) {
			waited = between(r, 5, 8)
		}
		na := &archive.NoAnswer{Waited: waited, NoteLeft: chance(r, 0.9)}
		v.NoAnswer, v.Devices, v.Outcome = na, nil, archive.NoAnswerO
		left = arrived.Add(time.Duration(waited+between(r, 1, 4)) * time.Minute)
		v.Left = wall(left)
		v.FollowUp = s.followUp
		body := fmt.Sprintf("到达后按门铃、打客户电话均无人应答，等候%d分钟", waited)
		if na.NoteLeft {
			body += "，已在门上留下到访留言（到访时间、离开时间、联系电话、联系人），另约时间再来。"
		} else {
			body += "后离开，另约时间再来。"
		}
		return c.recordVisit(v, strings.Join(append(pre, body), "\n\n"), left)
	}

	v.Left = wall(left)
	if s.typ == archive.VisitRepair || s.typ == archive.VisitInstall || s.typ == archive.VisitInspection {
		if !chance(r, 0.03) {
			v.Consent = boolp(true)
		}
	}
	v.Outcome = s.outcome
	switch s.outcome {
	case archive.Escalated:
		if !chance(r, 0.01) {
			v.EscalatedTo = "派单中心"
		}
		fallthrough
	case archive.FollowUp:
		if !chance(r, 0.01) {
			v.FollowUp = s.followUp
		}
	}
	if !chance(r, 0.04) {
		v.Satisfaction = archive.Satisfactions[weighted(r, 45, 45, 8, 2)]
	}
	return c.recordVisit(v, strings.Join(append(pre, s.body), "\n\n"), left)
}

func (c *cust) recordVisit(v archive.Visit, body string, left time.Time) (*visitPlan, *event) {
	r := c.r
	at := left.Add(time.Duration(between(r, 20, 240)) * time.Minute)
	if at.Hour() >= 21 || at.Day() != left.Day() {
		at = clock(workday(dateOf(left).AddDays(1)), 8, between(r, 30, 59))
	}
	day := v.Appointment.Date()
	vp := &visitPlan{path: c.visitFile(day, v.Type), v: v, body: body}
	e := c.event(at, personByID(v.Technician), fmt.Sprintf("新增上门记录: %s %s %s", c.name(), day, visitWords[v.Type]))
	vp.at = e.at
	e.visits = append(e.visits, vp)
	c.visits = append(c.visits, vp)
	return vp, e
}

func personByID(id string) person {
	for _, p := range technicians {
		if p.ID == id {
			return p
		}
	}
	for _, p := range accountManagers {
		if p.ID == id {
			return p
		}
	}
	return person{ID: id, Name: id}
}

// issue is trouble left open by a visit, waiting for its follow-up.
type issue struct {
	dev     *devPlan
	fault   *fault
	faulty  bool
	since   archive.Date
	text    string // what the follow-up says it did
	replace bool   // the follow-up swaps the hardware
}

type slot struct {
	day      archive.Date
	kind     int // 0 inspection, 1 repair, 2 follow-up, 3 visit after no answer
	open     *issue
	answered bool
}

// planVisits plans routine inspections and repairs over the customer's
// life, and the follow-ups that open problems need (mostly kept).
func (c *cust) planVisits() {
	r := c.r
	every := map[size]int{small: 540, medium: 240, large: 120}[c.cand.Size]
	if chance(r, 0.2) {
		every = every * 9 / 5 // a customer nobody gets round to
	}
	perYear := map[size]float64{small: 0.25, medium: 0.6, large: 1.2}[c.cand.Size]
	first := dateOf(c.created)
	var slots []slot
	for d := first.AddDays(between(r, 10, every)); c.inHistory(d); d = d.AddDays(every + between(r, -every/4, every/4)) {
		slots = append(slots, slot{day: d, kind: 0})
	}
	for d := first.AddDays(int(r.ExpFloat64() * 365 / perYear)); c.inHistory(d); d = d.AddDays(1 + int(r.ExpFloat64()*365/perYear)) {
		slots = append(slots, slot{day: d, kind: 1})
	}
	sortSlots := func() { slices.SortStableFunc(slots, func(a, b slot) int { return a.day.Compare(b.day) }) }
	sortSlots()
	for len(slots) > 0 {
		s := slots[0]
		slots = slots[1:]
		var next *slot
		switch s.kind {
		case 0:
			next = c.inspection(s.day)
		case 1, 3:
			next = c.repair(s.day, s.kind == 3)
		case 2:
			c.followUp(s.day, s.open)
		}
		if next != nil && c.inHistory(next.day) {
			slots = append(slots, *next)
			sortSlots()
		}
	}
}

// scheduleFollowUp decides whether and when an open problem is followed up:
// mostly on the agreed day, sometimes late, now and then never.
func (c *cust) scheduleFollowUp(due archive.Date, is *issue, kind int) *slot {
	r := c.r
	switch weighted(c.r, 80, 10, 10) {
	case 0:
		return &slot{day: due, kind: kind, open: is}
	case 1:
		return &slot{day: due.AddDays(between(r, 2, 7)), kind: kind, open: is}
	}
	return nil
}

func (c *cust) inspection(day archive.Date) *slot {
	r := c.r
	t := clock(day, 0, 0) // what was known when the day began
	devs := c.visibleDevices(t, roleRouter, roleCore, roleFirewall)
	if len(devs) == 0 {
		devs = c.visibleDevices(t)
	}
	if len(devs) > 3 {
		devs = devs[:between(r, 1, 3)]
	}
	var ids []string
	var b strings.Builder
	fmt.Fprintf(&b, "例行巡检：机房温度%d℃，湿度%d%%，设备运行指示灯正常。", between(r, 16, 27), between(r, 25, 60))
	for _, d := range devs {
		ids = append(ids, d.base.ID)
		fmt.Fprintf(&b, "%s CPU %d%%，内存%d%%。", d.base.ID, between(r, 3, 40), between(r, 20, 70))
	}
	b.WriteString(pick(r, inspectionExtras))
	outcome, follow := archive.Resolved, archive.Date{}
	var is *issue
	if chance(r, 0.08) {
		outcome = archive.FollowUp
		follow = day.AddDays(between(r, 3, 10))
		b.WriteString(pick(r, []string{"发现UPS电池鼓包，建议更换，约定带电池再来。", "机柜散热风扇异响，约定下周带配件更换。", "发现一根尾纤弯折过度，约定带新尾纤来更换。"}))
		is = &issue{since: day, text: "按约更换了上次巡检发现的问题部件，复查正常。"}
	}
	v, e := c.visit(visitSpec{day: day, typ: archive.VisitInspection, tech: c.tech(), devices: ids, outcome: outcome, followUp: follow})
	if v == nil {
		return nil
	}
	if chance(r, 0.65) {
		e.touch(archive.KindDevices)
		e.msg += "，更新设备信息"
		for _, d := range devs {
			if len(d.util) > 0 {
				u := c.utilAt(d, e.at)
				d.util = append(d.util, timed[int]{at: e.at, v: u})
				fmt.Fprintf(&b, "%s出口高峰利用率约%d%%", d.base.ID, u)
				if u >= 80 {
					b.WriteString("，已接近满负荷，建议客户扩容")
				}
				b.WriteString("。")
			}
		}
	}
	if chance(r, 0.3) && len(c.external) > 0 && !c.external[0].at.After(e.at) {
		e.touch(archive.KindTopology)
	}
	if chance(r, 0.12) {
		idea := pick(r, needIdeas[c.cand.Industry])
		fmt.Fprintf(&b, "客户%s提到%s，已转客户经理%s。", pick(r, contactRoles[c.cand.Industry]), idea.Need, c.am.Name)
		c.noteNeed(e, day, personByID(v.v.Technician), idea)
	}
	v.body += b.String()
	if is == nil {
		return nil
	}
	return c.scheduleFollowUp(v.v.FollowUp, is, 2)
}

func (c *cust) repair(day archive.Date, answered bool) *slot {
	r := c.r
	t := clock(day, 0, 0) // what was known when the day began
	var cands []*devPlan
	for _, d := range c.visibleDevices(t) {
		if latest(d.status, t, archive.InService) != archive.InService {
			continue
		}
		for _, f := range faults {
			if slices.Contains(f.Roles, d.role) {
				cands = append(cands, d)
				break
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	tech := c.tech()
	if !answered && chance(r, 0.05) {
		fu := day.AddDays(between(r, 1, 4))
		v, _ := c.visit(visitSpec{day: day, typ: archive.VisitRepair, tech: tech, noAnswer: true, followUp: fu, weekend: true})
		if v == nil {
			return nil
		}
		if chance(r, 0.9) {
			return &slot{day: v.v.FollowUp, kind: 3}
		}
		return nil
	}
	d := pick(r, cands)
	var fs []*fault
	for i := range faults {
		if slices.Contains(faults[i].Roles, d.role) {
			fs = append(fs, &faults[i])
		}
	}
	f := pick(r, fs)
	area := pick(r, areas[c.cand.Industry])
	vars := []string{"{dev}", d.base.ID, "{model}", d.base.Model, "{port}", fmt.Sprintf("GE0/0/%d", between(r, 1, 24)), "{area}", area}
	body := fill(f.Symptom, vars...) + "。"
	// Recent trouble is more often still waiting for parts or the line crew.
	open := f.Open != "" && (chance(r, 0.4) || day.DaysUntil(c.today) < 60 && chance(r, 0.5))
	outcome, follow := archive.Resolved, archive.Date{}
	if open {
		body += fill(f.Open, vars...) + "。"
		outcome = archive.FollowUp
		follow = day.AddDays(between(r, 5, 30)) // waiting for a spare part
		if strings.Contains(f.Open, "派单中心") {
			outcome = archive.Escalated
			follow = day.AddDays(between(r, 2, 10))
		}
	} else if !f.Replace {
		body += fill(f.Fix, vars...) + "。"
	}
	v, e := c.visit(visitSpec{day: day, typ: archive.VisitRepair, tech: tech, devices: []string{d.base.ID}, outcome: outcome, followUp: follow, weekend: chance(r, 0.15)})
	if v == nil {
		return nil
	}
	if f.Replace && !open {
		body += fill(f.Fix, vars...) + "。" + c.swap(d, v, e)
	}
	if chance(r, 0.06) {
		idea := pick(r, needIdeas[c.cand.Industry])
		body += fmt.Sprintf("客户顺便提到%s，已转客户经理%s。", idea.Need, c.am.Name)
		c.noteNeed(e, v.v.Appointment.Date(), tech, idea)
	}
	v.body += body
	if !open {
		return nil
	}
	is := &issue{dev: d, fault: f, since: v.v.Appointment.Date(), replace: f.Replace}
	switch {
	case outcome == archive.Escalated:
		is.text = "线路班已处理分纤箱至入户段光缆，复测光功率-18.5dBm，业务恢复正常。"
	default:
		is.text = "备件到货，" + fill(f.Fix, vars...) + "，观察运行正常。"
	}
	if d.role != roleONT && d.role != roleRouter { // those open issues are on the line, not the device
		is.faulty = true
		d.status = append(d.status, timed[archive.DeviceStatus]{at: e.at, v: archive.Faulty})
		e.touch(archive.KindDevices)
		if !strings.Contains(e.msg, "设备") {
			e.msg += "，更新设备状态"
		}
	}
	if v.v.FollowUp.IsZero() {
		return nil
	}
	return c.scheduleFollowUp(v.v.FollowUp, is, 2)
}

func (c *cust) followUp(day archive.Date, is *issue) {
	var ids []string
	if is.dev != nil {
		ids = []string{is.dev.base.ID}
	}
	typ := archive.VisitRepair
	if is.dev == nil {
		typ = archive.VisitInspection
	}
	body := fmt.Sprintf("回访处理%s遗留问题：%s", is.since, is.text)
	v, e := c.visit(visitSpec{day: day, typ: typ, tech: c.tech(), devices: ids, outcome: archive.Resolved, body: body})
	if v == nil {
		return
	}
	if is.replace {
		v.body += c.swap(is.dev, v, e)
	}
	if !is.faulty {
		return
	}
	is.dev.status = append(is.dev.status, timed[archive.DeviceStatus]{at: e.at, v: archive.InService})
	e.touch(archive.KindDevices)
	e.msg += "，设备恢复在用"
}

func (c *cust) surveyVisit(p *projectPlan, day archive.Date) {
	r := c.r
	body := fmt.Sprintf("%s现场勘察：从机房到%s约%d米，需新布%d芯光缆；机柜空间够用，需新增接入交换机和无线AP，方案报客户经理%s。",
		p.name, pick(r, areas[c.cand.Industry]), between(r, 40, 600), pick(r, []int{4, 8, 12}), c.am.Name)
	c.visit(visitSpec{day: day, typ: archive.VisitSurvey, tech: c.tech(), outcome: archive.Resolved, body: body})
}

// planExpansion: besides projects, some customers add equipment or replace
// a router that has reached the end of its life.
func (c *cust) planExpansion() {
	r := c.r
	first := dateOf(c.created)
	span := first.DaysUntil(c.today)
	if span < 60 || c.cand.Size == small {
		return
	}
	if chance(r, 0.2) {
		c.expand(first.AddDays(between(r, 60, span)), "")
	}
	if chance(r, 0.06) {
		c.upgradeRouter(first.AddDays(between(r, 60, span)))
	}
}

// expand installs new access equipment below the core (an install visit
// that updates devices and topology in the same commit).
func (c *cust) expand(day archive.Date, project string) {
	r := c.r
	t := clock(day, 0, 0) // what was known when the day began
	ups := c.visibleDevices(t, roleCore)
	if len(ups) == 0 {
		ups = c.visibleDevices(t, roleAccess)
	}
	if len(ups) == 0 {
		return
	}
	up := ups[0]
	tech := c.tech()
	v, e := c.visit(visitSpec{day: day, typ: archive.VisitInstall, tech: tech, outcome: archive.Resolved})
	if v == nil {
		return
	}
	inst := v.v.Appointment.Date()
	sub := pick(r, rooms[c.cand.Industry][1])
	sw := c.addDevice(roleAccess, pickModel(r, c.cand.Industry, c.cand.Size, roleAccess), sub, inst, e.at)
	c.link(up.base.ID, sw.base.ID, "fiber", "1G", e.at)
	added := []*devPlan{sw}
	for range between(r, 0, 2) {
		ap := c.addDevice(roleAP, pickModel(r, c.cand.Industry, c.cand.Size, roleAP), sub, inst, e.at)
		c.link(sw.base.ID, ap.base.ID, "copper", "1G", e.at)
		added = append(added, ap)
	}
	var b strings.Builder
	if project != "" {
		fmt.Fprintf(&b, "%s安装调试：", project)
	} else {
		b.WriteString("客户新增点位，扩容接入：")
	}
	for _, d := range added {
		fmt.Fprintf(&b, "新装%s（%s），", d.base.Model, d.base.ID)
		v.v.Devices = append(v.v.Devices, d.base.ID)
	}
	fmt.Fprintf(&b, "安装于%s，%s上联%s，配置管理地址和业务VLAN，测试正常。", sub, sw.base.ID, up.base.ID)
	v.body += b.String()
	e.touch(archive.KindDevices, archive.KindTopology)
	e.msg += "，更新设备清单和拓扑"
}

// upgradeRouter replaces the router: the old one stays in the inventory as
// removed (visits point at it), the links move to the new one.
func (c *cust) upgradeRouter(day archive.Date) {
	r := c.r
	t := clock(day, 0, 0) // what was known when the day began
	olds := c.visibleDevices(t, roleRouter)
	if len(olds) == 0 {
		return
	}
	old := olds[0]
	v, e := c.visit(visitSpec{day: day, typ: archive.VisitInstall, tech: c.tech(), outcome: archive.Resolved})
	if v == nil {
		return
	}
	m := pickModel(r, c.cand.Industry, large, roleRouter)
	nr := c.addDevice(roleRouter, m, old.base.Location, v.v.Appointment.Date(), e.at)
	old.status = append(old.status, timed[archive.DeviceStatus]{at: e.at, v: archive.Removed})
	for i := range c.links {
		l := &c.links[i]
		if !l.visible(e.at) || (l.v.From != old.base.ID && l.v.To != old.base.ID) {
			continue
		}
		l.until = e.at
		nl := l.v
		nl.Ports = slices.Clone(nl.Ports)
		if nl.From == old.base.ID {
			nl.From = nr.base.ID
		}
		if nl.To == old.base.ID {
			nl.To = nr.base.ID
		}
		c.links = append(c.links, timed[archive.Link]{at: e.at, v: nl})
	}
	v.v.Devices = []string{old.base.ID, nr.base.ID}
	v.body += fmt.Sprintf("出口路由器%s（%s）性能不足，更换为%s（%s），配置迁移后割接，业务中断约10分钟；旧设备下架交回库房。", old.base.ID, old.base.Model, nr.base.ID, m.Model)
	e.touch(archive.KindDevices, archive.KindTopology)
	e.msg += "，更换出口路由器"
}

// swap replaces a device's hardware in the commit e of visit v and returns
// the sentence the technician writes about it.
func (c *cust) swap(d *devPlan, v *visitPlan, e *event) string {
	old := d.hwAt(e.at)
	nh := c.hardware(d.model, v.v.Appointment.Date())
	d.hw = append(d.hw, timed[hardware]{at: e.at, v: nh})
	e.touch(archive.KindDevices)
	if !strings.Contains(e.msg, "设备") {
		e.msg += "，更新设备序列号"
	}
	return fmt.Sprintf("旧设备序列号%s已回收，新设备序列号%s已录入档案。", old.Serial, nh.Serial)
}
