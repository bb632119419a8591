package importer

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/topofile"
)

// vendors maps the ways vendors are written (normalised: lower case, no
// spaces) to the one name the archive uses, the vendor's own Latin name,
// so that a search for Huawei finds what was typed 华为.
var vendors = map[string]string{
	"华为": "Huawei", "huawei": "Huawei", "华为技术": "Huawei", "华为技术有限公司": "Huawei",
	"华三": "H3C", "新华三": "H3C", "h3c": "H3C", "华三通信": "H3C", "新华三技术有限公司": "H3C",
	"中兴": "ZTE", "zte": "ZTE", "中兴通讯": "ZTE",
	"锐捷": "Ruijie", "ruijie": "Ruijie", "锐捷网络": "Ruijie",
	"思科": "Cisco", "cisco": "Cisco",
	"瞻博": "Juniper", "juniper": "Juniper",
	"烽火": "FiberHome", "fiberhome": "FiberHome", "烽火通信": "FiberHome",
	"迈普": "Maipu", "maipu": "Maipu",
	"深信服": "Sangfor", "sangfor": "Sangfor",
	"天融信": "Topsec", "topsec": "Topsec",
	"启明星辰": "Venustech", "venustech": "Venustech",
	"山石": "Hillstone", "山石网科": "Hillstone", "hillstone": "Hillstone",
	"飞塔": "Fortinet", "fortinet": "Fortinet",
	"tp-link": "TP-Link", "tplink": "TP-Link", "普联": "TP-Link",
	"水星": "Mercury", "mercury": "Mercury",
	"海康": "Hikvision", "海康威视": "Hikvision", "hikvision": "Hikvision",
	"大华": "Dahua", "dahua": "Dahua",
	"浪潮": "Inspur", "inspur": "Inspur",
	"联想": "Lenovo", "lenovo": "Lenovo",
	"戴尔": "Dell", "dell": "Dell",
	"惠普": "HPE", "hp": "HPE", "hpe": "HPE", "h3c/hpe": "H3C",
	"曙光": "Sugon", "sugon": "Sugon",
	"贝尔": "Nokia Shanghai Bell", "上海贝尔": "Nokia Shanghai Bell", "诺基亚贝尔": "Nokia Shanghai Bell",
	"爱立信": "Ericsson", "ericsson": "Ericsson",
	"飞鱼星": "Volans", "volans": "Volans",
	"艾泰": "UTT", "utt": "UTT",
}

// NormalizeVendor writes a vendor the archive's way (华为, HUAWEI → Huawei);
// a vendor it does not know is kept as written, trimmed.
func NormalizeVendor(s string) string {
	s = strings.TrimSpace(norm.NFKC.String(s))
	key := strings.ToLower(strings.Join(strings.Fields(s), ""))
	key = strings.TrimSuffix(strings.TrimSuffix(key, "有限公司"), "股份")
	if v, ok := vendors[key]; ok {
		return v
	}
	return s
}

// statuses maps what people write in a 状态 column to the archive's device
// statuses.
var statuses = map[string]archive.DeviceStatus{
	"in_service": archive.InService, "inservice": archive.InService, "在用": archive.InService, "在网": archive.InService,
	"运行": archive.InService, "运行中": archive.InService, "正常": archive.InService, "使用中": archive.InService, "在线": archive.InService,
	"active": archive.InService, "up": archive.InService, "online": archive.InService, "ok": archive.InService,
	"standby": archive.Standby, "备用": archive.Standby, "闲置": archive.Standby, "备机": archive.Standby, "spare": archive.Standby,
	"faulty": archive.Faulty, "故障": archive.Faulty, "损坏": archive.Faulty, "待修": archive.Faulty, "坏": archive.Faulty, "fault": archive.Faulty, "down": archive.Faulty,
	"removed": archive.Removed, "拆除": archive.Removed, "已拆除": archive.Removed, "下线": archive.Removed, "报废": archive.Removed, "退网": archive.Removed, "retired": archive.Removed,
}

