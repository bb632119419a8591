package demo

import (
	"fmt"
	"math/rand/v2"
)

// word is a piece of a name with its pinyin, from which customer ids
// (lowercase ASCII slugs) are built.
type word struct{ Han, Py string }

// The industries, in the order reports list them, with the share of
// customers each gets.
var industries = []struct {
	Name   string
	Weight int
}{
	{"医疗卫生", 12}, {"教育", 14}, {"政府机关", 14}, {"金融", 8}, {"能源矿业", 8},
	{"商贸零售", 12}, {"酒店餐饮", 10}, {"物流仓储", 8}, {"农业合作社", 14},
}

const (
	indHealth    = "医疗卫生"
	indEdu       = "教育"
	indGov       = "政府机关"
	indFinance   = "金融"
	indEnergy    = "能源矿业"
	indRetail    = "商贸零售"
	indHotel     = "酒店餐饮"
	indLogistics = "物流仓储"
	indFarm      = "农业合作社"
)

// county is the county seat; towns are the other districts of 米脂县.
var (
	county = word{"银州街道", "yinzhou"}
	towns  = []word{
		{"桃镇", "taozhen"}, {"龙镇", "longzhen"}, {"杨家沟镇", "yangjiagou"}, {"杜家石沟镇", "dujiashigou"},
		{"沙家店镇", "shajiadian"}, {"印斗镇", "yindou"}, {"郭兴庄镇", "guoxingzhuang"}, {"城郊镇", "chengjiao"},
	}
	countyStreets = []string{"东大街", "西大街", "南大街", "北大街", "银州北路", "银州南路", "永乐路", "盘龙路", "无定河东路", "行宫东路", "新华街", "文化路"}
)

// Village names in the loess hills are mostly a family name and a landform:
// 高家沟, 李家峁, 杜家湾.
var (
	villageFamilies = []word{
		{"高", "gao"}, {"李", "li"}, {"杜", "du"}, {"艾", "ai"}, {"常", "chang"}, {"冯", "feng"}, {"姬", "ji"}, {"贺", "he"},
		{"马", "ma"}, {"刘", "liu"}, {"杨", "yang"}, {"张", "zhang"}, {"王", "wang"}, {"郭", "guo"}, {"姜", "jiang"}, {"孟", "meng"},
		{"党", "dang"}, {"白", "bai"}, {"牛", "niu"}, {"石", "shi"}, {"苗", "miao"}, {"乔", "qiao"}, {"任", "ren"}, {"宋", "song"},
		{"孙", "sun"}, {"田", "tian"}, {"卫", "wei"}, {"温", "wen"}, {"吴", "wu"}, {"谢", "xie"}, {"薛", "xue"}, {"阎", "yan"},
		{"姚", "yao"}, {"袁", "yuan"}, {"岳", "yue"}, {"赵", "zhao"}, {"周", "zhou"}, {"朱", "zhu"}, {"曹", "cao"}, {"陈", "chen"},
		{"崔", "cui"}, {"邓", "deng"}, {"丁", "ding"}, {"董", "dong"}, {"樊", "fan"}, {"韩", "han"}, {"霍", "huo"}, {"康", "kang"},
		{"兰", "lan"}, {"折", "zhe"},
	}
	villageLandforms = []word{
		{"家沟", "jiagou"}, {"家峁", "jiamao"}, {"家湾", "jiawan"}, {"家坪", "jiaping"}, {"家畔", "jiapan"}, {"家河", "jiahe"},
		{"家砭", "jiabian"}, {"家岔", "jiacha"}, {"家庄", "jiazhuang"}, {"家塬", "jiayuan"}, {"家渠", "jiaqu"}, {"家寺", "jiasi"},
		{"家圪崂", "jiagelao"}, {"家山", "jiashan"},
	}
	brands = []word{
		{"鑫盛", "xinsheng"}, {"恒通", "hengtong"}, {"华泰", "huatai"}, {"宏达", "hongda"}, {"永兴", "yongxing"}, {"裕丰", "yufeng"},
		{"金源", "jinyuan"}, {"瑞祥", "ruixiang"}, {"天成", "tiancheng"}, {"兴隆", "xinglong"}, {"德润", "derun"}, {"聚源", "juyuan"},
		{"盛达", "shengda"}, {"万和", "wanhe"}, {"嘉禾", "jiahe"}, {"汇通", "huitong"}, {"鼎盛", "dingsheng"}, {"龙腾", "longteng"},
		{"泰和", "taihe"}, {"福瑞", "furui"}, {"银河", "yinhe"}, {"博远", "boyuan"}, {"众鑫", "zhongxin"}, {"长青", "changqing"},
		{"祥和", "xianghe"}, {"安泰", "antai"}, {"润丰", "runfeng"}, {"宏昌", "hongchang"}, {"金鼎", "jinding"}, {"永盛", "yongsheng"},
	}
)

