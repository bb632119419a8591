package demo

import (
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

const demoArchiveName = "米脂分公司客户维护档案"

// settingsFile writes dangan.yaml with comments for the people who keep it.
// The first version of the demo history lacks two later decisions, so that
// the settings have a history too.
func settingsFile(name string, final bool) []byte {
	hide := "[devices.serial, devices.mgmt_ip, customer.contacts.phone, customer.contacts.email, customer.address, topology, visits.body, notes]"
	words := "[扩容, 新建, 搬迁, 新院区]"
	if final {
		hide = "[devices.serial, devices.mgmt_ip, devices.location, devices.firmware, customer.contacts.phone, customer.contacts.email, customer.address, topology, visits.body, notes]"
		words = "[扩容, 新建, 搬迁, 新院区, 升级]"
	}
	return []byte(`# dangan.yaml：档案库的设置。改完提交即生效，谁在什么时候改了什么都留在历史里。

# 档案库名称，显示在网站标题和导出文件上。
name: ` + scalar(name) + `

# 各角色看不到的字段（保密要求：未经批准的资料不得对外）。
# 写法：记录类型.字段，例如 devices.serial；写 topology 或 notes 表示整类都不给看。
roles:
  marketing:
    hide: ` + hide + `

# 多少天没有更新就算档案"不连续"：设备清单、网络拓扑、上门记录。
freshness_days: {devices: 180, topology: 180, visit: 90}

# 从档案推导商机（潜在业务需求）的规则。
leads:
  warranty_days: 90                      # 设备保修在这么多天内到期
  eol_days: 365                          # 设备停产/停服在这么多天内
  utilisation_percent: 80                # 设备或链路利用率达到这个百分比
  contract_days: 120                     # 合同在这么多天内到期
  repeat_faults: {visits: 3, days: 180}  # 同一设备在这么多天内维修这么多次
  words: ` + words + `        # 上门记录里出现这些词
`)
}

const gitignore = `# dangan 的索引和缓存，随时可以重建，不进版本库。
.dangan/
`

const readme = `# 客户维护档案

这里是分公司的客户维护档案（《客户端维护操作规范》要求建立的档案）：
每个客户的设备、网络拓扑、项目进度、技术培训、备件计划和上门记录，
都是普通的文本文件（Markdown），用 git 保存历史。档案要做到**真实、完整、连续**。

可以用网站编辑，也可以直接用任何文本编辑器改文件，然后提交。

## 目录

` + "```" + `
dangan.yaml                   档案库设置（角色可见字段、更新期限、商机规则）
customers/
  mz-renmin-hospital/         一个客户一个文件夹，名字用小写英文、数字和连字符，定了就不再改
    customer.md               客户资料：名称、行业、地址、客户经理、维护人员、联系人、业务、合同
    devices.md                设备清单
    topology.md               网络拓扑（设备之间的连接）
    progress.md               项目进度和里程碑
    training.md               技术培训
    spares.md                 备件计划
    leads.md                  客户潜在业务需求（给市场部）
    visits/2026-11-20-repair.md   上门记录，一次上门一个文件
    notes/*.md                其他说明（机房照片说明、割接方案……），图片放在旁边
guides/*.md                   操作指南，不属于某个客户
` + "```" + `

## 文件怎么写

每个文件开头是两行 ` + "`---`" + ` 之间的"前言"（YAML），写结构化的信息；后面是正文，随便写。

- 键用英文（如 ` + "`name`、`serial`" + `），值用中文就行。
- 日期写成 ` + "`2026-11-20`" + `，时间写成 ` + "`2026-11-20T09:00`" + `。
- 电话、序列号这类全是数字或像数字的，加英文双引号：` + "`phone: \"13800000000\"`" + `。
- 拓扑的连线、备件的对应设备、上门记录的涉及设备，都写设备编号（devices.md 里的 ` + "`id`" + `），编号必须存在。
- 设备状态：` + "`in_service`（在用）、`standby`（备用）、`faulty`（故障）、`removed`（已拆除）" + `。设备拆了不要删，改成 removed。

可以照着 ` + "`customers/`" + ` 下的示例客户写。

## 新增一次上门记录

在客户文件夹的 ` + "`visits/`" + ` 下新建文件，文件名为"日期-类型.md"，例如 ` + "`2026-11-20-repair.md`" + `：

` + "```" + `markdown
---
kind: visit
type: repair                  # install 安装 | repair 维修 | inspection 巡检 | training 培训 | survey 勘察
technician: liqiang
appointment: 2026-11-20T09:00  # 预约时间
arrived: 2026-11-20T08:52      # 到达时间（规范：提前5分钟到）
left: 2026-11-20T11:30
five_ones: {shoe_covers: true, mat: true, cloth: true, service_card: true, survey_form: true}
consent: true                 # 影响客户环境的操作已征得同意
devices: [core-sw-1]
outcome: resolved             # resolved 解决 | follow_up 待跟进 | escalated 上报派单 | no_answer 无人应答
satisfaction: satisfied       # 服务监督调查表结果
---
写清楚现象、处理过程和结果，例如：更换上联光模块后链路恢复。
` + "```" + `

上门带齐"五个一"（鞋套、垫布、抹布、服务卡、服务监督调查表，见 ` + "`guides/five-ones.md`" + `）。按规范还要记：

- 改约：` + "`rescheduled: {notified: 通知时间, from: 原预约时间, reason: 原因}`" + `（至少提前2小时通知）；
- 无人应答：` + "`no_answer: {waited: 等待分钟, note_left: true}`" + `（等满10分钟并留到访留言）；
- 现场解决不了：` + "`outcome: escalated`、`escalated_to: 派单中心`、`follow_up: 约定的下次日期`" + `，到时一定要回访并再记一条。

上门时发现客户有新需求（扩容、新建、搬迁、升级……），写进 ` + "`leads.md`" + `，市场部会跟进。

## 检查

提交前运行：

` + "```" + `
dangan check
` + "```" + `

它会指出写错的地方（文件名:行:列 和原因），例如日期格式不对、设备编号不存在。
有错误的文件网站照样能显示，但请尽快改正。

## 保密

档案含客户网络信息，不得外传。` + "`restricted: true`" + ` 的客户（涉密单位）只有其维护人员和授权人员能看；
市场部看不到序列号、管理地址、拓扑和上门记录正文（见 dangan.yaml）。
`

type guide struct {
	name, title, author string
	tags                []string
	body                string
}

func guideFile(g guide) File {
	p := &archive.Page{Kind: archive.KindGuide, Title: g.title, Tags: g.tags}
	return File{Path: archive.GuidesDir + "/" + g.name, Data: renderPage(archive.KindGuide, p, g.body)}
}

var guides = []guide{
	{"five-ones.md", "上门服务五个一", "liqiang", []string{"上门服务", "规范"}, `# 上门服务五个一

上门前带齐"五个一"，在上门记录的 five_ones 里逐项勾选：

| 项目 | 记录字段 | 用途 |
| --- | --- | --- |
| 一双鞋套 | shoe_covers | 进入客户室内必须戴好 |
| 一块垫布 | mat | 放工具、拆设备时垫在下面 |
| 一块抹布 | cloth | 施工完擦干净设备和台面 |
| 一张服务卡 | service_card | 留给客户，写明联系电话 |
| 一张服务监督调查表 | survey_form | 作业前交客户阅读，结束后请客户填写满意度 |

其他要求：

1. 预约时间前5分钟到达；确需改时间的，至少提前2小时通知客户，说明原因并致歉，重新约定时间。
2. 敲门10分钟无人应答、电话也联系不上，留下到访留言（到访时间、离开时间、联系电话、联系人）再离开。
3. 出示工号牌，得到允许后进入；挪动物品须经客户同意，完工后放回原位。
4. 可能影响客户环境的操作，先征得客户同意（记录 consent: true）。
5. 现场解决不了的，上报派单中心，条件具备后重新预约，按约回访。
`},
	{"ont-replacement.md", "光猫更换步骤", "aijun", []string{"光猫", "宽带"}, `# 光猫更换步骤

适用于 ZXA10 F620、HG8546M 等 GPON 光猫。

1. 出发前在综调系统查好客户的 LOID 和业务（宽带、IPTV、语音），带同型号光猫。
2. 到场先看旧光猫指示灯：PON 灯不亮或闪烁、LOS 灯红闪，先测入户光功率。
   - 正常：-8 ~ -27dBm；低于 -27dBm 属光衰过大，先查线路，不要急着换光猫。
3. 记下旧光猫序列号，拍照背面标签。
4. 断电更换，接好尾纤（插头端面先用擦纤笔清洁）。
5. 新光猫上电，用 LOID 注册，等待配置下发（约3-5分钟）。
6. 逐项测试：上网测速、IPTV 开机看直播、电话拨打。
7. 在档案 devices.md 里更新序列号和安装日期，上门记录正文写明新旧序列号。
8. 旧光猫贴标签交回库房。
`},
	{"switch-loop.md", "交换机环路排查", "zhaolei", []string{"交换机", "环路", "故障处理"}, `# 交换机环路排查

现象：整网卡顿、掉线，交换机 CPU 很高，端口指示灯同时狂闪。

1. 登录核心交换机，看 CPU 和端口流量：` + "`display cpu-usage`、`display interface brief`" + `（华为）。
   广播包突增的端口就是环路方向。
2. 沿着这个端口往下找，逐级断开下联，断开后 CPU 下降即找到环路所在分支。
3. 常见原因：客户私接的小交换机或无线路由器两个口都接回墙上网口；网线两头插在同一台交换机上。
4. 拔掉造成环路的线，告诉客户原因（不要当着客户面责怪）。
5. 在接入交换机开启环路检测，防止再犯：
   - 华为：` + "`loopback-detect enable`" + `
   - H3C：` + "`loopback-detection global enable vlan all`" + `
   - 锐捷：` + "`rldp enable`" + `
6. 上门记录里写清楚环路位置和处理方法，涉及设备写进 devices。
`},
	{"fiber-attenuation.md", "光衰测试与判断", "hejun", []string{"光缆", "光衰"}, `# 光衰测试与判断

用光功率计在光猫或交换机光口测收光功率：

| 收光功率 | 判断 |
| --- | --- |
| -8 ~ -24dBm | 正常 |
| -24 ~ -27dBm | 偏低，观察，清洁端面后复测 |
| 低于 -27dBm | 光衰过大，需处理 |

处理顺序：先清洁端面，再查尾纤弯折，再分段测试（分纤箱、入户段）。入户段以外的问题上报派单中心，由线路班处理，约好复测时间。

> 廠商手冊原文（繁體）：「光模組收光功率低於靈敏度時，鏈路可能頻繁中斷，請先檢查光纖接頭是否清潔。」
`},
}

// InitFiles returns the files of a new archive for `dangan init`: the
// settings, the README for the people who edit the archive, a .gitignore
// for dangan's own files, one example customer with every kind of record and
// a visit, and one guide.
func InitFiles() []File {
	files := []File{
		{archive.SettingsFile, settingsFile("客户维护档案", true)},
		{"README.md", []byte(readme)},
		{".gitignore", []byte(gitignore)},
		guideFile(guides[0]),
	}
	for _, f := range exampleCustomer {
		files = append(files, File{Path: archive.CustomersDir + "/" + exampleID + "/" + f.Path, Data: []byte(strings.TrimLeft(f.Data, "\n"))})
	}
	return files
}

const exampleID = "example-hospital"

// exampleCustomer is written by hand, with comments, because people copy it.
var exampleCustomer = []struct{ Path, Data string }{
	{"customer.md", `
---
kind: customer
name: 示例县人民医院
industry: 医疗卫生            # 医疗卫生 教育 政府机关 金融 能源矿业 商贸零售 酒店餐饮 物流仓储 农业合作社
district: 城关街道
address: 某省某市某县城关街道某路 1 号
account_manager: zhangwei     # 客户经理的工号（拼音）
technicians: [liqiang, wangfang]
restricted: false             # 涉密单位写 true：只有维护人员和授权人员能看
contacts:
  - {name: 刘主任, role: 信息科主任, phone: "13800000000"}
services:
  - {product: 数字电路专线, bandwidth: 200M, since: 2021-03-01}
  - {product: 天翼云主机, since: 2023-06-01}
contract: {id: EX-2021-0001, start: 2021-03-01, end: 2027-02-28}
tags: [示例, 二级医院]
---
这是一个示例客户，照着它建自己的客户文件夹，用完可以删掉整个文件夹。

机房在门诊楼三层东侧，门禁找信息科登记。
`},
	{"devices.md", `
---
kind: devices
reviewed: 2026-10-12          # 最近一次核对设备清单的日期
devices:
  - id: core-sw-1             # 设备编号：拓扑、备件、上门记录都用它
    role: 核心交换机
    vendor: Huawei
    model: S5735-L24P4X-A1
    serial: "2102351234ABCD"
    mgmt_ip: 10.12.0.1
    location: 门诊楼3F机房 A02机柜
    installed: 2021-03-15
    warranty_until: 2026-03-14
    eol: 2029-05-31
    firmware: V200R021C00SPC100
    status: in_service        # in_service 在用 | standby 备用 | faulty 故障 | removed 已拆除
    utilisation: 85           # 利用率（%），可不写
  - id: fw-1
    role: 防火墙
    vendor: H3C
    model: F1000-AK155
    serial: "210235A1XYZ"
    mgmt_ip: 10.12.0.2
    status: in_service
---
核心交换机上联口 GE0/0/24 接电信 OLT。
`},
	{"topology.md", `
---
kind: topology
reviewed: 2026-10-12
external:                     # 客户以外的节点（电信侧）
  - {id: olt-mz, label: 电信县局 OLT}
links:                        # medium: fiber 光纤 | copper 网线 | wireless 无线
  - {from: olt-mz, to: core-sw-1, medium: fiber, bandwidth: 1G}
  - {from: core-sw-1, to: fw-1, medium: copper, ports: [GE0/0/1, GE1/0/0]}
---
`},
	{"progress.md", `
---
kind: progress
projects:
  - name: 内网改造
    milestones:               # status: planned | in_progress | done | delayed | cancelled
      - {name: 勘察, due: 2026-09-01, done: 2026-08-28}
      - {name: 设备到货, due: 2026-10-15, status: delayed, note: 厂商缺货}
      - {name: 割接, due: 2026-12-01}
---
`},
	{"training.md", `
---
kind: training
sessions:
  - {date: 2026-05-10, topic: 云主机日常运维, trainer: liqiang, attendees: 6, asked_about: [SD-WAN]}
---
asked_about 写培训中客户问到的产品，市场部会看到。
`},
	{"spares.md", `
---
kind: spares
parts:
  - {part: 光模块, model: SFP-GE-LX-SM1310, for: core-sw-1, on_hand: 1, required: 2, due: 2026-12-01}
---
`},
	{"leads.md", `
---
kind: leads
leads:                        # status: new | contacted | won | lost | dismissed（市场部更新）
  - {date: 2026-11-20, need: 新院区明年开业需要千兆专线, product: 数字电路专线, noted_by: liqiang, status: new}
---
`},
	{"visits/2026-11-20-repair.md", `
---
kind: visit
type: repair                  # install | repair | inspection | training | survey
technician: liqiang
appointment: 2026-11-20T09:00
arrived: 2026-11-20T08:52
left: 2026-11-20T11:30
rescheduled: {notified: 2026-11-19T15:00, from: 2026-11-19T14:00, reason: 备件未到}
five_ones: {shoe_covers: true, mat: true, cloth: true, service_card: true, survey_form: true}
consent: true
devices: [core-sw-1]
outcome: escalated            # resolved | follow_up | escalated | no_answer
escalated_to: 派单中心
follow_up: 2026-11-27
satisfaction: satisfied       # very_satisfied | satisfied | neutral | dissatisfied
---
更换 core-sw-1 上联光模块后链路恢复；光衰偏高，需派单线路组复测。
`},
	{"notes/machine-room.md", `
---
kind: note
title: 机房说明
tags: [机房]
---
# 机房说明

机柜 A02：从上到下为光纤配线架、core-sw-1、fw-1、UPS。照片放在本文件旁边，正文里用图片语法引用（例如 rack.jpg）。
`},
}