// ParseStatus reads a device status in English or Chinese.
func ParseStatus(s string) (archive.DeviceStatus, error) {
	key := strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), ""))
	if key == "" {
		return "", nil
	}
	if st, ok := statuses[key]; ok {
		return st, nil
	}
	return "", errorf("%q is not a device status; write 在用, 备用, 故障 or 拆除 (in_service, standby, faulty, removed)", s)
}

// ParsePercent reads 85, 85%, 0.85 (a percentage-formatted cell) as 85.
func ParsePercent(s string) (int, error) {
	v := strings.TrimSpace(norm.NFKC.String(s))
	pct := strings.HasSuffix(v, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(v, "%")), 64)
	if err != nil {
		return 0, errorf("%q is not a percentage; write a number from 0 to 100", s)
	}
	if !pct && f > 0 && f <= 1 && strings.Contains(v, ".") {
		f *= 100 // a cell formatted as a percentage holds the fraction
	}
	if f < 0 || f > 100 {
		return 0, errorf("%q is not a percentage from 0 to 100", s)
	}
	return int(f + 0.5), nil
}

// ParseIP reads a management address; full-width digits and dots are
// accepted, and a prefix length (10.0.0.1/24) is dropped.
func ParseIP(s string) (string, error) {
	v := strings.TrimSpace(norm.NFKC.String(s))
	v = strings.ReplaceAll(v, "。", ".")
	if i := strings.IndexByte(v, '/'); i > 0 {
		v = v[:i]
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return "", errorf("%q is not an IP address", s)
	}
	return a.String(), nil
}

// ParseBool reads yes and no in English and Chinese (是/否, Y/N, 1/0).
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(norm.NFKC.String(s))) {
	case "是", "y", "yes", "true", "1", "√", "涉密", "x":
		return true, nil
	case "否", "n", "no", "false", "0", "", "-", "不涉密":
		return false, nil
	}
	return false, errorf("%q is neither yes nor no; write 是 or 否", s)
}

// SplitList splits a cell holding several values: 李强、王芳 / liqiang,wangfang.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '/' || r == '|' || unicode.IsSpace(r)
	}) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Text normalises a free-text cell: full-width Latin letters and digits
// made narrow (the archive is searched by them), runs of spaces and line
// breaks collapsed. Chinese punctuation is kept.
func Text(s string) string {
	return strings.Join(strings.Fields(narrowLatin(s)), " ")
}

// narrowLatin folds full-width ASCII (Ａ-Ｚ, ０-９, space) to ASCII and
// leaves full-width punctuation such as ，and （ alone.
func narrowLatin(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	return a
}()

// Pinyin spells the Han characters of s in toneless pinyin and keeps Latin
// letters and digits, each run a word: "米脂县人民医院" → [mi zhi xian ren
// min yi yuan], "县医院2号楼" → [xian yi yuan 2 hao lou]. Other characters
// separate words. Each character's most common reading is used; that choice
// is fixed by the library's dictionary, so one name always gives one
// spelling.
func Pinyin(s string) []string {
	var out []string
	for _, w := range words(s) {
		out = append(out, w.text)
	}
	return out
}

type word struct {
	text string
	han  bool
}

// phrases are words of customer names whose characters are read
// differently from their most common reading (行 is xing alone, hang in 银行).
var phrases = map[string][]string{
	"银行": {"yin", "hang"}, "支行": {"zhi", "hang"}, "分行": {"fen", "hang"}, "总行": {"zong", "hang"}, "商行": {"shang", "hang"},
	"长庆": {"chang", "qing"}, "长安": {"chang", "an"}, "长城": {"chang", "cheng"}, "重庆": {"chong", "qing"},
	"厦门": {"xia", "men"}, "朝阳": {"chao", "yang"}, "成都": {"cheng", "du"}, "首都": {"shou", "du"},
	"音乐": {"yin", "yue"}, "乐园": {"le", "yuan"}, "单位": {"dan", "wei"},
}

