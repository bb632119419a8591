package index

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/dangan-archive/dangan/archive"
)

// Fields of the index. Sensitive fields are named as in dangan.yaml so that
// Filter.Hide can name them; hiding a name hides every field under it
// ("topology" hides topology.text and topology.body).
const (
	fKind           = "kind"
	fCustomer       = "customer"    // keyword: the customer id
	fCustomerID     = "customer_id" // identifier: the id, for exact and prefix search
	fCustomerName   = "customer_name"
	fIndustry       = "industry"
	fDistrict       = "district"
	fAccountManager = "account_manager"
	fTechnician     = "technician"
	fRestricted     = "restricted"
	fVendor         = "devices.vendor"
	fVendorLC       = "devices.vendor.lc"
	fStatus         = "status"
	fModel          = "devices.model"
	fSerial         = "devices.serial"
	fIP             = "devices.mgmt_ip"
	fFirmware       = "devices.firmware"
	fSpareModel     = "spares.model"
	fPhone          = "customer.contacts.phone"
	fEmail          = "customer.contacts.email"
	fContract       = "customer.contract.id"
	fDate           = "date"
	fWarranty       = "devices.warranty_until"
	fEOL            = "devices.eol"
	fDue            = "due"
	fContractEnd    = "customer.contract.end"

	// Stored only, for hits.
	sTitle = "_title"
	sSnip  = "_snip"
)

// Prose is indexed in a few fields by what a role can hide on its own,
// not by kind: every record has one kind, so a field per kind and part
// (visits.body, devices.text, ...) made a word a disjunction over 23
// fields of which 22 hold nothing for any given record, and each still
// cost a term lookup and a searcher. fText holds the short facts of every
// kind (customer.text, devices.text, ..., a note's title), fBody every
// kind's markdown body. A role that hides one kind's part (visits.body)
// is served by excluding that kind from the field at query time
// (textSource). Fields a role can hide within a kind's record keep a
// field of their own, and so do the visit reports (visits.body): they are
// half the prose of an archive and the part roles hide most (the
// marketing role of ARCHIVE-FORMAT.md), and excluding a kind from a field
// still costs a step per record of that kind the word is in.
const (
	fText       = "text"
	fBody       = "body"
	fVisitsBody = "visits.body"
)

// textFields are analyzed as prose (Chinese words and alphanumeric runs).
var textFields = []string{fCustomerName, fText, fBody, fVisitsBody, "customer.address", "customer.contacts.name", "devices.location"}

// textSource names, for the merged prose fields, the dangan.yaml field
// each kind's part is hidden by.
var textSource = map[string]map[archive.Kind]string{
	fText: {
		archive.KindCustomer: "customer.text", archive.KindDevices: "devices.text", archive.KindTopology: "topology.text",
		archive.KindProgress: "progress.text", archive.KindTraining: "training.text", archive.KindSpares: "spares.text",
		archive.KindLeads: "leads.text", archive.KindVisit: "visits.text", archive.KindNote: "notes", archive.KindGuide: "guides.text",
	},
	fBody: {
		archive.KindCustomer: "customer.body", archive.KindDevices: "devices.body", archive.KindTopology: "topology.body",
		archive.KindProgress: "progress.body", archive.KindTraining: "training.body", archive.KindSpares: "spares.body",
		archive.KindLeads: "leads.body", archive.KindNote: "notes", archive.KindGuide: "guides.body",
	},
}

// identFields hold identifiers; the value says whether they are also
// indexed by their parts between hyphens and spaces.
var identFields = map[string]bool{
	fModel: true, fSpareModel: true, fSerial: true, fFirmware: true, fContract: true,
	fIP: false, fPhone: false, fEmail: false, fCustomerID: true,
}

// identOrder is identFields in a fixed order, for stable queries.
var identOrder = []string{fModel, fSpareModel, fSerial, fIP, fFirmware, fContract, fPhone, fEmail, fCustomerID}

// kindPrefix is the dangan.yaml name of a kind's fields (visits.body,
// notes): hiding it hides the kind's records altogether.
var kindPrefix = map[archive.Kind]string{
	archive.KindCustomer: "customer", archive.KindDevices: "devices", archive.KindTopology: "topology",
	archive.KindProgress: "progress", archive.KindTraining: "training", archive.KindSpares: "spares",
	archive.KindLeads: "leads", archive.KindVisit: "visits", archive.KindNote: "notes", archive.KindGuide: "guides",
}

