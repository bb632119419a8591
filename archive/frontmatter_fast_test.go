package archive_test

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
)

// nodeDiff describes the first difference between two node trees, with
// its path from the root, or returns "" when they are equal.
func nodeDiff(path string, got, want *yaml.Node) string {
	if got == nil || want == nil {
		if got != want {
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
		return ""
	}
	fields := []struct {
		name      string
		got, want any
	}{
		{"Kind", got.Kind, want.Kind},
		{"Style", got.Style, want.Style},
		{"Tag", got.Tag, want.Tag},
		{"Value", got.Value, want.Value},
		{"Anchor", got.Anchor, want.Anchor},
		{"Line", got.Line, want.Line},
		{"Column", got.Column, want.Column},
		{"HeadComment", got.HeadComment, want.HeadComment},
		{"LineComment", got.LineComment, want.LineComment},
		{"FootComment", got.FootComment, want.FootComment},
		{"Alias", got.Alias != nil, want.Alias != nil},
		{"len(Content)", len(got.Content), len(want.Content)},
	}
	for _, f := range fields {
		if f.got != f.want {
			return fmt.Sprintf("%s (%q): %s is %#v, want %#v", path, want.Value, f.name, f.got, f.want)
		}
	}
	for i := range got.Content {
		if d := nodeDiff(fmt.Sprintf("%s/%d", path, i), got.Content[i], want.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// checkFast reports an error when the fast path accepts front but builds
// another tree than yaml.v3, or accepts what yaml.v3 rejects. It returns
// whether the fast path accepted.
func checkFast(t *testing.T, name string, front []byte) bool {
	t.Helper()
	got, ok := archive.FastFrontMatter(front)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(front, &want); err != nil {
		t.Errorf("%s: fast path accepts what yaml.v3 rejects (%v):\n%s", name, err, front)
		return true
	}
	if d := nodeDiff("doc", got, &want); d != "" {
		t.Errorf("%s: %s\n%s", name, d, front)
	}
	return true
}

// demoFronts returns the front matters of generated archives.
func demoFronts(t testing.TB, customers int, seeds ...int64) map[string][]byte {
	fronts := map[string][]byte{}
	for _, seed := range seeds {
		files, err := demo.Files(demo.Options{Customers: customers, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for p, data := range files {
			if front, ok := archive.FrontMatter(data); ok && strings.HasSuffix(p, ".md") {
				fronts[fmt.Sprintf("seed %d %s", seed, p)] = front
			}
		}
	}
	return fronts
}

// fixtureFronts returns the front matters of the .md files under dirs.
func fixtureFronts(t *testing.T, dirs ...string) map[string][]byte {
	fronts := map[string][]byte{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if front, ok := archive.FrontMatter(data); ok {
				fronts[p] = front
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return fronts
}

func TestFastFrontMatterEqualsYAML(t *testing.T) {
	fixtures := fixtureFronts(t, "testdata", "../index/testdata/archive")
	accepted := 0
	for name, front := range fixtures {
		if checkFast(t, name, front) {
			accepted++
		}
	}
	t.Logf("fast path accepts %d of %d fixture front matters", accepted, len(fixtures))
	fronts := demoFronts(t, 300, 1, 7, 42)
	var declined []string
	for name, front := range fronts {
		if !checkFast(t, name, front) {
			declined = append(declined, name)
		}
	}
	if len(declined)*100 > len(fronts) {
		slices.Sort(declined)
		var b strings.Builder
		for _, name := range declined[:min(5, len(declined))] {
			fmt.Fprintf(&b, "%s:\n%s\n", name, fronts[name])
		}
		t.Errorf("fast path declines %d of %d demo front matters (more than 1%%), first ones:\n%s", len(declined), len(fronts), b.String())
	}
	t.Logf("fast path accepts %d of %d demo front matters", len(fronts)-len(declined), len(fronts))
}

// Expectations of the fast path on an input of the table.
const (
	mustDecline = iota // yaml.v3 must handle it
	mustAccept         // common shape: the fast path must take it
	mayAccept          // either, but if accepted, equal to yaml.v3
)

var fastFrontMatterCases = []struct {
	in   string
	want int
}{
	{"", mustAccept},
	{"\n\n", mustAccept},
	{"kind: customer\n", mustAccept},
	{"kind: customer", mustAccept},
	{"\n\nkind: customer\n\n", mustAccept},
	{"a:\n", mustAccept},
	{"a:\nb: 1\n", mustAccept},
	{"a:   \nb:\n", mustAccept},
	{"a:\n  b:\nc: 1\n", mustAccept},
	{"key:  value  \n", mustAccept},
	{"名称: 值\n客户: 中国农业银行米脂县支行\n", mustAccept},
	{"phone: \"13868651933\"\n", mustAccept},
	{"s: 'it''s'\n", mustAccept},
	{"'it''s': x\n", mustAccept},
	{"\"a b\": c\n", mustAccept},
	{"url: \"http://a:b/c\"\n", mustAccept},
	{"t: 'a: b'\n", mustAccept},
	{"t: 15:30\nu: http://x.cn/a\n", mustAccept},
	{"v: 17.03.06\nip: 10.16.3.1\nd: 2026-03-05\nts: 2026-03-05T10:00\n", mustAccept},
	{"a: yes\nb: No\nc: ~\nd: null\ne: 0x1F\nf: 1_000\ng: .5\nh: true\ni: -5\nj: 1e3\nk: .inf\n", mustAccept},
	{"1: a\ntrue: b\n~: c\n", mustAccept},
	{"<<: a\nb: <<\n", mustAccept},
	{"a: []\nb: {}\nc: [ ]\nd: { }\n", mustAccept},
	{"a: [x, y]\nb: [x,y]\nc: [ x , y ]\n", mustAccept},
	{"a: {name: 勘察, due: 2026-03-01}\n", mustAccept},
	{"a: {from: a, to: b, ports: [GE0/0/0, GE0/0/1]}\n", mustAccept},
	{"a: [\"x\", 'y', z]\nb: {\"k\": 'v'}\n", mustAccept},
	{"a: [x, {b: c}]\n", mustAccept},
	{"a: {t: 15:30}\n", mustAccept},
	{"a:\n- x\n- y\nb: 1\n", mustAccept},
	{"a:\n  - x\n  - y\nb: 1\n", mustAccept},
	{"a:\n- x\n-\n", mustAccept},
	{"a:\n  -\n  - \nb: 1\n", mustAccept},
	{"a:\n  - {a: b}\n  - [c]\n", mustAccept},
	{"a:\n  - b: 1\n    c:\n  - d: 2\n", mustAccept},
	{"a:\n- b: 1\n  c: [x]\n- d: 2\ne: 3\n", mustAccept},
	{"a:\n  -   b: 1\n      c: 2\n", mustAccept},
	{"a:\n  - b:\n    - x\n    c:\n      - y\n", mustAccept},
	{"a:\n  - b:\n      c: 1\n", mustAccept},
	{"a:\n  b:\n    c: x\n  d: y\n", mustAccept},
	{"a: x]\nb: b,c\nc: a\"b\nd: a'b\ne: R&D\n", mustAccept},
	{"a: 1\n\n   \nb: 2\n", mustAccept},
	{"a: 😀b\nc: [😀, 乙]\n名: {甲: 乙}\n", mustAccept},
	{"a: b\u00a0\nc: \u3000d\n", mayAccept},
	{"   \n", mayAccept},
	{"a: 'b''c' \n", mustAccept},
	{"\"\": x\n", mayAccept},
	{"a: {b: [c, d], e: f}\nb: [{c: d}, {e: f}]\n", mustAccept},
	{"a: -1\nb: +1\nc: -x\n", mustAccept},
	{strings.Repeat("k", 600) + ": x\n", mustDecline},
	{"\"" + strings.Repeat("k", 1100) + "\": x\n", mustDecline},
	{"a: {" + strings.Repeat("k", 1100) + ": x}\n", mustDecline},
	{"a:\n  - b: 1\n    - c\n", mustDecline},
	{"a:\n  - x\n  -\n    y\n", mustDecline},
	{"a:: b\n", mustDecline},

	{"# comment\na: 1\n", mustDecline},
	{"a: 1 # comment\n", mustDecline},
	{"a: \"x#y\"\n", mustDecline},
	{"a: &x 1\nb: *x\n", mustDecline},
	{"a: !!str 1\n", mustDecline},
	{"key: a: b\n", mustDecline},
	{"key: a:\n", mustDecline},
	{"key: \"a\\\"b\"\n", mustDecline},
	{"key: \"a\\nb\"\n", mustDecline},
	{"- - x\n", mustDecline},
	{"- x\n", mustDecline},
	{"a:\n  - - x\n", mustDecline},
	{"a: {a: 1, a: 2}\n", mustDecline},
	{"a: 1\na: 2\n", mustDecline},
	{"a:\n  b: 1\n  b: 2\n", mustDecline},
	{"key: |\n  text\n", mustDecline},
	{"key: >\n  text\n", mustDecline},
	{"a:\n\tb: 1\n", mustDecline},
	{"a:\tb\n", mustDecline},
	{"a: b\r\n", mustDecline},
	{"\ufeffa: b\n", mustDecline},
	{"a: b\u2028c\n", mustDecline},
	{"a: b\u0085c\n", mustDecline},
	{"a: b\x01\n", mustDecline},
	{"a: \xff\n", mustDecline},
	{"---\na: 1\n", mustDecline},
	{"a: 1\n...\n", mustDecline},
	{"%YAML 1.2\na: 1\n", mustDecline},
	{"? a\n: b\n", mustDecline},
	{"a: b\n  c\n", mustDecline},
	{"a:\n  b\n", mustDecline},
	{"a: \"b\n  c\"\n", mustDecline},
	{"a: [b,\n  c]\n", mustDecline},
	{"a: [b] x\n", mustDecline},
	{"a: \"b\" x\n", mustDecline},
	{"a: [b, ]\n", mustDecline},
	{"a: [b: c]\n", mustDecline},
	{"a: {b}\n", mustDecline},
	{"a: {b: }\n", mustDecline},
	{"a: {b:c}\n", mustDecline},
	{"a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", mustDecline},
	{"a: 1\n  b: 2\n", mustDecline},
	{"a:\n    b: 1\n  c: 2\n", mustDecline},
	{"a:\n  - x\n  b: 1\n", mustDecline},
	{"  a: 1\n", mustDecline},
	{"x\n", mustDecline},
	{"[]\n", mustDecline},
	{"[a: 1]: b\n", mustDecline},
	{"a: -\n", mustDecline},
	{"a: - x\n", mustDecline},
	{"a: @x\n", mustDecline},
	{"a: `x\n", mustDecline},
	{"a : b\n", mustDecline},
	{"a: b\nc\n", mustDecline},
	{"a:\n-\n  x\n", mustDecline},
	{"a: 'b\n", mustDecline},
	{"a: \"b\n", mustDecline},
	{"a: [b\n", mustDecline},
}

func TestFastFrontMatterCases(t *testing.T) {
	for _, c := range fastFrontMatterCases {
		accepted := checkFast(t, fmt.Sprintf("%q", c.in), []byte(c.in))
		switch {
		case c.want == mustDecline && accepted:
			t.Errorf("%q: accepted, want declined", c.in)
		case c.want == mustAccept && !accepted:
			t.Errorf("%q: declined, want accepted", c.in)
		}
	}
}

// FuzzFastFrontMatter checks that whatever the fast path accepts, yaml.v3
// accepts too and builds the same tree.
func FuzzFastFrontMatter(f *testing.F) {
	for _, c := range fastFrontMatterCases {
		f.Add([]byte(c.in))
	}
	fronts := demoFronts(f, 3, 1)
	names := slices.Sorted(maps.Keys(fronts))
	for _, name := range names[:min(20, len(names))] {
		f.Add(fronts[name])
	}
	f.Fuzz(func(t *testing.T, front []byte) {
		checkFast(t, "input", front)
	})
}

// BenchmarkFrontMatter compares yaml.v3 and the fast path on the front
// matters of a generated archive.
func BenchmarkFrontMatter(b *testing.B) {
	fronts := slices.Collect(maps.Values(demoFronts(b, 100, 1)))
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var doc yaml.Node
			if err := yaml.Unmarshal(fronts[i%len(fronts)], &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := archive.FastFrontMatter(fronts[i%len(fronts)]); !ok {
				b.Fatal("declined")
			}
		}
	})
}

// TestFastFrontMatterEstimate checks that the fast path allocates the
// nodes of demo front matters at once: its estimate bounds their number.
func TestFastFrontMatterEstimate(t *testing.T) {
	for name, front := range demoFronts(t, 30, 1) {
		if estimate, made := archive.FastFrontMatterNodes(front); made > estimate {
			t.Errorf("%s: %d nodes, estimated %d:\n%s", name, made, estimate, front)
		}
	}
}

// TestPlainTag checks the fast path's tags of plain scalars against
// yaml.v3's resolution, where the fast path decides.
func TestPlainTag(t *testing.T) {
	for _, v := range []string{
		"0", "7", "45", "0777", "089", "-5", "+5", "1_000", "0x1F", "0o17", "0b101", "1e3", "1.5", ".5", "-.5", "+.inf", "-.INF", ".nan",
		"123456789012345678", "1234567890123456789", "99999999999999999999",
		"2026-03-05", "2026-02-29", "2024-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "0000-02-29", "1900-02-29", "2000-02-29",
		"2026-04-30", "2026-04-31", "2026-12-31", "2026-01-00", "2026-01-32", "9999-12-31", "2026-3-5", "2026-03-05T10:00",
		"2026-03-05T10:00:00", "2026-03-05t10:00:00Z", "2026-03-05 10:00:00", "2026-03-05T99:99",
		"10.16.3.1", "17.03.06", "20M", "1G", "100M", "12:30", "1:2:3", "-", "+", ".", "-x", "1-2", "1 2",
		"true", "True", "TRUE", "tRUE", "yes", "No", "on", "off", "~", "null", "NULL", "nULL", "<<", "<", "<x",
		"hejun", "中国", "V600R022C10SPC200", "MZ-2026-0027", "GE0/0/0", "in_service",
	} {
		tag := archive.PlainTag(v)
		if tag == "" {
			continue
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: v}
		if want := n.ShortTag(); tag != want {
			t.Errorf("%q: tag %s, yaml.v3 says %s", v, tag, want)
		}
	}
}
