package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/i18n"
)

//go:embed templates
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages holds every page template, parsed once per language so that the
// translation function is bound at start-up, not per request.
type pages struct {
	byLang map[i18n.Lang]map[string]*template.Template
	static string // hash of the static files, for cache busting
}

// pageNames are the page templates; each is parsed with the layout and
// partials.
func pageNames() ([]string, error) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".html"); ok && !e.IsDir() && n != "layout" {
			names = append(names, n)
		}
	}
	return names, nil
}

func parsePages(cs *i18n.Catalogs) (*pages, error) {
	names, err := pageNames()
	if err != nil {
		return nil, err
	}
	ps := &pages{byLang: map[i18n.Lang]map[string]*template.Template{}}
	for _, l := range i18n.Langs {
		ps.byLang[l] = map[string]*template.Template{}
		funcs := templateFuncs(cs.Get(l))
		for _, n := range names {
			t, err := template.New(n).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", "templates/"+n+".html")
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", n, err)
			}
			ps.byLang[l][n] = t
		}
	}
	h := sha256.New()
	_ = fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFiles.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	ps.static = hex.EncodeToString(h.Sum(nil))[:12]
	return ps, nil
}

// layoutData is what the layout needs besides the page's own data.
type layoutData struct {
	Lang        i18n.Lang
	Langs       []i18n.Lang
	Title       string
	ArchiveName string
	Viewer      access.Viewer
	Commit      string
	Here        string // the page's own address, for the language switch
	Static      string
	Print       bool
	Query       string      // the search box's text
	Logout      bool        // a logged-in viewer of a site with auth: offer to log out
	Sync        *syncBanner // the archive is not in step with its git server
	Data        any
}

// render executes a page into a buffer and writes it only when it worked:
// a template error never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, titleKey string, data any, titleArgs ...any) error {
	return s.renderWith(w, r, status, name, layoutData{Title: s.catalog(r).T(titleKey, titleArgs...), Data: data})
}

func (s *Server) renderWith(w http.ResponseWriter, r *http.Request, status int, name string, ld layoutData) error {
	lang := s.lang(r)
	t, ok := s.pages.byLang[lang][name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	snap := s.live.Snapshot()
	ld.Lang, ld.Langs = lang, i18n.Langs
	ld.ArchiveName = snap.Settings.Name
	ld.Viewer = s.viewOf(r).Viewer
	ld.Logout = s.loggedIn && !ld.Viewer.Anonymous()
	ld.Commit = snap.Commit
	ld.Here = r.URL.RequestURI()
	ld.Static = s.pages.static
	ld.Sync = s.syncBanner(r)
	buf := renderBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer putRenderBuf(buf)
	if err := t.ExecuteTemplate(buf, "layout", ld); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The login middleware marks what a logged-in person sees no-store;
	// a page must not weaken that.
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "private, no-cache")
	}
	h.Set("Content-Language", string(lang))
	h.Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// renderBufs keeps page buffers between requests: a page of the
// 10,000-customer archive is about 100 KB, and a buffer grown to it by
// doubling allocated twice that per request, a fifth of what a customer
// page allocates (more collections, the tail of its latency).
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuf(b *bytes.Buffer) {
	if b.Cap() > 4<<20 {
		return // a rare huge page: let it go rather than keep it
	}
	renderBufs.Put(b)
}

const langCookie = "dangan_lang"

// lang is the language of a request: ?lang= for this one page (a shared
// link in English), then the cookie set by the switch, then the browser's
// Accept-Language; Chinese by default.
func (s *Server) lang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

func (s *Server) catalog(r *http.Request) *i18n.Catalog { return s.catalogs.Get(s.lang(r)) }

// templateFuncs are the functions templates use, bound to one language.
func templateFuncs(c *i18n.Catalog) template.FuncMap {
	return template.FuncMap{
		"t":        c.T,
		"date":     c.Date,
		"datetime": func(t archive.DateTime) string { return c.DateTime(t.Time) },
		"time":     func(t time.Time) string { return c.DateTime(t) },
		"num":      c.Num,
		"kind":     func(k archive.Kind) string { return c.T("kind." + string(k)) },
		"label": func(group, value string) string {
			if value == "" {
				return ""
			}
			if c.Has(group + "." + value) {
				return c.T(group + "." + value)
			}
			return value
		},
		// problem is a checker message in the page's language.
		"problem": func(p archive.Problem) string {
			if c.Lang == i18n.Chinese && p.Chinese != "" {
				return p.Chinese
			}
			return p.Message
		},
		"short":       short,
		"recordURL":   recordURL,
		"historyURL":  func(p string) string { return "/history/" + escapePath(p) },
		"customerURL": customerURL,
		"fileURL":     func(p string) string { return "/files/" + escapePath(p) },
		"diffURL": func(p, from, to string) string {
			return "/diff/" + escapePath(p) + "?from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to)
		},
		"base":  path.Base,
		"join":  strings.Join,
		"yesno": func(b bool) string { return c.T(map[bool]string{true: "common.yes", false: "common.no"}[b]) },
		"add":   func(a, b int) int { return a + b },
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"deref2": func(p *bool) bool { return p != nil && *p },
		"dm": func(m mark, d archive.Date) map[string]string {
			return map[string]string{"M": string(m), "D": c.Date(d)}
		},
		"title":    func(r *archive.Record) string { return recordTitle(c, r) },
		"langName": func(l i18n.Lang) string { return c.T("lang." + string(l)) },
	}
}

func recordURL(p string) string { return "/records/" + escapePath(p) }

func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// recordTitle names a record for people: the customer's name, a visit's
// day and type, a page's title, or the kind ("设备清单") for the records a
// customer has one of.
func recordTitle(c *i18n.Catalog, r *archive.Record) string {
	switch r.Kind {
	case archive.KindCustomer, archive.KindNote, archive.KindGuide:
		return r.Title
	case archive.KindVisit:
		if v := r.AsVisit(); v != nil {
			day, _, _ := strings.Cut(r.Title, " ")
			if label := "visit." + string(v.Type); c.Has(label) {
				return day + " " + c.T(label)
			}
		}
		return r.Title
	}
	return c.T("kind." + string(r.Kind))
}
