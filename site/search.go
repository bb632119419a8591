package site

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/dangan-archive/dangan/index"
)

const pageSize = 20

type searchPage struct {
	Query  string
	Result *index.Result
	Hits   []searchHit
	Facets []facetGroup
	// The facet list and the hits, rendered in Go (searchhtml.go): as
	// template actions they were a third of a search page's CPU.
	FacetsHTML template.HTML
	HitsHTML   template.HTML
	Error      string // a query that cannot be read, in the viewer's language
	ErrorPos   int
	From       int
	Prev       string // links to the previous and next page, "" at the ends
	Next       string
	First      int // 1-based number of the first hit shown
	Last       int
}

type searchHit struct {
	index.Hit
	Snippet template.HTML
}

type facetGroup struct {
	Name   string
	Values []facetValue
}

type facetValue struct {
	index.Facet
	URL    string
	Active bool
}

// facetOrder is the order facets are offered in.
var facetOrder = []string{"kind", "industry", "district", "vendor", "account_manager", "technician"}

// search runs a query for the viewer: the index when there is one, else a
// scan of the live snapshot.
func (s *Server) search(r *http.Request, q string, from, size int) (*index.Result, error) {
	v := s.viewOf(r)
	req := index.Request{Query: q, From: from, Size: size, Facets: true, Filter: v.filter()}
	var res *index.Result
	var err error
	if s.Index == nil {
		res, err = scanSearch(v, req)
	} else {
		res, err = s.Index.Search(r.Context(), req)
	}
	if err == nil {
		// A hit shows a snippet of the record: for a restricted customer
		// that is a read, and goes to the audit log like one.
		for _, h := range res.Hits {
			v.audited(h.Customer, h.Path)
		}
	}
	return res, err
}

// handleSearch is the search page: one box, hits with highlighted
// snippets, facets and paging.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	from = max(0, min(from, 10000))
	page := searchPage{Query: q, From: from}
	status := http.StatusOK
	if q != "" {
		res, err := s.search(r, q, from, pageSize)
		var qe *index.QueryError
		switch {
		case errors.As(err, &qe):
			page.Error, page.ErrorPos = qe.In(string(s.lang(r))[:2]), qe.Pos
			status = http.StatusUnprocessableEntity
		case err != nil:
			return err
		default:
			page.fill(res)
			c := s.catalog(r)
			page.FacetsHTML, page.HitsHTML = page.facetsHTML(c), page.hitsHTML(c)
		}
	}
	return s.renderWith(w, r, status, "search", layoutData{Title: s.catalog(r).T("search.title"), Query: q, Data: page})
}

func (p *searchPage) fill(res *index.Result) {
	p.Result = res
	for _, h := range res.Hits {
		p.Hits = append(p.Hits, searchHit{Hit: h, Snippet: safeSnippet(h.Snippet)})
	}
	if len(res.Hits) > 0 {
		p.First, p.Last = p.From+1, p.From+len(res.Hits)
	}
	link := func(from int) string {
		return "/search?" + url.Values{"q": {p.Query}, "from": {strconv.Itoa(from)}}.Encode()
	}
	if p.From > 0 {
		p.Prev = link(max(0, p.From-pageSize))
	}
	if uint64(p.From+len(res.Hits)) < res.Total {
		p.Next = link(p.From + pageSize)
	}
	// A facet value's link adds its term to the query, or takes it out
	// when the query has it. The query, padded and escaped, is made once
	// for the page's 120 links: QueryEscape(q+" "+t) is QueryEscape(q) +
	// "+" + QueryEscape(t), as url.Values{"q": ...}.Encode() writes it.
	padded := " " + p.Query + " "
	escQ := "/search?q=" + url.QueryEscape(p.Query) + "+"
	for _, name := range facetOrder {
		vals := res.Facets[name]
		if len(vals) == 0 {
			continue
		}
		g := facetGroup{Name: name, Values: make([]facetValue, 0, len(vals))}
		for _, f := range vals {
			term := name + ":" + quoteTerm(f.Value)
			fv := facetValue{Facet: f, Active: hasWord(padded, term)}
			if fv.Active {
				nq := strings.Join(strings.Fields(strings.Replace(padded, " "+term+" ", " ", 1)), " ")
				fv.URL = "/search?q=" + url.QueryEscape(nq)
			} else {
				fv.URL = escQ + url.QueryEscape(term)
			}
			g.Values = append(g.Values, fv)
		}
		p.Facets = append(p.Facets, g)
	}
}

// hasWord reports whether padded (a query with a space either side)
// contains term between spaces: containsTerm without building strings.
func hasWord(padded, term string) bool {
	for from := 0; ; {
		i := strings.Index(padded[from:], term)
		if i < 0 {
			return false
		}
		at := from + i
		if at > 0 && padded[at-1] == ' ' && at+len(term) < len(padded) && padded[at+len(term)] == ' ' {
			return true
		}
		from = at + 1
	}
}

func quoteTerm(v string) string {
	if strings.ContainsAny(v, " \t\"") {
		return `"` + strings.ReplaceAll(v, `"`, "") + `"`
	}
	return v
}

func containsTerm(q, term string) bool {
	return strings.Contains(" "+q+" ", " "+term+" ")
}

// safeSnippet re-checks a snippet from the index: it should be escaped
// text with <mark> around matches, and that is all that is let through.
func safeSnippet(s string) template.HTML {
	if plainSnippet(s) {
		return template.HTML(s) //nolint:gosec // checked by plainSnippet
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return template.HTML(b.String()) //nolint:gosec // built from escaped text and bare <mark> tags only
		case html.TextToken:
			b.WriteString(html.EscapeString(string(z.Text())))
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "mark" {
				b.WriteString("<mark>")
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "mark" {
				b.WriteString("</mark>")
			}
		}
	}
}

// plainSnippet reports whether s is already what safeSnippet would make
// of it, as the index writes snippets: text escaped by html.EscapeString
// and bare <mark> and </mark> tags. Checking takes one pass and no
// memory, where the tokenizer allocated 4 KB for each of a page's twenty
// hits. Carriage returns and NULs, which the tokenizer rewrites, send s
// the long way.
func plainSnippet(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			rest := s[i:]
			switch {
			case strings.HasPrefix(rest, "<mark>"):
				i += len("<mark>") - 1
			case strings.HasPrefix(rest, "</mark>"):
				i += len("</mark>") - 1
			default:
				return false
			}
		case '&':
			rest := s[i:]
			ok := false
			for _, e := range [...]string{"&lt;", "&gt;", "&amp;", "&#39;", "&#34;"} {
				if strings.HasPrefix(rest, e) {
					i += len(e) - 1
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		case '>', '\'', '"', '\r', 0:
			return false
		}
	}
	return true
}
