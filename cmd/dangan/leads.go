package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"golang.org/x/text/width"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/leads"
)

// snapshotAt loads the archive as it was at the end of a day (--at), or
// at its head when no day is given, and returns the day to judge it by:
// the day given, else today.
func (a *app) snapshotAt(repo *gitstore.Repo, at string) (*archive.Snapshot, archive.Date, error) {
	if at == "" {
		snap, err := a.headSnapshot(repo)
		return snap, archive.DateOf(time.Now()), err
	}
	day, err := archive.ParseDate(at)
	if err != nil {
		return nil, archive.Date{}, fmt.Errorf("--at: %v", err)
	}
	end := time.Date(day.Year, day.Month, day.Day, 23, 59, 59, 0, time.Local)
	commit, err := repo.AsOf(end)
	if errors.Is(err, gitstore.ErrNotFound) {
		return nil, archive.Date{}, fmt.Errorf("the archive has no commit on or before %s", day)
	}
	if err != nil {
		return nil, archive.Date{}, err
	}
	snap, err := repo.Snapshot(commit)
	return snap, day, err
}

// output opens --out, or stdout when it is empty.
func (a *app) output(out string) (io.Writer, func() error, error) {
	if out == "" || out == "-" {
		return a.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(out)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", out, err)
	}
	return f, f.Close, nil
}

func (a *app) leadsCommand() *cobra.Command {
	var at, format, out, lang string
	c := &cobra.Command{
		Use:   "leads",
		Short: "List the leads for marketing derived from the archive (table, CSV, XLSX or JSON)",
		Long: `leads derives marketing leads (商机) from the records with the rules of
dangan.yaml (leads:): needs written in leads.md, warranties and end of life,
utilisation, spare parts short, contracts ending, products asked about in
training, repeated faults, and words such as 扩容 or 搬迁. Each lead has a
stable id, a score, its status (set by marketing in the site) and its
evidence, with the commit where it first appeared.

--at DATE judges the archive as it was at the end of that day; the default
is its head, today. The command line sees everything, restricted customers
and hidden fields included, like dangan search: share its exports with
care. CSV is UTF-8 with a byte-order mark so that Excel and WPS show the
Chinese; XLSX needs --out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "table", "csv", "xlsx", "json":
			default:
				return fmt.Errorf("--format %q: use table, csv, xlsx or json", format)
			}
			if format == "xlsx" && (out == "" || out == "-") {
				return errors.New("--format xlsx writes a workbook: give it a file with --out FILE.xlsx")
			}
			repo, err := a.openRepo()
			if err != nil {
				return err
			}
			defer repo.Close()
			snap, day, err := a.snapshotAt(repo, at)
			if err != nil {
				return err
			}
			tr := &leads.Tracker{History: repo, Logger: a.logger, Progress: a.walkProgress()}
			if d, err := a.data(); err == nil {
				tr.CacheDir = filepath.Join(d, "cache")
			}
			ls, err := tr.Derive(snap, snap.Settings.Leads, day)
			if err != nil {
				return err
			}
			w, closeOut, err := a.output(out)
			if err != nil {
				return err
			}
			switch format {
			case "csv":
				err = leads.WriteCSV(w, ls, lang)
			case "xlsx":
				err = leads.WriteXLSX(w, ls, lang)
			case "json":
				err = leads.WriteJSON(w, ls, lang)
			default:
				err = writeLeadTable(w, ls, lang)
			}
			if cerr := closeOut(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(a.stderr, "%d leads as of %s written to %s\n", len(ls), day, out)
			}
			return nil
		},
	}
	c.Flags().StringVar(&at, "at", "", "judge the archive as of this day (YYYY-MM-DD; default today, at the head)")
	c.Flags().StringVar(&format, "format", "table", "table, csv, xlsx or json")
	c.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	c.Flags().StringVar(&lang, "lang", "zh-CN", "language of headings and summaries: zh-CN or en")
	return c
}

// walkProgress tells, on standard error, how the first walk of a long
// history is going: a bar on a terminal, a few lines otherwise.
func (a *app) walkProgress() func(done, total int) {
	var bar *progressbar.ProgressBar
	last := -1
	return func(done, total int) {
		if total < 2000 {
			return
		}
		if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription("查找商机首次出现的提交"),
					progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }))
			}
			bar.Set(done)
			return
		}
		if pct := 100 * done / total; pct/25 != last {
			last = pct / 25
			fmt.Fprintf(a.stderr, "finding when each lead first appeared: %d of %d commits (once; later runs use the cache)\n", done, total)
		}
	}
}

func writeLeadTable(w io.Writer, ls []leads.Lead, lang string) error {
	head := []string{"评分", "信号", "客户", "摘要", "状态", "首次出现", "编号"}
	if strings.HasPrefix(lang, "en") {
		head = []string{"score", "signal", "customer", "summary", "status", "first seen", "id"}
	}
	t := &table{head: head, max: []int{0, 24, 24, 60, 0, 0, 0}}
	for _, l := range ls {
		t.rows = append(t.rows, []string{fmt.Sprint(l.Score), l.Signal.Label(lang), l.CustomerName, l.Text(lang), l.Status.Label(lang), l.FirstSeen.Date().String(), l.ID})
	}
	if err := t.write(w); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, pickLang(lang, fmt.Sprintf("共 %d 条商机", len(ls)), fmt.Sprintf("%d leads", len(ls))))
	return err
}

func pickLang(lang, zh, en string) string {
	if strings.HasPrefix(lang, "en") {
		return en
	}
	return zh
}

// table writes columns aligned for Chinese: wide characters take two
// terminal cells.
type table struct {
	head []string
	rows [][]string
	max  []int // the widest a column may be (0: no limit); longer cells are cut with …
}

// cells is the terminal width of s.
func cells(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// cut shortens s to at most n cells.
func cut(s string, n int) string {
	if n <= 0 || cells(s) <= n {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		c := cells(string(r))
		if used+c > n-1 {
			break
		}
		b.WriteRune(r)
		used += c
	}
	return b.String() + "…"
}

func (t *table) write(w io.Writer) error {
	widths := make([]int, len(t.head))
	all := append([][]string{t.head}, t.rows...)
	for _, r := range all {
		for i := range r {
			if i < len(t.max) {
				r[i] = cut(strings.ReplaceAll(r[i], "\n", " "), t.max[i])
			}
			widths[i] = max(widths[i], cells(r[i]))
		}
	}
	var b strings.Builder
	for _, r := range all {
		b.Reset()
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cells(c)+2))
			}
		}
		b.WriteString("\n")
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}
