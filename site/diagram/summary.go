package diagram

import (
	"fmt"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// summary draws the fallback view when no layout can be had in time: a few
// lines of counts, written directly (there is nothing to lay out). It says
// why, so the page is never blank and never waits.
func summary(g *graph, why string) []byte {
	lines := []string{
		why,
		fmt.Sprintf("设备 %d 台：在用 %d，故障 %d，备用 %d，已拆除 %d", g.devices,
			g.byStatus[archive.InService]+g.byStatus[""], g.byStatus[archive.Faulty], g.byStatus[archive.Standby], g.byStatus[archive.Removed]),
		fmt.Sprintf("外部节点 %d 个，链路 %d 条", g.external, len(g.edges)),
	}
	if g.unknown > 0 {
		lines = append(lines, fmt.Sprintf("链路中有 %d 个未知设备，请核对拓扑记录", g.unknown))
	}
	const lineH, pad = 22, 12
	w, h := 560, pad*2+lineH*len(lines)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="%s" role="img" class="topology-summary" width="%dpt" height="%dpt" viewBox="0 0 %d %d" font-family="%s">`, svgNS, w, h, w, h, escText(FontFamily))
	fmt.Fprintf(&b, `<rect x="0.5" y="0.5" width="%d" height="%d" fill="#fafafa" stroke="#bdbdbd"></rect>`, w-1, h-1)
	for i, l := range lines {
		weight := ""
		if i == 0 {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13"%s fill="#212121">%s</text>`, pad, pad+lineH*i+15, weight, escText(l))
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}
