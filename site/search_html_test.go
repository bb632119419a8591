package site

import (
	"html/template"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site/i18n"
)

// The template actions the facet list and the hits were before they were
// written in Go (search_html.go); the Go version must give the same bytes.
const (
	oldFacets = `<aside class="facets" aria-label="{{t "search.facets"}}">
{{range .Facets}}<details open><summary>{{t (print "facet." .Name)}}</summary><ul>
  {{$name := .Name}}{{range .Values}}<li><a href="{{.URL}}"{{if .Active}} class="active" aria-current="true"{{end}}>{{if eq $name "kind"}}{{label "kind" .Value}}{{else}}{{.Value}}{{end}}</a> <span class="count">{{num .Count}}</span></li>{{end}}
</ul></details>{{end}}
</aside>`
	oldHits = `<ol class="hits" start="{{.First}}">
{{range .Hits}}<li class="hit">
  <a class="hit-title" href="{{recordURL .Path}}">{{.Title}}</a>
  <div class="hit-meta"><span class="kind kind-{{.Kind}}">{{kind .Kind}}</span>{{if .Customer}} · <a href="{{customerURL .Customer}}">{{if .CustomerName}}{{.CustomerName}}{{else}}{{.Customer}}{{end}}</a>{{end}} · <span class="muted path">{{.Path}}</span></div>
  {{if .Snippet}}<p class="snippet">{{.Snippet}}</p>{{end}}
</li>{{end}}
</ol>`
)

// nasty are values that exercise every replacement of html/template's
// escapers and the characters URL escaping treats specially.
var nasty = []string{
	"", "plain", "华为 S5735", `<script>alert("x")</script>`, "a&b", "it's", "1+1=2",
	"a\x00b", "\ufdd0\uffff", "javascript:alert(1)", "a/b?c#d;e,f", "%41%zz", "50%",
	"x y\t\"z\"", "$&+:=@!*'()[]", "\xff\xfe bad utf-8", "（全角）", "…",
}

func TestSearchHTMLSameAsTemplate(t *testing.T) {
	cs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	res := &index.Result{Total: 12345, Facets: map[string][]index.Facet{}}
	for i, v := range nasty {
		res.Hits = append(res.Hits, index.Hit{
			Customer:     v,
			CustomerName: nasty[(i+1)%len(nasty)],
			Path:         "customers/" + v + "/visits/" + nasty[(i+2)%len(nasty)] + ".md",
			Kind:         archive.Kind([]string{"visit", "devices", "customer", "<odd>", ""}[i%5]),
			Title:        nasty[(i+3)%len(nasty)],
			Snippet:      "<mark>" + v + "</mark> & " + nasty[(i+4)%len(nasty)],
		})
	}
	for _, name := range facetOrder {
		for i, v := range nasty {
			res.Facets[name] = append(res.Facets[name], index.Facet{Value: v, Count: []int{0, 7, 999, 1000, 123456}[i%5]})
		}
	}
	res.Facets["kind"] = append(res.Facets["kind"], index.Facet{Value: "visit", Count: 3}, index.Facet{Value: "guide", Count: 1})
	for _, q := range []string{"S5735", `kind:visit industry:"a b" x`, "district:" + nasty[3], `vendor:"x y z"`} {
		for _, from := range []int{0, 20} {
			p := searchPage{Query: q, From: from}
			p.fill(res)
			for _, g := range p.Facets {
				for _, v := range g.Values {
					term := g.Name + ":" + quoteTerm(v.Value)
					nq := q + " " + term
					if v.Active != containsTerm(q, term) {
						t.Errorf("%q: facet %s active = %v", q, term, v.Active)
					}
					if v.Active {
						nq = strings.Join(strings.Fields(strings.Replace(" "+q+" ", " "+term+" ", " ", 1)), " ")
					}
					if want := "/search?" + (url.Values{"q": {nq}}).Encode(); v.URL != want {
						t.Errorf("%q: facet %s links to %s, want %s", q, term, v.URL, want)
					}
				}
			}
			for _, l := range i18n.Langs {
				c := cs.Get(l)
				funcs := templateFuncs(c)
				for _, tc := range []struct {
					name, tmpl string
					got        template.HTML
				}{
					{"facets", oldFacets, p.facetsHTML(c)},
					{"hits", oldHits, p.hitsHTML(c)},
				} {
					tm := template.Must(template.New(tc.name).Funcs(funcs).Parse(tc.tmpl))
					var want strings.Builder
					if err := tm.Execute(&want, p); err != nil {
						t.Fatal(err)
					}
					if string(tc.got) != want.String() {
						t.Errorf("%s, %q from %d in %s: Go and template differ\ngot:  %s\nwant: %s", tc.name, q, from, l, firstDiff(string(tc.got), want.String()), firstDiff(want.String(), string(tc.got)))
					}
				}
			}
		}
	}
}

// firstDiff is a from a little before where it stops matching b.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(0, i-60):min(len(a), i+60)]
}

func TestSearchHTMLEscapes(t *testing.T) {
	var b strings.Builder
	escapeHTML(&b, "<a href='x'>&\"+\x00</a>")
	if got, want := b.String(), "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&#43;\uFFFD&lt;/a&gt;"; got != want {
		t.Errorf("escapeHTML = %q, want %q", got, want)
	}
}

// safeSnippet's shortcut for snippets as the index writes them gives what
// the tokenizer gives, and anything else still goes through the tokenizer.
func TestSafeSnippetShortcut(t *testing.T) {
	pieces := []string{"光衰", "<mark>", "</mark>", "&lt;", "&gt;", "&amp;", "&#39;", "&#34;", " … ", "S5735",
		"<", ">", "&", "&quot;", "&nbsp;", "<b>", "<mark class=x>", "</mark", "\r\n", "\x00", "\xff", "<script>alert(1)</script>", "<!--", "'", `"`}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		got := safeSnippet(s)
		want := tokenizedSnippet(s)
		if string(got) != want {
			t.Fatalf("safeSnippet(%q) = %q, the tokenizer gives %q", s, got, want)
		}
	}
	if !plainSnippet("核心<mark>交换机</mark>故障 &amp; &lt;b&gt;") || plainSnippet("<b>x</b>") || plainSnippet("a & b") {
		t.Error("plainSnippet misjudges")
	}
}

// tokenizedSnippet is safeSnippet without its shortcut.
func tokenizedSnippet(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
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
