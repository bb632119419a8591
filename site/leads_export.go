package site

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/dangan-archive/dangan/archive/leads"
)

// handleLeadExport writes the leads of the board's current filter, all of
// them (not one page), as a workbook, CSV or JSON (the shape of `dangan
// leads --format json`) made by archive/leads' exporters, redacted for the
// viewer like the board.
func (s *Server) handleLeadExport(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := s.viewOf(r)
		if !v.Viewer.Role.Valid() {
			return errForbiddenPage
		}
		set, _, err := s.currentLeads(r.Context(), true)
		if err != nil {
			return err
		}
		ls := leadFilterOf(r).apply(v.setLeads(set), s.today())
		lang := string(s.lang(r))
		var write func(io.Writer, []leads.Lead, string) error
		var ctype string
		switch format {
		case "xlsx":
			write, ctype = leads.WriteXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		case "json":
			write, ctype = leads.WriteJSON, "application/json; charset=utf-8"
		default:
			write, ctype = leads.WriteCSV, "text/csv; charset=utf-8"
		}
		// Written to a buffer first: an error half-way must not leave a
		// truncated file that looks complete.
		var buf bytes.Buffer
		if err := write(&buf, ls, lang); err != nil {
			return fmt.Errorf("export leads as %s: %w", format, err)
		}
		v.auditLeads(ls, r.URL.Path)
		name := fmt.Sprintf("leads-%s.%s", s.today(), format)
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		h.Set("Cache-Control", "private, no-store")
		_, err = w.Write(buf.Bytes())
		return err
	}
}
