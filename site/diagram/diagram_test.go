package diagram_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"github.com/dangan-archive/dangan/archive/topofile/zoo"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/topofile"
	"github.com/dangan-archive/dangan/site/diagram"
)

var update = flag.Bool("update", false, "rewrite golden files")

// hospital is the format proposal's example customer, with a device in each
// status, a hostile label and a link to a device that is not in devices.md.
func hospital() diagram.Input {
	return diagram.Input{
		Customer: "mz-renmin-hospital",
		Topology: archive.Topology{
			External: []archive.External{{ID: "olt-mz", Label: "电信米脂局 OLT"}},
			Links: []archive.Link{
				{From: "olt-mz", To: "core-sw-1", Medium: "fiber", Bandwidth: "1G"},
				{From: "core-sw-1", To: "fw-1", Medium: "copper", Ports: []string{"GE0/0/1", "GE1/0/0"}},
				{From: "core-sw-1", To: "ap-1", Medium: "wireless", Bandwidth: "300M"},
				{From: "core-sw-1", To: "sw-old"},
				{From: "fw-1", To: "ghost-9", Medium: "copper"},
			},
		},
		Devices: []archive.Device{
			{ID: "core-sw-1", Role: "核心交换机", Vendor: "Huawei", Model: "S5735-L24P4X-A1", Serial: "2102351234ABCD", MgmtIP: "10.12.0.1", Location: "门诊楼3F机房", Status: archive.Faulty},
			{ID: "fw-1", Role: `防火墙<script>alert(1)</script>`, Vendor: "H3C", Model: "F1000-AK155", MgmtIP: "10.12.0.2", Status: archive.InService},
			{ID: "ap-1", Role: `无线AP" onload="alert(1)`, Vendor: "Ruijie", Model: "RG-AP820", Status: archive.Standby},
			{ID: "sw-old", Role: `旧交换机\N<a href="javascript:x">`, Vendor: "TP-Link", Model: "TL-SG1024", Status: archive.Removed},
		},
	}
}

// svgDoc is the parsed drawing: every element with its attributes and
// text, in document order.
type svgEl struct {
	name  string
	attrs map[string]string
	text  string
	class string // the class of the nearest <g> with one
}

func parseSVG(t testing.TB, b []byte) []svgEl {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	var els []svgEl
	var stack []int
	var classes []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if len(els) == 0 && (tk.Name.Local != "svg" || tk.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root is %v, want svg in the SVG namespace", tk.Name)
			}
			e := svgEl{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			cls := ""
			if len(classes) > 0 {
				cls = classes[len(classes)-1]
			}
			if c, ok := e.attrs["class"]; ok && e.name == "g" {
				cls = c
			}
			e.class = cls
			classes = append(classes, cls)
			els = append(els, e)
			stack = append(stack, len(els)-1)
		case xml.EndElement:
			stack, classes = stack[:len(stack)-1], classes[:len(classes)-1]
		case xml.CharData:
			if len(stack) > 0 {
				els[stack[len(stack)-1]].text += string(tk)
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			t.Errorf("SVG holds a %T: %q", tk, tk)
		}
	}
	if len(els) == 0 {
		t.Fatal("empty SVG")
	}
	return els
}

// assertInert checks what the page's Content-Security-Policy relies on.
func assertInert(t testing.TB, b []byte) {
	t.Helper()
	for _, e := range parseSVG(t, b) {
		switch e.name {
		case "script", "a", "foreignObject", "image", "use", "style", "iframe":
			t.Errorf("SVG holds <%s>", e.name)
		}
		for k, v := range e.attrs {
			if strings.HasPrefix(strings.ToLower(k), "on") || k == "href" || k == "id" || k == "style" {
				t.Errorf("<%s> has attribute %s=%q", e.name, k, v)
			}
			if strings.Contains(strings.ToLower(v), "javascript:") || strings.Contains(v, "url(") {
				t.Errorf("<%s %s=%q> refers outside", e.name, k, v)
			}
		}
	}
	if bytes.Contains(bytes.ToLower(b), []byte("<script")) {
		t.Error("raw SVG contains <script")
	}
}

