package index

import (
	"slices"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"
)

func terms(ws []word) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Term)
	}
	return out
}

func TestSegment(t *testing.T) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text        string
		query, full []string
	}{
		{"交换机", []string{"交换机"}, []string{"交换机", "交换"}},
		{"核心交换机故障", []string{"核心交换机", "故障"}, []string{"核心交换机", "核心", "交换", "交换机", "故障"}},
		{"交换了位置，机房", []string{"交换", "了", "位置", "机房"}, []string{"交换", "了", "位置", "机房"}},
		{"機房的交換機", []string{"机房", "的", "交换机"}, []string{"机房", "的", "交换机", "交换"}},
		{"S5735-L24P4X-A1上联", []string{"s5735", "l24p4x", "a1", "上联"}, []string{"s5735", "l24p4x", "a1", "上联"}},
		{"ＩＳＲ４３３１", []string{"isr4331"}, []string{"isr4331"}},
		// Words of three characters or more that the segmenter cuts apart
		// are indexed too (at the word they end in): 天翼云 across 天翼 / 云主机.
		{"天翼云主机", []string{"天翼", "云主机"}, []string{"天翼", "云主机", "主机", "天翼云"}},
		{"弱电机房", []string{"弱电", "机房"}, []string{"弱电", "机房"}},
		// The county's towns are words, not single characters.
		{"杜家石沟镇卫生院", []string{"杜家石沟镇", "卫生院"}, []string{"杜家石沟镇", "杜家石沟", "石沟", "卫生院", "卫生"}},
	}
	for _, tt := range tests {
		if got := terms(c.queryWords(tt.text)); !slices.Equal(got, tt.query) {
			t.Errorf("queryWords(%q) = %v, want %v", tt.text, got, tt.query)
		}
		if got := terms(c.words(tt.text)); !slices.Equal(got, tt.full) {
			t.Errorf("words(%q) = %v, want %v", tt.text, got, tt.full)
		}
	}
	// Offsets point into the text as written, traditional or not.
	for _, text := range []string{"教學樓機房的交換機", "ＳＧ１０２４機房，S5735交換機 網絡\xff設備"} {
		ws := c.words(text)
		if len(ws) < 4 {
			t.Errorf("words(%q) = %v: too few", text, ws)
		}
		for _, w := range ws {
			if got := strings.ToLower(c.simplify(text[w.Start:w.End])); got != w.Term {
				t.Errorf("word %q at %d..%d of %q covers %q", w.Term, w.Start, w.End, text, text[w.Start:w.End])
			}
		}
	}
}

// The cost of traditional-to-simplified folding, for docs/ANALYZERS.md.
func BenchmarkSimplify(b *testing.B) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct{ name, text string }{
		{"simplified", "更换core-sw-1上联光模块后链路恢复；光衰偏高，需派单线路组复测。机房在门诊楼三层东侧"},
		{"traditional", "更換core-sw-1上聯光模塊後鏈路恢復；光衰偏高，需派單線路組複測。機房在門診樓三層東側"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.text)))
			for range b.N {
				c.simplify(tt.text)
			}
		})
	}
	b.Run("opencc-direct", func(b *testing.B) {
		b.SetBytes(int64(len(tests0)))
		for range b.N {
			c.cc.Convert(tests0)
		}
	})
	b.Run("load-t2s-tables", func(b *testing.B) {
		for range b.N {
			cc, err := opencc.New("t2s")
			if err != nil {
				b.Fatal(err)
			}
			tradChars(cc)
		}
	})
	b.Run("load-small-dictionary", func(b *testing.B) {
		for range b.N {
			if _, err := loadChinese(dictSmall); err != nil {
				b.Fatal(err)
			}
		}
	})
}

const tests0 = "更换core-sw-1上联光模块后链路恢复；光衰偏高，需派单线路组复测。机房在门诊楼三层东侧"

func TestQueryAlts(t *testing.T) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want [][]string
	}{
		{"交换机房", [][]string{{"交换机", "房"}}},
		{"天翼云主机", [][]string{{"天翼云", "主机"}}},
		{"交换机", nil},     // one word: nothing else to read
		{"核心交换机故障", nil}, // the maximum matches agree with gse
	}
	for _, tt := range tests {
		if got := c.queryAlts(tt.text); !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("queryAlts(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// fold leaves a text with nothing to lowercase or simplify as it is; it
// then differs from the full folding at most in full-width punctuation,
// which no term contains.
func TestFold(t *testing.T) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		t.Fatal(err)
	}
	half := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 0xFF01 && r <= 0xFF5E {
				return r - 0xFEE0
			}
			return r
		}, s)
	}
	for _, s := range []string{
		"", "plain ascii 123", "核心交换机故障，已更换（机房）：", "Huawei S5735", "機房", "ＰＯＮ口", "ｐｏｎ",
		"１２３", "Ⅷ号楼", "Ǆ", "bad \xff", "İstanbul", "！＃＄％＆", "ÀÉ", "é", "ß",
	} {
		full := strings.ToLower(c.simplify(s))
		got := c.fold(s)
		if got != full && (got != s || half(got) != half(full)) {
			t.Errorf("fold(%q) = %q, want %q or it unchanged with only full-width punctuation apart", s, got, full)
		}
	}
	if s := "核心交换机故障，已更换"; c.fold(s) != s {
		t.Errorf("fold(%q) copied a text with nothing to fold", s)
	}
}
