package archive

// The front matter of every record kind. Field names are the archive's
// English snake_case keys; values are mostly Chinese. Every struct keeps the
// keys it does not know in Extra, so that nothing a person wrote is lost when
// dangan reads and writes a record.
//
// Comments on fields are shown in docs/FORMAT.md and as hints in the site's
// forms; the `doc` tags carry the Chinese label used by the forms.

// Extra holds front-matter keys this version of dangan does not know.
type Extra = map[string]any

// Customer is customer.md: the profile of one customer.
type Customer struct {
	Kind           Kind      `yaml:"kind" json:"kind"`
	Name           string    `yaml:"name" json:"name" doc:"客户名称" required:"true"`
	Industry       string    `yaml:"industry,omitempty" json:"industry,omitempty" doc:"行业"`
	District       string    `yaml:"district,omitempty" json:"district,omitempty" doc:"区域/街道"`
	Address        string    `yaml:"address,omitempty" json:"address,omitempty" doc:"地址"`
	AccountManager string    `yaml:"account_manager,omitempty" json:"account_manager,omitempty" doc:"客户经理"`
	Technicians    []string  `yaml:"technicians,omitempty" json:"technicians,omitempty" doc:"维护人员"`
	Restricted     bool      `yaml:"restricted,omitempty" json:"restricted,omitempty" doc:"涉密客户"`
	Contacts       []Contact `yaml:"contacts,omitempty" json:"contacts,omitempty" doc:"联系人"`
	Services       []Service `yaml:"services,omitempty" json:"services,omitempty" doc:"在用业务"`
	Contract       *Contract `yaml:"contract,omitempty" json:"contract,omitempty" doc:"合同"`
	Tags           []string  `yaml:"tags,omitempty" json:"tags,omitempty" doc:"标签"`
	Extra          Extra     `yaml:",inline" json:"extra,omitempty"`
}

