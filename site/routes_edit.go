package site

import "net/http"

// editRoutes registers the routes for editing records, visits, customers, uploads.
func (s *Server) editRoutes(app *http.ServeMux) {}
