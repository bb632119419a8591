package site

import "net/http"

// leadRoutes registers the routes for the lead board, its exports and feeds, health and the dashboard.
func (s *Server) leadRoutes(app *http.ServeMux) {
	app.HandleFunc("GET /leads", s.page(s.handleLeads))
	app.HandleFunc("POST /leads/{id}/status", s.page(s.handleLeadStatus))
	app.HandleFunc("GET /leads/export.csv", s.page(s.handleLeadExport("csv")))
	app.HandleFunc("GET /leads/export.xlsx", s.page(s.handleLeadExport("xlsx")))
	app.HandleFunc("GET /leads/export.json", s.page(s.handleLeadExport("json")))
	app.HandleFunc("GET /leads/feed.atom", s.page(s.handleLeadFeed))
	app.HandleFunc("POST /leads/feed-token", s.page(s.handleNewFeedToken))
	app.HandleFunc("GET /health", s.page(s.handleHealthPage))
	app.HandleFunc("GET /dashboard", s.page(s.handleDashboard))
}
