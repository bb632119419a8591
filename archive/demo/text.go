package demo

// Words and phrases the generator writes. They are what a technician at a
// county branch writes: short, practical, with the trade's jargon.

var (
	givenNames = []string{"建军", "建华", "海军", "志强", "国庆", "红梅", "丽娟", "晓燕", "文斌", "永刚", "小军", "俊峰", "彩霞", "亚楠",
		"鹏飞", "海燕", "玉兰", "振华", "卫东", "晓东", "宏伟", "秀英", "雪梅", "小龙", "增荣", "怀义", "润生", "爱琴", "志刚", "春花"}
	contactRoles = map[string][]string{
		indHealth:    {"信息科主任", "信息科工程师", "总务科科长", "院办主任"},
		indEdu:       {"信息中心主任", "电教老师", "总务主任", "副校长"},
		indGov:       {"办公室主任", "信息中心负责人", "网管员"},
		indFinance:   {"科技部经理", "网点主任", "运营主管"},
		indEnergy:    {"调度室主任", "信息化负责人", "机电科科长"},
		indRetail:    {"店长", "老板", "财务"},
		indHotel:     {"总经理", "前厅经理", "工程部经理"},
		indLogistics: {"仓库主管", "总经理", "信息员"},
		indFarm:      {"理事长", "会计", "技术员"},
	}
	smallRoles = map[string]string{indHealth: "村医", indEdu: "校长", indGov: "村支书", indFinance: "服务点负责人", indEnergy: "运维负责人",
		indRetail: "老板", indHotel: "老板", indLogistics: "站长", indFarm: "理事长"}

	// rooms are where the main rack stands and where the access switches hang.
	rooms = map[string][2][]string{
		indHealth:    {{"门诊楼3F信息科机房", "行政楼2F机房"}, {"住院部1F弱电间", "医技楼2F弱电间", "门诊楼1F弱电井", "急诊楼1F弱电间"}},
		indEdu:       {{"行政楼3F网络中心", "图书楼2F机房"}, {"教学楼1F弱电间", "实验楼2F弱电井", "宿舍楼1F弱电间", "食堂2F弱电间"}},
		indGov:       {{"办公楼4F机房", "办公楼1F机房"}, {"办公楼2F弱电间", "办公楼3F弱电间", "附楼1F值班室弱电柜"}},
		indFinance:   {{"营业部2F机房", "营业厅后台机柜"}, {"营业厅1F弱电柜", "金库监控室", "自助银行弱电柜"}},
		indEnergy:    {{"调度中心机房", "综合楼2F机房"}, {"井口配电室", "选煤楼弱电间", "地面工业环网机柜", "主井绞车房"}},
		indRetail:    {{"二楼办公室机柜", "收银台下方机柜"}, {"卖场弱电箱", "仓库弱电箱"}},
		indHotel:     {{"1F前台后弱电间", "负一层机房"}, {"2F弱电井", "3F弱电井", "4F弱电井", "餐厅弱电箱"}},
		indLogistics: {{"仓库办公室机柜", "综合楼机房"}, {"冷库监控室", "分拣区弱电箱", "门卫室"}},
		indFarm:      {{"合作社办公室", "仓储库房"}, {"大棚管理房", "晾晒场监控杆", "加工车间"}},
	}
	areas = map[string][]string{
		indHealth:    {"住院部", "门诊大厅", "检验科", "药房", "收费处"},
		indEdu:       {"教学楼", "实验楼", "学生宿舍", "录播教室", "办公区"},
		indGov:       {"三楼办公区", "会议室", "档案室", "大厅窗口"},
		indFinance:   {"营业厅", "自助银行", "二楼办公区"},
		indEnergy:    {"调度室", "井口", "选煤楼", "办公楼"},
		indRetail:    {"收银区", "卖场", "仓库"},
		indHotel:     {"客房三楼", "前台", "餐厅", "会议室"},
		indLogistics: {"冷库", "分拣区", "办公室", "装卸区"},
		indFarm:      {"大棚区", "仓库", "办公室", "加工车间"},
	}
)

type serviceOpt struct {
	Product    string
	Bandwidths []string
}

