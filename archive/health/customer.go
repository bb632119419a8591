package health

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/standard"
)

// Deductions, in points of an aspect's 100: see the package documentation.
const (
	pointsMissingRecord = 12
	pointsRecordError   = 8
	pointsRecordWarning = 2
	pointsNotReviewed   = 25
	pointsNoVisit       = 30
	pointsVisitGap      = 10
	pointsFollowUp      = 15
	pointsUnknownAuthor = 20
	pointsUnknownDevice = 15
	pointsUnknownTech   = 10
)

// kindNames are the record kinds in Chinese, for messages.
var kindNames = map[archive.Kind]string{
	archive.KindDevices:  "设备清单",
	archive.KindTopology: "网络拓扑",
	archive.KindProgress: "项目进度",
	archive.KindTraining: "技术培训",
	archive.KindSpares:   "备件计划",
}

// visitDay is the day of a visit: the appointment, else the arrival, else
// the date its file name starts with.
func visitDay(r *archive.Record, v *archive.Visit) archive.Date {
	switch {
	case v != nil && !v.Appointment.IsZero():
		return v.Appointment.Date()
	case v != nil && !v.Arrived.IsZero():
		return v.Arrived.Date()
	}
	if b := path.Base(r.Path); len(b) >= 10 {
		if d, err := archive.ParseDate(b[:10]); err == nil {
			return d
		}
	}
	return archive.Date{}
}

// caps are the most a rule may take off its aspect, however often it is
// broken: one more gap between visits says little once three were found.
var caps = map[string]int{
	"visit_gap":          20,
	"follow_up_missing":  30,
	"record_warning":     20,
	"record_error":       60,
	"unknown_author":     60,
	"unknown_device":     45,
	"unknown_technician": 30,
}

type judged struct {
	c      *Customer
	deduct [4]int
	byRule map[string]int
}

func (j *judged) add(p Problem) {
	p.Customer = j.c.Customer
	if c, ok := caps[p.Rule]; ok {
		if j.byRule == nil {
			j.byRule = map[string]int{}
		}
		p.Points = max(0, min(p.Points, c-j.byRule[p.Rule]))
		j.byRule[p.Rule] += p.Points
	}
	j.c.Problems = append(j.c.Problems, p)
	j.deduct[slices.Index(Aspects, p.Aspect)] += p.Points
}

