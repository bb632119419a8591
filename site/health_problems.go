package site

import (
	"strconv"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
)

// checkerProblem is one problem `dangan check` reports, as the health page
// lists it: a push of an invalid record shows up here, and the pages keep
// working around it.
type checkerProblem struct {
	archive.Problem
	Customer string // the customer's name, "" outside customers/
	URL      string // the record to fix, at the line when known
}

// problemURL links a problem to the record to fix: /records/{path}, with
// #L<line> when the line is known. Files that are not records (dangan.yaml)
// have no page: "".
func problemURL(p archive.Problem) string {
	if archive.PlaceOf(p.Path).Kind == "" {
		return ""
	}
	u := recordURL(p.Path)
	if p.Line > 0 {
		u += "#L" + strconv.Itoa(p.Line)
	}
	return u
}

// checkerProblems returns the problems of the live archive the viewer may
// see, sorted by file and line: those of the customers they may see
// (messages scrubbed of hidden values by the access policy), of the guides,
// and, for admins, of every other file (dangan.yaml included).
func (v view) checkerProblems() []checkerProblem {
	var ps []archive.Problem
	names := map[string]string{}
	if v.Viewer.Role == access.Admin {
		ps = v.live.Problems()
		for f := range v.live.Customers() {
			names[f.ID] = f.Name()
		}
	} else {
		for _, f := range v.customers() {
			names[f.ID] = f.Name()
			for _, r := range f.Records() {
				ps = append(ps, r.Problems...)
			}
			ps = append(ps, f.Problems...)
		}
		for _, g := range v.guides() {
			ps = append(ps, g.Problems...)
		}
		archive.SortProblems(ps)
	}
	out := make([]checkerProblem, 0, len(ps))
	for _, p := range ps {
		id := archive.CustomerOf(p.Path)
		out = append(out, checkerProblem{Problem: p, Customer: names[id], URL: problemURL(p)})
	}
	return out
}
