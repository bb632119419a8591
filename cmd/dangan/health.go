package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive/health"
)

func (a *app) healthCommand() *cobra.Command {
	var at, format, lang string
	var limit int
	c := &cobra.Command{
		Use:   "health",
		Short: "Score the archive: complete, continuous, authentic, and visits by the standard",
		Long: `health judges every customer's archive as of a day and scores it from 0 to
100 with the problems behind the score, each naming the record to fix:

  complete     the standard's records exist (devices, topology, progress,
               training, spares) and read without errors
  continuous   devices and topology reviewed within freshness_days, a visit
               within freshness_days.visit, no gaps, follow-ups done
  authentic    every commit by a known user (the site's accounts and the
               staff the records name), records agree with each other
  standard     visits of the last year kept the visit standard (arrived 5
               minutes early, reschedules 2 hours ahead, the five items...)

The table shows the archive, each technician, and the customers worst first
(--limit). --format json prints every customer: a list of objects with
customer, name, score, scores and problems.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("--format %q: use table or json", format)
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
			users := health.Staff(snap)
			if au, err := a.users(); err == nil {
				if us, err := au.Users.List(); err == nil {
					for _, u := range us {
						users[u.Name] = true
					}
				}
			}
			opt := health.Options{At: day, Users: users, History: repo}
			if at != "" {
				opt.Until = time.Date(day.Year, day.Month, day.Day, 23, 59, 59, 0, time.Local)
			}
			rep, err := health.Check(snap, opt)
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(rep.Customers)
			}
			return writeHealth(a.stdout, rep, lang, limit)
		},
	}
	c.Flags().StringVar(&at, "at", "", "judge the archive as of this day (YYYY-MM-DD; default today, at the head)")
	c.Flags().StringVar(&format, "format", "table", "table or json")
	c.Flags().StringVar(&lang, "lang", "zh-CN", "language of the table: zh-CN or en")
	c.Flags().IntVar(&limit, "limit", 20, "customers to list in the table, worst first (0: all)")
	return c
}

func writeHealth(w io.Writer, rep *health.Report, lang string, limit int) error {
	en := strings.HasPrefix(lang, "en")
	aspects := func(s health.Scores) []string {
		return []string{fmt.Sprint(s.Complete), fmt.Sprint(s.Continuous), fmt.Sprint(s.Authentic), fmt.Sprint(s.Standard)}
	}
	aspectHead := []string{}
	for _, a := range health.Aspects {
		aspectHead = append(aspectHead, a.Label(lang))
	}
	fmt.Fprintf(w, pickLang(lang, "档案健康度 %d/100（%s，%d 个客户，提交 %.10s）\n", "Archive health %d/100 (%s, %d customers, commit %.10s)\n"),
		rep.Score, rep.At, len(rep.Customers), rep.Commit)
	t := &table{head: append([]string{""}, aspectHead...)}
	t.rows = append(t.rows, append([]string{pickLang(lang, "全档案", "archive")}, aspects(rep.Scores)...))
	if err := t.write(w); err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  %s: %s\n", p.Location(), p.Message(lang))
	}

	fmt.Fprintln(w)
	head := []string{"维护人员", "客户数", "客户平均分", "上门次数", "规范执行%", "准时%", "问题数"}
	if en {
		head = []string{"technician", "customers", "mean score", "visits", "standard %", "on time %", "problems"}
	}
	t = &table{head: head}
	for _, x := range rep.Technicians {
		t.rows = append(t.rows, []string{x.Name, fmt.Sprint(x.Customers), fmt.Sprint(x.Score), fmt.Sprint(x.Visits), fmt.Sprint(x.Standard), fmt.Sprint(x.OnTime), fmt.Sprint(len(x.Problems))})
	}
	if err := t.write(w); err != nil {
		return err
	}

	fmt.Fprintln(w)
	head = append([]string{"评分", "客户"}, aspectHead...)
	head = append(head, "问题数", "主要问题")
	if en {
		head = append([]string{"score", "customer"}, aspectHead...)
		head = append(head, "problems", "main problem")
	}
	t = &table{head: head, max: []int{0, 24, 0, 0, 0, 0, 0, 100}}
	shown := rep.Customers
	if limit > 0 && len(shown) > limit {
		shown = shown[:limit]
	}
	for _, c := range shown {
		row := append([]string{fmt.Sprint(c.Score), c.Name}, aspects(c.Scores)...)
		main := ""
		if p := worst(c.Problems); p != nil {
			main = p.Message(lang) + " · " + p.Location()
		}
		t.rows = append(t.rows, append(row, fmt.Sprint(len(c.Problems)), main))
	}
	if err := t.write(w); err != nil {
		return err
	}
	if len(shown) < len(rep.Customers) {
		fmt.Fprintln(w, pickLang(lang, fmt.Sprintf("……另有 %d 个客户（--limit 0 显示全部，--format json 含全部问题）", len(rep.Customers)-len(shown)),
			fmt.Sprintf("... and %d more customers (--limit 0 shows all; --format json has every problem)", len(rep.Customers)-len(shown))))
	}
	return nil
}

// worst is the problem that cost the most points.
func worst(ps []health.Problem) *health.Problem {
	var w *health.Problem
	for i := range ps {
		if w == nil || ps[i].Points > w.Points {
			w = &ps[i]
		}
	}
	return w
}
