package merge_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/merge"
)

const visitBase = `---
kind: visit
date: 2026-11-20
technician: [liqiang]
outcome: fixed
---
# 上门

更换风扇。
交换机运行正常。
客户满意。
`

func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name, base, yours, theirs string
		want                      string
		conflicts                 int
	}{
		{name: "nobody changed", base: "a\nb\n", yours: "a\nb\n", theirs: "a\nb\n", want: "a\nb\n"},
		{name: "only yours", base: "a\nb\n", yours: "a\nB\n", theirs: "a\nb\n", want: "a\nB\n"},
		{name: "only theirs", base: "a\nb\n", yours: "a\nb\n", theirs: "A\nb\n", want: "A\nb\n"},
		{name: "same change on both", base: "a\nb\nc\n", yours: "a\nX\nc\n", theirs: "a\nX\nc\n", want: "a\nX\nc\n"},
		{
			name:   "apart: front matter and body",
			base:   visitBase,
			yours:  strings.Replace(visitBase, "outcome: fixed", "outcome: escalated", 1),
			theirs: strings.Replace(visitBase, "客户满意。", "客户满意，已签字。", 1),
			want:   strings.Replace(strings.Replace(visitBase, "outcome: fixed", "outcome: escalated", 1), "客户满意。", "客户满意，已签字。", 1),
		},
		{name: "one unchanged line between", base: "1\n2\n3\n", yours: "one\n2\n3\n", theirs: "1\n2\nthree\n", want: "one\n2\nthree\n"},
		{name: "adjacent lines overlap", base: "1\n2\n3\n", yours: "one\n2\n3\n", theirs: "1\ntwo\n3\n",
			want: "<<<<<<< yours\none\n2\n=======\n1\ntwo\n>>>>>>> theirs\n3\n", conflicts: 1},
		{name: "same line", base: "a\nb\nc\n", yours: "a\nB1\nc\n", theirs: "a\nB2\nc\n",
			want: "a\n<<<<<<< yours\nB1\n=======\nB2\n>>>>>>> theirs\nc\n", conflicts: 1},
		{name: "both insert at the end", base: "a\n", yours: "a\nx\n", theirs: "a\ny\n",
			want: "a\n<<<<<<< yours\nx\n=======\ny\n>>>>>>> theirs\n", conflicts: 1},
		{name: "new file on both sides", base: "", yours: "x\n", theirs: "y\n",
			want: "<<<<<<< yours\nx\n=======\ny\n>>>>>>> theirs\n", conflicts: 1},
		{name: "no final line break", base: "a\nb", yours: "A\nb", theirs: "a\nB",
			want: "<<<<<<< yours\nA\nb\n=======\na\nB\n>>>>>>> theirs\n", conflicts: 1},
		{name: "theirs deleted, yours unchanged there", base: "a\nb\nc\nd\n", yours: "A\nb\nc\nd\n", theirs: "a\nb\nd\n", want: "A\nb\nd\n"},
		{name: "deleted by one, edited by the other", base: "a\nb\nc\n", yours: "a\nB\nc\n", theirs: "a\nc\n",
			want: "a\n<<<<<<< yours\nB\n=======\n>>>>>>> theirs\nc\n", conflicts: 1},
		{name: "CRLF kept", base: "a\r\nb\r\nc\r\n", yours: "A\r\nb\r\nc\r\n", theirs: "a\r\nb\r\nC\r\n", want: "A\r\nb\r\nC\r\n"},
		{name: "two conflicts", base: "1\n2\n3\n4\n5\n", yours: "x\n2\n3\n4\ny\n", theirs: "X\n2\n3\n4\nY\n",
			want: "<<<<<<< yours\nx\n=======\nX\n>>>>>>> theirs\n2\n3\n4\n<<<<<<< yours\ny\n=======\nY\n>>>>>>> theirs\n", conflicts: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := merge.Merge([]byte(tc.base), []byte(tc.yours), []byte(tc.theirs), merge.Labels{})
			if got := string(r.Text); got != tc.want {
				t.Errorf("merged:\n%s\nwant:\n%s", got, tc.want)
			}
			if r.Conflicts != tc.conflicts || r.Clean() != (tc.conflicts == 0) {
				t.Errorf("conflicts = %d (clean %v), want %d", r.Conflicts, r.Clean(), tc.conflicts)
			}
			_, marked := merge.HasMarkers(r.Text)
			if marked != (tc.conflicts > 0) {
				t.Errorf("HasMarkers = %v with %d conflicts", marked, tc.conflicts)
			}
			checkChunks(t, []byte(tc.base), []byte(tc.yours), []byte(tc.theirs), r)
		})
	}
}

