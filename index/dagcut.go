package index

import (
	"math"
	"unicode/utf8"
	"unsafe"
)

// dagCut is gse's Cut without its hidden Markov model (cutDAGNoHMM), for a
// run of Han characters: the same dictionary, the same routes, the same
// ties, so the same words. gse builds two maps, converts every fragment
// it looks up from runes to a string and back to bytes and matches each
// word against a regular expression; on a large archive that was a
// tenth of an index build's CPU time. This looks fragments up in place,
// keeps the routes in a slice and returns substrings of run.
// TestDAGCutEqualsGse and FuzzDAGCut hold it to gse's answers.
//
// run must hold Han characters only (segment cuts it so): gse's special
// handling of single ASCII letters and digits never applies to it, and
// lowercasing it changes nothing.
func (c *chinese) dagCut(run string) []string {
	if run == "" {
		return nil
	}
	var offBuf [64]int
	offs := offBuf[:0]
	for i := range run {
		offs = append(offs, i)
	}
	n := len(offs)
	offs = append(offs, len(run))
	// The dictionary reads bytes; run is not written to.
	b := unsafe.Slice(unsafe.StringData(run), len(run))
	dict := c.seg.Dict
	logT := math.Log(dict.TotalFreq())

	type route struct {
		freq  float64
		index int
	}
	var rsBuf [64]route
	var rs []route
	if n+1 <= len(rsBuf) {
		rs = rsBuf[:n+1]
	} else {
		rs = make([]route, n+1)
	}
	rs[n] = route{}
	for idx := n - 1; idx >= 0; idx-- {
		// gse's DAG: the ends i of the dictionary words (of a frequency
		// above zero) starting at idx, followed for as long as the
		// fragment begins some word; idx itself when there are none.
		found := false
		for i := idx; i < n; i++ {
			freq, _, ok := dict.Find(b[offs[idx]:offs[i+1]])
			if !ok {
				break
			}
			if freq <= 0 {
				continue
			}
			r := route{freq: math.Log(freq) - logT + rs[i+1].freq, index: i}
			// Ends come in increasing order, as in gse; the later of two
			// equal routes wins there too.
			if v := rs[idx]; !found || v.freq < r.freq || v.freq == r.freq && v.index < r.index {
				rs[idx] = r
			}
			found = true
		}
		if !found {
			f := math.Log(1.0)
			if freq, _, ok := dict.Find(b[offs[idx]:offs[idx+1]]); ok {
				f = math.Log(freq)
			}
			rs[idx] = route{freq: f - logT + rs[idx+1].freq, index: idx}
		}
	}
	out := make([]string, 0, n/2+1)
	for x := 0; x < n; {
		y := rs[x].index + 1
		out = append(out, run[offs[x]:offs[y]])
		x = y
	}
	return out
}

// onlyHan reports whether s is made of Han characters only.
func onlyHan(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !isHan(r) {
			return false
		}
	}
	return true
}
