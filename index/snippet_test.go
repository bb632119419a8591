package index

import "testing"

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