// size is how much network a customer runs: it decides device counts and
// how often the technicians visit.
type size int

const (
	small size = iota
	medium
	large
)

// candidate is a customer the county could have.
type candidate struct {
	Name, ID, Industry string
	District           word
	Village            string // "" unless the customer is in a village
	Size               size
	Restricted         bool
	Tags               []string
	Seat               bool // a county-level institution: built into the archive first
}

type fixed struct {
	ind, name, id string
	sz            size
	restricted    bool
	tags          []string
}

// countyLevel are the county's own institutions, most prominent first.
var countyLevel = []fixed{
	{indHealth, "米脂县人民医院", "mz-renmin-hospital", large, false, []string{"二级医院", "重点客户"}},
	{indHealth, "米脂县中医医院", "mz-tcm-hospital", large, false, []string{"二级医院"}},
	{indHealth, "米脂县妇幼保健院", "mz-maternal-child", medium, false, nil},
	{indHealth, "米脂县疾病预防控制中心", "mz-cdc", medium, false, nil},
	{indHealth, "米脂县银州街道社区卫生服务中心", "mz-yinzhou-chc", medium, false, nil},
	{indHealth, "米脂县急救中心", "mz-emergency-center", medium, false, []string{"120调度"}},
	{indEdu, "米脂中学", "mz-mizhi-high-school", large, false, []string{"省级示范高中", "智慧校园"}},
	{indEdu, "米脂县第二中学", "mz-no2-middle-school", large, false, []string{"智慧校园"}},
	{indEdu, "米脂县职业教育中心", "mz-vocational-school", large, false, []string{"智慧校园"}},
	{indEdu, "米脂县东街小学", "mz-dongjie-primary", medium, false, []string{"智慧校园"}},
	{indEdu, "米脂县西街小学", "mz-xijie-primary", medium, false, nil},
	{indEdu, "米脂县实验幼儿园", "mz-experimental-kindergarten", medium, false, nil},
	{indEdu, "米脂县特殊教育学校", "mz-special-education-school", small, false, nil},
	{indGov, "中共米脂县委办公室", "mz-county-committee", large, true, []string{"涉密单位"}},
	{indGov, "米脂县人民政府办公室", "mz-county-gov", large, true, []string{"涉密单位", "电子政务"}},
	{indGov, "米脂县公安局", "mz-police", large, true, []string{"涉密单位"}},
	{indGov, "米脂县政务服务中心", "mz-service-center", large, false, []string{"电子政务"}},
	{indGov, "米脂县人民法院", "mz-court", medium, true, nil},
	{indGov, "米脂县人民检察院", "mz-procuratorate", medium, true, nil},
	{indGov, "米脂县人民武装部", "mz-armed-forces", medium, true, []string{"涉密单位"}},
	{indGov, "米脂县应急管理局", "mz-emergency-bureau", medium, true, nil},
	{indGov, "米脂县财政局", "mz-finance-bureau", medium, true, nil},
	{indGov, "米脂县教育和体育局", "mz-education-bureau", medium, false, nil},
	{indGov, "米脂县卫生健康局", "mz-health-bureau", medium, false, nil},
	{indGov, "米脂县农业农村局", "mz-agriculture-bureau", medium, false, nil},
	{indGov, "米脂县自然资源局", "mz-natural-resources-bureau", medium, false, nil},
	{indGov, "米脂县市场监督管理局", "mz-market-regulation", medium, false, nil},
	{indGov, "米脂县人力资源和社会保障局", "mz-hrss-bureau", medium, false, nil},
	{indGov, "米脂县融媒体中心", "mz-media-center", medium, false, nil},
	{indGov, "米脂县统计局", "mz-statistics-bureau", small, false, nil},
	{indGov, "米脂县交通运输局", "mz-transport-bureau", small, false, nil},
	{indFinance, "中国农业银行米脂县支行", "mz-abc-branch", large, false, []string{"重点客户"}},
	{indFinance, "米脂县农村信用合作联社", "mz-rcc", large, false, []string{"重点客户"}},
	{indFinance, "中国工商银行米脂支行", "mz-icbc-branch", medium, false, nil},
	{indFinance, "中国建设银行米脂支行", "mz-ccb-branch", medium, false, nil},
	{indFinance, "中国银行米脂支行", "mz-boc-branch", medium, false, nil},
	{indFinance, "中国邮政储蓄银行米脂县支行", "mz-psbc-branch", medium, false, nil},
	{indFinance, "中国人民银行米脂县支行", "mz-pboc-branch", medium, true, nil},
	{indFinance, "长安银行米脂支行", "mz-changan-bank", medium, false, nil},
	{indFinance, "中国人寿米脂支公司", "mz-chinalife", small, false, nil},
	{indEnergy, "国网米脂县供电公司", "mz-state-grid", large, true, []string{"关键基础设施"}},
	{indEnergy, "米脂县燃气有限公司", "mz-gas-company", medium, false, nil},
	{indRetail, "米脂县百货大楼", "mz-department-store", medium, false, nil},
	{indRetail, "米脂县银州农贸市场", "mz-yinzhou-market", medium, false, nil},
	{indHotel, "米脂宾馆", "mz-mizhi-hotel", medium, false, []string{"港资"}},
	{indHotel, "银州大酒店", "mz-yinzhou-hotel", large, false, []string{"重点客户"}},
	{indLogistics, "米脂县电子商务物流园", "mz-ecommerce-logistics-park", large, false, []string{"电商"}},
	{indLogistics, "米脂县农产品冷链物流中心", "mz-cold-chain-center", large, false, []string{"冷链仓库"}},
	{indFarm, "米脂县小米产业联合社", "mz-millet-union", medium, false, []string{"米脂小米"}},
}

