package site

import (
	"net/http"
)

// handleCustomer shows one customer's archive, now or as of a past day
// (?at=2026-06-30) or commit (?v=).
func (s *Server) handleCustomer(w http.ResponseWriter, r *http.Request) error {
	return s.customerPage(w, r, false)
}

// handleCustomerPrint is the same page laid out as a bid pack for printing
// or saving as PDF from the browser.
func (s *Server) handleCustomerPrint(w http.ResponseWriter, r *http.Request) error {
	return s.customerPage(w, r, true)
}

func (s *Server) customerPage(w http.ResponseWriter, r *http.Request, print bool) error {
	f, q, err := s.requestedFolder(r)
	if err != nil {
		return err
	}
	cv := s.newCustomerView(r.Context(), f, q.snap, q.at, q.view.hide())
	if !print {
		cv.Forms = s.customerFormsOf(r, cv)
	}
	cv.Board = s.customerBoard(r, q, f.ID)
	return s.renderWith(w, r, http.StatusOK, "customer", layoutData{Title: cv.Name, Print: print, Data: cv})
}
