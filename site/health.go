package site

import (
	"errors"
	"net/http"

	"github.com/dangan-archive/dangan/archive/access"
)

// healthPage is /health: whether the archive is authentic, complete and
// continuous, and what `dangan check` finds in it now.
type healthPage struct {
	Problems []checkerProblem
	Errors   int // problems of severity error among Problems
}

// mayUseHealth reports whether a role may see the health pages: the staff
// who keep the archive and admins. Marketing works from leads; visit
// compliance and the records' problems are none of its business.
func mayUseHealth(v access.Viewer) bool {
	switch v.Role {
	case access.Admin, access.Technician, access.AccountManager:
		return true
	}
	return false
}

// handleHealthPage shows the archive's health.
func (s *Server) handleHealthPage(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !mayUseHealth(v.Viewer) {
		return errForbiddenPage
	}
	page := healthPage{Problems: v.checkerProblems()}
	for _, p := range page.Problems {
		if p.Severity == "error" {
			page.Errors++
		}
	}
	return s.render(w, r, http.StatusOK, "health", "health.title", page)
}

var errForbiddenPage = &Error{Status: http.StatusForbidden, Code: "forbidden", Key: "error.forbidden", Err: errors.New("role may not use this page")}