func checkCustomer(f *archive.Folder, settings archive.Settings, opt Options, unknown []gitstore.Commit) Customer {
	p := f.Profile()
	c := Customer{Customer: f.ID, Name: f.Name(), AccountManager: p.AccountManager, Technicians: p.Technicians, Restricted: p.Restricted}
	j := &judged{c: &c}
	at := opt.At

	// Complete: the standard's records exist and read without errors.
	for _, k := range archive.StandardKinds {
		if recordOf(f, k) == nil {
			j.add(Problem{Aspect: Complete, Rule: "missing_record", Path: archive.RecordPath(f.ID, k), Points: pointsMissingRecord,
				Zh: fmt.Sprintf("缺少%s（%s）", kindNames[k], path.Base(archive.RecordPath(f.ID, k))),
				En: fmt.Sprintf("No %s record (%s)", k, path.Base(archive.RecordPath(f.ID, k)))})
		}
	}
	for _, r := range f.Records() {
		for _, pr := range r.Problems {
			if pr.Severity == archive.SeverityWarning && r.Kind == archive.KindVisit {
				continue // the visit standard below judges visits
			}
			j.add(recordProblem(pr))
		}
	}
	for _, pr := range f.Problems {
		if strings.HasPrefix(pr.Message, "unknown device") {
			j.add(Problem{Aspect: Authentic, Rule: "unknown_device", Path: pr.Path, Line: pr.Line, Points: pointsUnknownDevice,
				Zh: "记录之间不一致：" + pr.Message, En: "Records disagree: " + pr.Message})
			continue
		}
		j.add(recordProblem(pr))
	}

	// Continuous: reviews and visits are recent, follow-ups happened.
	for _, k := range []archive.Kind{archive.KindDevices, archive.KindTopology} {
		r := recordOf(f, k)
		if r == nil {
			continue
		}
		days := settings.FreshnessDays[string(k)]
		var reviewed archive.Date
		if d := r.AsDevices(); d != nil {
			reviewed = d.Reviewed
		} else if t := r.AsTopology(); t != nil {
			reviewed = t.Reviewed
		}
		rule := "stale_" + string(k)
		switch {
		case reviewed.IsZero():
			j.add(Problem{Aspect: Continuous, Rule: rule, Path: r.Path, Field: "reviewed", Points: pointsNotReviewed,
				Zh: fmt.Sprintf("%s没有核对日期（reviewed）", kindNames[k]), En: fmt.Sprintf("The %s record has no reviewed date", k)})
		case days > 0 && reviewed.DaysUntil(at) > days:
			j.add(Problem{Aspect: Continuous, Rule: rule, Path: r.Path, Field: "reviewed", Points: pointsNotReviewed,
				Zh: fmt.Sprintf("%s上次核对于 %s，已超过 %d 天", kindNames[k], reviewed, days),
				En: fmt.Sprintf("The %s were last reviewed on %s, more than %d days ago", k, reviewed, days)})
		}
	}
	type dated struct {
		r   *archive.Record
		v   *archive.Visit
		day archive.Date
	}
	var visits []dated
	for _, r := range f.Visits {
		v := r.AsVisit()
		d := visitDay(r, v)
		if v == nil || d.IsZero() || d.After(at) {
			continue
		}
		visits = append(visits, dated{r, v, d})
	}
	slices.SortStableFunc(visits, func(a, b dated) int { return a.day.Compare(b.day) })
	interval := settings.FreshnessDays["visit"]
	visitsDir := archive.CustomersDir + "/" + f.ID + "/" + archive.VisitsDir
	switch {
	case len(visits) == 0:
		j.add(Problem{Aspect: Continuous, Rule: "no_recent_visit", Path: visitsDir, Points: pointsNoVisit,
			Zh: "没有上门记录", En: "No visit recorded"})
	default:
		c.LastVisit = visits[len(visits)-1].day
		if interval > 0 && c.LastVisit.DaysUntil(at) > interval {
			j.add(Problem{Aspect: Continuous, Rule: "no_recent_visit", Path: visits[len(visits)-1].r.Path, Points: pointsNoVisit,
				Zh: fmt.Sprintf("上次上门是 %s，已超过 %d 天", c.LastVisit, interval),
				En: fmt.Sprintf("The last visit was on %s, more than %d days ago", c.LastVisit, interval)})
		}
	}
	yearAgo := at.AddDays(-YearDays)
	for i := 1; i < len(visits); i++ {
		prev, cur := visits[i-1], visits[i]
		if interval > 0 && !cur.day.Before(yearAgo) && prev.day.DaysUntil(cur.day) > interval {
			j.add(Problem{Aspect: Continuous, Rule: "visit_gap", Path: cur.r.Path, Points: pointsVisitGap,
				Zh: fmt.Sprintf("%s 到 %s 之间 %d 天没有上门（超过 %d 天）", prev.day, cur.day, prev.day.DaysUntil(cur.day), interval),
				En: fmt.Sprintf("No visit for %d days between %s and %s (more than %d)", prev.day.DaysUntil(cur.day), prev.day, cur.day, interval)})
		}
	}
	for i, x := range visits {
		if x.v.Outcome != archive.Escalated && x.v.Outcome != archive.FollowUp {
			continue
		}
		later := slices.ContainsFunc(visits[i+1:], func(y dated) bool { return y.day.After(x.day) })
		pending := !x.v.FollowUp.IsZero() && !x.v.FollowUp.Before(at)
		if later || pending {
			continue
		}
		j.add(Problem{Aspect: Continuous, Rule: "follow_up_missing", Path: x.r.Path, Field: "follow_up", Technician: x.v.Technician, Points: pointsFollowUp,
			Zh: fmt.Sprintf("%s 的上门结果为%s，之后没有再上门", x.day, outcomeZh(x.v.Outcome)),
			En: fmt.Sprintf("The visit of %s ended %s and no later visit followed", x.day, strings.ReplaceAll(string(x.v.Outcome), "_", " "))})
	}

	// Authentic: every change by a known person, visits by known staff.
	for _, cm := range unknown {
		j.add(Problem{Aspect: Authentic, Rule: "unknown_author", Path: archive.CustomersDir + "/" + f.ID, Commit: cm.Hash, Points: pointsUnknownAuthor,
			Zh: fmt.Sprintf("提交 %.10s（%s）的作者 %s <%s> 不是已知用户", cm.Hash, cm.When.Format("2006-01-02"), cm.Author, cm.Email),
			En: fmt.Sprintf("Commit %.10s (%s) is by %s <%s>, who is not a known user", cm.Hash, cm.When.Format("2006-01-02"), cm.Author, cm.Email)})
	}
	if opt.Users != nil {
		for _, x := range visits {
			if t := x.v.Technician; t != "" && !opt.Users[t] {
				j.add(Problem{Aspect: Authentic, Rule: "unknown_technician", Path: x.r.Path, Field: "technician", Technician: t, Points: pointsUnknownTech,
					Zh: fmt.Sprintf("上门人员 %s 不是已知用户", t), En: fmt.Sprintf("The technician %s is not a known user", t)})
			}
		}
	}

	// The visit standard, over the visits of the last year.
	var applies, kept int
	type finding struct {
		x dated
		f standard.Finding
	}
	var broken []finding
	for _, x := range visits {
		if x.day.Before(yearAgo) {
			continue
		}
		rules := standard.Applies(x.v)
		fs := standard.CheckVisit(x.v)
		bad := map[standard.RuleID]bool{}
		for _, f := range fs {
			if slices.Contains(rules, f.Rule) {
				bad[f.Rule] = true
			}
			broken = append(broken, finding{x, f})
		}
		vr := Visit{Path: x.r.Path, Technician: x.v.Technician, Day: x.day, Applies: len(rules), Kept: len(rules) - len(bad)}
		if !x.v.Appointment.IsZero() && !x.v.Arrived.IsZero() {
			vr.Timed = true
			vr.OnTime = x.v.Appointment.Sub(x.v.Arrived.Time) >= standard.ArriveEarly
		}
		c.Visits = append(c.Visits, vr)
		applies += vr.Applies
		kept += vr.Kept
	}
	counted := map[string]bool{}
	for _, b := range broken {
		pts := 0
		if k := b.x.r.Path + "|" + string(b.f.Rule); !counted[k] && applies > 0 {
			counted[k] = true
			pts = max(1, 100/applies)
		}
		j.c.Problems = append(j.c.Problems, Problem{Aspect: Standard, Rule: string(b.f.Rule), Customer: f.ID, Path: b.x.r.Path, Field: b.f.Field,
			Technician: b.x.v.Technician, Points: pts, Zh: fmt.Sprintf("%s：%s", b.x.day, b.f.Zh), En: fmt.Sprintf("%s: %s", b.x.day, b.f.En)})
	}

	for i, a := range Aspects {
		v := max(0, 100-j.deduct[i])
		if a == Standard {
			v = percent(kept, applies)
		}
		c.Scores.set(a, v)
	}
	c.Score = c.Scores.Total()
	sortProblems(c.Problems)
	if c.Problems == nil {
		c.Problems = []Problem{}
	}
	return c
}