// services each industry buys, the first being how the site is connected.
var serviceMenu = map[string][]serviceOpt{
	indHealth:    {{"数字电路专线", []string{"100M", "200M", "500M"}}, {"互联网专线", []string{"200M", "500M"}}, {"天翼云主机", nil}, {"固话中继", nil}, {"IPTV", nil}},
	indEdu:       {{"互联网专线", []string{"500M", "1000M"}}, {"云专网", []string{"100M", "200M"}}, {"天翼云主机", nil}, {"天翼看家", nil}, {"固话中继", nil}},
	indGov:       {{"云专网", []string{"100M", "200M"}}, {"数字电路专线", []string{"50M", "100M"}}, {"互联网专线", []string{"200M", "300M"}}, {"固话中继", nil}},
	indFinance:   {{"数字电路专线", []string{"20M", "50M", "100M"}}, {"SD-WAN", []string{"100M"}}, {"互联网专线", []string{"100M", "200M"}}, {"固话中继", nil}},
	indEnergy:    {{"数字电路专线", []string{"100M", "200M"}}, {"互联网专线", []string{"200M", "500M"}}, {"天翼云主机", nil}, {"固话中继", nil}},
	indRetail:    {{"商务宽带", []string{"200M", "300M"}}, {"天翼看家", nil}, {"互联网专线", []string{"100M"}}, {"IPTV", nil}},
	indHotel:     {{"互联网专线", []string{"300M", "500M"}}, {"IPTV", nil}, {"固话中继", nil}, {"天翼看家", nil}},
	indLogistics: {{"互联网专线", []string{"200M", "500M"}}, {"SD-WAN", []string{"100M"}}, {"物联网卡", nil}, {"天翼看家", nil}},
	indFarm:      {{"商务宽带", []string{"200M", "500M"}}, {"天翼看家", nil}, {"物联网卡", nil}, {"互联网专线", []string{"100M"}}},
}

var projectNames = map[string][]string{
	indHealth:    {"新院区网络建设", "HIS系统专线扩容", "医共体云专网接入", "院内无线覆盖改造"},
	indEdu:       {"智慧校园一期", "智慧校园二期", "班班通网络升级", "校园视频监控改造"},
	indGov:       {"电子政务外网改造", "视频会议系统建设", "机房搬迁", "等保测评整改"},
	indFinance:   {"网点SD-WAN改造", "双线路备份改造", "营业厅监控升级"},
	indEnergy:    {"井下工业环网改造", "安全监控专线建设", "调度中心视频会议"},
	indRetail:    {"门店收银网络改造", "门店监控升级"},
	indHotel:     {"客房WiFi全覆盖", "IPTV系统升级"},
	indLogistics: {"冷链仓库温控监测", "仓储视频监控", "多仓SD-WAN互联"},
	indFarm:      {"大棚物联网建设", "电商直播专线", "小米溯源平台上云"},
}

var (
	milestoneSteps = []string{"需求调研", "现场勘察", "方案确认", "设备到货", "安装调试", "割接", "验收"}
	delayReasons   = []string{"厂商缺货", "客户资金未到位", "冬季冻土无法开挖", "客户新楼施工未完成", "等待客户内部审批"}
)

var trainingTopics = []string{"交换机基本配置与环路防范", "网络安全意识培训", "天翼云主机日常运维", "SD-WAN控制台使用", "天翼看家APP使用",
	"IPTV机顶盒常见故障处理", "视频监控平台操作", "光猫指示灯与简单排障", "云专网终端接入规范"}

var askable = []string{"SD-WAN", "天翼云主机", "天翼看家", "互联网专线", "云专网", "物联网卡", "IPTV"}

type needIdea struct{ Need, Product string }

var needIdeas = map[string][]needIdea{
	indHealth:    {{"新院区明年开业需要千兆专线", "数字电路专线"}, {"院内监控录像想上云存储", "天翼看家"}, {"HIS系统计划迁移上云", "天翼云主机"}, {"住院部病房想开通IPTV", "IPTV"}, {"门诊楼扩容后专线带宽不够用", "数字电路专线"}},
	indEdu:       {{"智慧校园二期需要教室无线全覆盖", "互联网专线"}, {"新建实验楼需要光纤到楼", "数字电路专线"}, {"录播教室视频需要云存储", "天翼云主机"}, {"出口带宽高峰不够，想升级到千兆", "互联网专线"}},
	indGov:       {{"视频会议要扩容带宽", "云专网"}, {"机房明年搬迁到新办公楼", "数字电路专线"}, {"乡镇视频会议需要互联", "云专网"}, {"政务外网升级改造", "云专网"}},
	indFinance:   {{"网点互联计划改用SD-WAN", "SD-WAN"}, {"新建自助银行网点", "数字电路专线"}, {"需要第二条备份线路", "互联网专线"}},
	indEnergy:    {{"井下5G覆盖咨询", "5G专网"}, {"安全监控数据上传市局，带宽需扩容", "数字电路专线"}, {"新建调度中心需要专线", "数字电路专线"}},
	indRetail:    {{"新开分店需要宽带和监控", "天翼看家"}, {"收银系统要求走专线", "互联网专线"}, {"店面搬迁到新址", "商务宽带"}},
	indHotel:     {{"客房IPTV升级高清", "IPTV"}, {"前台电话扩容", "固话中继"}, {"新建宴会厅需要无线覆盖", "互联网专线"}},
	indLogistics: {{"冷链仓库温湿度传感器需要物联网卡", "物联网卡"}, {"新建冷库需要网络", "互联网专线"}, {"多个仓库之间组网", "SD-WAN"}},
	indFarm:      {{"大棚需要远程监控", "天翼看家"}, {"电商直播需要更大上行带宽，想升级", "互联网专线"}, {"土壤墒情传感器需要物联网卡", "物联网卡"}, {"新建冷库存放苹果", "互联网专线"}},
}