// kindLabel is how a kind is called in titles.
var kindLabel = map[archive.Kind]string{
	archive.KindCustomer: "客户档案", archive.KindDevices: "设备清单", archive.KindTopology: "网络拓扑",
	archive.KindProgress: "项目进度", archive.KindTraining: "技术培训", archive.KindSpares: "备件计划",
	archive.KindLeads: "业务需求", archive.KindVisit: "上门记录", archive.KindNote: "笔记", archive.KindGuide: "指南",
}

var visitTypeLabel = map[archive.VisitType]string{
	archive.VisitInstall: "安装", archive.VisitRepair: "维修", archive.VisitInspection: "巡检",
	archive.VisitTraining: "培训", archive.VisitSurvey: "勘察",
}

var statusLabel = map[string]string{
	"in_service": "在用", "standby": "备用", "faulty": "故障", "removed": "已拆除",
	"resolved": "已解决", "follow_up": "待跟进", "escalated": "已上报", "no_answer": "无人应答",
	"delayed": "延期", "new": "新", "contacted": "已联系", "won": "已成交", "lost": "未成交", "dismissed": "已放弃",
}

// part is a piece of a snippet line: text from one field, with an
// optional label shown before it ("SN", "IP").
type part struct{ F, L, T string }

// Snippet lines are stored compactly: lines end with \x1e, parts with
// \x1f, and a part is field code, \x1d, label, \x1d, text. Field codes
// are indexes in snipFields (part of the schema: append only). A part
// names the dangan.yaml field it comes from (visits.body, not body), so
// that what a role hides stays out of snippets.
var snipFields = append([]string{
	fCustomerName, "customer.text", "customer.body", "customer.address", "customer.contacts.name",
	"devices.text", "devices.body", "devices.location",
	"topology.text", "topology.body",
	"progress.text", "progress.body",
	"training.text", "training.body",
	"spares.text", "spares.body",
	"leads.text", "leads.body",
	"visits.text", "visits.body",
	"notes",
	"guides.text", "guides.body",
}, identOrder...)

var snipCode = func() map[string]string {
	m := map[string]string{}
	for i, f := range snipFields {
		m[f] = strconv.Itoa(i)
	}
	return m
}()

func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 0x1d || r == 0x1e || r == 0x1f {
			return ' '
		}
		return r
	}, s)
}

func encodeLines(lines [][]part) []byte {
	var b strings.Builder
	for _, l := range lines {
		for _, p := range l {
			b.WriteString(snipCode[p.F] + "\x1d" + clean(p.L) + "\x1d" + clean(p.T) + "\x1f")
		}
		b.WriteString("\x1e")
	}
	return []byte(b.String())
}

func decodeLines(s string) [][]part {
	var lines [][]part
	for _, l := range strings.Split(strings.TrimSuffix(s, "\x1e"), "\x1e") {
		var ps []part
		for _, raw := range strings.Split(strings.TrimSuffix(l, "\x1f"), "\x1f") {
			code, rest, ok1 := strings.Cut(raw, "\x1d")
			label, text, ok2 := strings.Cut(rest, "\x1d")
			i, err := strconv.Atoi(code)
			if !ok1 || !ok2 || err != nil || i < 0 || i >= len(snipFields) {
				continue
			}
			ps = append(ps, part{F: snipFields[i], L: label, T: text})
		}
		if len(ps) > 0 {
			lines = append(lines, ps)
		}
	}
	return lines
}

// builder turns one record into a bleve document.
type builder struct {
	text  textAnalyzer
	doc   *document.Document
	texts map[string]*strings.Builder
	order []string
	lines [][]part
}

const (
	optIndex = bindex.IndexField
	// Prose keeps term positions: phrase queries ("光衰偏高") need them.
	optText       = bindex.IndexField | bindex.IncludeTermVectors
	optFacet      = bindex.IndexField
	optStoreIndex = bindex.IndexField | bindex.StoreField
	optStoreFacet = bindex.IndexField | bindex.StoreField
	optStoreOnly  = bindex.StoreField
)

var (
	kwAnalyzer         analysis.Analyzer = keywordAnalyzer{}
	identSplitAnalyzer analysis.Analyzer = identAnalyzer{split: true}
	identWholeAnalyzer analysis.Analyzer = identAnalyzer{split: false}
	dateTermsAnalyzer  analysis.Analyzer = dateAnalyzer{}
)

func (b *builder) addText(field, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	sb := b.texts[field]
	if sb == nil {
		sb = &strings.Builder{}
		b.texts[field] = sb
		b.order = append(b.order, field)
	} else {
		sb.WriteString("\n")
	}
	sb.WriteString(v)
}

