package index

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/archive/demo"
)

// hanRuns are the runs of Han characters of text, as segment cuts them
// (after folding traditional characters).
func hanRuns(c *chinese, text string) []string {
	s := c.simplify(text)
	var runs []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isHan(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if !isHan(r2) {
				break
			}
			j += n2
		}
		runs = append(runs, s[i:j])
		i = j
	}
	return runs
}

// TestDAGCutEqualsGse holds dagCut to gse's own cut over the fixture
// archive and a generated demo archive: every run of Han characters in
// them cut the same way.
func TestDAGCutEqualsGse(t *testing.T) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	err = filepath.WalkDir("testdata/archive", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		texts = append(texts, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files, err := demo.Files(demo.Options{Customers: 30, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range files {
		texts = append(texts, string(b))
	}
	seen := map[string]bool{}
	for _, text := range texts {
		for _, run := range hanRuns(c, text) {
			if seen[run] {
				continue
			}
			seen[run] = true
			if got, want := c.dagCut(run), c.seg.Cut(run, false); !slices.Equal(got, want) {
				t.Errorf("dagCut(%q) = %q, gse cuts %q", run, got, want)
			}
		}
	}
	if len(seen) < 1000 {
		t.Errorf("only %d runs compared: the fixtures lack text", len(seen))
	}
}

// FuzzDAGCut: any run of Han characters is cut as gse cuts it.
func FuzzDAGCut(f *testing.F) {
	c, err := sharedChinese(dictSmall)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"核心交换机故障", "天翼云主机", "弱电机房", "杜家石沟镇卫生院", "機房的交換機", "光猫指示灯异常，已更换", "的的的的", "㐀㐁𠀀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, run := range hanRuns(c, text) {
			if got, want := c.dagCut(run), c.seg.Cut(run, false); !slices.Equal(got, want) {
				t.Errorf("dagCut(%q) = %q, gse cuts %q", run, got, want)
			}
		}
	})
}
