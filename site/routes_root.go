package site

import "net/http"

// rootRoutes registers the routes for routes outside authentication (the git webhook).
func (s *Server) rootRoutes(root *http.ServeMux) {
	// Feed readers cannot log in: the lead feed checks the personal token
	// in its address itself.
	root.HandleFunc("GET /feeds/leads.atom", s.handleTokenFeed)
	// The git server calls it, not a person: it carries its own secret.
	root.HandleFunc("POST /hooks/git", s.handleGitHook)
}