func texts(els []svgEl, classPrefix string) []string {
	var out []string
	for _, e := range els {
		if e.name == "text" && strings.HasPrefix(e.class, classPrefix) {
			out = append(out, e.text)
		}
	}
	return out
}

func render(t testing.TB, r *diagram.Renderer, in diagram.Input) diagram.Output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := r.SVG(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHospital(t *testing.T) {
	out := render(t, diagram.New(diagram.Config{}), hospital())
	assertInert(t, out.SVG)
	if out.Simplified || out.Message != "" {
		t.Errorf("Simplified=%v Message=%q, want the full drawing", out.Simplified, out.Message)
	}
	els := parseSVG(t, out.SVG)
	if ff := els[0].attrs["font-family"]; !strings.Contains(ff, "Noto Sans CJK SC") || !strings.Contains(ff, "Microsoft YaHei") || !strings.Contains(ff, "PingFang SC") || !strings.HasSuffix(ff, "sans-serif") {
		t.Errorf("root font-family = %q", ff)
	}
	want := map[string][]string{
		"node external":          {"电信米脂局 OLT", "olt-mz"},
		"node device faulty":     {"核心交换机（故障）", "core-sw-1", "Huawei S5735-L24P4X-A1", "10.12.0.1"},
		"node device in_service": {"防火墙<script>alert(1)</script>", "fw-1", "H3C F1000-AK155", "10.12.0.2"},
		"node device standby":    {`无线AP" onload="alert(1)（备用）`, "ap-1", "Ruijie RG-AP820"},
		"node device removed":    {`旧交换机\N<a href="javascript:x">（已拆除）`, "sw-old", "TP-Link TL-SG1024"},
		"node unknown":           {"未知设备", "ghost-9"},
		"edge link fiber":        {"光纤 1G"},
		"edge link copper":       {"网线"},
		"edge link wireless":     {"无线 300M"},
		"edge link unknown":      {"网线 未知设备"},
	}
	for class, w := range want {
		if d := cmp.Diff(w, texts(els, class)); d != "" {
			t.Errorf("texts of %q (-want +got)\n%s", class, d)
		}
	}
	// The serial and the location are not on the drawing by default.
	for _, secret := range []string{"2102351234ABCD", "门诊楼"} {
		if bytes.Contains(out.SVG, []byte(secret)) {
			t.Errorf("SVG shows %q", secret)
		}
	}
	strokes := map[string]string{}
	for _, e := range els {
		if (e.name == "path" || e.name == "polygon") && e.attrs["stroke"] != "" && e.attrs["stroke"] != "none" {
			strokes[e.class] = e.attrs["stroke"] + " " + e.attrs["stroke-dasharray"]
		}
	}
	for class, want := range map[string]string{
		"node device faulty":  "#c62828 ",
		"node device standby": "#9e9e9e ",
		"edge link fiber":     "#1565c0 ",
		"edge link copper":    "#6d4c41 ",
		"node unknown":        "#757575 5,2",
		"edge link unknown":   "#757575 5,2",
	} {
		if got := strokes[class]; got != want {
			t.Errorf("stroke of %q = %q, want %q", class, got, want)
		}
	}
	if got := strokes["edge link wireless"]; !strings.Contains(got, "#2e7d32") || !strings.Contains(got, ",") {
		t.Errorf("wireless link stroke = %q, want dotted green", got)
	}
	if len(out.Problems) != 1 || !strings.Contains(out.Problems[0].Message, `"ghost-9"`) || out.Problems[0].Path != "customers/mz-renmin-hospital/topology.md" {
		t.Errorf("problems = %v, want one about ghost-9 in topology.md", out.Problems)
	}
	golden(t, "testdata/hospital.golden.svg", out.SVG)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is right\n%s", path, d)
	}
}

