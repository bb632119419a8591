package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// role is what a device does in a customer's network.
type role int

const (
	roleONT role = iota
	roleRouter
	roleFirewall
	roleCore
	roleAccess
	roleAP
	roleNVR
	roleCamera
)

var roleNames = map[role]string{
	roleONT: "光猫", roleRouter: "出口路由器", roleFirewall: "防火墙", roleCore: "核心交换机",
	roleAccess: "接入交换机", roleAP: "无线AP", roleNVR: "硬盘录像机", roleCamera: "网络摄像机",
}

var rolePrefix = map[role]string{
	roleONT: "ont", roleRouter: "rt", roleFirewall: "fw", roleCore: "core-sw",
	roleAccess: "acc-sw", roleAP: "ap", roleNVR: "nvr", roleCamera: "cam",
}

// model is a real product a county branch finds at its customers.
type model struct {
	Vendor, Model string
	Roles         []role
	Firmware      []string
	// EOL is the vendor's end of service as seen from the default Today
	// (2026-11-24); it moves with Options.Today so that "past end of
	// life" and "ending within a year" keep meaning the same thing.
	EOL      string
	Warranty int // years
	Spare    string
}

var catalog = []model{
	{"Huawei", "AR6120", []role{roleRouter}, []string{"V300R021C10SPC100", "V300R022C00SPC200"}, "2030-06-30", 3, ""},
	{"Huawei", "USG6510E", []role{roleFirewall}, []string{"V600R007C20SPC500", "V600R022C10SPC200"}, "2028-12-31", 3, ""},
	{"Huawei", "S5731-H24T4XC", []role{roleCore}, []string{"V200R021C00SPC100", "V200R022C00SPC500"}, "2031-01-31", 5, "SFP-10G-LR"},
	{"Huawei", "S5735-L24P4X-A1", []role{roleAccess, roleCore}, []string{"V200R019C10SPC500", "V200R021C00SPC100"}, "2029-05-31", 3, "SFP-GE-LX-SM1310"},
	{"Huawei", "AirEngine 5761-11", []role{roleAP}, []string{"V200R022C00SPC100"}, "2031-12-31", 3, ""},
	{"Huawei", "HG8546M", []role{roleONT}, []string{"V5R019C10S115"}, "2026-05-31", 2, ""},
	{"ZTE", "ZXA10 F620", []role{roleONT}, []string{"V6.0.10P2T4", "V6.0.10P6T12"}, "2025-06-30", 2, ""},
	{"ZTE", "ZXR10 5960-32DL", []role{roleCore}, []string{"V5.00.10.40", "V5.00.10.61"}, "2029-08-31", 5, "SFP-10G-LR"},
	{"ZTE", "ZXR10 2928E", []role{roleAccess}, []string{"V2.05.11B25"}, "2025-12-31", 3, "SFP-GE-LX-SM1310"},
	{"H3C", "S5130S-28S-EI", []role{roleAccess, roleCore}, []string{"Release 6635P07", "Release 6652P02"}, "2028-03-31", 3, "SFP-GE-LX-SM1310"},
	{"H3C", "F1000-AK155", []role{roleFirewall}, []string{"Release 8660P38"}, "2030-06-30", 3, ""},
	{"H3C", "MSR2600-10-X1", []role{roleRouter}, []string{"Release 0821P16", "Release 0821P21"}, "2027-12-31", 3, ""},
	{"Ruijie", "RG-S2910-24GT4XS-E", []role{roleAccess, roleCore}, []string{"RGOS 11.4(1)B12P6", "RGOS 11.4(1)B12P12"}, "2027-06-30", 3, "SFP-GE-LX-SM1310"},
	{"Ruijie", "RG-EG2100-P", []role{roleRouter}, []string{"RGOS 11.9(4)B12", "RGOS 11.9(6)W3B2"}, "2028-06-30", 3, ""},
	{"Cisco", "C9200L-24T-4G", []role{roleAccess, roleCore}, []string{"17.06.05", "17.09.04a"}, "2030-01-31", 1, "GLC-LH-SMD"},
	{"Cisco", "ISR4331", []role{roleRouter}, []string{"17.03.06", "17.06.05"}, "2027-04-30", 1, ""},
	{"TP-LINK", "TL-SG1024DT", []role{roleAccess}, []string{"1.0.0 Build 20200708"}, "", 1, ""},
	{"TP-LINK", "TL-ER3220G", []role{roleRouter}, []string{"1.0.1 Build 20231109 Rel.62310", "3.0.4 Build 20220517"}, "2027-02-28", 1, ""},
	{"Hikvision", "DS-7816N-K2", []role{roleNVR}, []string{"V4.62.210 build 230324", "V4.31.102 build 211012"}, "2026-09-30", 2, "ST4000VX015"},
	{"Hikvision", "DS-2CD3T46WDV3", []role{roleCamera}, []string{"V5.7.3 build 220112"}, "2029-12-31", 2, ""},
}

