package diagram

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/dangan-archive/dangan/archive"
)

// The font graphviz measures text with, and the list the browser picks from.
// Graphviz in WebAssembly has no fonts, so it estimates widths from built-in
// metrics; the browser draws the text with whichever font it has.
const (
	layoutFont = "Noto Sans CJK SC"
	// FontFamily is written on every text of the SVG.
	FontFamily = `'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', sans-serif`
	nodeFontPt = 10.0
	edgeFontPt = 9.0
	// maxLabelRunes cuts any one label line: records are user input and a
	// 10,000-character role must not make a 10,000-point-wide box.
	maxLabelRunes = 40
)

// Colours, chosen to stay readable printed in grey.
const (
	colFaulty   = "#c62828"
	fillFaulty  = "#fdecea"
	colGrey     = "#9e9e9e"
	fillGrey    = "#f5f5f5"
	colNormal   = "#37474f"
	fillNormal  = "#ffffff"
	fillExt     = "#e3f2fd"
	colFiber    = "#1565c0"
	colCopper   = "#6d4c41"
	colWireless = "#2e7d32"
	colUnknown  = "#757575"
)

// graph is what will be drawn, after hiding, before DOT.
type graph struct {
	nodes    []node
	edges    []edge
	devices  int
	external int
	unknown  int
	byStatus map[archive.DeviceStatus]int
	problems []archive.Problem
}

type node struct {
	name  string   // DOT name: n0, n1, … (never user text)
	lines []string // label lines, not yet escaped
	class string   // device, external, unknown + status
	ext   bool
}

type edge struct {
	from, to string // DOT names
	label    string
	class    string
	medium   string
	unknown  bool
}

// build turns records into the graph to draw, applying the viewer's hidden
// fields and collecting problems.
func build(in Input) *graph {
	o := in.Options
	g := &graph{byStatus: map[archive.DeviceStatus]int{}}
	topoPath := archive.RecordPath(in.Customer, archive.KindTopology)
	devPath := archive.RecordPath(in.Customer, archive.KindDevices)
	problem := func(path, format string, args ...any) {
		g.problems = append(g.problems, archive.Problem{Path: path, Severity: archive.SeverityWarning, Message: fmt.Sprintf(format, args...)})
	}
	names := map[string]int{} // record id → index in g.nodes
	add := func(id string, n node) int {
		n.name = fmt.Sprintf("n%d", len(g.nodes))
		g.nodes = append(g.nodes, n)
		names[id] = len(g.nodes) - 1
		return len(g.nodes) - 1
	}

	for _, e := range in.Topology.External {
		if _, dup := names[e.ID]; dup || e.ID == "" {
			continue // the archive's checker reports these
		}
		label := e.Label
		if o.hidden("topology.external.label") || label == "" {
			label = e.ID
		}
		lines := []string{label}
		if label != e.ID {
			lines = append(lines, e.ID)
		}
		add(e.ID, node{lines: lines, class: "external", ext: true})
		g.external++
	}
	for _, d := range in.Devices {
		if d.ID == "" {
			continue
		}
		if _, dup := names[d.ID]; dup {
			problem(devPath, "设备编号 %s 重复，拓扑图只画第一台", d.ID)
			continue
		}
		add(d.ID, node{lines: deviceLines(d, o), class: "device " + statusClass(d.Status)})
		g.devices++
		g.byStatus[d.Status]++
	}
	for i, l := range in.Topology.Links {
		ends := [2]string{}
		unknown := false
		for j, id := range []string{l.From, l.To} {
			n, ok := names[id]
			if !ok {
				shown := id
				if strings.TrimSpace(id) == "" {
					shown = "（未填写）"
				}
				n = add(id, node{lines: []string{"未知设备", shown}, class: "unknown"})
				g.unknown++
			}
			if g.nodes[n].class == "unknown" {
				unknown = true
				problem(topoPath, "第 %d 条链路的%s %q 不是已登记的设备或外部节点，图中画为“未知设备”", i+1, [2]string{"起点", "终点"}[j], id)
			}
			ends[j] = g.nodes[n].name
		}
		e := edge{from: ends[0], to: ends[1], unknown: unknown, class: "link"}
		var parts []string
		if !o.hidden("topology.links.medium") {
			e.medium = normMedium(l.Medium)
			if m := mediumLabel(l.Medium); m != "" {
				parts = append(parts, m)
			}
		}
		if !o.hidden("topology.links.bandwidth") && l.Bandwidth != "" {
			parts = append(parts, l.Bandwidth)
		}
		if unknown {
			parts = append(parts, "未知设备")
			e.class += " unknown"
		} else if e.medium != "" {
			e.class += " " + e.medium
		}
		e.label = strings.Join(parts, " ")
		g.edges = append(g.edges, e)
	}
	return g
}