func outcomeZh(o archive.Outcome) string {
	if o == archive.Escalated {
		return "已上报"
	}
	return "待跟进"
}

func recordOf(f *archive.Folder, k archive.Kind) *archive.Record {
	switch k {
	case archive.KindDevices:
		return f.Devices
	case archive.KindTopology:
		return f.Topology
	case archive.KindProgress:
		return f.Progress
	case archive.KindTraining:
		return f.Training
	case archive.KindSpares:
		return f.Spares
	}
	return nil
}

func recordProblem(pr archive.Problem) Problem {
	p := Problem{Aspect: Complete, Rule: "record_error", Path: pr.Path, Line: pr.Line, Points: pointsRecordError,
		Zh: "记录有错误：" + pr.Message, En: "Record error: " + pr.Message}
	if pr.Severity == archive.SeverityWarning {
		p.Rule, p.Points = "record_warning", pointsRecordWarning
		p.Zh, p.En = "记录需要检查："+pr.Message, "Record warning: "+pr.Message
	}
	return p
}

// archiveProblems are those of no customer: settings, guides, and commits
// by unknown people outside the customer folders.
func archiveProblems(snap *archive.Snapshot, opt Options, unknown []gitstore.Commit) []Problem {
	var out []Problem
	for _, pr := range snap.Problems() {
		if archive.CustomerOf(pr.Path) == "" {
			out = append(out, recordProblem(pr))
		}
	}
	for _, cm := range unknown {
		out = append(out, Problem{Aspect: Authentic, Rule: "unknown_author", Path: ".", Commit: cm.Hash, Points: pointsUnknownAuthor,
			Zh: fmt.Sprintf("提交 %.10s（%s）的作者 %s <%s> 不是已知用户", cm.Hash, cm.When.Format("2006-01-02"), cm.Author, cm.Email),
			En: fmt.Sprintf("Commit %.10s (%s) is by %s <%s>, who is not a known user", cm.Hash, cm.When.Format("2006-01-02"), cm.Author, cm.Email)})
	}
	sortProblems(out)
	if out == nil {
		out = []Problem{}
	}
	return out
}