// Contact is a person at the customer.
type Contact struct {
	Name  string `yaml:"name" json:"name" doc:"姓名"`
	Role  string `yaml:"role,omitempty" json:"role,omitempty" doc:"职务"`
	Phone string `yaml:"phone,omitempty" json:"phone,omitempty" doc:"电话"`
	Email string `yaml:"email,omitempty" json:"email,omitempty" doc:"邮箱"`
	Extra Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Service is a product the customer buys from the operator.
type Service struct {
	Product   string `yaml:"product" json:"product" doc:"产品"`
	Bandwidth string `yaml:"bandwidth,omitempty" json:"bandwidth,omitempty" doc:"带宽"`
	Since     Date   `yaml:"since,omitempty" json:"since,omitempty" doc:"开通日期"`
	Extra     Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Contract is the customer's service contract.
type Contract struct {
	ID    string `yaml:"id,omitempty" json:"id,omitempty" doc:"合同编号"`
	Start Date   `yaml:"start,omitempty" json:"start,omitempty" doc:"开始"`
	End   Date   `yaml:"end,omitempty" json:"end,omitempty" doc:"到期"`
	Extra Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Devices is devices.md: the customer-side device inventory.
type Devices struct {
	Kind     Kind     `yaml:"kind" json:"kind"`
	Reviewed Date     `yaml:"reviewed,omitempty" json:"reviewed,omitempty" doc:"核对日期"`
	Devices  []Device `yaml:"devices,omitempty" json:"devices,omitempty" doc:"设备"`
	Extra    Extra    `yaml:",inline" json:"extra,omitempty"`
}

// Device is one piece of customer-side network equipment.
type Device struct {
	ID            string       `yaml:"id" json:"id" doc:"设备编号" required:"true"`
	Role          string       `yaml:"role,omitempty" json:"role,omitempty" doc:"角色"`
	Vendor        string       `yaml:"vendor,omitempty" json:"vendor,omitempty" doc:"厂商"`
	Model         string       `yaml:"model,omitempty" json:"model,omitempty" doc:"型号"`
	Serial        string       `yaml:"serial,omitempty" json:"serial,omitempty" doc:"序列号"`
	MgmtIP        string       `yaml:"mgmt_ip,omitempty" json:"mgmt_ip,omitempty" doc:"管理地址"`
	Location      string       `yaml:"location,omitempty" json:"location,omitempty" doc:"位置"`
	Installed     Date         `yaml:"installed,omitempty" json:"installed,omitempty" doc:"安装日期"`
	WarrantyUntil Date         `yaml:"warranty_until,omitempty" json:"warranty_until,omitempty" doc:"保修截止"`
	EOL           Date         `yaml:"eol,omitempty" json:"eol,omitempty" doc:"停产/停服"`
	Firmware      string       `yaml:"firmware,omitempty" json:"firmware,omitempty" doc:"软件版本"`
	Status        DeviceStatus `yaml:"status,omitempty" json:"status,omitempty" doc:"状态"`
	Utilisation   *int         `yaml:"utilisation,omitempty" json:"utilisation,omitempty" doc:"利用率(%)"`
	Extra         Extra        `yaml:",inline" json:"extra,omitempty"`
}

// DeviceStatus says whether a device is working for the customer.
type DeviceStatus string

// The device statuses.
const (
	InService DeviceStatus = "in_service"
	Standby   DeviceStatus = "standby"
	Faulty    DeviceStatus = "faulty"
	Removed   DeviceStatus = "removed"
)

// DeviceStatuses lists the valid statuses, in the order forms offer them.
var DeviceStatuses = []DeviceStatus{InService, Standby, Faulty, Removed}

// Topology is topology.md: how the devices are linked.
type Topology struct {
	Kind     Kind       `yaml:"kind" json:"kind"`
	Reviewed Date       `yaml:"reviewed,omitempty" json:"reviewed,omitempty" doc:"核对日期"`
	External []External `yaml:"external,omitempty" json:"external,omitempty" doc:"外部节点"`
	Links    []Link     `yaml:"links,omitempty" json:"links,omitempty" doc:"链路"`
	Extra    Extra      `yaml:",inline" json:"extra,omitempty"`
}

// External is a node outside the customer: the operator's side of a link.
type External struct {
	ID    string `yaml:"id" json:"id" doc:"编号" required:"true"`
	Label string `yaml:"label,omitempty" json:"label,omitempty" doc:"名称"`
	Extra Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Link joins two devices (or a device and an external node).
type Link struct {
	From      string   `yaml:"from" json:"from" doc:"起点" required:"true"`
	To        string   `yaml:"to" json:"to" doc:"终点" required:"true"`
	Medium    string   `yaml:"medium,omitempty" json:"medium,omitempty" doc:"介质"`
	Bandwidth string   `yaml:"bandwidth,omitempty" json:"bandwidth,omitempty" doc:"带宽"`
	Ports     []string `yaml:"ports,omitempty" json:"ports,omitempty" doc:"端口"`
	Extra     Extra    `yaml:",inline" json:"extra,omitempty"`
}

// Progress is progress.md: the customer's projects and their milestones.
type Progress struct {
	Kind     Kind      `yaml:"kind" json:"kind"`
	Projects []Project `yaml:"projects,omitempty" json:"projects,omitempty" doc:"项目"`
	Extra    Extra     `yaml:",inline" json:"extra,omitempty"`
}

// Project is one piece of work for the customer.
type Project struct {
	Name       string      `yaml:"name" json:"name" doc:"项目名称" required:"true"`
	Milestones []Milestone `yaml:"milestones,omitempty" json:"milestones,omitempty" doc:"里程碑"`
	Extra      Extra       `yaml:",inline" json:"extra,omitempty"`
}

// Milestone is a dated step of a project.
type Milestone struct {
	Name   string `yaml:"name" json:"name" doc:"里程碑" required:"true"`
	Due    Date   `yaml:"due,omitempty" json:"due,omitempty" doc:"计划"`
	Done   Date   `yaml:"done,omitempty" json:"done,omitempty" doc:"完成"`
	Status string `yaml:"status,omitempty" json:"status,omitempty" doc:"状态"`
	Note   string `yaml:"note,omitempty" json:"note,omitempty" doc:"备注"`
	Extra  Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Late reports whether the milestone is past due and not done on the given day.
func (m Milestone) Late(today Date) bool {
	if !m.Done.IsZero() {
		return m.Done.After(m.Due) && !m.Due.IsZero()
	}
	return m.Status == "delayed" || (!m.Due.IsZero() && m.Due.Before(today))
}

// Training is training.md: technical training given to the customer.
type Training struct {
	Kind     Kind      `yaml:"kind" json:"kind"`
	Sessions []Session `yaml:"sessions,omitempty" json:"sessions,omitempty" doc:"培训"`
	Extra    Extra     `yaml:",inline" json:"extra,omitempty"`
}

// Session is one training session.
type Session struct {
	Date       Date     `yaml:"date" json:"date" doc:"日期" required:"true"`
	Topic      string   `yaml:"topic" json:"topic" doc:"主题" required:"true"`
	Trainer    string   `yaml:"trainer,omitempty" json:"trainer,omitempty" doc:"讲师"`
	Attendees  int      `yaml:"attendees,omitempty" json:"attendees,omitempty" doc:"人数"`
	AskedAbout []string `yaml:"asked_about,omitempty" json:"asked_about,omitempty" doc:"咨询产品"`
	Extra      Extra    `yaml:",inline" json:"extra,omitempty"`
}

// Spares is spares.md: the spare-part plan.
type Spares struct {
	Kind  Kind   `yaml:"kind" json:"kind"`
	Parts []Part `yaml:"parts,omitempty" json:"parts,omitempty" doc:"备件"`
	Extra Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Part is one line of the spare-part plan.
type Part struct {
	Part     string `yaml:"part" json:"part" doc:"备件" required:"true"`
	Model    string `yaml:"model,omitempty" json:"model,omitempty" doc:"型号"`
	For      string `yaml:"for,omitempty" json:"for,omitempty" doc:"对应设备"`
	OnHand   int    `yaml:"on_hand" json:"on_hand" doc:"现有"`
	Required int    `yaml:"required" json:"required" doc:"需求"`
	Due      Date   `yaml:"due,omitempty" json:"due,omitempty" doc:"到位日期"`
	Extra    Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Short reports how many parts are missing (0 when the plan is covered).
func (p Part) Short() int { return max(0, p.Required-p.OnHand) }

// Needs is leads.md: business needs the staff noticed at the customer, and
// where marketing follows up the leads dangan derives for the customer.
type Needs struct {
	Kind  Kind   `yaml:"kind" json:"kind"`
	Leads []Need `yaml:"leads,omitempty" json:"leads,omitempty" doc:"需求"`
	// Tracked holds the status marketing gave each lead of the customer
	// (derived leads and the needs above alike), one entry per lead id;
	// the site writes it as a commit, so git keeps its history.
	Tracked []Tracked `yaml:"tracked,omitempty" json:"tracked,omitempty" doc:"商机跟进"`
	Extra   Extra     `yaml:",inline" json:"extra,omitempty"`
}

// Tracked is marketing's follow-up of one lead (商机跟进): its status, who set
// it and when.
type Tracked struct {
	Lead   string `yaml:"lead" json:"lead" doc:"商机编号" required:"true"`
	Status string `yaml:"status" json:"status" doc:"状态" required:"true"`
	By     string `yaml:"by,omitempty" json:"by,omitempty" doc:"跟进人"`
	Date   Date   `yaml:"date,omitempty" json:"date,omitempty" doc:"日期"`
	Note   string `yaml:"note,omitempty" json:"note,omitempty" doc:"备注"`
	Extra  Extra  `yaml:",inline" json:"extra,omitempty"`
}

// Need is one potential business need (客户潜在业务需求) written down by staff.
type Need struct {
	ID      string `yaml:"id,omitempty" json:"id,omitempty" doc:"编号"`
	Date    Date   `yaml:"date" json:"date" doc:"日期" required:"true"`
	Need    string `yaml:"need" json:"need" doc:"需求" required:"true"`
	Product string `yaml:"product,omitempty" json:"product,omitempty" doc:"建议产品"`
	NotedBy string `yaml:"noted_by,omitempty" json:"noted_by,omitempty" doc:"记录人"`
	Status  string `yaml:"status,omitempty" json:"status,omitempty" doc:"状态"`
	Extra   Extra  `yaml:",inline" json:"extra,omitempty"`
}

// LeadStatuses are the states of a lead, set by marketing.
var LeadStatuses = []string{"new", "contacted", "won", "lost", "dismissed"}

// Visit is visits/*.md: one visit to the customer (上门服务).
type Visit struct {
	Kind         Kind        `yaml:"kind" json:"kind"`
	Type         VisitType   `yaml:"type" json:"type" doc:"类型" required:"true"`
	Technician   string      `yaml:"technician" json:"technician" doc:"维护人员" required:"true"`
	Appointment  DateTime    `yaml:"appointment,omitempty" json:"appointment,omitempty" doc:"预约时间"`
	Arrived      DateTime    `yaml:"arrived,omitempty" json:"arrived,omitempty" doc:"到达时间"`
	Left         DateTime    `yaml:"left,omitempty" json:"left,omitempty" doc:"离开时间"`
	Rescheduled  *Reschedule `yaml:"rescheduled,omitempty" json:"rescheduled,omitempty" doc:"改约"`
	NoAnswer     *NoAnswer   `yaml:"no_answer,omitempty" json:"no_answer,omitempty" doc:"无人应答"`
	FiveOnes     *FiveOnes   `yaml:"five_ones,omitempty" json:"five_ones,omitempty" doc:"五个一"`
	Consent      *bool       `yaml:"consent,omitempty" json:"consent,omitempty" doc:"客户同意操作"`
	Devices      []string    `yaml:"devices,omitempty" json:"devices,omitempty" doc:"涉及设备"`
	Outcome      Outcome     `yaml:"outcome,omitempty" json:"outcome,omitempty" doc:"结果"`
	EscalatedTo  string      `yaml:"escalated_to,omitempty" json:"escalated_to,omitempty" doc:"上报部门"`
	FollowUp     Date        `yaml:"follow_up,omitempty" json:"follow_up,omitempty" doc:"跟进日期"`
	Satisfaction string      `yaml:"satisfaction,omitempty" json:"satisfaction,omitempty" doc:"满意度"`
	Extra        Extra       `yaml:",inline" json:"extra,omitempty"`
}

// VisitType is why the technician went.
type VisitType string

// The visit types.
const (
	VisitInstall    VisitType = "install"
	VisitRepair     VisitType = "repair"
	VisitInspection VisitType = "inspection"
	VisitTraining   VisitType = "training"
	VisitSurvey     VisitType = "survey"
)

// VisitTypes lists the valid visit types.
var VisitTypes = []VisitType{VisitInstall, VisitRepair, VisitInspection, VisitTraining, VisitSurvey}

// Outcome is how a visit ended.
type Outcome string

// The visit outcomes.
const (
	Resolved  Outcome = "resolved"
	FollowUp  Outcome = "follow_up"
	Escalated Outcome = "escalated"
	NoAnswerO Outcome = "no_answer"
)

// Outcomes lists the valid outcomes.
var Outcomes = []Outcome{Resolved, FollowUp, Escalated, NoAnswerO}

// Satisfactions lists the answers of the service supervision survey.
var Satisfactions = []string{"very_satisfied", "satisfied", "neutral", "dissatisfied"}

// Reschedule records a change of appointment, which the standard wants
// announced at least two hours ahead with a reason.
type Reschedule struct {
	Notified DateTime `yaml:"notified,omitempty" json:"notified,omitempty" doc:"通知时间"`
	From     DateTime `yaml:"from,omitempty" json:"from,omitempty" doc:"原预约"`
	Reason   string   `yaml:"reason,omitempty" json:"reason,omitempty" doc:"原因"`
	Extra    Extra    `yaml:",inline" json:"extra,omitempty"`
}

// NoAnswer records a visit where nobody answered: the standard asks for ten
// minutes of waiting and a visit note (到访留言) left behind.
type NoAnswer struct {
	Waited   int   `yaml:"waited,omitempty" json:"waited,omitempty" doc:"等待分钟"`
	NoteLeft bool  `yaml:"note_left,omitempty" json:"note_left,omitempty" doc:"已留言"`
	Extra    Extra `yaml:",inline" json:"extra,omitempty"`
}

// FiveOnes is the "five ones" (五个一) a technician carries to every visit.
type FiveOnes struct {
	ShoeCovers  bool  `yaml:"shoe_covers" json:"shoe_covers" doc:"鞋套"`
	Mat         bool  `yaml:"mat" json:"mat" doc:"垫布"`
	Cloth       bool  `yaml:"cloth" json:"cloth" doc:"抹布"`
	ServiceCard bool  `yaml:"service_card" json:"service_card" doc:"服务卡"`
	SurveyForm  bool  `yaml:"survey_form" json:"survey_form" doc:"服务监督调查表"`
	Extra       Extra `yaml:",inline" json:"extra,omitempty"`
}

// Complete reports whether all five were carried.
func (f FiveOnes) Complete() bool {
	return f.ShoeCovers && f.Mat && f.Cloth && f.ServiceCard && f.SurveyForm
}

// Page is a note (notes/*.md) or a guide (guides/*.md): free-form markdown.
type Page struct {
	Kind  Kind     `yaml:"kind" json:"kind"`
	Title string   `yaml:"title,omitempty" json:"title,omitempty" doc:"标题"`
	Tags  []string `yaml:"tags,omitempty" json:"tags,omitempty" doc:"标签"`
	Extra Extra    `yaml:",inline" json:"extra,omitempty"`
}
