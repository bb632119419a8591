package site

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
)

// Error is an error with what the user is told: an HTTP status, a short
// code for the API and a catalog key for the page. Err, if any, is logged
// and never shown.
type Error struct {
	Status int
	Code   string
	Key    string // i18n key of the message shown to the user
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// notFound is the one answer for what does not exist and what the viewer
// may not see: the two must look the same.
func notFound(err error) error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Key: "error.not_found", Err: err}
}

func badRequest(key string, err error) error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Key: key, Err: err}
}

// classify maps any error to what the user is told. It is the one place
// where errors become statuses.
func classify(err error) *Error {
	var e *Error
	var qe *index.QueryError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &qe):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "bad_query", Key: "error.bad_query", Err: err}
	case errors.Is(err, gitstore.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Key: "error.not_found", Err: err}
	case errors.Is(err, access.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Key: "error.forbidden", Err: err}
	case errors.Is(err, gitstore.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Key: "error.conflict", Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Status: 499, Code: "canceled", Key: "error.internal", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Key: "error.internal", Err: err}
}

// handlerFunc is a page or API handler: it writes the answer, or returns an
// error and writes nothing.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) logError(r *http.Request, e *Error) {
	switch {
	case e.Status >= 500 && e.Status != 499:
		s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", e.Status, "err", e.Err)
	case e.Err != nil:
		s.Logger.Debug("request refused", "path", r.URL.Path, "status", e.Status, "err", e.Err)
	}
}

// page wraps a page handler: errors become an error page.
func (s *Server) page(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.servePageError(w, r, err)
		}
	}
}

func (s *Server) servePageError(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	s.logError(r, e)
	if e.Status == 499 {
		return
	}
	data := struct {
		Status int
		Key    string
	}{e.Status, e.Key}
	if rerr := s.render(w, r, e.Status, "error", "error.title", data); rerr != nil {
		s.Logger.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(e.Status), e.Status)
	}
}

// api wraps an API handler: errors become {"error": {"code", "message"}}.
func (s *Server) api(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			e := classify(err)
			s.logError(r, e)
			if e.Status == 499 {
				return
			}
			body := apiError{Code: e.Code, Message: s.catalog(r).T(e.Key)}
			var qe *index.QueryError
			if errors.As(err, &qe) {
				body.Message = qe.In(string(s.lang(r))[:2])
				body.Pos = &qe.Pos
			}
			writeJSON(w, e.Status, struct {
				Error apiError `json:"error"`
			}{body})
		}
	}
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Pos     *int   `json:"pos,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
