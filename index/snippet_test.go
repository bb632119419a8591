package index

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMarkPart(t *testing.T) {
	text, err := newTextAnalyzer(AnalyzerZh)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text string
		terms      []string
		want       string
		hits       int
	}{
		{"chinese word", "核心交换机故障，已更换", []string{"交换机"}, "核心<mark>交换机</mark>故障，已更换", 1},
		{"every occurrence", "机房温度高，机房湿度低", []string{"机房"}, "<mark>机房</mark>温度高，<mark>机房</mark>湿度低", 2},
		{"longest of those starting together", "交换机", []string{"交换", "交换机"}, "<mark>交换机</mark>", 1},
		{"overlaps are not marked twice", "核心交换机", []string{"核心交换", "交换机"}, "<mark>核心交换</mark>机", 1},
		{"case folded", "Huawei S5735 switch", []string{"s5735"}, "Huawei <mark>S5735</mark> switch", 1},
		{"whole words only for letters and digits", "TL-SG1024 and SG", []string{"sg"}, "TL-SG1024 and <mark>SG</mark>", 1},
		{"traditional folded to simplified", "核心交換機", []string{"交换机"}, "核心<mark>交換機</mark>", 1},
		{"full-width punctuation folded", "（机房）温度：高，ＰＯＮ口", []string{"机房", "pon"}, "（<mark>机房</mark>）温度：高，<mark>ＰＯＮ</mark>口", 2},
		{"escaped", "<b>机房</b> & co", []string{"机房"}, "&lt;b&gt;<mark>机房</mark>&lt;/b&gt; &amp; co", 1},
		{"nothing to mark", "光猫", []string{"机房"}, "光猫", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := marks{terms: map[string]bool{}}
			for _, term := range tc.terms {
				m.terms[term] = true
			}
			got, hits := markPart(text, part{F: "visits.body", T: tc.text}, m)
			if got != tc.want || hits != tc.hits {
				t.Errorf("markPart(%q, %v) = %q, %d; want %q, %d", tc.text, tc.terms, got, hits, tc.want, tc.hits)
			}
		})
	}
}

func TestSnippetSameAsBefore(t *testing.T) {
	text, err := newTextAnalyzer(AnalyzerZh)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"", "核心交换机故障，已更换", "機房溫度高，交換機重啟", "（机房）温度：高，ＰＯＮ口", "Huawei S5735 switch",
		"TL-SG1024 and SG", "<b>机房</b> & co \"q\" 'a'", "光猫", "机房机房机房", "ＩＳＲ４３３１上联",
		"bad \xff utf-8 机房", strings.Repeat("光衰偏高，需复测。", 12), "SN: 2102351234ABC", "a\x00b",
	}
	labels := []string{"", "备注:", "型号", "<l>"}
	fields := []string{"customer.name", "visits.body", "devices.text", "devices.serial", "notes", "customer.contacts.phone", "guides.body"}
	termSets := [][]string{nil, {"机房"}, {"交换机", "交换"}, {"sg"}, {"s5735", "光衰"}, {"pon", "机房", "温度"}, {"co"}}
	hides := [][]string{nil, {"visits.body"}, {"devices"}, {"notes", "customer.contacts.phone"}}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for i := range 3000 {
		var lines [][]part
		for range rng.IntN(12) {
			var l []part
			for range 1 + rng.IntN(3) {
				l = append(l, part{F: pick(fields), L: pick(labels), T: pick(texts)})
			}
			lines = append(lines, l)
		}
		raw := string(encodeLines(lines))
		if i%50 == 0 {
			raw += "junk\x1f7\x1dx\x1e" // parts that do not decode are skipped
		}
		m := marks{terms: map[string]bool{}, idents: []string{"2102351234", "tl-sg"}[:rng.IntN(3)]}
		for _, term := range termSets[rng.IntN(len(termSets))] {
			m.terms[term] = true
		}
		vis := visibility{hide: hides[rng.IntN(len(hides))]}
		if got, want := snippet(text, raw, vis, m), snippetRef(text, raw, vis, m); got != want {
			t.Fatalf("lines %q, marks %v, hide %v:\ngot  %q\nwant %q", lines, m, vis.hide, got, want)
		}
	}
}
