package bench

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// quantile is the q-quantile (0..1) of xs by linear interpolation between
// closest ranks; xs need not be sorted. NaN for an empty slice.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if lo == hi {
		return s[lo]
	}
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Target is what a figure must meet: below Limit (Lower) or at least Limit.
type Target struct {
	Limit float64 `json:"limit"`
	Lower bool    `json:"lower_is_better"`
}

func below(limit float64) *Target   { return &Target{Limit: limit, Lower: true} }
func atLeast(limit float64) *Target { return &Target{Limit: limit} }

func (t *Target) String(unit string) string {
	if t == nil {
		return ""
	}
	if t.Lower {
		return "< " + num(t.Limit) + unitSuffix(unit)
	}
	return "≥ " + num(t.Limit) + unitSuffix(unit)
}

func (t *Target) met(v float64) bool {
	if t.Lower {
		return v < t.Limit
	}
	return v >= t.Limit
}

func unitSuffix(u string) string {
	if u == "" || u == "×" {
		return u
	}
	return " " + u
}

// Figure is one measured quantity at one archive size: the median of its
// repetitions and their spread, with the target it must meet.
type Figure struct {
	Customers int     `json:"customers"`
	Group     string  `json:"group"`
	Name      string  `json:"name"`
	Unit      string  `json:"unit"`
	Median    float64 `json:"median"`
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	// Spread says what Lo and Hi are: "min–max of 5 runs" or "p10–p90 of
	// 20 commits".
	Spread string  `json:"spread"`
	N      int     `json:"n"`
	Target *Target `json:"target,omitempty"`
	Status string  `json:"status,omitempty"` // "pass", "MISSED" or "" (no target)
	Note   string  `json:"note,omitempty"`
}

// runs makes a figure from one value per repetition: median, min–max.
func runs(name, unit string, xs []float64, t *Target) Figure {
	f := Figure{Name: name, Unit: unit, N: len(xs), Target: t}
	if len(xs) > 0 {
		f.Median, f.Lo, f.Hi = median(xs), slices.Min(xs), slices.Max(xs)
	}
	f.Spread = fmt.Sprintf("min–max of %d runs", len(xs))
	f.judge()
	return f
}

// samples makes a figure from many samples of one run: median, p10–p90.
func samples(name, unit, of string, xs []float64, t *Target) Figure {
	f := Figure{Name: name, Unit: unit, N: len(xs), Target: t}
	if len(xs) > 0 {
		f.Median, f.Lo, f.Hi = median(xs), quantile(xs, 0.1), quantile(xs, 0.9)
	}
	f.Spread = fmt.Sprintf("p10–p90 of %d %s", len(xs), of)
	f.judge()
	return f
}

func (f *Figure) judge() {
	if f.Target == nil {
		return
	}
	if f.N > 0 && !math.IsNaN(f.Median) && f.Target.met(f.Median) {
		f.Status = "pass"
	} else {
		f.Status = "MISSED"
	}
}

// num prints a figure with about three significant digits.
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return "—"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	case a == 0:
		return "0"
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
