package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// write saves the report as report.json and report.md in the out folder.
func (s *suite) write() error {
	b, err := json.MarshalIndent(s.rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.cfg.Out, "report.json"), b, 0o644); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.cfg.Out, "report.md"), []byte(Markdown(s.rep)), 0o644); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

// Markdown renders a report: the machine, the archives, one table of
// figures with a column per size, the load test, missed targets with
// their profiles.
func Markdown(r *Report) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## Run of %s\n\n", r.Started.Format("2006-01-02 15:04 UTC"))
	p("Command: `%s` (%.0f s).\n\n", r.Command, r.Seconds)
	m := r.Machine
	p("- Machine: %s, %d cores, %d MB memory, %s, kernel %s\n", m.CPU, m.Cores, m.MemoryMB, m.OS, m.Kernel)
	p("- Load average (1, 5, 15 min) before: %s; after: %s (the machine is shared: other work slows every figure)\n", m.LoadBefore, m.LoadAfter)
	v := r.Versions
	rg := v.Ripgrep
	if rg == "" {
		rg = "not installed"
	}
	p("- Versions: %s, dangan %s, %s, ripgrep %s\n", v.Go, v.Dangan, v.Git, rg)
	p("- Each figure: the median of %d repetitions with min–max, or of many samples with p10–p90 (the spread column says which); %d concurrent clients\n\n", r.Reps, r.Clients)

	p("| archive | commits | files | markdown | queries |\n| --- | --- | --- | --- | --- |\n")
	for _, a := range r.Archives {
		p("| %d customers | %d | %d (%d markdown) | %.1f MB | %d: %s |\n", a.Customers, a.Commits, a.Files, a.MarkdownFiles, a.MarkdownMB, a.Queries, a.QueryKinds)
	}
	p("\n")

	var sizes []int
	for _, a := range r.Archives {
		sizes = append(sizes, a.Customers)
	}
	// One row per figure name, one column per size.
	type row struct {
		group, name, unit, target string
		by                        map[int]Figure
	}
	var rows []*row
	idx := map[string]*row{}
	for _, f := range r.Figures {
		k := f.Group + "\x00" + f.Name
		rw := idx[k]
		if rw == nil {
			rw = &row{group: f.Group, name: f.Name, unit: f.Unit, target: f.Target.String(f.Unit), by: map[int]Figure{}}
			idx[k] = rw
			rows = append(rows, rw)
		}
		rw.by[f.Customers] = f
	}
	p("| figure | target |")
	for _, n := range sizes {
		p(" %d customers |", n)
	}
	p("\n| --- | --- |")
	for range sizes {
		p(" --- |")
	}
	p("\n")
	for _, rw := range rows {
		p("| %s | %s |", rw.name, rw.target)
		for _, n := range sizes {
			f, ok := rw.by[n]
			if !ok {
				p(" — |")
				continue
			}
			cell := num(f.Median) + unitSuffix(f.Unit)
			if f.N > 1 {
				cell += fmt.Sprintf(" (%s–%s)", num(f.Lo), num(f.Hi))
			}
			if f.Status == "MISSED" {
				cell = "**" + cell + " MISSED**"
			} else if f.Status == "pass" {
				cell += " pass"
			}
			p(" %s |", cell)
		}
		p("\n")
	}
	p("\nSpreads: ")
	seen := map[string]bool{}
	var spreads []string
	for _, f := range r.Figures {
		if f.N > 1 && !seen[f.Spread] {
			seen[f.Spread] = true
			spreads = append(spreads, f.Spread)
		}
	}
	p("%s.\n\n", strings.Join(spreads, "; "))
	var notes []string
	for _, f := range r.Figures {
		if f.Note != "" {
			notes = append(notes, fmt.Sprintf("- %s, %d customers: %s", f.Name, f.Customers, f.Note))
		}
	}
	if len(notes) > 0 {
		p("Notes on figures:\n\n%s\n\n", strings.Join(notes, "\n"))
	}

	if len(r.Load) > 0 {
		p("### Load test (search, customer pages and saves together, loopback)\n\n")
		p("| customers | kind | clients | requests | errors | median | p90 | p99 | max | per second |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, l := range r.Load {
			for _, k := range l.Kinds {
				p("| %d | %s | %d | %d | %d | %s ms | %s ms | %s ms | %s ms | %.1f |\n", l.Customers, k.Kind, k.Clients, k.Requests, k.Errors, num(k.Median), num(k.P90), num(k.P99), num(k.Max), k.PerSec)
			}
		}
		p("\n")
		for _, l := range r.Load {
			p("- %d customers: %.0f s; saves: %s; %d of the last %d saves searchable afterwards; server RSS after the load %.0f MB (peak %.0f MB).\n",
				l.Customers, l.Seconds, l.SaveMethod, l.SavesVisible, l.SavesChecked, l.RSSAfterMB, l.PeakRSSMB)
			for _, k := range l.Kinds {
				if k.FirstErr != "" {
					p("  - first %s error: %s\n", k.Kind, k.FirstErr)
				}
			}
		}
		p("\n")
	}

	var missed []string
	for _, f := range r.Figures {
		if f.Status == "MISSED" {
			missed = append(missed, fmt.Sprintf("- %d customers: %s = %s%s, target %s", f.Customers, f.Name, num(f.Median), unitSuffix(f.Unit), f.Target.String(f.Unit)))
		}
	}
	if len(missed) > 0 {
		p("### Missed targets\n\n%s\n\n", strings.Join(missed, "\n"))
	} else {
		p("All targets met.\n\n")
	}
	for _, pr := range r.Profiles {
		kind, flags := pr.Kind, ""
		if kind == "" {
			kind = "CPU" // reports written before heap profiles were kept
		}
		if kind != "CPU" {
			flags = "-sample_index=inuse_space "
		}
		p("%s profile of %s, %d customers (`go tool pprof %s-top %s`, then `-top -cum`):\n\n```\n%s\n```\n\n```\n%s\n```\n\n", kind, pr.Of, pr.Customers, flags, pr.File, excerpt(pr.Top, 30), excerpt(pr.Cum, 30))
	}
	for _, n := range r.Notes {
		p("- %s\n", n)
	}
	return b.String()
}

// excerpt is the first n lines of s.
func excerpt(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
