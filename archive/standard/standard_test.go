package standard_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/standard"
)

func dt(t *testing.T, s string) archive.DateTime {
	t.Helper()
	v, err := archive.ParseDateTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// good is a visit that keeps every rule; each case changes one thing.
func good(t *testing.T) *archive.Visit {
	yes := true
	return &archive.Visit{
		Kind: archive.KindVisit, Type: archive.VisitRepair, Technician: "liqiang",
		Appointment:  dt(t, "2026-11-20T09:00"),
		Arrived:      dt(t, "2026-11-20T08:52"),
		Left:         dt(t, "2026-11-20T11:30"),
		FiveOnes:     &archive.FiveOnes{ShoeCovers: true, Mat: true, Cloth: true, ServiceCard: true, SurveyForm: true},
		Consent:      &yes,
		Devices:      []string{"core-sw-1"},
		Outcome:      archive.Resolved,
		Satisfaction: "satisfied",
	}
}

type want struct {
	rule    standard.RuleID
	field   string
	missing bool
}

func TestCheckVisit(t *testing.T) {
	no := false
	tests := []struct {
		name   string
		change func(t *testing.T, v *archive.Visit)
		want   []want
	}{
		{"keeps every rule", func(*testing.T, *archive.Visit) {}, nil},
		{"arrived exactly 5 minutes early is on time", func(t *testing.T, v *archive.Visit) { v.Arrived = dt(t, "2026-11-20T08:55") }, nil},
		{"arrived 4 minutes early", func(t *testing.T, v *archive.Visit) { v.Arrived = dt(t, "2026-11-20T08:56") },
			[]want{{standard.RuleArrival, "arrived", false}}},
		{"arrived 4m59s early", func(t *testing.T, v *archive.Visit) { v.Arrived = dt(t, "2026-11-20T08:55:01") },
			[]want{{standard.RuleArrival, "arrived", false}}},
		{"arrived at the appointment", func(t *testing.T, v *archive.Visit) { v.Arrived = dt(t, "2026-11-20T09:00") },
			[]want{{standard.RuleArrival, "arrived", false}}},
		{"arrived late", func(t *testing.T, v *archive.Visit) { v.Arrived = dt(t, "2026-11-20T09:20") },
			[]want{{standard.RuleArrival, "arrived", false}}},
		{"appointment without arrival", func(t *testing.T, v *archive.Visit) { v.Arrived = archive.DateTime{} },
			[]want{{standard.RuleArrival, "arrived", true}}},
		{"no appointment: arrival not judged", func(t *testing.T, v *archive.Visit) { v.Appointment = archive.DateTime{} }, nil},

		{"reschedule exactly 2 hours ahead is enough", func(t *testing.T, v *archive.Visit) {
			v.Rescheduled = &archive.Reschedule{Notified: dt(t, "2026-11-19T12:00"), From: dt(t, "2026-11-19T14:00"), Reason: "备件未到"}
		}, nil},
		{"reschedule 1h59m ahead", func(t *testing.T, v *archive.Visit) {
			v.Rescheduled = &archive.Reschedule{Notified: dt(t, "2026-11-19T12:01"), From: dt(t, "2026-11-19T14:00"), Reason: "备件未到"}
		}, []want{{standard.RuleReschedule, "rescheduled.notified", false}}},
		{"reschedule announced after the old time", func(t *testing.T, v *archive.Visit) {
			v.Rescheduled = &archive.Reschedule{Notified: dt(t, "2026-11-19T15:00"), From: dt(t, "2026-11-19T14:00"), Reason: "备件未到"}
		}, []want{{standard.RuleReschedule, "rescheduled.notified", false}}},
		{"reschedule without reason", func(t *testing.T, v *archive.Visit) {
			v.Rescheduled = &archive.Reschedule{Notified: dt(t, "2026-11-18T15:00"), From: dt(t, "2026-11-19T14:00")}
		}, []want{{standard.RuleReschedule, "rescheduled.reason", false}}},
		{"reschedule without notice time", func(t *testing.T, v *archive.Visit) {
			v.Rescheduled = &archive.Reschedule{From: dt(t, "2026-11-19T14:00"), Reason: "x"}
		}, []want{{standard.RuleReschedule, "rescheduled.notified", true}}},
		{"reschedule without original time", func(t *testing.T, v *archive.Visit) {
			v.Rescheduled = &archive.Reschedule{Notified: dt(t, "2026-11-19T14:00"), Reason: "x"}
		}, []want{{standard.RuleReschedule, "rescheduled.from", true}}},

		{"no answer: exactly 10 minutes and a note is enough", func(t *testing.T, v *archive.Visit) { noAnswer(v, 10, true) }, nil},
		{"no answer: 9 minutes", func(t *testing.T, v *archive.Visit) { noAnswer(v, 9, true) },
			[]want{{standard.RuleNoAnswer, "no_answer.waited", false}}},
		{"no answer: no note", func(t *testing.T, v *archive.Visit) { noAnswer(v, 15, false) },
			[]want{{standard.RuleNoAnswer, "no_answer.note_left", false}}},
		{"no answer: wait unrecorded", func(t *testing.T, v *archive.Visit) { noAnswer(v, 0, true); v.Arrived = archive.DateTime{} },
			[]want{{standard.RuleArrival, "arrived", true}, {standard.RuleNoAnswer, "no_answer.waited", true}}},
		{"no answer: wait from the note's times, exactly 10 minutes", func(t *testing.T, v *archive.Visit) {
			noAnswer(v, 0, true)
			v.Left = dt(t, "2026-11-20T09:02")
		}, nil},
		{"no answer: wait from the note's times, 9 minutes", func(t *testing.T, v *archive.Visit) {
			noAnswer(v, 0, true)
			v.Left = dt(t, "2026-11-20T09:01")
		}, []want{{standard.RuleNoAnswer, "no_answer.waited", false}}},
		{"outcome no answer without details", func(t *testing.T, v *archive.Visit) {
			v.Outcome = archive.NoAnswerO
			v.Satisfaction = ""
		}, []want{{standard.RuleNoAnswer, "no_answer", true}}},

		{"five items not recorded", func(t *testing.T, v *archive.Visit) { v.FiveOnes = nil },
			[]want{{standard.RuleFiveOnes, "five_ones", true}}},
		{"two of five items missing", func(t *testing.T, v *archive.Visit) { v.FiveOnes.Mat = false; v.FiveOnes.SurveyForm = false },
			[]want{{standard.RuleFiveOnes, "five_ones.mat", false}, {standard.RuleFiveOnes, "five_ones.survey_form", false}}},

		{"operation without consent", func(t *testing.T, v *archive.Visit) { v.Consent = &no },
			[]want{{standard.RuleConsent, "consent", false}}},
		{"consent not recorded", func(t *testing.T, v *archive.Visit) { v.Consent = nil },
			[]want{{standard.RuleConsent, "consent", true}}},
		{"survey with no devices needs no consent", func(t *testing.T, v *archive.Visit) {
			v.Type, v.Devices, v.Consent = archive.VisitSurvey, nil, nil
		}, nil},
		{"inspection that touched a device needs consent", func(t *testing.T, v *archive.Visit) {
			v.Type, v.Consent = archive.VisitInspection, &no
		}, []want{{standard.RuleConsent, "consent", false}}},

		{"escalated without department or follow-up", func(t *testing.T, v *archive.Visit) { v.Outcome = archive.Escalated },
			[]want{{standard.RuleFollowUp, "escalated_to", true}, {standard.RuleFollowUp, "follow_up", true}}},
		{"escalated with both", func(t *testing.T, v *archive.Visit) {
			v.Outcome, v.EscalatedTo, v.FollowUp = archive.Escalated, "派单中心", archive.Date{Year: 2026, Month: 11, Day: 27}
		}, nil},
		{"satisfaction not recorded", func(t *testing.T, v *archive.Visit) { v.Satisfaction = "" },
			[]want{{standard.RuleSurvey, "satisfaction", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := good(t)
			tt.change(t, v)
			var got []want
			for _, f := range standard.CheckVisit(v) {
				got = append(got, want{f.Rule, f.Field, f.Missing})
				if f.Zh == "" || f.En == "" || f.Severity != archive.SeverityWarning {
					t.Errorf("finding %+v: want both languages and a warning", f)
				}
				if !slices.Contains(standard.Applies(v), f.Rule) {
					t.Errorf("finding on rule %s, which Applies does not list for this visit", f.Rule)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// noAnswer turns the good visit into one where nobody opened the door.
func noAnswer(v *archive.Visit, waited int, note bool) {
	v.Outcome = archive.NoAnswerO
	v.NoAnswer = &archive.NoAnswer{Waited: waited, NoteLeft: note}
	v.Satisfaction = ""
	v.Consent = nil
	v.Arrived, _ = archive.ParseDateTime("2026-11-20T08:52")
}

func TestMessagesSayHowFar(t *testing.T) {
	v := good(t)
	v.Arrived = dt(t, "2026-11-20T10:05")
	fs := standard.CheckVisit(v)
	if len(fs) != 1 {
		t.Fatalf("got %v", fs)
	}
	if zh := fs[0].Message("zh"); !strings.Contains(zh, "迟到1小时5分钟") {
		t.Errorf("zh message %q does not say how late", zh)
	}
	if en := fs[0].Message("en"); !strings.Contains(en, "1 hour 5 minutes late") {
		t.Errorf("en message %q does not say how late", en)
	}
}

func TestRulesCoverFindings(t *testing.T) {
	ids := map[standard.RuleID]bool{}
	for _, r := range standard.Rules {
		if ids[r.ID] || r.Zh == "" || r.En == "" {
			t.Errorf("rule %q duplicated or without wording", r.ID)
		}
		ids[r.ID] = true
	}
	if len(ids) != 7 {
		t.Errorf("want 7 rules, got %d", len(ids))
	}
	if standard.CheckVisit(nil) != nil {
		t.Error("a nil visit has no findings")
	}
}

// CheckVisit runs once per visit on the health pages, over every visit.
func BenchmarkCheckVisit(b *testing.B) {
	v := &archive.Visit{Type: archive.VisitRepair, Outcome: archive.Escalated, Devices: []string{"a"}}
	for b.Loop() {
		standard.CheckVisit(v)
	}
}