// tpl is a kind of customer found in every town, village or under every
// brand. {t} {v} {b} stand for the town, village and brand name, {tp} {vp}
// {bp} for their pinyin.
type tpl struct {
	ind, name, id string
	sz            size
	restricted    float64 // chance of restricted: true
	tags          []string
}

var townTemplates = []tpl{
	{indHealth, "{t}中心卫生院", "mz-{tp}-health-center", medium, 0, nil},
	{indEdu, "{t}中学", "mz-{tp}-middle-school", medium, 0, []string{"智慧校园"}},
	{indEdu, "{t}中心小学", "mz-{tp}-primary", medium, 0, nil},
	{indEdu, "{t}中心幼儿园", "mz-{tp}-kindergarten", small, 0, nil},
	{indGov, "{t}人民政府", "mz-{tp}-gov", medium, 0.3, nil},
	{indGov, "米脂县公安局{t}派出所", "mz-{tp}-police-station", small, 1, nil},
	{indGov, "{t}便民服务中心", "mz-{tp}-service-center", small, 0, nil},
	{indFinance, "米脂县农村信用合作联社{t}信用社", "mz-rcc-{tp}", small, 0, nil},
	{indFinance, "中国邮政储蓄银行米脂县{t}营业所", "mz-psbc-{tp}", small, 0, nil},
	{indEnergy, "国网米脂县供电公司{t}供电所", "mz-{tp}-power-station", small, 0.5, nil},
	{indEnergy, "{t}光伏电站", "mz-{tp}-solar", small, 0, nil},
	{indLogistics, "{t}电商物流服务站", "mz-{tp}-ecommerce-station", small, 0, []string{"电商"}},
	{indRetail, "{t}农贸市场", "mz-{tp}-market", small, 0, nil},
}

