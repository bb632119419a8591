package importer

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/topofile"
)

// topology plans a topology import: the graph's nodes become devices (or
// external nodes) and its edges links of one customer, merged with what
// the customer already has. A device already there (same id, or the same
// source_id from an earlier import of the file) is updated, never doubled;
// a link already there (either direction) is kept as it is.
func (w *work) topology(name string, data []byte) error {
	cust := w.opt.Customer
	if cust == "" {
		if w.opt.CustomerField != nil {
			return errorf("say which customer the topology %s is for: the field %s (a new id creates the customer)", name, *w.opt.CustomerField)
		}
		return errorf("say which customer the topology %s is for: --customer ID (a new id creates the customer)", name)
	}
	if !archive.ValidCustomerID(cust) {
		return w.badCustomer()
	}
	g, err := topofile.Read(name, bytes.NewReader(data))
	if err != nil {
		return err
	}
	w.plan.Rows = len(g.Nodes) + len(g.Edges)
	w.plan.Nodes, w.plan.Edges = len(g.Nodes), len(g.Edges)
	w.newName = strings.TrimSpace(g.Name)
	devs, topo, problems := g.Records(cust)
	for _, p := range problems {
		w.plan.Notes = append(w.plan.Notes, Note{Msg: p.Message, Chinese: p.Chinese})
	}
	l, err := w.deviceList(cust)
	if err != nil {
		return err
	}
	if l.err != nil {
		return l.err
	}
	res := l.res
	// Devices matched by the file's own node id first: an earlier import
	// of the same file may have been renamed by hand since.
	bySource := map[string]*yaml.Node{}
	for _, item := range l.list.Content {
		if s := scalarOf(item, "source_id"); s != "" {
			bySource[s] = item
		}
	}
	final := map[string]string{} // slug from Records → id in the archive
	for _, d := range devs.Devices {
		src, _ := d.Extra["source_id"].(string)
		row := deviceRow{id: d.ID, fill: true}
		if item := bySource[src]; item != nil && src != "" {
			row.id = scalarOf(item, "id")
		}
		for _, kv := range []struct{ k, v string }{{"role", d.Role}, {"vendor", d.Vendor}, {"model", d.Model}, {"serial", d.Serial}, {"mgmt_ip", d.MgmtIP}, {"location", d.Location}, {"firmware", d.Firmware}} {
			v := strings.TrimSpace(kv.v)
			switch {
			case v == "":
			case kv.k == "vendor":
				row.values = append(row.values, keyValue{kv.k, str(NormalizeVendor(v))})
			case kv.k == "mgmt_ip":
				if ip, err := ParseIP(v); err == nil {
					row.values = append(row.values, keyValue{kv.k, str(ip)})
				} else {
					w.note("node %s: %v; left out", d.ID, err)
				}
			default:
				row.values = append(row.values, keyValue{kv.k, str(v)})
			}
		}
		if d.Status != "" {
			if st, err := ParseStatus(string(d.Status)); err == nil {
				row.values = append(row.values, keyValue{"status", str(string(st))})
			} else {
				w.note("node %s: %v; left out", d.ID, err)
			}
		}
		if src != "" {
			row.values = append(row.values, keyValue{"source_id", str(src)})
		}
		id, err := l.merge(row)
		if err != nil {
			w.note("node %s: %v; the links use the existing node", d.ID, err)
			id = d.ID
		}
		final[d.ID] = id
	}

	ef, err := w.file(archive.RecordPath(cust, archive.KindTopology), archive.KindTopology)
	if err != nil {
		return err
	}
	front := ef.doc.front
	if len(topo.External) > 0 {
		ext := listOf(front, "external")
		have := map[string]bool{}
		for _, item := range ext.Content {
			have[scalarOf(item, "id")] = true
		}
		for _, e := range topo.External {
			final[e.ID] = e.ID
			if have[e.ID] || l.ids[e.ID] {
				continue
			}
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			setKey(n, "id", str(e.ID))
			if e.Label != "" {
				setKey(n, "label", str(e.Label))
			}
			if src, _ := e.Extra["source_id"].(string); src != "" {
				setKey(n, "source_id", str(src))
			}
			ext.Content = append(ext.Content, n)
			have[e.ID] = true
		}
	}
	if len(topo.Links) > 0 {
		links := listOf(front, "links")
		have := map[[2]string]bool{}
		for _, item := range links.Content {
			a, b := scalarOf(item, "from"), scalarOf(item, "to")
			have[[2]string{a, b}], have[[2]string{b, a}] = true, true
		}
		for _, lk := range topo.Links {
			from, to := mapID(final, lk.From), mapID(final, lk.To)
			if have[[2]string{from, to}] {
				continue
			}
			// Parallel edges of the file (two links between the same
			// routers) are real: only links already in the archive are
			// skipped, not repeats within the file.
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			setKey(n, "from", str(from))
			setKey(n, "to", str(to))
			if lk.Medium != "" {
				setKey(n, "medium", str(lk.Medium))
			}
			if lk.Bandwidth != "" {
				setKey(n, "bandwidth", str(lk.Bandwidth))
			}
			if label, _ := lk.Extra["label"].(string); label != "" {
				setKey(n, "label", str(label))
			}
			links.Content = append(links.Content, n)
			res.Links++
		}
	}
	return nil
}

func mapID(m map[string]string, id string) string {
	if v, ok := m[id]; ok {
		return v
	}
	return id
}