// TestOperatorOnTop: external nodes are drawn above every device.
func TestOperatorOnTop(t *testing.T) {
	in := hospital()
	// Written device-first, the link must not pull the OLT down.
	in.Topology.Links[0] = archive.Link{From: "core-sw-1", To: "olt-mz", Medium: "fiber"}
	els := parseSVG(t, render(t, diagram.New(diagram.Config{}), in).SVG)
	ys := map[string][]float64{}
	for _, e := range els {
		if e.name == "text" && strings.HasPrefix(e.class, "node") {
			y, _ := strconv.ParseFloat(e.attrs["y"], 64)
			ys[e.class] = append(ys[e.class], y)
		}
	}
	maxExt := -1e9
	for _, y := range ys["node external"] {
		maxExt = max(maxExt, y)
	}
	for class, list := range ys {
		for _, y := range list {
			if class != "node external" && y <= maxExt {
				t.Errorf("%s text at y=%v is not below the external node (y=%v)", class, y, maxExt)
			}
		}
	}
}

func TestHiddenFields(t *testing.T) {
	tests := []struct {
		name       string
		opts       diagram.Options
		want, hide []string
	}{
		{"default shows the management address", diagram.Options{}, []string{"10.12.0.1", "Huawei"}, []string{"2102351234ABCD", "门诊楼3F"}},
		{"hidden address", diagram.Options{Hide: []string{"devices.mgmt_ip", "devices.serial", "devices.location"}}, []string{"S5735"}, []string{"10.12.0.1", "10.12.0.2", "2102351234ABCD", "门诊楼3F"}},
		{"serial and location allowed", diagram.Options{Show: []string{"devices.serial", "devices.location"}}, []string{"SN 2102351234ABCD", "门诊楼3F机房"}, []string{"10.12.0.1"}},
		{"allowed but hidden wins", diagram.Options{Show: []string{"devices.serial"}, Hide: []string{"devices.serial"}}, nil, []string{"2102351234ABCD"}},
		{"whole devices hidden", diagram.Options{Hide: []string{"devices"}}, []string{"设备", "olt-mz"}, []string{"core-sw-1", "核心交换机", "Huawei", "10.12.0.1"}},
		{"links and external labels hidden", diagram.Options{Hide: []string{"topology.links.bandwidth", "topology.links.medium", "topology.external.label"}}, []string{"olt-mz"}, []string{"1G", "光纤", "电信米脂局"}},
	}
	r := diagram.New(diagram.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := hospital()
			in.Options = tt.opts
			out := render(t, r, in)
			assertInert(t, out.SVG)
			for _, w := range tt.want {
				if !bytes.Contains(out.SVG, []byte(w)) {
					t.Errorf("SVG lacks %q", w)
				}
			}
			for _, h := range tt.hide {
				if bytes.Contains(out.SVG, []byte(h)) {
					t.Errorf("SVG shows hidden %q", h)
				}
			}
		})
	}
	in := hospital()
	in.Options.Hide = []string{"topology"}
	if out := render(t, r, in); out.SVG != nil || out.Message == "" {
		t.Errorf("topology hidden: got %d bytes, message %q; want no drawing and a message", len(out.SVG), out.Message)
	}
}

var pathNum = regexp.MustCompile(`-?[0-9.]+`)

// TestCJKWidth: a box is at least as wide as its Chinese text at one em per
// character; graphviz alone makes it about a quarter too narrow.
func TestCJKWidth(t *testing.T) {
	const role = "核心汇聚交换机主用机房二"
	in := diagram.Input{Devices: []archive.Device{{ID: "a", Role: role}}}
	els := parseSVG(t, render(t, diagram.New(diagram.Config{}), in).SVG)
	for _, e := range els {
		if e.class == "node device in_service" && e.name == "path" {
			nums := pathNum.FindAllString(e.attrs["d"], -1)
			minX, maxX := 1e9, -1e9
			for i := 0; i+1 < len(nums); i += 2 {
				x, _ := strconv.ParseFloat(nums[i], 64)
				minX, maxX = min(minX, x), max(maxX, x)
			}
			if w, need := maxX-minX, float64(len([]rune(role)))*10; w < need {
				t.Errorf("box is %.1fpt wide for %d characters at 10pt; want at least %.0fpt", w, len([]rune(role)), need)
			}
			return
		}
	}
	t.Fatal("no device box in the SVG")
}