func (b *builder) addIdent(field, v string) {
	if strings.TrimSpace(v) == "" {
		return
	}
	a := identWholeAnalyzer
	if identFields[field] {
		a = identSplitAnalyzer
	}
	b.doc.AddField(document.NewTextFieldCustom(field, nil, []byte(v), optIndex, a))
}

func (b *builder) addKeyword(field, v string, opts bindex.FieldIndexingOptions) {
	if v == "" {
		return
	}
	b.doc.AddField(document.NewTextFieldCustom(field, nil, []byte(v), opts, kwAnalyzer))
}

func (b *builder) addDate(field string, d archive.Date) {
	if d.IsZero() {
		return
	}
	b.doc.AddField(document.NewTextFieldCustom(field, nil, []byte(d.String()), optIndex, dateTermsAnalyzer))
}

func (b *builder) line(ps ...part) {
	var keep []part
	for _, p := range ps {
		if p.T = strings.TrimSpace(p.T); p.T != "" {
			keep = append(keep, p)
		}
	}
	if len(keep) > 0 {
		b.lines = append(b.lines, keep)
	}
}

// body indexes a record's markdown body and adds its lines to the
// snippet source as parts of field (the dangan.yaml name: visits.body).
func (b *builder) body(field, md string) {
	if field == fVisitsBody {
		b.addText(fVisitsBody, md)
	} else {
		b.addText(fBody, md)
	}
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimLeft(strings.TrimSpace(l), "#>*-+|` ")
		if l != "" {
			b.line(part{F: field, T: l})
		}
	}
}

func joinNonEmpty(sep string, vs ...string) string {
	var keep []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			keep = append(keep, v)
		}
	}
	return strings.Join(keep, sep)
}