var villageTemplates = []tpl{
	{indHealth, "{v}村卫生室", "mz-{vp}-clinic", small, 0, nil},
	{indEdu, "{v}小学", "mz-{vp}-primary", small, 0, nil},
	{indEdu, "{v}幼儿园", "mz-{vp}-kindergarten", small, 0, nil},
	{indGov, "{v}村民委员会", "mz-{vp}-committee", small, 0, nil},
	{indFinance, "米脂农信{v}助农服务点", "mz-{vp}-finance-point", small, 0, nil},
	{indRetail, "{v}便民超市", "mz-{vp}-store", small, 0, nil},
	{indHotel, "{v}农家乐", "mz-{vp}-farmstay", small, 0, nil},
	{indLogistics, "{v}快递服务站", "mz-{vp}-express", small, 0, nil},
	{indFarm, "{v}小米专业合作社", "mz-{vp}-millet-coop", small, 0, []string{"米脂小米"}},
	{indFarm, "{v}苹果种植专业合作社", "mz-{vp}-apple-coop", small, 0, []string{"山地苹果"}},
	{indFarm, "{v}大棚蔬菜专业合作社", "mz-{vp}-greenhouse-coop", small, 0, []string{"大棚"}},
	{indFarm, "{v}养殖专业合作社", "mz-{vp}-livestock-coop", small, 0, nil},
	{indEnergy, "{v}村级光伏电站", "mz-{vp}-solar", small, 0, []string{"光伏扶贫"}},
	{indFarm, "{v}中药材专业合作社", "mz-{vp}-herb-coop", small, 0, nil},
}

// brandTemplates exist once per brand; brandTownTemplates once per brand
// and district (a chain's shop in each town).
var brandTemplates = []tpl{
	{indEnergy, "米脂县{b}煤矿", "mz-{bp}-coal-mine", large, 0, []string{"煤矿", "安全生产"}},
	{indEnergy, "榆林{b}煤业有限公司", "mz-{bp}-coal", medium, 0, nil},
	{indEnergy, "米脂县{b}洗煤厂", "mz-{bp}-coal-washing", medium, 0, nil},
	{indEnergy, "{b}加油站", "mz-{bp}-gas-station", small, 0, nil},
	{indRetail, "米脂{b}商贸有限公司", "mz-{bp}-trading", medium, 0, nil},
	{indHotel, "米脂{b}大酒店", "mz-{bp}-hotel", medium, 0, nil},
	{indHotel, "{b}宾馆", "mz-{bp}-guesthouse", small, 0, nil},
	{indLogistics, "米脂{b}物流有限公司", "mz-{bp}-logistics", medium, 0, nil},
	{indLogistics, "米脂{b}冷链仓储有限公司", "mz-{bp}-cold-storage", medium, 0, []string{"冷链仓库"}},
	{indFarm, "米脂县{b}小米专业合作社", "mz-{bp}-millet", medium, 0, []string{"米脂小米"}},
	{indHealth, "{b}口腔诊所", "mz-{bp}-dental", small, 0, nil},
	{indHealth, "米脂{b}医院", "mz-{bp}-hospital", medium, 0, []string{"民营医院"}},
	{indEdu, "米脂{b}培训学校", "mz-{bp}-training-school", small, 0, nil},
	{indFinance, "米脂县{b}小额贷款有限公司", "mz-{bp}-microcredit", small, 0, nil},
}

var brandTownTemplates = []tpl{
	{indRetail, "{b}超市{ts}店", "mz-{bp}-market-{tp}", small, 0, nil},
	{indRetail, "{b}大药房{ts}店", "mz-{bp}-pharmacy-{tp}", small, 0, nil},
	{indHotel, "{ts}{b}饭店", "mz-{bp}-restaurant-{tp}", small, 0, nil},
}

// townShort is the short form of a district used inside shop names.
func townShort(t word) string {
	if t == county {
		return "银州"
	}
	return t.Han
}

func expand(s string, vars ...string) string { return fill(s, vars...) }

