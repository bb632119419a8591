package site

import "net/http"

// editRoutes registers the routes for editing records, visits, customers, uploads.
func (s *Server) editRoutes(app *http.ServeMux) {
	app.HandleFunc("PUT /api/records/{path...}", s.api(s.handleAPISave))
	app.HandleFunc("DELETE /api/records/{path...}", s.api(s.handleAPIDelete))
	// The text editor; the conflict page saves again through it.
	app.HandleFunc("GET /source/{path...}", s.page(s.handleSource))
	app.HandleFunc("POST /source/{path...}", s.page(s.handleSourceSave))

	// The browser forms (site/forms*.go).
	app.HandleFunc("GET /edit/{path...}", s.page(s.handleEditForm))
	app.HandleFunc("POST /edit/{path...}", s.page(s.handleEditSave))
	app.HandleFunc("GET /saved/{path...}", s.page(s.handleSaved))
	app.HandleFunc("POST /preview", s.page(s.handlePreview))
	app.HandleFunc("GET /customers/new", s.page(s.handleCustomerNew))
	app.HandleFunc("POST /customers/new", s.page(s.handleCustomerCreate))
	app.HandleFunc("GET /customers/{id}/visits/new", s.page(s.handleVisitNew))
	app.HandleFunc("POST /customers/{id}/visits/new", s.page(s.handleVisitCreate))
	app.HandleFunc("POST /customers/{id}/leads", s.page(s.handleLeadAdd))
}
