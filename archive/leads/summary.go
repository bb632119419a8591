package leads

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// detail is what a lead's summary is written from. Redact writes the
// summary again from it, leaving out what the viewer may not see.
type detail struct {
	devs      []devFact
	window    int
	threshold int
	need      archive.Need
	parts     []archive.Part
	short     int
	contract  archive.Contract
	days      int
	product   string
	sessions  []archive.Session
	visits    []visitFact
	word      string
	hits      []wordHit
}

type devFact struct {
	dev  archive.Device
	date archive.Date
	days int // from the day of evaluation to date
	util int
}

type visitFact struct {
	path string
	day  archive.Date
}

type wordHit struct {
	kind archive.Kind
	day  archive.Date
}

// products are the suggestion of each signal, in Chinese and English.
var products = map[Signal][2]string{
	SignalWarranty:     {"原厂维保续保 / 设备更新", "maintenance renewal or replacement"},
	SignalEOL:          {"设备更新换代", "device replacement"},
	SignalUtilisation:  {"带宽提速 / 设备扩容", "bandwidth or capacity upgrade"},
	SignalSpares:       {"备品备件服务", "spare-part service"},
	SignalContract:     {"合同续约", "contract renewal"},
	SignalRepeatFaults: {"设备更换 / 代维服务", "device replacement or managed maintenance"},
}

var wordProducts = map[string][2]string{
	"扩容":  {"带宽提速 / 扩容", "bandwidth or capacity upgrade"},
	"新建":  {"新址组网与专线", "network and lines for a new site"},
	"搬迁":  {"搬迁割接与新址专线", "relocation and lines at the new site"},
	"新院区": {"新院区组网与专线", "network and lines for the new campus"},
	"升级":  {"网络升级改造", "network upgrade"},
}

