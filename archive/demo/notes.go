package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

func (c *cust) note(name, title string, tags []string, body string) *notePlan {
	p := &archive.Page{Kind: archive.KindNote, Title: title, Tags: tags}
	return &notePlan{path: c.dir() + "/" + archive.NotesDir + "/" + name, data: renderPage(archive.KindNote, p, body)}
}

func (c *cust) securityNote() *notePlan {
	body := `# 保密与出入要求

- 本单位为涉密单位，档案中的网络信息不得对外提供，投标材料须经客户经理确认。
- 进入机房须由办公室人员全程陪同并登记，禁止拍照、禁止携带U盘。
- 维护电脑不得接入客户内网，需要调试时使用客户提供的专用终端。
- 涉及设备配置变更的操作须提前一天报客户信息中心审批。
`
	return c.note("security.md", "保密与出入要求", []string{"涉密"}, body)
}

func (c *cust) cutoverNote(p *projectPlan, due archive.Date) *notePlan {
	r := c.r
	name := fmt.Sprintf("cutover-%04d-%02d.md", due.Year, due.Month)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s 割接方案\n\n", p.name)
	fmt.Fprintf(&b, "割接时间：%s 22:00-24:00（已与客户%s确认，业务低峰）。\n\n", due, pick(r, contactRoles[c.cand.Industry]))
	b.WriteString("## 步骤\n\n1. 割接前一天备份核心交换机、路由器配置。\n2. 22:00 通知客户开始，断开旧上联。\n")
	b.WriteString("3. 新链路跳纤，核对光功率（-8 ~ -20dBm 之间为正常）。\n4. 调整路由和VLAN，逐项测试业务：上网、专线、视频监控、电话。\n")
	b.WriteString("5. 观察30分钟无异常后通知客户结束。\n\n## 回退\n\n任何一项业务30分钟内无法恢复，恢复旧跳纤和备份配置，另约时间。\n\n")
	fmt.Fprintf(&b, "## 人员\n\n现场：%s；客户经理：%s；派单中心值班电话 0912-6220000。\n", c.techs[0].Name, c.am.Name)
	return c.note(name, p.name+" 割接方案", []string{"割接"}, b.String())
}

// planNotes: technicians of larger sites describe the machine room, some
// with a photo (here a drawing of the rack) beside the page.
func (c *cust) planNotes() {
	r := c.r
	p := map[size]float64{small: 0, medium: 0.15, large: 0.5}[c.cand.Size]
	if !chance(r, p) {
		return
	}
	d := workday(dateOf(c.created).AddDays(between(r, 7, 90)))
	if !c.inHistory(d) {
		return
	}
	e := c.event(c.officeTime(d), c.techs[0], "新增机房照片说明: "+c.name())
	devs := c.visibleDevices(e.at)
	var b strings.Builder
	b.WriteString("# 机房照片说明\n\n")
	withPhoto := chance(r, 0.4)
	if withPhoto {
		b.WriteString("![机柜正面](rack.png)\n\n")
	}
	byLoc := map[string][]string{}
	var locs []string
	for _, dv := range devs {
		if _, ok := byLoc[dv.base.Location]; !ok {
			locs = append(locs, dv.base.Location)
		}
		byLoc[dv.base.Location] = append(byLoc[dv.base.Location], fmt.Sprintf("%s（%s %s）", dv.base.ID, dv.base.Vendor, dv.base.Model))
	}
	for _, l := range locs {
		fmt.Fprintf(&b, "- %s：%s\n", l, strings.Join(byLoc[l], "、"))
	}
	fmt.Fprintf(&b, "\n机柜上方为光纤配线架（ODF），下方为UPS（%d分钟后备）。空调设定%d℃。跳线按颜色区分：黄色为光纤，蓝色为业务网，红色为管理网。\n",
		between(r, 15, 60), between(r, 22, 26))
	e.notes = append(e.notes, c.note("machine-room.md", "机房照片说明", []string{"机房"}, b.String()))
	if withPhoto {
		e.notes = append(e.notes, &notePlan{path: c.dir() + "/" + archive.NotesDir + "/rack.png", data: rackPicture(len(devs), r.Uint64())})
	}
}

// rackPicture draws a small front view of a rack: one bar per device with
// its status lights, so the demo's note has an image beside it.
func rackPicture(devices int, seed uint64) []byte {
	const w, h = 120, 200
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{
		color.RGBA{0xf4, 0xf4, 0xf0, 0xff}, color.RGBA{0x30, 0x30, 0x34, 0xff}, color.RGBA{0x5a, 0x5e, 0x66, 0xff},
		color.RGBA{0x2e, 0xcc, 0x40, 0xff}, color.RGBA{0xff, 0xb0, 0x00, 0xff},
	})
	fill := func(x0, y0, x1, y1 int, c uint8) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetColorIndex(x, y, c)
			}
		}
	}
	fill(10, 5, 110, 195, 1)
	for i := range min(devices, 12) {
		y := 12 + i*15
		fill(16, y, 104, y+11, 2)
		for j := range 6 {
			led := uint8(3)
			if (seed>>(uint(i*6+j)%64))&7 == 0 {
				led = 4
			}
			fill(70+j*5, y+4, 73+j*5, y+7, led)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return buf.Bytes()
}
