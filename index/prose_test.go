package index

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"
)

type analyzedTerm struct {
	Term string
	Freq int
	Locs []bindex.TokenLocation
}

// analyzed is what a field gives the index once analysed.
func analyzed(f bindex.Field) (int, map[string]analyzedTerm) {
	f.Analyze()
	out := map[string]analyzedTerm{}
	for k, tf := range f.AnalyzedTokenFrequencies() {
		t := analyzedTerm{Term: string(tf.Term), Freq: tf.Frequency()}
		for _, l := range tf.Locations {
			t.Locs = append(t.Locs, *l)
		}
		out[k] = t
	}
	return f.AnalyzedLength(), out
}

// zhFieldDiff compares a zhField with bleve's TextField analysed by the
// same analyzer, for every set of options prose is indexed with.
func zhFieldDiff(t *testing.T, a zhAnalyzer, text string) {
	t.Helper()
	for _, opts := range []bindex.FieldIndexingOptions{optText, optText | bindex.StoreField, optIndex} {
		f := newProse(a, "body", []byte(text), opts)
		if _, ok := f.(*zhField); !ok {
			t.Fatalf("newProse made a %T", f)
		}
		wantN, want := analyzed(document.NewTextFieldCustom("body", nil, []byte(text), opts, a))
		gotN, got := analyzed(f)
		if gotN != wantN {
			t.Errorf("%q: length %d, TextField's %d", text, gotN, wantN)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q with options %v: zhField differs from TextField (-TextField +zhField):\n%s", text, opts, diff)
		}
	}
}

// TestZhFieldEqualsTextField holds zhField to what bleve's TextField
// makes of zhAnalyzer's tokens: the same terms, frequencies and
// locations, for every file of the fixture archive.
func TestZhFieldEqualsTextField(t *testing.T) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir("testdata/archive", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		zhFieldDiff(t, zhAnalyzer{c}, string(b))
		n++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "交换机", "機房的交換機 ＳＧ１０２４ S5735交換機 網絡\xff設備", "核心交换机故障 核心交换机故障", "a A a"} {
		zhFieldDiff(t, zhAnalyzer{c}, s)
	}
	if n < 10 {
		t.Errorf("only %d files compared", n)
	}
	// With the HMM, the field is bleve's.
	h := *c
	h.hmm = true
	if f := newProse(zhAnalyzer{&h}, "body", []byte("交换机"), optText); !isTextField(f) {
		t.Errorf("newProse with the HMM made a %T", f)
	}
}

func FuzzZhField(f *testing.F) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"核心交换机故障，光猫指示灯异常", "機房的交換機ＳＧ１０２４", "S5735-L24P4X-A1上联 a A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { zhFieldDiff(t, zhAnalyzer{c}, text) })
}

func isTextField(f document.Field) bool { _, ok := f.(*document.TextField); return ok }