func TestLabels(t *testing.T) {
	r := merge.Merge([]byte("a\n"), []byte("b\n"), []byte("c\n"), merge.Labels{Yours: "李强的修改", Theirs: "档案中 3f2a1b"})
	want := "<<<<<<< 李强的修改\nb\n=======\nc\n>>>>>>> 档案中 3f2a1b\n"
	if string(r.Text) != want {
		t.Errorf("got\n%s\nwant\n%s", r.Text, want)
	}
}

func TestHasMarkers(t *testing.T) {
	for _, tc := range []struct {
		text string
		line int
	}{
		{"a\nb\n", 0},
		{"a\n<<<<<<< yours\n", 2},
		{">>>>>>>\n", 1},
		{"a\n<<<<<<<<\n", 0}, // a longer run is a markdown-looking line, not a marker
		{"a\n=======\n", 0},  // a setext heading underline
		{"x <<<<<<< y\n", 0},
		{"a\r\n>>>>>>> theirs\r\n", 2},
	} {
		line, ok := merge.HasMarkers([]byte(tc.text))
		if line != tc.line || ok != (tc.line > 0) {
			t.Errorf("HasMarkers(%q) = %d, %v; want %d", tc.text, line, ok, tc.line)
		}
	}
}

// checkChunks asserts what must hold of every merge: the chunks partition
// each of the three texts, a chunk is a conflict exactly when both sides
// changed it differently, the text is the chunks' merge, and a clean merge
// is the same whichever side is called yours.
func checkChunks(t *testing.T, base, yours, theirs []byte, r merge.Result) {
	t.Helper()
	var o, a, b, text bytes.Buffer
	conflicts := 0
	for _, c := range r.Chunks {
		o.WriteString(strings.Join(c.Base, ""))
		a.WriteString(strings.Join(c.Yours, ""))
		b.WriteString(strings.Join(c.Theirs, ""))
		y, th, bs := strings.Join(c.Yours, ""), strings.Join(c.Theirs, ""), strings.Join(c.Base, "")
		if c.Conflict != (y != bs && th != bs && y != th) {
			t.Errorf("chunk %q/%q/%q: conflict = %v", bs, y, th, c.Conflict)
		}
		if c.Conflict {
			conflicts++
			continue
		}
		text.WriteString(strings.Join(c.Merged(), ""))
	}
	if o.String() != string(base) || a.String() != string(yours) || b.String() != string(theirs) {
		t.Errorf("chunks do not give back the texts:\nbase %q\nyours %q\ntheirs %q", o.String(), a.String(), b.String())
	}
	if conflicts != r.Conflicts {
		t.Errorf("%d conflict chunks, Conflicts = %d", conflicts, r.Conflicts)
	}
	if r.Clean() {
		if text.String() != string(r.Text) {
			t.Errorf("clean merge %q is not the chunks' merge %q", r.Text, text.String())
		}
		swapped := merge.Merge(base, theirs, yours, merge.Labels{})
		if !swapped.Clean() || !bytes.Equal(swapped.Text, r.Text) {
			t.Errorf("merge depends on which side is yours: %q vs %q", r.Text, swapped.Text)
		}
	}
}

func FuzzMerge(f *testing.F) {
	f.Add(visitBase, strings.Replace(visitBase, "fixed", "escalated", 1), strings.Replace(visitBase, "满意", "不满意", 1))
	f.Add("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC")
	f.Add("", "x", "y\n")
	f.Add("a\na\na\n", "a\na\n", "a\nb\na\na\n")
	f.Fuzz(func(t *testing.T, base, yours, theirs string) {
		o, a, b := []byte(base), []byte(yours), []byte(theirs)
		r := merge.Merge(o, a, b, merge.Labels{})
		checkChunks(t, o, a, b, r)
		// Merging with an unchanged side gives the other side back.
		if got := merge.Merge(o, a, o, merge.Labels{}); !got.Clean() || !bytes.Equal(got.Text, a) {
			t.Errorf("merge with theirs = base: %q, want %q", got.Text, a)
		}
		if got := merge.Merge(o, o, b, merge.Labels{}); !got.Clean() || !bytes.Equal(got.Text, b) {
			t.Errorf("merge with yours = base: %q, want %q", got.Text, b)
		}
		if got := merge.Merge(o, a, a, merge.Labels{}); !got.Clean() || !bytes.Equal(got.Text, a) {
			t.Errorf("merge of a side with itself: %q, want %q", got.Text, a)
		}
		if _, marked := merge.HasMarkers(r.Text); !r.Clean() && !marked {
			t.Errorf("a conflicted merge without markers: %q", r.Text)
		}
	})
}

func BenchmarkMerge(b *testing.B) {
	var base strings.Builder
	for i := range 2000 {
		base.WriteString(strings.Repeat("x", i%40) + "\n")
	}
	o := base.String()
	y := strings.Replace(o, "xxxxx\n", "yours\n", 3)
	th := o + "theirs\n"
	for b.Loop() {
		merge.Merge([]byte(o), []byte(y), []byte(th), merge.Labels{})
	}
}