// deviceLines is what a device box says: role (and status), id, vendor and
// model, then the optional fields the viewer may see.
func deviceLines(d archive.Device, o Options) []string {
	role := d.Role
	if o.hidden("devices.role") || role == "" {
		role = "设备"
	}
	if s := statusLabel(d.Status); s != "" {
		role += "（" + s + "）"
	}
	lines := []string{role}
	if !o.hidden("devices.id") {
		lines = append(lines, d.ID)
	}
	var model []string
	if !o.hidden("devices.vendor") && d.Vendor != "" {
		model = append(model, d.Vendor)
	}
	if !o.hidden("devices.model") && d.Model != "" {
		model = append(model, d.Model)
	}
	if len(model) > 0 {
		lines = append(lines, strings.Join(model, " "))
	}
	for _, f := range o.shown() {
		if o.hidden(f) {
			continue
		}
		var v string
		switch f {
		case "devices.mgmt_ip":
			v = d.MgmtIP
		case "devices.serial":
			if d.Serial != "" {
				v = "SN " + d.Serial
			}
		case "devices.location":
			v = d.Location
		case "devices.firmware":
			v = d.Firmware
		}
		if v != "" {
			lines = append(lines, v)
		}
	}
	return lines
}

func statusLabel(s archive.DeviceStatus) string {
	switch s {
	case archive.Faulty:
		return "故障"
	case archive.Standby:
		return "备用"
	case archive.Removed:
		return "已拆除"
	}
	return ""
}

func statusClass(s archive.DeviceStatus) string {
	switch s {
	case archive.Faulty, archive.Standby, archive.Removed:
		return string(s)
	}
	return "in_service"
}

func normMedium(m string) string {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "fiber", "fibre", "optical", "光纤", "光缆":
		return "fiber"
	case "copper", "utp", "ethernet", "网线", "铜缆", "双绞线":
		return "copper"
	case "wireless", "radio", "microwave", "wifi", "无线", "微波":
		return "wireless"
	case "":
		return ""
	}
	return "other"
}

func mediumLabel(m string) string {
	switch normMedium(m) {
	case "fiber":
		return "光纤"
	case "copper":
		return "网线"
	case "wireless":
		return "无线"
	}
	return strings.TrimSpace(m)
}