func modelByName(name string) model {
	for _, m := range catalog {
		if m.Model == name {
			return m
		}
	}
	panic("demo: no model " + name)
}

// vendorTaste is what each industry tends to buy, per role. Banks run Cisco
// routers, schools Ruijie, village shops TP-LINK.
func pickModel(r *rand.Rand, ind string, sz size, ro role) model {
	var names []string
	switch ro {
	case roleONT:
		names = []string{"ZXA10 F620", "ZXA10 F620", "HG8546M"}
	case roleAP:
		names = []string{"AirEngine 5761-11"}
	case roleNVR:
		names = []string{"DS-7816N-K2"}
	case roleCamera:
		names = []string{"DS-2CD3T46WDV3"}
	case roleFirewall:
		names = []string{"USG6510E", "F1000-AK155"}
	case roleRouter:
		switch {
		case sz == small:
			names = []string{"TL-ER3220G", "TL-ER3220G", "RG-EG2100-P"}
		case ind == indFinance:
			names = []string{"ISR4331", "ISR4331", "AR6120"}
		case ind == indEdu:
			names = []string{"RG-EG2100-P", "MSR2600-10-X1", "AR6120"}
		default:
			names = []string{"AR6120", "AR6120", "MSR2600-10-X1", "RG-EG2100-P"}
		}
	case roleCore:
		switch ind {
		case indFinance:
			names = []string{"C9200L-24T-4G", "S5731-H24T4XC"}
		case indEnergy:
			names = []string{"ZXR10 5960-32DL", "S5731-H24T4XC"}
		case indEdu:
			names = []string{"RG-S2910-24GT4XS-E", "S5130S-28S-EI", "S5731-H24T4XC"}
		default:
			names = []string{"S5731-H24T4XC", "S5130S-28S-EI", "ZXR10 5960-32DL", "S5735-L24P4X-A1"}
		}
	case roleAccess:
		switch {
		case sz == small:
			names = []string{"TL-SG1024DT", "TL-SG1024DT", "RG-S2910-24GT4XS-E"}
		case ind == indFinance:
			names = []string{"C9200L-24T-4G", "S5735-L24P4X-A1"}
		case ind == indEdu:
			names = []string{"RG-S2910-24GT4XS-E", "RG-S2910-24GT4XS-E", "S5130S-28S-EI"}
		case ind == indEnergy:
			names = []string{"ZXR10 2928E", "S5735-L24P4X-A1"}
		default:
			names = []string{"S5735-L24P4X-A1", "S5130S-28S-EI", "ZXR10 2928E", "TL-SG1024DT"}
		}
	}
	return modelByName(pick(r, names))
}

// serial writes a serial number the way the vendor prints it.
func serial(r *rand.Rand, m model, installed archive.Date) string {
	const upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	const hex = "0123456789ABCDEF"
	from := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[r.IntN(len(set))]
		}
		return string(b)
	}
	digits := func(n int) string { return from("0123456789", n) }
	yy := installed.Year % 100
	switch m.Vendor {
	case "Huawei":
		if m.Model == "HG8546M" {
			return "48575443" + from(hex, 8)
		}
		return "21023" + from(alnum, 5) + "10" + from(upper, 1) + fmt.Sprint(yy%10) + digits(6)
	case "ZTE":
		if strings.HasPrefix(m.Model, "ZXA10") {
			return "ZTEG" + from(hex, 8)
		}
		return "219" + fmt.Sprintf("%02d", yy) + digits(7)
	case "H3C":
		return "210235A" + from(alnum, 3) + "H" + fmt.Sprintf("%02d", yy) + from(upper, 1) + digits(6)
	case "Ruijie":
		return "G1" + from(upper, 2) + fmt.Sprintf("%02d", yy) + from(upper, 1) + digits(6)
	case "Cisco":
		prefix := "FOC"
		if m.Model == "ISR4331" {
			prefix = "FDO"
		}
		return fmt.Sprintf("%s%02d%02d%s", prefix, yy, 1+int(installed.Month-1)*4+r.IntN(4), from(alnum, 4))
	case "TP-LINK":
		return fmt.Sprintf("22%02d", yy) + digits(9)
	case "Hikvision":
		return from("DEFGHJK", 1) + digits(8)
	}
	return from(alnum, 12)
}

// The spare parts a plan can hold, by what they are for.
var spareParts = map[role][]struct{ Part, Model string }{
	roleCore:   {{"光模块", "SFP-10G-LR"}, {"电源模块", "PAC150S12-R"}, {"光模块", "SFP-GE-LX-SM1310"}},
	roleAccess: {{"光模块", "SFP-GE-LX-SM1310"}, {"接入交换机备机", ""}},
	roleONT:    {{"光猫", "ZXA10 F620"}},
	roleNVR:    {{"监控硬盘", "ST4000VX015"}},
	roleAP:     {{"无线AP", "AirEngine 5761-11"}},
	roleRouter: {{"电源适配器", ""}},
}
