package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/dangan-archive/dangan/archive"
)

// contextLines is how many unchanged lines surround a change in a hunk.
const contextLines = 3

// Diff compares one file between two commits line by line. A side where
// the file does not exist (or from == "") counts as empty.
func (r *Repo) Diff(path, from, to string) (*Diff, error) {
	p, ok := archive.CleanPath(path)
	if !ok {
		return nil, fmt.Errorf("diff %q: not a path inside the archive: %w", path, ErrNotFound)
	}
	read := func(commit string) ([]byte, string, error) {
		if commit == "" {
			return nil, "", nil
		}
		h, err := r.commitish(commit)
		if err != nil {
			return nil, "", err
		}
		f, err := r.ReadFile(h.String(), p)
		if errors.Is(err, ErrNotFound) {
			if _, err := r.commitHead(h); err != nil {
				return nil, "", err // the commit itself is missing
			}
			return nil, h.String(), nil
		}
		return f.Data, h.String(), err
	}
	a, fromID, err := read(from)
	if err != nil {
		return nil, fmt.Errorf("diff %s: %w", p, err)
	}
	b, toID, err := read(to)
	if err != nil {
		return nil, fmt.Errorf("diff %s: %w", p, err)
	}
	d := &Diff{Path: p, From: fromID, To: toID}
	if isBinary(a) || isBinary(b) {
		d.Binary = !bytes.Equal(a, b)
		return d, nil
	}
	d.Hunks = hunks(string(a), string(b))
	return d, nil
}

func isBinary(b []byte) bool { return bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0 }

// hunks builds unified-diff hunks from a line diff.
func hunks(a, b string) []Hunk {
	var lines []DiffLine
	oldNo, newNo := 0, 0
	for _, d := range diff.Do(a, b) {
		text := d.Text
		for text != "" {
			line, rest, nl := strings.Cut(text, "\n")
			text = rest
			l := DiffLine{Text: line, NoNewline: !nl}
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				oldNo++
				newNo++
				l.Op, l.OldNo, l.NewNo = ' ', oldNo, newNo
			case diffmatchpatch.DiffDelete:
				oldNo++
				l.Op, l.OldNo = '-', oldNo
			case diffmatchpatch.DiffInsert:
				newNo++
				l.Op, l.NewNo = '+', newNo
			}
			lines = append(lines, l)
		}
	}
	// A last line equal on both sides but with a line break on one side
	// only comes out as a change of that line, which is what git shows.
	var out []Hunk
	for i := 0; i < len(lines); {
		if lines[i].Op == ' ' {
			i++
			continue
		}
		start := max(0, i-contextLines)
		end := i // one past the last changed line so far
		for j := i; j < len(lines); j++ {
			if lines[j].Op != ' ' {
				end = j + 1
			} else if j-end >= 2*contextLines {
				break
			}
		}
		stop := min(len(lines), end+contextLines)
		h := Hunk{Lines: lines[start:stop]}
		oldBefore, newBefore := 0, 0
		for _, l := range lines[:start] {
			if l.Op != '+' {
				oldBefore++
			}
			if l.Op != '-' {
				newBefore++
			}
		}
		for _, l := range h.Lines {
			if l.Op != '+' {
				h.OldLines++
			}
			if l.Op != '-' {
				h.NewLines++
			}
		}
		h.OldStart, h.NewStart = oldBefore+1, newBefore+1
		if h.OldLines == 0 {
			h.OldStart = oldBefore
		}
		if h.NewLines == 0 {
			h.NewStart = newBefore
		}
		out = append(out, h)
		i = stop
	}
	return out
}

// Unified renders the diff as classic unified diff text ("" when the two
// sides are equal).
func (d *Diff) Unified() string {
	if d.Binary {
		return fmt.Sprintf("Binary files a/%s and b/%s differ\n", d.Path, d.Path)
	}
	if len(d.Hunks) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n", d.Path, d.Path)
	for _, h := range d.Hunks {
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", span(h.OldStart, h.OldLines), span(h.NewStart, h.NewLines))
		for _, l := range h.Lines {
			sb.WriteByte(l.Op)
			sb.WriteString(l.Text)
			sb.WriteByte('\n')
			if l.NoNewline {
				sb.WriteString("\\ No newline at end of file\n")
			}
		}
	}
	return sb.String()
}

func span(start, n int) string {
	if n == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(n)
}
