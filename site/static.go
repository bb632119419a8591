package site

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/site/i18n"
)

// staticHandler serves the embedded CSS. Addresses carry the files' hash
// (?v=), so they can be cached for a year.
func (s *Server) staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") == s.pages.static {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
}

// handleHealth answers load balancers and the CLI's own checks: the commit
// served and the one the index has reached.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	snap := s.live.Snapshot()
	body := map[string]any{"status": "ok", "commit": snap.Commit, "records": snap.Len()}
	if s.Index != nil {
		body["indexed"] = s.live.Indexed()
	}
	if s.Remote != nil {
		body["sync"] = s.syncHealth()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

// handleLang sets the language cookie from the switch in the footer and
// goes back to the page. It is a POST: GET requests never change state.
func (s *Server) handleLang(w http.ResponseWriter, r *http.Request) {
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		l = i18n.Chinese
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: string(l), Path: "/",
		MaxAge: int((365 * 24 * time.Hour).Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil,
	})
	http.Redirect(w, r, localURL(r.PostFormValue("next")), http.StatusSeeOther)
}

// localURL keeps a redirect target on this site: only a path of our own,
// never another host ("//evil", "/\evil", "https://...").
func localURL(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return u.RequestURI()
}
