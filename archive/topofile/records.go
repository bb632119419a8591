package topofile

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/dangan-archive/dangan/archive"
)

// Records turns the graph into the front matter of a customer's devices.md
// and topology.md. Every node and edge is kept:
//
//   - a node's id is a lowercase ASCII slug of its label ("Washington DC" →
//     washington-dc), made unique with -2, -3 …; a label with nothing to slug
//     (Chinese, say) gives node-<file id>;
//   - the label becomes the device's role, which the site and the diagram
//     show, and attributes named like device fields (vendor, model, serial,
//     mgmt_ip, location, status) fill them; the file's own id stays in
//     Extra["source_id"] so a later import can be matched;
//   - nodes marked outside the network (the Topology Zoo's `Internal 0`, or
//     `external 1`/`true`) become external nodes of topology.md;
//   - an edge's label becomes the link's bandwidth when it reads as one
//     ("1 Gbit/s" → 1G, "155M", "OC-192c" → 10G), else it is kept in
//     Extra["label"]; a `medium` attribute (or a label naming fiber, copper
//     or wireless) gives the medium.
//
// Problems are warnings about what was changed (renamed duplicates, ids
// made up for labels without Latin letters, loops); they point at the record
// the result is meant for, and quote the source file's line.
func (g *Graph) Records(customer string) (archive.Devices, archive.Topology, []archive.Problem) {
	devs := archive.Devices{Kind: archive.KindDevices}
	topo := archive.Topology{Kind: archive.KindTopology}
	var problems []archive.Problem
	warn := func(k archive.Kind, format string, args ...any) {
		problems = append(problems, archive.Problem{
			Path:     archive.RecordPath(customer, k),
			Severity: archive.SeverityWarning,
			Message:  fmt.Sprintf(format, args...),
		})
	}

	ids := make(map[string]string, len(g.Nodes)) // file id → slug
	taken := make(map[string]string, len(g.Nodes))
	for _, n := range g.Nodes {
		base := Slug(n.Label)
		if base == "" {
			base = "node-" + Slug(n.ID)
			if base == "node-" {
				base = "node"
			}
			if strings.TrimSpace(n.Label) != "" {
				warn(archive.KindDevices, "node %q (line %d) has no Latin letters or digits to make an id from; it is called %s", n.Label, n.Line, base)
			}
		}
		id := base
		for i := 2; taken[id] != ""; i++ {
			id = fmt.Sprintf("%s-%d", base, i)
		}
		if id != base {
			warn(archive.KindDevices, "label %q (line %d) gives the same id as an earlier node; this one is called %s", n.Label, n.Line, id)
		}
		taken[id] = n.ID
		ids[n.ID] = id

		if external(n.Attrs) {
			topo.External = append(topo.External, archive.External{ID: id, Label: n.Label, Extra: archive.Extra{"source_id": n.ID}})
			continue
		}
		d := archive.Device{ID: id, Role: n.Label, Extra: archive.Extra{"source_id": n.ID}}
		fields := map[string]*string{"vendor": &d.Vendor, "model": &d.Model, "serial": &d.Serial, "mgmt_ip": &d.MgmtIP, "location": &d.Location, "firmware": &d.Firmware}
		for k, v := range n.Attrs {
			key := strings.ToLower(k)
			if p, ok := fields[key]; ok {
				*p = v
			}
			if key == "status" {
				d.Status = archive.DeviceStatus(v)
			}
		}
		devs.Devices = append(devs.Devices, d)
	}

	for _, e := range g.Edges {
		l := archive.Link{From: ids[e.Source], To: ids[e.Target]}
		if l.From == "" || l.To == "" {
			// Only a hand-built Graph can get here: the readers refuse it.
			warn(archive.KindTopology, "edge on line %d joins %q and %q, which are not both nodes", e.Line, e.Source, e.Target)
			l.From, l.To = cmpOr(l.From, e.Source), cmpOr(l.To, e.Target)
		}
		if l.From == l.To {
			warn(archive.KindTopology, "edge on line %d links %s to itself", e.Line, l.From)
		}
		if bw := Bandwidth(e.Label); bw != "" {
			l.Bandwidth = bw
		} else {
			if e.Label != "" {
				l.Extra = archive.Extra{"label": e.Label}
			}
			if raw, err := strconv.ParseFloat(e.Attrs["LinkSpeedRaw"], 64); err == nil && raw > 0 {
				l.Bandwidth = bitsString(raw)
			}
		}
		l.Medium = medium(e)
		topo.Links = append(topo.Links, l)
	}
	return devs, topo, problems
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// external reports whether a node lies outside the customer's network.
func external(attrs map[string]string) bool {
	for k, v := range attrs {
		switch strings.ToLower(k) {
		case "internal":
			if v == "0" || strings.EqualFold(v, "false") {
				return true
			}
		case "external":
			if v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes") {
				return true
			}
		}
	}
	return false
}

func medium(e Edge) string {
	if m := e.Attrs["medium"]; m != "" {
		return m
	}
	l := strings.ToLower(e.Label)
	switch {
	case strings.Contains(l, "fiber"), strings.Contains(l, "fibre"), strings.Contains(l, "光"):
		return "fiber"
	case strings.Contains(l, "copper"), strings.Contains(l, "ethernet cable"), strings.Contains(l, "网线"):
		return "copper"
	case strings.Contains(l, "wireless"), strings.Contains(l, "radio"), strings.Contains(l, "microwave"), strings.Contains(l, "无线"), strings.Contains(l, "微波"):
		return "wireless"
	}
	return ""
}

// Slug makes a lowercase ASCII id from a label: accents are dropped, any
// run of other characters becomes one hyphen. It returns "" when nothing
// is left (a label in Chinese only).
func Slug(label string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(label) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	return b.String()
}

var (
	bwRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*([kmgt])(?:bit/s|bits/s|bps|b/s|b|bit)?$`)
	ocRE = regexp.MustCompile(`^(?:oc|stm)-?(\d+)c?$`)
)

// Bandwidth reads a link label as a speed and writes it the archive's way
// ("1 Gbit/s" → "1G", "155M", "OC-192c" → "10G"); "" when the label is not
// a single speed ("Red Link", "2-34 Mbit/s").
func Bandwidth(label string) string {
	l := strings.ToLower(strings.TrimSpace(label))
	if m := bwRE.FindStringSubmatch(l); m != nil {
		return m[1] + strings.ToUpper(m[2])
	}
	if m := ocRE.FindStringSubmatch(l); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := 51.84e6 // SONET OC-1
		if strings.HasPrefix(l, "stm") {
			unit = 155.52e6
		}
		if n <= 0 || n > 3072 {
			return ""
		}
		return bitsString(roundSONET(float64(n) * unit))
	}
	return ""
}

// roundSONET rounds line rates to the names people use (OC-3 is "155M",
// OC-48 "2.5G", OC-192 "10G", OC-768 "40G").
func roundSONET(bps float64) float64 {
	switch {
	case bps >= 1e10:
		return math.Round(bps/1e9) * 1e9
	case bps >= 1e9:
		return math.Round(bps/1e8) * 1e8
	default:
		return math.Floor(bps/1e6) * 1e6
	}
}

func bitsString(bps float64) string {
	for _, u := range []struct {
		div  float64
		name string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "K"}} {
		if bps >= u.div {
			return strconv.FormatFloat(bps/u.div, 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatFloat(bps, 'f', -1, 64)
}
