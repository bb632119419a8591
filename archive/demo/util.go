package demo

import (
	"math/rand/v2"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// cst is China Standard Time: commits carry +0800 like the branch's laptops.
var cst = time.FixedZone("CST", 8*3600)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// weighted picks an index by weight.
func weighted(r *rand.Rand, ws ...int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	n := r.IntN(total)
	for i, w := range ws {
		if n < w {
			return i
		}
		n -= w
	}
	return len(ws) - 1
}

// clock is a local wall-clock time on a day, as commits record it.
func clock(d archive.Date, h, m int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, cst)
}

// wall is the same wall-clock time as the archive writes it (no zone).
func wall(t time.Time) archive.DateTime {
	return archive.DateTime{Time: time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)}
}

func dateOf(t time.Time) archive.Date { return archive.DateOf(t) }

// workday moves a weekend day to the Monday after.
func workday(d archive.Date) archive.Date {
	switch d.Time().Weekday() {
	case time.Saturday:
		return d.AddDays(2)
	case time.Sunday:
		return d.AddDays(1)
	}
	return d
}

func mustDate(s string) archive.Date {
	d, err := archive.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func addYears(d archive.Date, n int) archive.Date {
	return archive.DateOf(d.Time().AddDate(n, 0, 0))
}

func intp(v int) *int    { return &v }
func boolp(v bool) *bool { return &v }
