// Package standard holds the visit rules of the branch's client-side
// maintenance operation standard (客户端维护操作规范, 第二章) in a form a
// program can check: the site warns on the spot while a technician fills in
// a visit, and the health pages count how often visits keep the rules.
//
// Every rule is a warning, never an error: a visit that broke a rule still
// happened and must still be recorded truthfully (真实性).
package standard

import (
	"strconv"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// The numbers of the standard. The site hands them to its page script too,
// so the live warnings and the server's warnings cannot drift apart.
const (
	// ArriveEarly: 上门服务人员应在预约时间前5分钟到达现场.
	ArriveEarly = 5 * time.Minute
	// RescheduleNotice: 应至少提前2个小时通知客户.
	RescheduleNotice = 2 * time.Hour
	// NoAnswerWait: 如在10分钟内无人应答……在留下到访留言后方可离去.
	NoAnswerWait = 10 * time.Minute
)

// RuleID names one rule of the standard. The ids are stable: health figures
// and message catalogs are keyed by them.
type RuleID string

// The rules.
const (
	RuleArrival    RuleID = "arrival"    // arrive at least 5 minutes before the appointment
	RuleReschedule RuleID = "reschedule" // announce a change at least 2 hours ahead, with the reason
	RuleNoAnswer   RuleID = "no_answer"  // wait at least 10 minutes, leave a visit note
	RuleFiveOnes   RuleID = "five_ones"  // carry the five items
	RuleConsent    RuleID = "consent"    // the customer consents before any operation
	RuleFollowUp   RuleID = "follow_up"  // what cannot be solved is escalated and a new appointment made
	RuleSurvey     RuleID = "survey"     // the customer fills in the supervision survey
)

// Rule is one rule with its wording, for lists and legends.
type Rule struct {
	ID RuleID `json:"id"`
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Rules lists the rules in the order of the standard's text.
var Rules = []Rule{
	{RuleFiveOnes, "上门前带齐“五个一”：鞋套、垫布、抹布、服务卡、服务监督调查表", "Carry the five items: shoe covers, mat, cloth, service card, survey form"},
	{RuleConsent, "可能影响客户环境的操作须征得客户同意", "Any operation that may affect the customer's environment needs the customer's consent"},
	{RuleArrival, "在预约时间前5分钟到达现场", "Arrive at least 5 minutes before the appointment"},
	{RuleReschedule, "改约至少提前2小时通知客户并说明原因", "Announce a change of time at least 2 hours ahead, with the reason"},
	{RuleNoAnswer, "10分钟无人应答且联系不上，留下到访留言后方可离去", "With no answer, wait at least 10 minutes and leave a visit note before leaving"},
	{RuleFollowUp, "现场无法解决的问题向派单部门汇报，并重新预约", "Report what cannot be solved on site to dispatch and make a new appointment"},
	{RuleSurvey, "请客户填写服务监督调查表（满意度）", "Have the customer fill in the supervision survey (satisfaction)"},
}

// Finding is one way a visit falls short of the standard.
type Finding struct {
	Rule RuleID `json:"rule"`
	// Field is the front-matter key the finding is about, dotted for nested
	// keys (five_ones.mat), so a form can show it beside the input.
	Field    string           `json:"field"`
	Severity archive.Severity `json:"severity"`
	// Missing is true when the rule cannot be judged because the visit does
	// not record the fact (no arrival time, no five items): a gap in the
	// archive's completeness rather than a broken rule.
	Missing bool   `json:"missing,omitempty"`
	Zh      string `json:"zh"`
	En      string `json:"en"`
}

// Message returns the finding in the language asked for ("en" or anything
// else for Chinese, the archive's first language).
func (f Finding) Message(lang string) string {
	if lang == "en" {
		return f.En
	}
	return f.Zh
}

// Applies lists the rules that concern this visit, so compliance figures
// count only visits a rule could be broken on: a visit with no reschedule
// cannot break the notice rule, a visit where nobody answered has no
// operation to consent to.
func Applies(v *archive.Visit) []RuleID {
	rs := []RuleID{RuleFiveOnes}
	noAnswer := isNoAnswer(v)
	if !noAnswer && operates(v) {
		rs = append(rs, RuleConsent)
	}
	if !v.Appointment.IsZero() {
		rs = append(rs, RuleArrival)
	}
	if v.Rescheduled != nil {
		rs = append(rs, RuleReschedule)
	}
	if noAnswer {
		rs = append(rs, RuleNoAnswer)
	}
	if v.Outcome == archive.Escalated || v.Outcome == archive.FollowUp {
		rs = append(rs, RuleFollowUp)
	}
	if !noAnswer {
		rs = append(rs, RuleSurvey)
	}
	return rs
}

// CheckVisit returns the findings of a visit against the standard, in the
// order of Rules; none when it keeps every rule that applies.
func CheckVisit(v *archive.Visit) []Finding {
	if v == nil {
		return nil
	}
	var fs []Finding
	add := func(r RuleID, field string, missing bool, zh, en string) {
		fs = append(fs, Finding{Rule: r, Field: field, Severity: archive.SeverityWarning, Missing: missing, Zh: zh, En: en})
	}
	noAnswer := isNoAnswer(v)

	// 五个一
	if f := v.FiveOnes; f == nil {
		add(RuleFiveOnes, "five_ones", true, "未记录“五个一”是否带齐", "The five items are not recorded")
	} else {
		items := []struct {
			have        bool
			key, zh, en string
		}{
			{f.ShoeCovers, "shoe_covers", "鞋套", "shoe covers"},
			{f.Mat, "mat", "垫布", "mat"},
			{f.Cloth, "cloth", "抹布", "cloth"},
			{f.ServiceCard, "service_card", "服务卡", "service card"},
			{f.SurveyForm, "survey_form", "服务监督调查表", "survey form"},
		}
		for _, it := range items {
			if !it.have {
				add(RuleFiveOnes, "five_ones."+it.key, false, "“五个一”缺少"+it.zh, "Five items: no "+it.en)
			}
		}
	}

	// 征得客户同意
	if !noAnswer && operates(v) {
		switch {
		case v.Consent == nil:
			add(RuleConsent, "consent", true, "未记录客户是否同意操作", "Whether the customer consented to the operation is not recorded")
		case !*v.Consent:
			add(RuleConsent, "consent", false, "未经客户同意进行了操作", "An operation was done without the customer's consent")
		}
	}

	// 提前5分钟到达
	if !v.Appointment.IsZero() {
		if v.Arrived.IsZero() {
			add(RuleArrival, "arrived", true, "有预约时间但未记录到达时间", "The appointment is recorded but not the arrival time")
		} else if early := v.Appointment.Sub(v.Arrived.Time); early < ArriveEarly {
			if early < 0 {
				add(RuleArrival, "arrived", false,
					"迟到"+minutes(-early, "zh")+"：应在预约时间前5分钟到达",
					"Arrived "+minutes(-early, "en")+" late: arrive at least 5 minutes before the appointment")
			} else {
				add(RuleArrival, "arrived", false,
					"仅提前"+minutes(early, "zh")+"到达：应在预约时间前5分钟到达",
					"Arrived only "+minutes(early, "en")+" early: arrive at least 5 minutes before the appointment")
			}
		}
	}

	// 改约提前2小时通知并说明原因
	if r := v.Rescheduled; r != nil {
		switch {
		case r.Notified.IsZero():
			add(RuleReschedule, "rescheduled.notified", true, "改约未记录通知客户的时间", "The reschedule does not say when the customer was told")
		case r.From.IsZero():
			add(RuleReschedule, "rescheduled.from", true, "改约未记录原预约时间", "The reschedule does not say the original appointment")
		default:
			if ahead := r.From.Sub(r.Notified.Time); ahead < RescheduleNotice {
				add(RuleReschedule, "rescheduled.notified", false,
					"改约仅提前"+minutes(max(ahead, 0), "zh")+"通知：应至少提前2小时",
					"Reschedule announced only "+minutes(max(ahead, 0), "en")+" ahead: announce at least 2 hours ahead")
			}
		}
		if r.Reason == "" {
			add(RuleReschedule, "rescheduled.reason", false, "改约未说明原因", "The reschedule gives no reason")
		}
	}

	// 10分钟无人应答，留言后离去
	if noAnswer {
		na := v.NoAnswer
		if na == nil {
			add(RuleNoAnswer, "no_answer", true, "结果为无人应答，但未记录等待时间和留言", "The outcome is no answer but the wait and the note are not recorded")
		} else {
			wait := time.Duration(na.Waited) * time.Minute
			switch {
			case na.Waited == 0 && !v.Arrived.IsZero() && !v.Left.IsZero():
				// The times on the note say how long the technician stayed.
				wait = v.Left.Sub(v.Arrived.Time)
				if wait < NoAnswerWait {
					add(RuleNoAnswer, "no_answer.waited", false,
						"无人应答时仅等待"+minutes(max(wait, 0), "zh")+"：应至少等待10分钟",
						"Waited only "+minutes(max(wait, 0), "en")+" with no answer: wait at least 10 minutes")
				}
			case na.Waited == 0:
				add(RuleNoAnswer, "no_answer.waited", true, "未记录无人应答时等待了多久", "How long the technician waited is not recorded")
			case wait < NoAnswerWait:
				add(RuleNoAnswer, "no_answer.waited", false,
					"无人应答时仅等待"+minutes(wait, "zh")+"：应至少等待10分钟",
					"Waited only "+minutes(wait, "en")+" with no answer: wait at least 10 minutes")
			}
			if !na.NoteLeft {
				add(RuleNoAnswer, "no_answer.note_left", false, "无人应答离开前未留下到访留言", "Left without a visit note")
			}
		}
	}

	// 无法解决的问题上报派单部门，重新预约
	if v.Outcome == archive.Escalated && v.EscalatedTo == "" {
		add(RuleFollowUp, "escalated_to", true, "已上报但未写明上报部门（如派单中心）", "Escalated, but to whom is not recorded (e.g. 派单中心)")
	}
	if (v.Outcome == archive.Escalated || v.Outcome == archive.FollowUp) && v.FollowUp.IsZero() {
		add(RuleFollowUp, "follow_up", true, "未解决的问题没有跟进日期：应重新预约", "Unsolved, with no follow-up date: make a new appointment")
	}

	// 服务监督调查表（满意度）
	if !noAnswer && v.Satisfaction == "" {
		add(RuleSurvey, "satisfaction", true, "未记录客户满意度（服务监督调查表）", "The customer's satisfaction (survey form) is not recorded")
	}
	return fs
}

// isNoAnswer reports whether nobody answered at the door.
func isNoAnswer(v *archive.Visit) bool {
	return v.Outcome == archive.NoAnswerO || v.NoAnswer != nil
}

// operates reports whether the visit did work that may touch the customer's
// environment: installs and repairs do, and so does any visit that names the
// devices it touched. Surveys and training alone do not.
func operates(v *archive.Visit) bool {
	return v.Type == archive.VisitInstall || v.Type == archive.VisitRepair || len(v.Devices) > 0
}

// minutes writes a duration as whole minutes, or hours and minutes.
func minutes(d time.Duration, lang string) string {
	m := int(d / time.Minute)
	h, mm := m/60, m%60
	if lang == "en" {
		switch {
		case h == 0:
			return plural(mm, "minute")
		case mm == 0:
			return plural(h, "hour")
		}
		return plural(h, "hour") + " " + plural(mm, "minute")
	}
	switch {
	case h == 0:
		return itoa(mm) + "分钟"
	case mm == 0:
		return itoa(h) + "小时"
	}
	return itoa(h) + "小时" + itoa(mm) + "分钟"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return itoa(n) + " " + unit + "s"
}

func itoa(n int) string { return strconv.Itoa(n) }