// recordDoc builds the document of one record. Customer-level facts
// (name, industry, district, account manager, technicians, restricted) are
// copied into every record of the customer, so that filters and facets on
// them work on any record: a change of customer.md reindexes the customer.
func recordDoc(text textAnalyzer, r *archive.Record, folder *archive.Folder) *document.Document {
	b := &builder{text: text, doc: document.NewDocument(r.Path), texts: map[string]*strings.Builder{}}
	b.addKeyword(fKind, string(r.Kind), optStoreFacet)
	techs := map[string]bool{}
	addTech := func(t string) {
		if t != "" && !techs[t] {
			techs[t] = true
			b.addKeyword(fTechnician, t, optFacet)
		}
	}
	if r.Customer != "" {
		b.addKeyword(fCustomer, r.Customer, optStoreIndex)
		b.addIdent(fCustomerID, r.Customer)
		prof := &archive.Customer{Name: r.Customer}
		restricted := false
		if folder != nil {
			prof = folder.Profile()
			restricted = prof.Restricted
		}
		name := prof.Name
		if name == "" {
			name = r.Customer
		}
		b.doc.AddField(newProse(text, fCustomerName, []byte(name), optText|bindex.StoreField))
		b.addKeyword(fIndustry, prof.Industry, optFacet)
		b.addKeyword(fDistrict, prof.District, optFacet)
		b.addKeyword(fAccountManager, prof.AccountManager, optFacet)
		for _, t := range prof.Technicians {
			addTech(t)
		}
		// Only restricted records carry the field: searches exclude the
		// ones that have it, and 90,000 terms "F" were a field more per
		// document to build for nothing.
		if restricted {
			b.doc.AddField(document.NewBooleanFieldWithIndexingOptions(fRestricted, nil, true, optIndex))
		}
	}

	prefix := kindPrefix[r.Kind]
	switch d := r.Data.(type) {
	case *archive.Customer:
		techList := strings.Join(d.Technicians, " ")
		var services []string
		for _, s := range d.Services {
			services = append(services, joinNonEmpty(" ", s.Product, s.Bandwidth))
		}
		contract := ""
		if d.Contract != nil {
			contract = d.Contract.ID
			b.addIdent(fContract, d.Contract.ID)
			b.addDate(fContractEnd, d.Contract.End)
		}
		b.addText(fText, joinNonEmpty("\n", d.Name, d.Industry, d.District, d.AccountManager, techList, strings.Join(services, "\n"), contract, strings.Join(d.Tags, " ")))
		b.line(part{F: "customer.text", T: joinNonEmpty(" · ", d.Name, d.Industry, d.District)})
		b.line(part{F: "customer.text", L: "客户经理", T: d.AccountManager}, part{F: "customer.text", L: "维护", T: techList})
		b.line(part{F: "customer.text", T: strings.Join(services, "，")}, part{F: "customer.text", L: "合同", T: contract})
		if len(d.Tags) > 0 {
			b.line(part{F: "customer.text", T: strings.Join(d.Tags, " ")})
		}
		b.addText("customer.address", d.Address)
		b.line(part{F: "customer.address", L: "地址", T: d.Address})
		for _, c := range d.Contacts {
			b.addText("customer.contacts.name", joinNonEmpty(" ", c.Name, c.Role))
			b.addIdent(fPhone, c.Phone)
			b.addIdent(fEmail, c.Email)
			b.line(part{F: "customer.contacts.name", T: joinNonEmpty(" ", c.Name, c.Role)}, part{F: fPhone, T: c.Phone}, part{F: fEmail, T: c.Email})
		}
		b.body("customer.body", r.Body)
	case *archive.Devices:
		for _, dv := range d.Devices {
			st := string(dv.Status)
			t := joinNonEmpty(" ", dv.ID, dv.Role, dv.Vendor, st, statusLabel[st])
			b.addText(fText, t)
			b.addIdent(fModel, dv.Model)
			b.addIdent(fSerial, dv.Serial)
			b.addIdent(fIP, dv.MgmtIP)
			b.addIdent(fFirmware, dv.Firmware)
			b.addText("devices.location", dv.Location)
			if v := canonicalVendor(dv.Vendor); v != "" {
				b.addKeyword(fVendor, v, optFacet)
				b.addKeyword(fVendorLC, strings.ToLower(v), optIndex)
				if lc := strings.ToLower(strings.TrimSpace(dv.Vendor)); lc != strings.ToLower(v) {
					b.addKeyword(fVendorLC, lc, optIndex)
				}
			}
			b.addKeyword(fStatus, st, optIndex)
			b.addDate(fWarranty, dv.WarrantyUntil)
			b.addDate(fEOL, dv.EOL)
			b.line(part{F: "devices.text", T: joinNonEmpty(" ", dv.ID, dv.Role, dv.Vendor)}, part{F: fModel, T: dv.Model},
				part{F: fSerial, L: "SN", T: dv.Serial}, part{F: fIP, L: "IP", T: dv.MgmtIP},
				part{F: "devices.location", T: dv.Location}, part{F: fFirmware, T: dv.Firmware},
				part{F: "devices.text", T: statusLabel[st]})
		}
		b.body("devices.body", r.Body)
	case *archive.Topology:
		for _, e := range d.External {
			t := joinNonEmpty(" ", e.ID, e.Label)
			b.addText(fText, t)
			b.line(part{F: "topology.text", T: t})
		}
		for _, l := range d.Links {
			t := joinNonEmpty(" ", l.From, "—", l.To, l.Medium, l.Bandwidth, strings.Join(l.Ports, " "))
			b.addText(fText, t)
			b.line(part{F: "topology.text", T: t})
		}
		b.body("topology.body", r.Body)
	case *archive.Progress:
		for _, p := range d.Projects {
			b.addText(fText, p.Name)
			for _, m := range p.Milestones {
				t := joinNonEmpty(" ", m.Name, m.Status, statusLabel[m.Status], m.Note)
				b.addText(fText, t)
				b.addKeyword(fStatus, m.Status, optIndex)
				b.addDate(fDue, m.Due)
				b.line(part{F: "progress.text", T: joinNonEmpty(" ", p.Name, m.Name, m.Due.String(), statusLabel[m.Status], m.Note)})
			}
		}
		b.body("progress.body", r.Body)
	case *archive.Training:
		for _, s := range d.Sessions {
			t := joinNonEmpty(" ", s.Topic, s.Trainer, strings.Join(s.AskedAbout, " "))
			b.addText(fText, t)
			b.addDate(fDate, s.Date)
			addTech(s.Trainer)
			b.line(part{F: "training.text", T: joinNonEmpty(" ", s.Date.String(), s.Topic, s.Trainer, strings.Join(s.AskedAbout, " "))})
		}
		b.body("training.body", r.Body)
	case *archive.Spares:
		for _, p := range d.Parts {
			b.addText(fText, joinNonEmpty(" ", p.Part, p.For))
			b.addIdent(fSpareModel, p.Model)
			b.addDate(fDue, p.Due)
			b.line(part{F: "spares.text", T: joinNonEmpty(" ", p.Part, p.For)}, part{F: fSpareModel, T: p.Model},
				part{F: "spares.text", T: fmt.Sprintf("现有 %d / 需求 %d", p.OnHand, p.Required)})
		}
		b.body("spares.body", r.Body)
	case *archive.Needs:
		for _, n := range d.Leads {
			b.addText(fText, joinNonEmpty(" ", n.Need, n.Product, n.NotedBy, n.Status, statusLabel[n.Status]))
			b.addKeyword(fStatus, n.Status, optIndex)
			b.addDate(fDate, n.Date)
			b.line(part{F: "leads.text", T: joinNonEmpty(" ", n.Date.String(), n.Need, n.Product, statusLabel[n.Status])})
		}
		b.body("leads.body", r.Body)
	case *archive.Visit:
		t := joinNonEmpty(" ", string(d.Type), visitTypeLabel[d.Type], d.Technician, string(d.Outcome), statusLabel[string(d.Outcome)],
			d.EscalatedTo, d.Satisfaction, strings.Join(d.Devices, " "))
		if d.Rescheduled != nil {
			t = joinNonEmpty(" ", t, d.Rescheduled.Reason)
		}
		b.addText(fText, t)
		addTech(d.Technician)
		b.addKeyword(fStatus, string(d.Outcome), optIndex)
		when := d.Appointment
		if when.IsZero() {
			when = d.Arrived
		}
		if !when.IsZero() {
			b.addDate(fDate, when.Date())
		}
		b.line(part{F: "visits.text", T: joinNonEmpty(" ", visitTypeLabel[d.Type], d.Technician, statusLabel[string(d.Outcome)], d.EscalatedTo, strings.Join(d.Devices, " "))})
		b.body("visits.body", r.Body)
	case *archive.Page:
		if r.Kind == archive.KindGuide {
			b.addText(fText, joinNonEmpty(" ", r.Title, strings.Join(d.Tags, " ")))
			b.body("guides.body", r.Body)
		} else {
			b.addText(fText, joinNonEmpty(" ", r.Title, strings.Join(d.Tags, " ")))
			b.body("notes", r.Body)
		}
	default:
		// Unreadable front matter: the body still deserves to be found.
		field := prefix + ".body"
		if r.Kind == archive.KindNote {
			field = "notes"
		}
		b.body(field, r.Body)
	}
	for _, f := range b.order {
		b.doc.AddField(newProse(text, f, []byte(b.texts[f].String()), optText))
	}
	b.doc.AddField(document.NewTextFieldCustom(sTitle, nil, []byte(hitTitle(r)), optStoreOnly, kwAnalyzer))
	b.doc.AddField(document.NewTextFieldCustom(sSnip, nil, encodeLines(b.lines), optStoreOnly, kwAnalyzer))
	return b.doc
}

