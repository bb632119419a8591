package site

import "net/http"

// leadRoutes registers the routes for the lead board, its exports and feeds, health and the dashboard.
func (s *Server) leadRoutes(app *http.ServeMux) {
	app.HandleFunc("GET /health", s.page(s.handleHealthPage))
	app.HandleFunc("GET /dashboard", s.page(s.handleDashboard))
}
