package site

import "net/http"

// Handler returns the site's routes wrapped in the security headers (and
// the authentication middleware, when configured). Open must have been
// called.
func (s *Server) Handler() http.Handler {
	app := http.NewServeMux()
	app.HandleFunc("GET /{$}", s.page(s.handleHome))
	app.HandleFunc("GET /search", s.page(s.handleSearch))
	app.HandleFunc("GET /customers", s.page(s.handleCustomerIndex))
	app.HandleFunc("GET /customers/{id}", s.page(s.handleCustomer))
	app.HandleFunc("GET /customers/{id}/print", s.page(s.handleCustomerPrint))
	app.HandleFunc("GET /records/{path...}", s.page(s.handleRecord))
	app.HandleFunc("GET /history/{path...}", s.page(s.handleHistory))
	app.HandleFunc("GET /diff/{path...}", s.page(s.handleDiff))
	app.HandleFunc("GET /guides", s.page(s.handleGuideIndex))
	app.HandleFunc("GET /files/{path...}", s.page(s.handleFile))
	app.HandleFunc("POST /lang", s.handleLang)

	app.HandleFunc("GET /api/search", s.api(s.handleAPISearch))
	app.HandleFunc("GET /api/customers", s.api(s.handleAPICustomerIndex))
	app.HandleFunc("GET /api/customers/{id}", s.api(s.handleAPICustomer))
	app.HandleFunc("GET /api/records/{path...}", s.api(s.handleAPIRecord))
	// Each feature registers its own routes in a file of its own.
	s.editRoutes(app)
	s.leadRoutes(app)
	s.importRoutes(app)
	s.syncRoutes(app)

	app.HandleFunc("/api/", s.api(s.handleNotFound))
	app.HandleFunc("/", s.page(s.handleNotFound))
	if s.Mount != nil {
		s.Mount(app)
	}

	var inner http.Handler = app
	if s.Middleware != nil {
		inner = s.Middleware(app)
	}
	root := http.NewServeMux()
	root.Handle("GET /static/", s.staticHandler())
	root.HandleFunc("GET /healthz", s.handleHealth)
	// Browsers and feed readers ask for /favicon.ico on their own.
	root.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))
	s.rootRoutes(root) // outside authentication: webhooks with their own secret
	root.Handle("/", inner)

	headers := s.Headers
	if headers == nil {
		headers = SecurityHeaders
	}
	return headers(s.busy.track(root))
}

func (s *Server) handleNotFound(http.ResponseWriter, *http.Request) error {
	return notFound(nil)
}
