package site

import "net/http"

// importRoutes registers the routes for importing spreadsheets and topologies.
func (s *Server) importRoutes(app *http.ServeMux) {
	app.HandleFunc("GET /import", s.page(s.handleImportForm))
	app.HandleFunc("POST /import/preview", s.page(s.handleImportPreview))
	app.HandleFunc("POST /import/confirm", s.page(s.handleImportConfirm))
}
