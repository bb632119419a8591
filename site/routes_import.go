package site

import "net/http"

// importRoutes registers the routes for importing spreadsheets and topologies.
func (s *Server) importRoutes(app *http.ServeMux) {}
