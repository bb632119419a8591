package topofile_test

import (
	"flag"
	"github.com/dangan-archive/dangan/archive/topofile/zoo"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/topofile"
)

var update = flag.Bool("update", false, "rewrite golden files")

const sample = `graph [
  label "米脂县人民医院"
  node [ id 0 label "电信米脂局 OLT" Internal 0 ]
  node [ id 1 label "Core Switch" vendor "Huawei" Model "S5735" mgmt_ip "10.12.0.1" status "faulty" ]
  node [ id 2 label "防火墙" ]
  node [ id 3 label "Core  switch!" ]
  node [ id 4 label "Zürich AP" external "no" ]
  edge [ source 0 target 1 LinkLabel "1 Gbit/s" medium "fiber" ]
  edge [ source 1 target 2 label "Red Link" LinkSpeedRaw 100000000.0 ]
  edge [ source 1 target 3 label "wireless bridge" ]
  edge [ source 4 target 4 LinkLabel "OC-48" ]
]`

// TestRecordsGolden writes what a small file becomes, as the YAML a person
// would find in devices.md and topology.md.
func TestRecordsGolden(t *testing.T) {
	g, err := topofile.Read("sample.gml", strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	devs, topo, problems := g.Records("mz-renmin-hospital")
	var got strings.Builder
	enc := yaml.NewEncoder(&got)
	enc.SetIndent(2)
	for _, v := range []any{devs, topo} {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range problems {
		got.WriteString("# " + p.String() + "\n")
	}
	golden(t, "testdata/sample.golden.yaml", got.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is right\n%s", path, d)
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestRecordsZoo converts the real topologies and checks what the archive's
// checker would: unique well-formed ids, every link end defined, nothing
// dropped.
func TestRecordsZoo(t *testing.T) {
	dir := zoo.Dir(t)
	for _, z := range zooFiles {
		t.Run(z.file, func(t *testing.T) {
			g := mustRead(t, filepath.Join(dir, z.file))
			devs, topo, problems := g.Records("zoo")
			if got := len(devs.Devices) + len(topo.External); got != z.nodes {
				t.Errorf("%d devices + external nodes, want %d", got, z.nodes)
			}
			if len(topo.External) != z.external {
				t.Errorf("%d external nodes, want %d", len(topo.External), z.external)
			}
			if len(topo.Links) != z.edges {
				t.Errorf("%d links, want %d", len(topo.Links), z.edges)
			}
			ids := map[string]bool{}
			for _, d := range devs.Devices {
				ids[d.ID] = true
				if !slugRE.MatchString(d.ID) {
					t.Errorf("device id %q is not a slug", d.ID)
				}
			}
			for _, e := range topo.External {
				if ids[e.ID] {
					t.Errorf("id %q used twice", e.ID)
				}
				ids[e.ID] = true
			}
			if len(ids) != z.nodes {
				t.Errorf("%d distinct ids for %d nodes", len(ids), z.nodes)
			}
			for _, l := range topo.Links {
				if !ids[l.From] || !ids[l.To] {
					t.Errorf("link %s → %s names an unknown id", l.From, l.To)
				}
			}
			for _, p := range problems {
				if p.Severity != archive.SeverityWarning {
					t.Errorf("problem is not a warning: %v", p)
				}
			}
		})
	}
}

func TestBandwidth(t *testing.T) {
	for in, want := range map[string]string{
		"1 Gbit/s": "1G", "10 Gbit/s": "10G", "155M": "155M", "2.5G": "2.5G", "2M": "2M",
		"100Mbps": "100M", "OC-192c": "10G", "OC-48": "2.5G", "OC-3": "155M", "OC-12": "622M",
		"oc-768": "40G", "STM-1": "155M", "STM-16": "2.5G",
		"Red Link": "", "2-34 Mbit/s": "", "100-155 Mbit/s": "", "External": "", "": "", "OC-0": "",
		"Leased Wavelength/Managed Service": "",
	} {
		if got := topofile.Bandwidth(in); got != want {
			t.Errorf("Bandwidth(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Washington DC":         "washington-dc",
		"Xi'an":                 "xi-an",
		"Tromsø":                "troms",
		"Zürich":                "zurich",
		"核心交换机":                 "",
		"S5735 核心":              "s5735",
		"  --Core__SW--1 ":      "core-sw-1",
		"ＡＢＣ１":                  "abc1",
		strings.Repeat("a", 80): strings.Repeat("a", 48),
	} {
		if got := topofile.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
