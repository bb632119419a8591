package gitstore

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var hunkHeading = regexp.MustCompile(`(?m)^(@@ [^@]+ @@).*$`)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestDiffGolden(t *testing.T) {
	old := "---\nkind: devices\ndevices:\n  - id: core-sw-1\n    role: 核心交换机\n    firmware: V200R019\n  - id: fw-1\n    role: 防火墙\n---\n" +
		"line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\n"
	new := strings.Replace(old, "V200R019", "V200R021C00", 1)
	new = strings.Replace(new, "line 11\n", "line 11 changed\n", 1)
	new = strings.TrimSuffix(new, "\n") // no line break at the end
	tests := []struct {
		name     string
		from, to files
	}{
		{"modified", files{"customers/h/devices.md": old}, files{"customers/h/devices.md": new}},
		{"added", files{"other.md": "x"}, files{"customers/h/devices.md": "a\nb\n"}},
		{"deleted", files{"customers/h/devices.md": "a\nb\n"}, files{"-customers/h/devices.md": ""}},
		{"unchanged", files{"customers/h/devices.md": "a\n"}, files{"other.md": "y"}},
		{"binary", files{"customers/h/devices.md": "a\x00b"}, files{"customers/h/devices.md": "a\x00c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t, true)
			a := commit(t, r, "from", tt.from)
			b := commit(t, r, "to", tt.to)
			d, err := r.Diff("customers/h/devices.md", a, b)
			if err != nil {
				t.Fatal(err)
			}
			if d.From != a || d.To != b || d.Path != "customers/h/devices.md" {
				t.Errorf("Diff header = %s %s %s", d.Path, d.From, d.To)
			}
			got := d.Unified()
			golden := filepath.Join("testdata", "diff-"+tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("Unified (-want +got):\n%s", d)
			}
			// git's own diff has the same hunks.
			if tt.name == "modified" || tt.name == "added" || tt.name == "deleted" {
				gitBin(t)
				out := runGit(t, r.Dir(), "diff", "-U3", a, b, "--", "customers/h/devices.md")
				// git adds the enclosing line after a hunk header; we do not.
				gitHunks := hunkHeading.ReplaceAllString(out[strings.Index(out, "@@"):], "$1")
				ourHunks := strings.TrimSuffix(got[strings.Index(got, "@@"):], "\n")
				if gitHunks != ourHunks {
					t.Errorf("hunks differ from git diff:\ngit:\n%s\nours:\n%s", gitHunks, ourHunks)
				}
			}
		})
	}
}

// applyHunks rebuilds the new side from the old one and the hunks.
func applyHunks(old string, hs []Hunk) (string, bool) {
	lines := strings.SplitAfter(old, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out strings.Builder
	next := 0 // index of the next old line to copy
	for _, h := range hs {
		start := h.OldStart - 1
		if h.OldLines == 0 {
			start = h.OldStart
		}
		if start < next || start > len(lines) {
			return "", false
		}
		for _, l := range lines[next:start] {
			out.WriteString(l)
		}
		next = start
		for _, l := range h.Lines {
			text := l.Text
			if !l.NoNewline {
				text += "\n"
			}
			switch l.Op {
			case ' ', '-':
				if next >= len(lines) || lines[next] != text {
					return "", false
				}
				if l.Op == ' ' {
					out.WriteString(text)
				}
				next++
			case '+':
				out.WriteString(text)
			}
		}
	}
	for _, l := range lines[next:] {
		out.WriteString(l)
	}
	return out.String(), true
}

func FuzzHunks(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n")
	f.Add("", "x")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n", "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nY\n15\n16")
	f.Fuzz(func(t *testing.T, a, b string) {
		hs := hunks(a, b)
		got, ok := applyHunks(a, hs)
		if !ok || got != b {
			t.Fatalf("hunks of %q → %q do not apply: got %q (ok=%v)\n%+v", a, b, got, ok, hs)
		}
		for _, h := range hs {
			old, new := 0, 0
			for _, l := range h.Lines {
				if l.Op != '+' {
					old++
				}
				if l.Op != '-' {
					new++
				}
			}
			if old != h.OldLines || new != h.NewLines {
				t.Fatalf("hunk counts %d,%d but lines say %d,%d", h.OldLines, h.NewLines, old, new)
			}
		}
		if (a == b) != (len(hs) == 0) {
			t.Fatalf("equal=%v but %d hunks", a == b, len(hs))
		}
	})
}

func FuzzParseTree(f *testing.F) {
	f.Add([]byte("100644 a.md\x00aaaaaaaaaaaaaaaaaaaa40000 dir\x00bbbbbbbbbbbbbbbbbbbb"))
	f.Add([]byte(""))
	f.Add([]byte("100644 \x00"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tr, err := parseTree(raw)
		if err != nil {
			return
		}
		// Entries cover the object exactly, and find locates each name.
		var rebuilt []byte
		for i := range tr.ents {
			rebuilt = append(rebuilt, tr.entry(i)...)
			if _, ok := tr.find(tr.name(i)); !ok && sortedGit(tr) {
				t.Fatalf("find(%q) failed in a sorted tree", tr.name(i))
			}
		}
		if string(rebuilt) != string(raw) {
			t.Fatalf("entries do not cover the object")
		}
	})
}

func sortedGit(t *tree) bool {
	for i := 1; i < len(t.ents); i++ {
		if gitCmp(t.nameBytes(i-1), t.kind(i-1) == kindDir, t.nameBytes(i), t.kind(i) == kindDir) >= 0 {
			return false
		}
	}
	return true
}