func wordProduct(w string) (string, string) {
	if p, ok := wordProducts[w]; ok {
		return p[0], p[1]
	}
	return "信息化综合解决方案", "ICT solution"
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// tidy removes the spaces fmt leaves beside full-width brackets.
var tidy = strings.NewReplacer("） ", "）", " （", "（", "， ", "，")

// devName is "core-sw-1（核心交换机 Huawei S5735）".
func devName(d archive.Device, en bool) string {
	var extra []string
	for _, s := range []string{d.Role, d.Vendor, d.Model} {
		if s != "" {
			extra = append(extra, s)
		}
	}
	if len(extra) == 0 {
		return d.ID
	}
	if en {
		return d.ID + " (" + strings.Join(extra, " ") + ")"
	}
	return d.ID + "（" + strings.Join(extra, " ") + "）"
}

// devIDs lists up to three device ids, "等" / "..." beyond.
func devIDs(ds []devFact, en bool) string {
	var ids []string
	for i, d := range ds {
		if i == 3 {
			ids = append(ids, pick(lang(en), "等", "..."))
			break
		}
		ids = append(ids, d.dev.ID)
	}
	if en {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids, "、")
}

func lang(en bool) string {
	if en {
		return "en"
	}
	return "zh-CN"
}

// summarize writes a lead's one-line summary in Chinese and English from
// its detail, leaving out values of the fields hidden says are hidden.
func summarize(l *Lead, hidden func(string) bool) (string, string) {
	zh, en := summarizeRaw(l, hidden)
	return tidy.Replace(zh), en
}

func summarizeRaw(l *Lead, hidden func(string) bool) (string, string) {
	d := l.det
	if d == nil {
		return l.Summary, l.SummaryEN
	}
	switch l.Signal {
	case SignalNeed:
		n := d.need
		if hidden("leads.need") {
			return fmt.Sprintf("员工于 %s 记录了一条需求", n.Date), fmt.Sprintf("A need noted on %s", n.Date)
		}
		zh, en := n.Need, "Need: "+n.Need
		if n.NotedBy != "" && !hidden("leads.noted_by") {
			zh += fmt.Sprintf("（%s 记于 %s）", n.NotedBy, n.Date)
			en += fmt.Sprintf(" (noted by %s on %s)", n.NotedBy, n.Date)
		} else if !n.Date.IsZero() {
			zh += fmt.Sprintf("（记于 %s）", n.Date)
			en += fmt.Sprintf(" (noted on %s)", n.Date)
		}
		return zh, en
	case SignalWarranty, SignalEOL:
		what, whatEN := "保修", "warranty"
		will, did := "保修将于 %s 到期（还有 %d 天）", "已于 %s 过保"
		willEN, didEN := "warranty ends on %s (in %d days)", "warranty ended on %s"
		if l.Signal == SignalEOL {
			what, whatEN = "停产/停服", "end of life"
			will, did = "将于 %s 停产/停服（还有 %d 天）", "已于 %s 停产/停服"
			willEN, didEN = "end of life on %s (in %d days)", "end of life since %s"
		}
		if len(d.devs) == 1 {
			f := d.devs[0]
			if f.days >= 0 {
				return fmt.Sprintf("在用设备 %s"+will, devName(f.dev, false), f.date, f.days),
					fmt.Sprintf("Device in service %s: "+willEN, devName(f.dev, true), f.date, f.days)
			}
			return fmt.Sprintf("在用设备 %s"+did, devName(f.dev, false), f.date),
				fmt.Sprintf("Device in service %s: "+didEN, devName(f.dev, true), f.date)
		}
		zh := fmt.Sprintf("%d 台在用设备%s已到期或 %d 天内到期（%s）", len(d.devs), what, d.window, devIDs(d.devs, false))
		en := fmt.Sprintf("%d devices in service past %s or within %d days of it (%s)", len(d.devs), whatEN, d.window, devIDs(d.devs, true))
		if f := d.devs[0]; f.days >= 0 {
			zh += fmt.Sprintf("，最近 %s 到期", f.date)
			en += fmt.Sprintf("; next on %s", f.date)
		}
		return zh, en
	case SignalUtilisation:
		f := d.devs[0]
		if hidden("devices.utilisation") {
			if len(d.devs) == 1 {
				return fmt.Sprintf("设备 %s 利用率已达 %d%% 以上", devName(f.dev, false), d.threshold),
					fmt.Sprintf("Device %s runs at %d%% or more of capacity", devName(f.dev, true), d.threshold)
			}
			return fmt.Sprintf("%d 台设备利用率已达 %d%% 以上（%s）", len(d.devs), d.threshold, devIDs(d.devs, false)),
				fmt.Sprintf("%d devices run at %d%% or more of capacity (%s)", len(d.devs), d.threshold, devIDs(d.devs, true))
		}
		if len(d.devs) == 1 {
			return fmt.Sprintf("设备 %s 利用率 %d%%，已达 %d%% 阈值", devName(f.dev, false), f.util, d.threshold),
				fmt.Sprintf("Device %s at %d%% utilisation (threshold %d%%)", devName(f.dev, true), f.util, d.threshold)
		}
		return fmt.Sprintf("%d 台设备利用率达 %d%% 以上，最高 %d%%（%s）", len(d.devs), d.threshold, f.util, devIDs(d.devs, false)),
			fmt.Sprintf("%d devices at %d%% utilisation or more, highest %d%% (%s)", len(d.devs), d.threshold, f.util, devIDs(d.devs, true))
	case SignalSpares:
		p := d.parts[0]
		name := p.Part
		if p.Model != "" {
			name += " " + p.Model
		}
		var zh, en string
		if len(d.parts) == 1 {
			zh = fmt.Sprintf("备件计划缺 %d 件：%s（需 %d，现有 %d）", d.short, name, p.Required, p.OnHand)
			en = fmt.Sprintf("Spare-part plan short of %d: %s (%d required, %d on hand)", d.short, name, p.Required, p.OnHand)
		} else {
			zh = fmt.Sprintf("备件计划缺 %d 件，共 %d 项（%s 等）", d.short, len(d.parts), p.Part)
			en = fmt.Sprintf("Spare-part plan short of %d parts in %d lines (%s, ...)", d.short, len(d.parts), p.Part)
		}
		if !l.Due.IsZero() {
			zh += fmt.Sprintf("，计划 %s 到位", l.Due)
			en += fmt.Sprintf(", due %s", l.Due)
		}
		return zh, en
	case SignalContract:
		c := d.contract
		id, idEN := "合同", "Contract"
		if c.ID != "" {
			id, idEN = "合同 "+c.ID, "Contract "+c.ID
		}
		if d.days >= 0 {
			return fmt.Sprintf("%s 将于 %s 到期（还有 %d 天）", id, c.End, d.days),
				fmt.Sprintf("%s ends on %s (in %d days)", idEN, c.End, d.days)
		}
		return fmt.Sprintf("%s 已于 %s 到期", id, c.End), fmt.Sprintf("%s ended on %s", idEN, c.End)
	case SignalAskedAbout:
		last := d.sessions[len(d.sessions)-1]
		if len(d.sessions) == 1 {
			return fmt.Sprintf("培训中客户咨询 %s（%s，%s）", d.product, last.Date, last.Topic),
				fmt.Sprintf("Attendees asked about %s in training (%s, %s)", d.product, last.Date, last.Topic)
		}
		return fmt.Sprintf("%d 次培训中客户咨询 %s，最近 %s", len(d.sessions), d.product, last.Date),
			fmt.Sprintf("Attendees asked about %s in %d training sessions, last on %s", d.product, len(d.sessions), last.Date)
	case SignalRepeatFaults:
		last := d.visits[len(d.visits)-1].day
		if hidden("visits.devices") {
			return fmt.Sprintf("同一设备 %d 天内维修 %d 次，最近 %s", d.window, len(d.visits), last),
				fmt.Sprintf("One device repaired %d times in %d days, last on %s", len(d.visits), d.window, last)
		}
		return fmt.Sprintf("设备 %s %d 天内维修 %d 次，最近 %s", devName(d.devs[0].dev, false), d.window, len(d.visits), last),
			fmt.Sprintf("Device %s repaired %d times in %d days, last on %s", devName(d.devs[0].dev, true), len(d.visits), d.window, last)
	case SignalWords:
		var zhPlaces, enPlaces []string
		visits := 0
		var latest archive.Date
		seen := map[archive.Kind]bool{}
		for _, h := range d.hits {
			if h.kind == archive.KindVisit {
				visits++
				if h.day.After(latest) {
					latest = h.day
				}
			}
			if seen[h.kind] {
				continue
			}
			seen[h.kind] = true
			switch h.kind {
			case archive.KindCustomer:
				zhPlaces, enPlaces = append(zhPlaces, "客户简介"), append(enPlaces, "the profile")
			case archive.KindVisit:
				zhPlaces, enPlaces = append(zhPlaces, "上门记录"), append(enPlaces, "visit notes")
			default:
				zhPlaces, enPlaces = append(zhPlaces, "备注"), append(enPlaces, "notes")
			}
		}
		zh := fmt.Sprintf("%s提到“%s”", strings.Join(zhPlaces, "、"), d.word)
		en := fmt.Sprintf("%q mentioned in %s", d.word, strings.Join(enPlaces, " and "))
		if visits > 0 {
			zh += fmt.Sprintf("（%d 次上门，最近 %s）", visits, latest)
			en += fmt.Sprintf(" (%s, last on %s)", plural(visits, "visit"), latest)
		}
		return zh, en
	}
	return l.Summary, l.SummaryEN
}
