package index

import (
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
)

func date(t testing.TB, s string) archive.Date {
	t.Helper()
	if s == "" {
		return archive.Date{}
	}
	d, err := archive.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkRuns checks that the runs of from, to hold one term of every day
// between them, once, and no term of any other day from lo to hi.
func checkRuns(t testing.TB, from, to, lo, hi archive.Date) {
	t.Helper()
	runs := dateRuns(from, to)
	for d := lo; !d.After(hi); d = d.AddDays(1) {
		in := (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to))
		n := 0
		for _, term := range dateTerms(d) {
			for _, r := range runs {
				if term >= r.Min && term <= r.Max {
					n++
				}
			}
		}
		if in && n != 1 || !in && n != 0 {
			t.Fatalf("dateRuns(%v, %v) = %v: %v is in %d runs, want %d", from, to, runs, d, n, map[bool]int{true: 1}[in])
		}
	}
}

func TestDateRuns(t *testing.T) {
	lo, hi := date(t, "2019-11-01"), date(t, "2028-02-29")
	for _, c := range [][2]string{
		{"2024-03-15", "2024-03-15"}, {"2024-03-01", "2024-03-31"}, {"2024-02-01", "2024-02-29"},
		{"2024-03-15", "2024-04-14"}, {"2024-01-01", "2024-12-31"}, {"2023-12-31", "2025-01-01"},
		{"2020-02-29", "2027-06-30"}, {"2021-01-01", "2026-12-31"}, {"2021-01-02", "2026-12-30"},
		{"2024-12-31", "2025-01-01"}, {"2024-11-30", "2025-02-01"}, {"", "2026-12-31"},
		{"2026-01-01", ""}, {"", "2024-02-28"}, {"2024-03-02", ""}, {"", ""}, {"2025-06-01", "2025-05-31"},
	} {
		t.Run(c[0]+".."+c[1], func(t *testing.T) {
			checkRuns(t, date(t, c[0]), date(t, c[1]), lo, hi)
		})
	}
	// Ranges ending anywhere: every pairing of month ends, starts and
	// middles over three years.
	r := rand.New(rand.NewPCG(1, 2))
	day := func() archive.Date { return lo.AddDays(r.IntN(lo.DaysUntil(hi) + 1)) }
	for range 300 {
		from, to := day(), day()
		if to.Before(from) {
			from, to = to, from
		}
		checkRuns(t, from, to, lo, hi)
	}
}

func FuzzDateRuns(f *testing.F) {
	f.Add(0, 0)
	f.Add(59, 400)
	f.Add(-1, 1000)
	f.Fuzz(func(t *testing.T, a, b int) {
		lo, hi := date(t, "2023-01-01"), date(t, "2026-12-31")
		span := lo.DaysUntil(hi) + 1
		pick := func(n int) archive.Date {
			if n < 0 {
				return archive.Date{} // open
			}
			return lo.AddDays(n % span)
		}
		checkRuns(t, pick(a), pick(b), lo, hi)
	})
}

func TestDateTermsOutsideFourDigits(t *testing.T) {
	if ts := dateTerms(archive.Date{Year: 10000, Month: time.January, Day: 1}); ts != nil {
		t.Errorf("year 10000 indexed as %v", ts)
	}
	if got := dateRuns(date(t, "2026-01-02"), date(t, "2026-01-01")); got != nil {
		t.Errorf("an empty range has runs %v", got)
	}
}

// TestDateQueries searches date ranges of every date field and checks the
// hits against the dates the records' documents carry.
func TestDateQueries(t *testing.T) {
	ctx := context.Background()
	files, err := demo.Files(demo.Options{Customers: 40, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	ix, snap := indexFiles(t, files)
	// The dates of each record's document, by field.
	dates := map[string]map[string][]archive.Date{}
	for r := range snap.Records() {
		if folder := snap.Customer(r.Customer); folder != nil && folder.Profile().Restricted {
			continue
		}
		for _, f := range recordDoc(ix.text, r, snap.Customer(r.Customer)).Fields {
			for name, field := range dateFields {
				if f.Name() == field {
					if dates[name] == nil {
						dates[name] = map[string][]archive.Date{}
					}
					dates[name][r.Path] = append(dates[name][r.Path], date(t, string(f.Value())))
				}
			}
		}
	}
	ranges := []string{"2026-01-01..2026-06-30", "<2026-01-01", ">=2025-07-15", "2025-03-01..2027-02-28",
		"2024-12-31..2025-01-01", "<=2027-06-30", ">2026-11-24", "2026-03-01..2026-03-31", "2020-01-01..2030-12-31"}
	checked := 0
	for name := range dateFields {
		// Each field's own dates too, one day long.
		var some []string
		for _, ds := range dates[name] {
			some = append(some, ds[0].String())
			if len(some) == 3 {
				break
			}
		}
		for _, rg := range append(slices.Clone(ranges), some...) {
			q := name + ":" + rg
			clauses, err := parseQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			from, to := clauses[0].From, clauses[0].To
			var want []string
			for p, ds := range dates[name] {
				for _, d := range ds {
					if (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to)) {
						want = append(want, p)
						break
					}
				}
			}
			got := allHits(t, ix, q, Filter{})
			res, err := ix.Search(ctx, Request{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			total := res.Total
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %d hits, want %d; first difference %s", q, len(got), len(want), firstDiff(got, want))
			}
			if int(total) != len(want) {
				t.Errorf("%s: total %d, want %d", q, total, len(want))
			}
			checked += len(want)
		}
	}
	if checked < 100 {
		t.Errorf("the date queries found %d records in all: the fixture has too few dates to test them", checked)
	}
}

// firstDiff names the first path in one sorted list and not the other.
func firstDiff(got, want []string) string {
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			return "missing " + want[i]
		case i >= len(want) || got[i] != want[i] && !slices.Contains(want, got[i]):
			return "extra " + got[i]
		case got[i] != want[i]:
			return "missing " + want[i]
		}
	}
	return "none"
}

// TestDateAnalyzer checks that a date's value is indexed as dateTerms says,
// and that what is not a date written YYYY-MM-DD gives no term.
func TestDateAnalyzer(t *testing.T) {
	for _, s := range []string{"2026-03-15", "0001-01-01", "9999-12-31", "2024-02-29"} {
		var got []string
		for _, tok := range (dateAnalyzer{}).Analyze([]byte(s)) {
			got = append(got, string(tok.Term))
		}
		if want := dateTerms(date(t, s)); !slices.Equal(got, want) {
			t.Errorf("%s: terms %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "2026-3-15", "2026/03/15", "20260315xx", "0000-01-01", "２０２６-03-15", "2026-03-1a"} {
		if ts := (dateAnalyzer{}).Analyze([]byte(s)); ts != nil {
			t.Errorf("%q gave terms %v", s, ts)
		}
	}
}

// indexFiles builds an index of files in one rebuild, with the snapshot
// it is at.
func indexFiles(t *testing.T, files map[string][]byte) (*Index, *archive.Snapshot) {
	t.Helper()
	paths := slices.Sorted(maps.Keys(files))
	snap, err := archive.Load("c", func(yield func(archive.File, error) bool) {
		for _, p := range paths {
			if !yield(archive.File{Path: p, Version: p, Data: files[p]}, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Rebuild(context.Background(), snap, nil); err != nil {
		t.Fatal(err)
	}
	return ix, snap
}
