package archive

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Settings is dangan.yaml at the root of the archive: what the branch decided
// about visibility, freshness and leads. It lives in git with the records so
// that a change of rule has history too.
type Settings struct {
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Roles lists, per role, the fields removed before anything is shown:
	// "devices.serial", "customer.contacts.phone", "visits.body".
	Roles map[string]RoleSettings `yaml:"roles,omitempty" json:"roles,omitempty"`
	// FreshnessDays is how old a devices, topology or visit record may get
	// before the archive counts as not continuous.
	FreshnessDays map[string]int `yaml:"freshness_days,omitempty" json:"freshness_days,omitempty"`
	Leads         LeadRules      `yaml:"leads,omitempty" json:"leads,omitempty"`
	Extra         Extra          `yaml:",inline" json:"extra,omitempty"`
}

// RoleSettings is what one role may not see.
type RoleSettings struct {
	Hide  []string `yaml:"hide,omitempty" json:"hide,omitempty"`
	Extra Extra    `yaml:",inline" json:"extra,omitempty"`
}

// LeadRules are the thresholds that turn records into leads.
type LeadRules struct {
	WarrantyDays       int          `yaml:"warranty_days,omitempty" json:"warranty_days,omitempty"`
	EOLDays            int          `yaml:"eol_days,omitempty" json:"eol_days,omitempty"`
	UtilisationPercent int          `yaml:"utilisation_percent,omitempty" json:"utilisation_percent,omitempty"`
	ContractDays       int          `yaml:"contract_days,omitempty" json:"contract_days,omitempty"`
	RepeatFaults       RepeatFaults `yaml:"repeat_faults,omitempty" json:"repeat_faults,omitempty"`
	Words              []string     `yaml:"words,omitempty" json:"words,omitempty"`
	Extra              Extra        `yaml:",inline" json:"extra,omitempty"`
}

// RepeatFaults: this many repair visits touching one device within this many
// days signal a device worth replacing.
type RepeatFaults struct {
	Visits int   `yaml:"visits,omitempty" json:"visits,omitempty"`
	Days   int   `yaml:"days,omitempty" json:"days,omitempty"`
	Extra  Extra `yaml:",inline" json:"extra,omitempty"`
}

// DefaultSettings are used for anything dangan.yaml leaves out. They follow
// the branch's standard and the format proposal.
func DefaultSettings() Settings {
	return Settings{
		Name: "客户维护档案",
		Roles: map[string]RoleSettings{
			"marketing": {Hide: []string{"devices.serial", "devices.mgmt_ip", "devices.location", "devices.firmware", "customer.contacts.phone", "customer.contacts.email", "customer.address", "topology", "visits.body", "notes"}},
		},
		FreshnessDays: map[string]int{"devices": 180, "topology": 180, "visit": 90},
		Leads: LeadRules{
			WarrantyDays:       90,
			EOLDays:            365,
			UtilisationPercent: 80,
			ContractDays:       120,
			RepeatFaults:       RepeatFaults{Visits: 3, Days: 180},
			Words:              []string{"扩容", "新建", "搬迁", "新院区", "升级"},
		},
	}
}

// ParseSettings reads dangan.yaml over the defaults. Problems are located
// in the file; what could be read is still returned.
func ParseSettings(data []byte) (Settings, []Problem) {
	s := DefaultSettings()
	pr := &parser{rec: &Record{Path: SettingsFile}}
	text := normalize(data)
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[3]
		}
		pr.errAt(line, 1, "YAML syntax error: %s", msg)
		return s, pr.rec.Problems
	}
	if len(doc.Content) == 0 {
		return s, nil
	}
	var read Settings
	if err := doc.Content[0].Decode(&read); err != nil {
		pr.root = doc.Content[0]
		te, ok := err.(*yaml.TypeError)
		if !ok {
			pr.errAt(1, 1, "cannot read settings: %v", err)
		} else {
			for _, e := range te.Errors {
				if m := yamlLineRE.FindStringSubmatch(e); m != nil {
					line, _ := strconv.Atoi(m[1])
					format, args := humanTypeError(m[3])
					pr.errAt(line, columnAt(pr.root, line, quotedValue(m[3])), format, args...)
				}
			}
		}
	}
	s.merge(read)
	return s, pr.rec.Problems
}

// merge lays what the file says over the defaults, key by key.
func (s *Settings) merge(o Settings) {
	if o.Name != "" {
		s.Name = o.Name
	}
	if o.Roles != nil {
		s.Roles = o.Roles
	}
	for k, v := range o.FreshnessDays {
		s.FreshnessDays[k] = v
	}
	l, d := o.Leads, &s.Leads
	if l.WarrantyDays != 0 {
		d.WarrantyDays = l.WarrantyDays
	}
	if l.EOLDays != 0 {
		d.EOLDays = l.EOLDays
	}
	if l.UtilisationPercent != 0 {
		d.UtilisationPercent = l.UtilisationPercent
	}
	if l.ContractDays != 0 {
		d.ContractDays = l.ContractDays
	}
	if l.RepeatFaults.Visits != 0 {
		d.RepeatFaults.Visits = l.RepeatFaults.Visits
	}
	if l.RepeatFaults.Days != 0 {
		d.RepeatFaults.Days = l.RepeatFaults.Days
	}
	if l.Words != nil {
		d.Words = l.Words
	}
	d.Extra = l.Extra
	s.Extra = o.Extra
}

// Hidden reports whether a role may not see a field, written as in
// dangan.yaml ("devices.serial"). Hiding a parent ("topology") hides all
// its fields.
func (s Settings) Hidden(role, field string) bool {
	for _, h := range s.Roles[role].Hide {
		if h == field || strings.HasPrefix(field, h+".") {
			return true
		}
	}
	return false
}