var rescheduleReasons = []string{"备件未到", "客户临时开会", "道路结冰", "前一单超时", "客户要求改期", "车辆故障"}

var lateReasons = []string{"路上堵车", "前一单超时", "找不到停车位", "乡道修路绕行"}

// fault is a kind of trouble a repair visit finds.
type fault struct {
	Roles   []role
	Symptom string // {dev} {model} {port} {area} are filled in
	Fix     string
	Open    string // when it cannot be fixed on site
	Replace bool   // fixing it means swapping the hardware
}

var faults = []fault{
	{[]role{roleONT}, "客户反映整体断网，现场{dev}（{model}）LOS灯红闪", "测得入户光功率-29.6dBm，光衰过大；重新熔接入户尾纤后恢复到-19.8dBm，业务正常",
		"测得入户光功率-30.2dBm，判断为分纤箱至入户段光缆问题，已上报派单中心由线路班处理", false},
	{[]role{roleONT}, "{dev}（{model}）频繁重启，PON灯闪烁", "更换光猫，重新注册LOID后业务恢复", "", true},
	{[]role{roleRouter}, "{dev}上联口频繁掉线，日志中大量链路up/down", "更换上联光模块后稳定，观察30分钟无掉线",
		"怀疑上游PTN端口异常，已报派单中心联系传输专业核查", false},
	{[]role{roleRouter}, "客户反映外网访问慢，{dev}出口带宽高峰跑满", "调整QoS限速策略，视频类流量限速后恢复正常，建议客户考虑扩容", "", false},
	{[]role{roleAccess, roleCore}, "客户反映{area}网络卡顿，{dev} CPU占用高，判断存在环路",
		"排查发现{area}私接的小交换机两个口同时接入造成环路，拔除后恢复；已在{dev}开启loopback-detect并告知客户", "", false},
	{[]role{roleAccess}, "{dev} {port}端口down，{area}电脑无法上网", "更换跳线并重新压接水晶头后端口up，业务恢复",
		"端口物理损坏，需更换交换机，已申请备件，约定到货后再上门", false},
	{[]role{roleAccess}, "{dev}（{model}）整机无法上电", "更换同型号交换机，恢复原配置后业务正常", "", true},
	{[]role{roleCore}, "核心交换机{dev}风扇告警", "清理机柜和设备灰尘后风扇恢复正常", "电源模块故障告警，需申请备件后更换，已上报派单中心", false},
	{[]role{roleFirewall}, "{dev}会话数满，客户访问网页缓慢", "调整会话老化时间并升级特征库，恢复正常", "", false},
	{[]role{roleAP}, "{area}无线信号弱、手机经常掉线", "调整{dev}信道与发射功率，重启AP后恢复", "", false},
	{[]role{roleAP}, "{dev}（{model}）指示灯不亮，无法上线", "更换新AP并重新上线到AC", "AP主板故障，已申请同型号备件，到货后再来更换", true},
	{[]role{roleNVR}, "{dev}部分通道离线，录像有缺失", "检查发现一块监控硬盘故障，更换硬盘后恢复录像", "硬盘阵列故障，备件未到，约定到货后再上门", false},
	{[]role{roleCamera}, "{dev}画面黑屏", "POE供电异常，更换跳线后恢复", "", false},
	{[]role{roleCamera}, "{dev}（{model}）夜间画面模糊、红外失效", "更换摄像机后画面恢复", "摄像机红外板损坏，需返厂，已报派单中心申请备机", true},
}

var inspectionExtras = []string{
	"清理机柜灰尘，整理跳线并补贴标签。",
	"检查UPS电池，放电测试正常。",
	"核对设备清单与现场一致。",
	"检查光纤配线架，尾纤盘绕规范。",
	"提醒客户机房空调滤网需要清洗。",
	"备份了核心交换机配置，存放在维护电脑。",
}
