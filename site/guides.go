package site

import "net/http"

// handleGuideIndex lists the knowledge pages; each opens at /records/.
func (s *Server) handleGuideIndex(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "guides", "guides.title", s.viewOf(r).guides())
}
