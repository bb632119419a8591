package site

import "net/http"

// rootRoutes registers the routes for routes outside authentication (the git webhook).
func (s *Server) rootRoutes(root *http.ServeMux) {}