// dot writes the graph in the DOT language. Every piece of user text goes
// through quote; node names are generated. simple drops edge labels and
// secondary lines, for the force-directed view of big graphs.
func (g *graph) dot(simple bool) []byte {
	var b strings.Builder
	b.WriteString("digraph topology {\n")
	fmt.Fprintf(&b, "graph [rankdir=TB charset=\"UTF-8\" bgcolor=\"transparent\" fontname=%s nodesep=0.35 ranksep=0.55 pad=0.1", quote(layoutFont))
	if simple {
		// overlap=scale: prism overlap removal (overlap=false) took 15 s
		// on Kdl in WebAssembly, scaling 0.6 s, with no boxes overlapping.
		b.WriteString(" overlap=scale outputorder=edgesfirst")
	}
	b.WriteString("];\n")
	fmt.Fprintf(&b, "node [shape=box style=\"rounded,filled\" fontname=%s fontsize=%g margin=\"0.10,0.05\" color=%q fillcolor=%q fontcolor=\"#212121\"];\n", quote(layoutFont), nodeFontPt, colNormal, fillNormal)
	fmt.Fprintf(&b, "edge [dir=none fontname=%s fontsize=%g color=%q fontcolor=\"#424242\"];\n", quote(layoutFont), edgeFontPt, colNormal)
	var ext []string
	for _, n := range g.nodes {
		lines := n.lines
		if simple && len(lines) > 2 {
			lines = lines[:2]
		}
		fmt.Fprintf(&b, "%s [label=%s class=%q width=%.2f", n.name, quoteLines(lines), n.class, widthHint(lines, nodeFontPt))
		switch {
		case n.ext:
			fmt.Fprintf(&b, " shape=box style=\"filled,bold\" fillcolor=%q", fillExt)
			ext = append(ext, n.name)
		case n.class == "unknown":
			fmt.Fprintf(&b, " style=\"dashed,rounded\" color=%q fontcolor=%q", colUnknown, colUnknown)
		case strings.HasSuffix(n.class, "faulty"):
			fmt.Fprintf(&b, " color=%q fillcolor=%q fontcolor=%q penwidth=2", colFaulty, fillFaulty, colFaulty)
		case strings.HasSuffix(n.class, "standby"):
			fmt.Fprintf(&b, " color=%q fillcolor=%q fontcolor=\"#757575\"", colGrey, fillGrey)
		case strings.HasSuffix(n.class, "removed"):
			fmt.Fprintf(&b, " style=\"rounded,filled,dotted\" color=%q fillcolor=%q fontcolor=%q", colGrey, fillGrey, colGrey)
		}
		b.WriteString("];\n")
	}
	if len(ext) > 0 {
		// The operator's side at the top: the page reads from the
		// operator's network down to the customer's devices.
		fmt.Fprintf(&b, "{rank=source; %s}\n", strings.Join(ext, "; "))
	}
	for _, e := range g.edges {
		fmt.Fprintf(&b, "%s -> %s [class=%q", e.from, e.to, e.class)
		if e.label != "" && !simple {
			fmt.Fprintf(&b, " label=%s", quoteRaw(padCJK(clean(e.label))))
		}
		switch {
		case e.unknown:
			fmt.Fprintf(&b, " style=dashed color=%q", colUnknown)
		case e.medium == "fiber":
			fmt.Fprintf(&b, " color=%q penwidth=2.2", colFiber)
		case e.medium == "copper":
			fmt.Fprintf(&b, " color=%q penwidth=1.2", colCopper)
		case e.medium == "wireless":
			fmt.Fprintf(&b, " style=dotted color=%q penwidth=1.6", colWireless)
		}
		b.WriteString("];\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// clean makes one label line safe to hand to graphviz and to XML: valid
// UTF-8, no control characters, not longer than maxLabelRunes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFFFE' || r == '\uFFFF' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxLabelRunes {
		r := []rune(s)
		s = string(r[:maxLabelRunes-1]) + "…"
	}
	return s
}

// quote writes a DOT string. Backslashes are doubled so that graphviz's own
// escapes (\N, \G, \l …) in user text stay literal.
func quote(s string) string { return quoteRaw(clean(s)) }

// quoteRaw quotes text already cleaned.
func quoteRaw(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}

func quoteLines(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = strings.TrimSuffix(strings.TrimPrefix(quote(l), `"`), `"`)
	}
	return `"` + strings.Join(q, `\n`) + `"`
}

// padCJK adds a space per wide character around an edge label. Graphviz
// underestimates Chinese text (see widthHint) and edge labels take no width
// hint; the browser drops the spaces when it draws, so they only make
// graphviz keep the label clear of its line.
func padCJK(s string) string {
	n := 0
	for _, r := range s {
		if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
			n++
		}
	}
	pad := strings.Repeat(" ", n/2+1)
	return pad + s + pad
}

// widthHint is the box width in inches the text needs in a CJK font.
// Graphviz estimates a Chinese character at about three quarters of its real
// width (it has Latin metrics only), which made boxes too narrow; the hint is
// a minimum, so Latin-only labels keep graphviz's own estimate.
func widthHint(lines []string, pt float64) float64 {
	widest := 0.0
	for _, l := range lines {
		w := 0.0
		for _, r := range clean(l) {
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				w += 1.0
			default:
				w += 0.6
			}
		}
		widest = max(widest, w)
	}
	return (widest*pt + 2*0.10*72 + 4) / 72 // text, left and right margin, stroke
}