// hitTitle is what a result is called: the customer's name for its
// profile, the kind's Chinese name for the other one-per-customer records.
func hitTitle(r *archive.Record) string {
	switch r.Kind {
	case archive.KindCustomer:
		return r.Title
	case archive.KindVisit:
		if v := r.AsVisit(); v != nil {
			when := v.Appointment
			if when.IsZero() {
				when = v.Arrived
			}
			if !when.IsZero() {
				return joinNonEmpty(" ", kindLabel[r.Kind], when.Date().String(), visitTypeLabel[v.Type])
			}
		}
		return kindLabel[r.Kind] + " " + r.Title
	case archive.KindNote, archive.KindGuide:
		return r.Title
	}
	if l := kindLabel[r.Kind]; l != "" {
		return l
	}
	return r.Title
}

// canonicalVendor maps the names a vendor is written with (中文 or English,
// any case) to one name, so facets count Huawei and 华为 together.
func canonicalVendor(v string) string {
	v = strings.TrimSpace(v)
	if c, ok := vendorAliases[strings.ToLower(v)]; ok {
		return c
	}
	return v
}

var vendorAliases = func() map[string]string {
	m := map[string]string{}
	for canon, names := range map[string][]string{
		"Huawei":    {"huawei", "华为"},
		"ZTE":       {"zte", "中兴", "中兴通讯"},
		"H3C":       {"h3c", "新华三", "华三"},
		"Ruijie":    {"ruijie", "锐捷"},
		"Cisco":     {"cisco", "思科"},
		"Hikvision": {"hikvision", "海康", "海康威视"},
		"TP-LINK":   {"tp-link", "tplink", "tp link", "普联"},
		"Dahua":     {"dahua", "大华"},
		"Fiberhome": {"fiberhome", "烽火"},
		"Sangfor":   {"sangfor", "深信服"},
		"Juniper":   {"juniper", "瞻博"},
		"Inspur":    {"inspur", "浪潮"},
		"Lenovo":    {"lenovo", "联想"},
	} {
		for _, n := range names {
			m[n] = canon
		}
	}
	return m
}()
