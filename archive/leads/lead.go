package leads

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// Signal is the kind of evidence a lead comes from.
type Signal string

// The signals, one per rule of dangan.yaml's leads: section.
const (
	SignalNeed         Signal = "need"          // written down by staff in leads.md
	SignalWarranty     Signal = "warranty"      // in-service devices out of warranty, or within warranty_days of it
	SignalEOL          Signal = "eol"           // in-service devices within eol_days of end of life, or past it
	SignalUtilisation  Signal = "utilisation"   // devices at or above utilisation_percent
	SignalSpares       Signal = "spares"        // a spare-part plan short of parts
	SignalContract     Signal = "contract"      // a contract ending within contract_days, or ended
	SignalAskedAbout   Signal = "asked_about"   // training attendees asked about a product
	SignalRepeatFaults Signal = "repeat_faults" // repair visits on one device, repeat_faults.visits within repeat_faults.days
	SignalWords        Signal = "words"         // a configured word (扩容, 搬迁...) in the profile, visits or notes
)

// Signals lists every signal, in the order filters offer them.
var Signals = []Signal{SignalNeed, SignalContract, SignalRepeatFaults, SignalAskedAbout, SignalUtilisation, SignalWords, SignalWarranty, SignalEOL, SignalSpares}

var signalLabels = map[Signal][2]string{
	SignalNeed:         {"员工记录的需求", "need noted by staff"},
	SignalWarranty:     {"设备保修到期", "warranty ending"},
	SignalEOL:          {"设备停产停服", "end of life"},
	SignalUtilisation:  {"利用率高", "high utilisation"},
	SignalSpares:       {"备件不足", "spare parts short"},
	SignalContract:     {"合同到期", "contract ending"},
	SignalAskedAbout:   {"培训中咨询产品", "asked about in training"},
	SignalRepeatFaults: {"同一设备反复故障", "repeated faults"},
	SignalWords:        {"记录中的商机关键词", "words in the records"},
}

// Label names the signal in a language ("zh-CN" or "en"; anything but
// English gets Chinese).
func (s Signal) Label(lang string) string {
	l, ok := signalLabels[s]
	if !ok {
		return string(s)
	}
	return pick(lang, l[0], l[1])
}

// Valid reports whether s is a known signal.
func (s Signal) Valid() bool { _, ok := signalLabels[s]; return ok }

// Status is where marketing is with a lead.
type Status string

// The statuses (archive.LeadStatuses, typed).
const (
	StatusNew       Status = "new"
	StatusContacted Status = "contacted"
	StatusWon       Status = "won"
	StatusLost      Status = "lost"
	StatusDismissed Status = "dismissed"
)

// Statuses lists the statuses in the order forms offer them.
var Statuses = []Status{StatusNew, StatusContacted, StatusWon, StatusLost, StatusDismissed}

var statusLabels = map[Status][2]string{
	StatusNew:       {"新商机", "new"},
	StatusContacted: {"已联系", "contacted"},
	StatusWon:       {"已成交", "won"},
	StatusLost:      {"未成交", "lost"},
	StatusDismissed: {"已忽略", "dismissed"},
}

