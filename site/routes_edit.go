package site

import "net/http"

// editRoutes registers the routes for editing records, visits, customers, uploads.
func (s *Server) editRoutes(app *http.ServeMux) {
	app.HandleFunc("PUT /api/records/{path...}", s.api(s.handleAPISave))
	app.HandleFunc("DELETE /api/records/{path...}", s.api(s.handleAPIDelete))
	// The text editor; the conflict page saves again through it.
	app.HandleFunc("GET /source/{path...}", s.page(s.handleSource))
	app.HandleFunc("POST /source/{path...}", s.page(s.handleSourceSave))
}