func words(s string) []word {
	var out []word
	var latin strings.Builder
	flush := func() {
		if latin.Len() > 0 {
			out = append(out, word{text: latin.String()})
			latin.Reset()
		}
	}
	rs := []rune(narrowLatin(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			latin.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Han, r):
			flush()
			if i+1 < len(rs) {
				if p, ok := phrases[string(rs[i:i+2])]; ok {
					out = append(out, word{text: p[0], han: true}, word{text: p[1], han: true})
					i++
					continue
				}
			}
			if p := pinyin.LazyPinyin(string(r), pinyinArgs); len(p) > 0 && p[0] != "" {
				out = append(out, word{text: p[0], han: true})
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// CustomerID makes a customer id from a name: the pinyin of the name run
// together, Latin words and numbers kept apart by hyphens ("米脂县人民医院"
// → mizhixianrenminyiyuan, "Acme 公司" → acme-gongsi, "第2中学" →
// di-2-zhongxue), at most 48 characters. The same name always gives the same
// id. It returns "" when the name has no letters, digits or Han characters.
func CustomerID(name string) string {
	var b strings.Builder
	prevHan := false
	for i, w := range words(name) {
		if i > 0 && !(w.han && prevHan) {
			b.WriteByte('-')
		}
		b.WriteString(w.text)
		prevHan = w.han
		if b.Len() >= 48 {
			break
		}
	}
	id := b.String()
	if len(id) > 48 {
		id = id[:48]
	}
	id = strings.Trim(id, "-")
	if !archive.ValidCustomerID(id) {
		return ""
	}
	return id
}

// PersonID turns a staff name into the person id records use: ASCII ids
// are kept (lowercased), Chinese names are spelled in pinyin run together
// (李强 → liqiang), which is how the branch's ids are made.
func PersonID(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	ascii := true
	for _, r := range s {
		if r >= unicode.MaxASCII {
			ascii = false
		}
	}
	if ascii {
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	}
	return strings.Join(Pinyin(s), "")
}

// deviceWords gives the id prefix of a device by what its name says it is,
// in the archive's usual short forms (core-sw-1, fw-1).
var deviceWords = []struct{ word, prefix string }{
	{"核心交换", "core-sw"}, {"汇聚交换", "agg-sw"}, {"接入交换", "access-sw"}, {"交换机", "sw"}, {"switch", "sw"},
	{"路由", "router"}, {"router", "router"}, {"防火墙", "fw"}, {"firewall", "fw"},
	{"无线控制器", "ac"}, {"ac控制器", "ac"}, {"无线ap", "ap"}, {"ap", "ap"}, {"无线", "ap"},
	{"服务器", "server"}, {"server", "server"}, {"存储", "storage"}, {"光猫", "onu"}, {"onu", "onu"}, {"olt", "olt"},
	{"网关", "gw"}, {"gateway", "gw"}, {"负载均衡", "lb"}, {"录像机", "nvr"}, {"nvr", "nvr"}, {"摄像", "camera"}, {"ups", "ups"},
	{"上网行为", "ac-audit"}, {"vpn", "vpn"}, {"sd-wan", "sdwan"},
}

// DeviceIDBase is the stem of a new device's id: from what its name or
// role says it is, else a slug of its model, else "dev".
func DeviceIDBase(role, model string) string {
	l := strings.ToLower(norm.NFKC.String(role))
	for _, w := range deviceWords {
		if strings.Contains(l, w.word) {
			return w.prefix
		}
	}
	if s := topofile.Slug(role); s != "" && len(s) <= 24 {
		return s
	}
	if s := topofile.Slug(model); s != "" && len(s) <= 24 {
		return s
	}
	return "dev"
}