// pickCustomers chooses n customers: each industry gets its share, the
// county's own institutions come first within it, and the rest are drawn
// from towns, villages and businesses in an order the seed decides.
func pickCustomers(n int, r *rand.Rand) ([]candidate, error) {
	seat := map[string][]candidate{}
	seen := map[string]bool{}
	for _, f := range countyLevel {
		seat[f.ind] = append(seat[f.ind], candidate{Name: f.name, ID: f.id, Industry: f.ind, District: county, Size: f.sz, Restricted: f.restricted, Tags: f.tags, Seat: true})
		seen[f.id], seen[f.name] = true, true
	}
	rest := map[string][]candidate{}
	pool := len(countyLevel)
	add := func(t tpl, c candidate) {
		// A village can share its name with a town (杨家沟): first come wins.
		if seen[c.ID] || seen[c.Name] {
			return
		}
		seen[c.ID], seen[c.Name] = true, true
		pool++
		c.Industry, c.Size, c.Tags = t.ind, t.sz, t.tags
		if t.restricted >= 1 || (t.restricted > 0 && r.Float64() < t.restricted) {
			c.Restricted = true
		}
		rest[t.ind] = append(rest[t.ind], c)
	}
	for _, t := range towns {
		for _, tp := range townTemplates {
			add(tp, candidate{Name: expand(tp.name, "{t}", t.Han), ID: expand(tp.id, "{tp}", t.Py), District: t})
		}
	}
	for i, f := range villageFamilies {
		for j, l := range villageLandforms {
			v := word{f.Han + l.Han, f.Py + l.Py}
			town := towns[(i*7+j*3)%len(towns)]
			for _, tp := range villageTemplates {
				add(tp, candidate{Name: expand(tp.name, "{v}", v.Han), ID: expand(tp.id, "{vp}", v.Py), District: town, Village: v.Han + "村"})
			}
		}
	}
	for i, b := range brands {
		for _, tp := range brandTemplates {
			d := county
			if tp.sz != large && i%3 == 1 {
				d = towns[i%len(towns)]
			} else if tp.sz == large {
				d = towns[(i*5)%len(towns)] // mines are out in the hills
			}
			add(tp, candidate{Name: expand(tp.name, "{b}", b.Han), ID: expand(tp.id, "{bp}", b.Py), District: d})
		}
		for _, t := range append([]word{county}, towns...) {
			for _, tp := range brandTownTemplates {
				add(tp, candidate{Name: expand(tp.name, "{b}", b.Han, "{ts}", townShort(t)), ID: expand(tp.id, "{bp}", b.Py, "{tp}", t.Py), District: t})
			}
		}
	}
	if n > pool {
		return nil, fmt.Errorf("demo: at most %d customers can be generated, not %d", pool, n)
	}
	for _, in := range industries {
		xs := rest[in.Name]
		r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	}

	// Each industry's share by weight (largest remainder), every industry
	// present as soon as there are enough customers, and what an industry
	// cannot fill handed on to the others.
	want := make([]int, len(industries))
	total := 0
	for _, in := range industries {
		total += in.Weight
	}
	got := 0
	for i, in := range industries {
		want[i] = n * in.Weight / total
		if want[i] == 0 && n >= len(industries) {
			want[i] = 1
		}
		got += want[i]
	}
	for i := 0; got < n; i = (i + 1) % len(industries) {
		capacity := len(seat[industries[i].Name]) + len(rest[industries[i].Name])
		if want[i] < capacity {
			want[i]++
			got++
		}
	}
	for i := len(industries) - 1; got > n; i = (i + len(industries) - 1) % len(industries) {
		if want[i] > 0 {
			want[i]--
			got--
		}
	}
	for moved := true; moved; {
		moved = false
		for i, in := range industries {
			capacity := len(seat[in.Name]) + len(rest[in.Name])
			for want[i] > capacity {
				for j := range industries {
					if j != i && want[j] < len(seat[industries[j].Name])+len(rest[industries[j].Name]) {
						want[i]--
						want[j]++
						moved = true
						break
					}
				}
			}
		}
	}

	var out []candidate
	for i, in := range industries {
		k := want[i]
		// About two in five of an industry's customers are county
		// institutions while they last: a small demo shows the well-known
		// names, a large one the whole county.
		fromSeat := min(len(seat[in.Name]), max(1, (k*2+4)/5))
		if k == 0 {
			fromSeat = 0
		}
		out = append(out, seat[in.Name][:fromSeat]...)
		need := k - fromSeat
		if need > len(rest[in.Name]) {
			out = append(out, seat[in.Name][fromSeat:fromSeat+need-len(rest[in.Name])]...)
			need = len(rest[in.Name])
		}
		out = append(out, rest[in.Name][:need]...)
	}
	return out, nil
}
