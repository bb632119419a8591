package site

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dangan-archive/dangan/site/i18n"
)

// The facet list (six groups of up to twenty values, each a link with a
// count) and the twenty hits are most of a search page's markup. As
// html/template actions they cost a third of the page's CPU: every action
// is a reflective call to an escaper or a template function. They are
// written here instead, escaped the way html/template escapes them, so the
// page is the same byte for byte (search_html_test.go renders both).

// facetsHTML is the <aside> of facets.
func (p *searchPage) facetsHTML(c *i18n.Catalog) template.HTML {
	if len(p.Facets) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(8 << 10)
	b.WriteString(`<aside class="facets" aria-label="`)
	escapeHTML(&b, c.T("search.facets"))
	b.WriteString("\">\n")
	for _, g := range p.Facets {
		b.WriteString(`<details open><summary>`)
		escapeHTML(&b, c.T("facet."+g.Name))
		b.WriteString("</summary><ul>\n  ")
		kind := g.Name == "kind"
		for _, v := range g.Values {
			b.WriteString(`<li><a href="`)
			escapeURLAttr(&b, v.URL)
			b.WriteString(`"`)
			if v.Active {
				b.WriteString(` class="active" aria-current="true"`)
			}
			b.WriteString(`>`)
			if kind {
				escapeHTML(&b, kindLabel(c, v.Value))
			} else {
				escapeHTML(&b, v.Value)
			}
			b.WriteString(`</a> <span class="count">`)
			escapeHTML(&b, num(c, v.Count))
			b.WriteString(`</span></li>`)
		}
		b.WriteString("\n</ul></details>")
	}
	b.WriteString("\n</aside>")
	return template.HTML(b.String()) //nolint:gosec // every value escaped above
}

// hitsHTML is the <ol> of hits.
func (p *searchPage) hitsHTML(c *i18n.Catalog) template.HTML {
	var b strings.Builder
	b.Grow(16 << 10)
	b.WriteString(`<ol class="hits" start="`)
	b.WriteString(strconv.Itoa(p.First))
	b.WriteString("\">\n")
	for _, h := range p.Hits {
		b.WriteString("<li class=\"hit\">\n  <a class=\"hit-title\" href=\"")
		escapeURLAttr(&b, recordURL(h.Path))
		b.WriteString(`">`)
		escapeHTML(&b, h.Title)
		b.WriteString("</a>\n  <div class=\"hit-meta\"><span class=\"kind kind-")
		escapeHTML(&b, string(h.Kind))
		b.WriteString(`">`)
		escapeHTML(&b, c.T("kind."+string(h.Kind)))
		b.WriteString(`</span>`)
		if h.Customer != "" {
			b.WriteString(` · <a href="`)
			escapeURLAttr(&b, customerURL(h.Customer))
			b.WriteString(`">`)
			if h.CustomerName != "" {
				escapeHTML(&b, h.CustomerName)
			} else {
				escapeHTML(&b, h.Customer)
			}
			b.WriteString(`</a>`)
		}
		b.WriteString(` · <span class="muted path">`)
		escapeHTML(&b, h.Path)
		b.WriteString("</span></div>\n  ")
		if h.Snippet != "" {
			b.WriteString(`<p class="snippet">`)
			b.WriteString(string(h.Snippet)) // checked by safeSnippet
			b.WriteString(`</p>`)
		}
		b.WriteString("\n</li>")
	}
	b.WriteString("\n</ol>")
	return template.HTML(b.String()) //nolint:gosec // every value escaped above
}

// kindLabel is the template function label "kind" value.
func kindLabel(c *i18n.Catalog, value string) string {
	if value == "" {
		return ""
	}
	if c.Has("kind." + value) {
		return c.T("kind." + value)
	}
	return value
}

// num is c.Num without the message printer for the small counts most
// facet values have: below 1000 no language groups digits.
func num(c *i18n.Catalog, n int) string {
	if n >= 0 && n < 1000 {
		return strconv.Itoa(n)
	}
	return c.Num(n)
}

// escapeHTML writes s as html/template writes text and quoted attribute
// values (its htmlEscaper): the same replacements, so the same bytes.
func escapeHTML(b *strings.Builder, s string) {
	written := 0
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		var repl string
		switch {
		case r == 0:
			repl = "\uFFFD"
		case r == '"':
			repl = "&#34;"
		case r == '&':
			repl = "&amp;"
		case r == '\'':
			repl = "&#39;"
		case r == '+':
			repl = "&#43;"
		case r == '<':
			repl = "&lt;"
		case r == '>':
			repl = "&gt;"
		}
		if repl != "" {
			b.WriteString(s[written:i])
			b.WriteString(repl)
			written = i + w
		}
		i += w
	}
	b.WriteString(s[written:])
}

// escapeURLAttr writes a URL this package built (a path and query of
// url.PathEscape and url.QueryEscape output, nothing html/template's URL
// filter or normalizer would change) as an attribute value.
func escapeURLAttr(b *strings.Builder, u string) {
	escapeHTML(b, u)
}

func customerURL(id string) string { return "/customers/" + url.PathEscape(id) }