func TestEmpty(t *testing.T) {
	out := render(t, diagram.New(diagram.Config{}), diagram.Input{})
	if out.SVG != nil || out.Message == "" {
		t.Errorf("empty input: %d bytes, message %q", len(out.SVG), out.Message)
	}
}

type zooFile struct {
	name  string
	nodes int
	sfdp  bool
	input diagram.Input
}

func zooInputs(tb testing.TB) []zooFile {
	dir := zoo.Dir(tb)
	var out []zooFile
	for _, name := range []string{"Abilene.gml", "Chinanet.gml", "Cernet.gml", "Uninett2011.gml", "Cogentco.gml", "Kdl.gml"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		g, err := topofile.Read(name, f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		devs, topo, _ := g.Records("zoo")
		out = append(out, zooFile{name: name, nodes: len(g.Nodes), sfdp: len(g.Nodes) > 300,
			input: diagram.Input{Customer: "zoo", Topology: topo, Devices: devs.Devices}})
	}
	return out
}

// TestZoo draws the real topologies, Kdl (754 nodes) included, each under a
// deadline: the drawing must be valid and complete, and the big one drawn
// with the simpler layout.
func TestZoo(t *testing.T) {
	r := diagram.New(diagram.Config{Timeout: 2 * time.Minute})
	for _, z := range zooInputs(t) {
		t.Run(z.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			out, err := r.SVG(ctx, z.input)
			if err != nil {
				t.Fatal(err)
			}
			assertInert(t, out.SVG)
			if out.Simplified != z.sfdp || (out.Message != "") != z.sfdp {
				t.Errorf("Simplified=%v Message=%q, want simplified=%v", out.Simplified, out.Message, z.sfdp)
			}
			nodes := 0
			for _, e := range parseSVG(t, out.SVG) {
				if e.name == "g" && strings.HasPrefix(e.attrs["class"], "node ") {
					nodes++
				}
			}
			if nodes != z.nodes {
				t.Errorf("%d nodes drawn, want %d", nodes, z.nodes)
			}
		})
	}
}

// TestConcurrent: the in-process engine is shared by the whole process;
// many requests at once must each get their own, correct drawing.
func TestConcurrent(t *testing.T) {
	r := diagram.New(diagram.Config{Timeout: 2 * time.Minute})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			in := hospital()
			in.Devices[0].Role = fmt.Sprintf("核心交换机%d", i)
			out := render(t, r, in)
			assertInert(t, out.SVG)
			if !bytes.Contains(out.SVG, []byte(in.Devices[0].Role+"（故障）")) {
				t.Errorf("drawing %d lacks its own label", i)
			}
		})
	}
	wg.Wait()
}

// TestCommand runs Graphviz's own dot when the machine has it.
func TestCommand(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Debian's graphviz package is not installed; the in-process engine is the default and is tested everywhere")
	}
	out := render(t, diagram.New(diagram.Config{Engine: diagram.Command{}}), hospital())
	assertInert(t, out.SVG)
	if !bytes.Contains(out.SVG, []byte("核心交换机（故障）")) {
		t.Error("dot's drawing lacks the core switch")
	}
}

func FuzzLabels(f *testing.F) {
	for _, s := range []string{`<script>alert(1)</script>`, `" onload="alert(1)`, `\N\G\L`, `]]><x/>`, "\x00\x1b[31m", "\xff\xfe", `&amp;&#x3c;`, "javascript:alert(1)", "核心交换机"} {
		f.Add(s, s)
	}
	r := diagram.New(diagram.Config{Timeout: time.Minute, CacheEntries: 1})
	f.Fuzz(func(t *testing.T, role, medium string) {
		in := diagram.Input{
			Topology: archive.Topology{External: []archive.External{{ID: "x", Label: role}}, Links: []archive.Link{{From: "x", To: "d", Medium: medium, Bandwidth: role}, {From: "d", To: role}}},
			Devices:  []archive.Device{{ID: "d", Role: role, Model: medium}},
		}
		assertInert(t, render(t, r, in).SVG)
	})
}
