package site

// chart is one chart of the dashboard: the ECharts option, written into the
// page as JSON (static/charts.js draws it: no inline script under the
// Content-Security-Policy), and the same figures as a table, so the page
// reads without JavaScript and with a screen reader.
type chart struct {
	ID      string
	Title   string
	Note    string // what the chart counts, one sentence
	Empty   bool   // nothing to draw for this viewer
	Options map[string]any
	Table   chartTable
}

// chartTable is the table under a chart.
type chartTable struct {
	Head []string
	Rows [][]string
}

// chartSeries is one series of a bar or line chart.
type chartSeries struct {
	Name  string
	Type  string // "bar" or "line"
	Stack string // bars with the same stack are stacked
	Axis  int    // 1: the right-hand y axis
	Data  []float64
	Color string
}

// axisChart builds the option of a chart of categories along x: bars,
// lines or both, with a legend and a tooltip. The tooltip is drawn on the
// canvas (renderMode richText): the HTML tooltip would carry inline
// styles, which the Content-Security-Policy refuses.
func axisChart(categories []string, series []chartSeries, rightAxis map[string]any) map[string]any {
	var ss []map[string]any
	names := make([]string, 0, len(series))
	for _, s := range series {
		m := map[string]any{"name": s.Name, "type": s.Type, "data": s.Data}
		if s.Stack != "" {
			m["stack"] = s.Stack
		}
		if s.Axis != 0 {
			m["yAxisIndex"] = s.Axis
		}
		if s.Color != "" {
			m["itemStyle"] = map[string]any{"color": s.Color}
			if s.Type == "line" {
				m["lineStyle"] = map[string]any{"color": s.Color}
			}
		}
		if s.Type == "bar" {
			m["barMaxWidth"] = 28
		}
		ss = append(ss, m)
		names = append(names, s.Name)
	}
	yAxes := []map[string]any{{"type": "value", "minInterval": 1}}
	if rightAxis != nil {
		yAxes = append(yAxes, rightAxis)
	}
	return map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "axis", "renderMode": "richText", "confine": true},
		"legend":    map[string]any{"data": names, "top": 0, "type": "scroll"},
		"grid":      map[string]any{"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": true},
		"xAxis":     map[string]any{"type": "category", "data": categories, "axisLabel": map[string]any{"hideOverlap": true}},
		"yAxis":     yAxes,
		"series":    ss,
	}
}

// Colours of the site (site.css): accent, warning, danger, ok, grey.
const (
	colorAccent = "#1d4f91"
	colorNear   = "#9a5b00"
	colorPast   = "#b42318"
	colorOK     = "#1e7a46"
	colorGrey   = "#8a96a3"
)