// Label names the status in a language.
func (s Status) Label(lang string) string {
	l, ok := statusLabels[s]
	if !ok {
		return string(s)
	}
	return pick(lang, l[0], l[1])
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Open reports whether the lead still needs work (new or contacted).
func (s Status) Open() bool { return s == StatusNew || s == StatusContacted }

// Lead is one potential business need of a customer, derived from the
// records as of a date, with the evidence behind it.
type Lead struct {
	// ID is stable: a hash of the customer, the signal and the subject, so
	// commits that do not touch the evidence never change it.
	ID             string   `json:"id"`
	Customer       string   `json:"customer"`
	CustomerName   string   `json:"customer_name"`
	Industry       string   `json:"industry,omitempty"`
	District       string   `json:"district,omitempty"`
	AccountManager string   `json:"account_manager,omitempty"`
	Technicians    []string `json:"technicians,omitempty"`
	Signal         Signal   `json:"signal"`
	// Subject tells apart leads of one signal at one customer: the need's
	// id, the device id (repeat_faults), the product asked about, the word,
	// the contract id and end. Empty for signals that are one lead per
	// customer (warranty, eol, utilisation, spares), whose evidence lists
	// every device or part concerned.
	Subject string `json:"subject,omitempty"`
	// Summary is one line in Chinese, SummaryEN the same in English.
	Summary   string `json:"summary"`
	SummaryEN string `json:"summary_en"`
	// Product is the product to offer, in Chinese and English.
	Product   string `json:"product,omitempty"`
	ProductEN string `json:"product_en,omitempty"`
	// Score ranks leads from 0 to 100: see the package documentation.
	Score  int    `json:"score"`
	Status Status `json:"status"`
	// StatusBy, StatusDate and StatusNote come from the tracked entry of
	// leads.md that set the status (empty for a lead nobody touched).
	StatusBy   string       `json:"status_by,omitempty"`
	StatusDate archive.Date `json:"status_date,omitzero"`
	StatusNote string       `json:"status_note,omitempty"`
	// Since is the day the signal became true in the world: the need's
	// date, the day the warranty entered its warning window, the day of
	// the repair visit that made the faults repeated. Zero when the records
	// do not say (utilisation, spares): use FirstSeen.
	Since archive.Date `json:"since,omitzero"`
	// Due is the day the lead is about, when there is one: the nearest
	// warranty, end-of-life or contract end, the spare parts' due date.
	Due archive.Date `json:"due,omitzero"`
	// FirstSeen is the commit where the signal first appeared (nil when
	// derived without history).
	FirstSeen *Seen      `json:"first_seen"`
	Evidence  []Evidence `json:"evidence"`

	det *detail // what the summary is written from, for Redact
}

// Seen names a commit of the archive's history.
type Seen struct {
	Commit string    `json:"commit"`
	Author string    `json:"author,omitempty"`
	When   time.Time `json:"when"`
}

// Date is the day of the commit.
func (s *Seen) Date() archive.Date {
	if s == nil {
		return archive.Date{}
	}
	return archive.DateOf(s.When)
}

// Evidence is one fact behind a lead, located in the archive.
type Evidence struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
	// Device is the device concerned, when there is one.
	Device string `json:"device,omitempty"`
	// Field is the access field name the value comes from
	// ("devices.warranty_until", "visits.body"), which Redact checks.
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	// Date is the date of the record or value (a visit's day).
	Date archive.Date `json:"date,omitzero"`
	// Serial and MgmtIP identify the device for technicians; Redact drops
	// them when devices.serial or devices.mgmt_ip is hidden.
	Serial string `json:"serial,omitempty"`
	MgmtIP string `json:"mgmt_ip,omitempty"`
}

// String writes the evidence on one line: path:line device field=value.
func (e Evidence) String() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Device != "" {
		b.WriteString(" " + e.Device)
	}
	if e.Field != "" && e.Value != "" {
		_, key, _ := strings.Cut(e.Field, ".")
		if key == "" {
			key = e.Field
		}
		fmt.Fprintf(&b, " %s=%s", key, e.Value)
	}
	if e.Serial != "" {
		b.WriteString(" serial=" + e.Serial)
	}
	if e.MgmtIP != "" {
		b.WriteString(" mgmt_ip=" + e.MgmtIP)
	}
	return b.String()
}

// Text returns the summary in a language.
func (l Lead) Text(lang string) string { return pick(lang, l.Summary, l.SummaryEN) }

// ProductIn returns the suggested product in a language.
func (l Lead) ProductIn(lang string) string { return pick(lang, l.Product, l.ProductEN) }

// Began is the day the lead started: Since, else the day it was first
// seen. It is what "age" filters and feeds use.
func (l Lead) Began() archive.Date {
	if !l.Since.IsZero() {
		return l.Since
	}
	return l.FirstSeen.Date()
}

// ID returns the id of the lead of a signal about a subject at a customer.
func ID(customer string, s Signal, subject string) string {
	h := sha256.Sum256([]byte(customer + "\x00" + string(s) + "\x00" + subject))
	return hex.EncodeToString(h[:6])
}

func pick(lang, zh, en string) string {
	if strings.HasPrefix(lang, "en") {
		return en
	}
	return zh
}
