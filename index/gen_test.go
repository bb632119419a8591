package index_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// synthetic generates an archive of n customers for benchmarks, about ten
// records each, in the archive format, with Chinese prose drawn from the
// trade's vocabulary. (archive/demo makes richer archives; this one needs
// nothing but the format, so benchmarks do not depend on it.)
func synthetic(n int, seed uint64) map[string][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	industries := []string{"教育", "医疗卫生", "政府", "金融", "物流仓储", "酒店", "商贸", "制造", "农业"}
	districts := []string{"银州街道", "十里铺乡", "桃镇", "龙镇", "杨家店镇", "沙家店镇", "印斗镇", "郭兴庄镇"}
	staff := []string{"liqiang", "wangfang", "zhaolei", "sunli", "zhoujie", "wujun"}
	managers := []string{"zhangwei", "liuyang", "chenjing", "huangmin"}
	kinds := []string{"学校", "医院", "卫生院", "超市", "酒店", "合作社", "物流公司", "银行网点", "镇政府", "工厂"}
	vendors := []struct{ name, model string }{{"Huawei", "S5735-L24P4X-A1"}, {"华为", "S5735-L48T4X-A1"}, {"ZTE", "ZXR10 5960-32DL"}, {"中兴", "ZXR10 2928E"}, {"H3C", "S5130S-28S-EI"}, {"Ruijie", "RG-S2910-24GT4XS-E"}, {"TP-LINK", "TL-SG1024DT"}, {"海康威视", "DS-7932N-R4"}, {"Cisco", "ISR4331"}}
	roles := []string{"核心交换机", "接入交换机", "汇聚交换机", "防火墙", "路由器", "硬盘录像机", "无线AP", "光猫"}
	phrases := []string{"更换光模块后链路恢复", "光衰偏高需要复测", "交换机风扇故障", "端口频繁掉线", "机房空调漏水", "智慧校园班班通调试", "冷链仓库温控告警",
		"视频监控录像丢失", "专线中断已派单", "客户计划扩容带宽", "新建仓库需要布线", "防火墙策略调整", "无线覆盖不足", "巡检正常", "更换电源模块", "重启后恢复", "固件升级完成"}
	prose := func(k int) string {
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteString(pick(phrases))
			b.WriteString(pick([]string{"，", "。", "；"}))
		}
		return b.String()
	}
	files := map[string][]byte{}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%05d", i)
		dir := "customers/" + id + "/"
		name := fmt.Sprintf("%s第%d%s", pick(districts), i, pick(kinds))
		techs := []string{pick(staff), pick(staff)}
		files[dir+"customer.md"] = fmt.Appendf(nil, "---\nkind: customer\nname: %s\nindustry: %s\ndistrict: %s\naddress: 米脂县%s%d号\naccount_manager: %s\ntechnicians: [%s, %s]\nrestricted: %v\ncontacts:\n  - {name: 联系人%d, role: 信息科, phone: \"138%08d\"}\nservices:\n  - {product: 数字电路专线, bandwidth: 100M, since: 2022-01-01}\n---\n%s\n",
			name, pick(industries), pick(districts), pick(districts), i, pick(managers), techs[0], techs[1], i%20 == 0, i, i, prose(2))
		var devs strings.Builder
		nd := 2 + r.IntN(4)
		for d := 0; d < nd; d++ {
			v := vendors[r.IntN(len(vendors))]
			fmt.Fprintf(&devs, "  - id: dev-%d\n    role: %s\n    vendor: %s\n    model: %s\n    serial: \"SN%05d%03d\"\n    mgmt_ip: 10.%d.%d.%d\n    location: %s机房\n    warranty_until: 202%d-0%d-15\n    status: %s\n",
				d, pick(roles), v.name, v.model, i, d, i/250%250, i%250, d+1, pick([]string{"一层", "二层", "三层"}), 5+r.IntN(4), 1+r.IntN(9), pick([]string{"in_service", "in_service", "in_service", "standby", "faulty"}))
		}
		files[dir+"devices.md"] = fmt.Appendf(nil, "---\nkind: devices\nreviewed: 2026-06-01\ndevices:\n%s---\n%s\n", devs.String(), prose(1))
		files[dir+"topology.md"] = fmt.Appendf(nil, "---\nkind: topology\nexternal:\n  - {id: olt, label: 电信%s局 OLT}\nlinks:\n  - {from: olt, to: dev-0, medium: fiber, bandwidth: 1G}\n  - {from: dev-0, to: dev-1, medium: copper}\n---\n", pick(districts))
		files[dir+"progress.md"] = fmt.Appendf(nil, "---\nkind: progress\nprojects:\n  - name: %s改造\n    milestones:\n      - {name: 勘察, due: 2026-03-01, done: 2026-02-27}\n      - {name: 割接, due: 2026-10-01}\n---\n", pick([]string{"内网", "机房", "无线", "监控"}))
		files[dir+"training.md"] = fmt.Appendf(nil, "---\nkind: training\nsessions:\n  - {date: 2026-05-10, topic: %s日常运维, trainer: %s, attendees: %d}\n---\n", pick([]string{"云主机", "交换机", "视频监控", "防火墙"}), techs[0], 3+r.IntN(8))
		files[dir+"spares.md"] = fmt.Appendf(nil, "---\nkind: spares\nparts:\n  - {part: 光模块, model: SFP-GE-LX-SM1310, for: dev-0, on_hand: %d, required: 2}\n---\n", r.IntN(3))
		files[dir+"leads.md"] = fmt.Appendf(nil, "---\nkind: leads\nleads:\n  - {date: 2026-0%d-01, need: %s, product: 数字电路专线, noted_by: %s, status: new}\n---\n", 1+r.IntN(9), pick(phrases), techs[0])
		for v := 0; v < 3; v++ {
			files[fmt.Sprintf("%svisits/2026-%02d-%02d-repair.md", dir, 1+v*3, 1+r.IntN(28))] = fmt.Appendf(nil, "---\nkind: visit\ntype: %s\ntechnician: %s\nappointment: 2026-%02d-10T09:00\ndevices: [dev-0]\noutcome: resolved\n---\n%s\n",
				pick([]string{"repair", "inspection", "install"}), techs[v%2], 1+v*3, prose(3))
		}
	}
	return files
}
