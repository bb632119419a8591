package index

import (
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dangan-archive/dangan/archive"
)

// Dates are indexed as three terms, the year, the month and the day
// (y2026, m202603, d20260315), and a range is searched as the few runs of
// those terms that cover it: whole years in the middle, whole months
// beside them, days at the ends. bleve's date fields index a date as
// sixteen terms (numbers prefix-coded every four bits, so a range is a
// few runs at any of sixteen precisions), and at 10,000 customers their
// 1.9 million terms were a quarter of all the terms of the index and a
// quarter of its build time, for a filter that needs three precisions.
// The prefix keeps each precision's terms together, in date order, so
// that a run is a term range of the dictionary.

// dateTerms are the terms a date is indexed as; none for a date that
// cannot be written with four digits of year.
func dateTerms(d archive.Date) []string {
	if d.Year < 1 || d.Year > 9999 {
		return nil
	}
	return []string{
		fmt.Sprintf("y%04d", d.Year),
		fmt.Sprintf("m%04d%02d", d.Year, d.Month),
		fmt.Sprintf("d%04d%02d%02d", d.Year, d.Month, d.Day),
	}
}

// dateAnalyzer reads a date field's value, YYYY-MM-DD as Date.String
// writes it, as its terms.
type dateAnalyzer struct{}

func (dateAnalyzer) Analyze(text []byte) analysis.TokenStream {
	if len(text) != len("2006-01-02") || text[4] != '-' || text[7] != '-' || text[0] == '0' && string(text[:4]) == "0000" {
		return nil
	}
	for i, c := range text {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return nil
		}
	}
	y, m, d := text[0:4], text[5:7], text[8:10]
	terms := [3][]byte{
		append(append(make([]byte, 0, 5), 'y'), y...),
		append(append(append(make([]byte, 0, 7), 'm'), y...), m...),
		append(append(append(append(make([]byte, 0, 9), 'd'), y...), m...), d...),
	}
	ts := make(analysis.TokenStream, 3)
	toks := make([]analysis.Token, 3)
	for i := range terms {
		toks[i] = analysis.Token{Start: 0, End: len(text), Term: terms[i], Position: i + 1, Type: analysis.Numeric}
		ts[i] = &toks[i]
	}
	return ts
}

// termRun is the terms from Min to Max of a date field, both included.
type termRun struct{ Min, Max string }

// Bounds of an open range: every date an index can hold is between them.
var (
	firstDate = archive.Date{Year: 1, Month: time.January, Day: 1}
	lastDate  = archive.Date{Year: 9999, Month: time.December, Day: 31}
)

// dateRuns are the runs of terms that cover the days from, to (both
// included; a zero bound is open): each day in it has exactly one of its
// terms in exactly one run, and no day outside it has any.
func dateRuns(from, to archive.Date) []termRun {
	if from.IsZero() || from.Before(firstDate) {
		from = firstDate
	}
	if to.IsZero() || to.After(lastDate) {
		to = lastDate
	}
	day := func(d archive.Date) string { return dateTerms(d)[2] }
	month := func(d archive.Date) string { return dateTerms(d)[1] }
	year := func(d archive.Date) string { return dateTerms(d)[0] }
	monthStart := func(d archive.Date) archive.Date { return archive.Date{Year: d.Year, Month: d.Month, Day: 1} }
	monthEnd := func(d archive.Date) archive.Date {
		return archive.DateOf(time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC))
	}

	var runs []termRun
	if to.Before(from) {
		return nil
	}
	if from.Year == to.Year && from.Month == to.Month {
		if from.Day == 1 && to == monthEnd(to) {
			return []termRun{{month(from), month(to)}}
		}
		return []termRun{{day(from), day(to)}}
	}
	// The days before the first whole month, and after the last one.
	if from.Day != 1 {
		runs = append(runs, termRun{day(from), day(monthEnd(from))})
		from = monthEnd(from).AddDays(1)
	}
	if to != monthEnd(to) {
		runs = append(runs, termRun{day(monthStart(to)), day(to)})
		to = monthStart(to).AddDays(-1)
	}
	if to.Before(from) {
		return runs
	}
	// Whole months from here on.
	if from.Year == to.Year {
		if from.Month == time.January && to.Month == time.December {
			return append(runs, termRun{year(from), year(to)})
		}
		return append(runs, termRun{month(from), month(to)})
	}
	if from.Month != time.January {
		dec := archive.Date{Year: from.Year, Month: time.December, Day: 31}
		runs = append(runs, termRun{month(from), month(dec)})
		from = dec.AddDays(1)
	}
	if to.Month != time.December {
		jan := archive.Date{Year: to.Year, Month: time.January, Day: 1}
		runs = append(runs, termRun{month(jan), month(to)})
		to = jan.AddDays(-1)
	}
	if !to.Before(from) {
		runs = append(runs, termRun{year(from), year(to)})
	}
	return runs
}

// dateRange matches the records with a date of field from, to (both
// included; a zero bound is open).
func dateRange(field string, from, to archive.Date) query.Query {
	var qs []query.Query
	yes := true
	for _, r := range dateRuns(from, to) {
		q := query.NewTermRangeInclusiveQuery(r.Min, r.Max, &yes, &yes)
		q.SetField(field)
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return query.NewMatchNoneQuery()
	}
	return or(qs)
}
