// Package markdown turns the markdown body of an archive record into HTML
// that is safe to put in a page. Records are written by many people and
// arrive through git, so their markdown is untrusted: raw HTML is never
// passed through, links keep only harmless schemes, and relative links and
// images are rewritten to the site's own addresses for the record's folder
// and version.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"

	"github.com/dangan-archive/dangan/archive"
)

// Renderer holds the one goldmark configuration of the site. It is safe for
// concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// New returns the site's markdown renderer: GitHub-flavoured markdown
// (tables, task lists, strikethrough, autolinks) with heading ids; raw HTML
// off (goldmark's default, kept explicitly so nobody turns it on by accident).
func New() *Renderer {
	return &Renderer{md: goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)}
}

// Source says where a record lives, so that relative links and images can
// be resolved: Dir is the record's folder in the archive ("customers/x/notes"),
// Version the commit to pin attachments to ("" for the current one).
type Source struct {
	Dir     string
	Version string
}

// Render converts markdown to HTML. A panic inside goldmark (a parser bug
// on odd input) becomes an error, so one bad record never takes a page down.
func (r *Renderer) Render(src []byte, from Source) (out template.HTML, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = "", fmt.Errorf("render markdown: %v", p)
		}
	}()
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	rewrite(doc, src, from)
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	// goldmark escapes text and drops raw HTML, and rewrite left only
	// vetted URLs, so the output may be typed as trusted HTML.
	return template.HTML(buf.String()), nil //nolint:gosec // see comment above
}

// rewrite walks the document and fixes every link and image destination.
func rewrite(doc ast.Node, src []byte, from Source) {
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			dest, ok := LinkURL(string(n.Destination), from)
			if !ok {
				drop = append(drop, n)
				return ast.WalkContinue, nil
			}
			n.Destination = []byte(dest)
		case *ast.Image:
			dest, ok := ImageURL(string(n.Destination), from)
			if !ok {
				drop = append(drop, n)
				return ast.WalkSkipChildren, nil
			}
			n.Destination = []byte(dest)
		case *ast.AutoLink:
			if !safeScheme(string(n.URL(src))) {
				drop = append(drop, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		unwrap(n, src)
	}
}

// unwrap replaces a link or image that cannot be kept by its text, so the
// reader still sees what the writer meant, without the dangerous target.
func unwrap(n ast.Node, src []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch n := n.(type) {
	case *ast.Image:
		alt := nodeText(n, src)
		parent.ReplaceChild(parent, n, ast.NewString([]byte(alt)))
	case *ast.AutoLink:
		parent.ReplaceChild(parent, n, ast.NewString(n.Label(src)))
	default:
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if t, ok := c.(*ast.Text); ok {
				b.Write(t.Segment.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// safeSchemes are the only schemes a link may use.
var safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

func safeScheme(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	return safeSchemes[strings.ToLower(u.Scheme)]
}

// LinkURL decides where a link in a record goes. Absolute links keep only
// safe schemes; links to other records (.md) go to their record page,
// anything else relative to the attachment server; fragments stay on the
// page. ok is false when the link must be dropped.
func LinkURL(raw string, from Source) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	if strings.HasPrefix(raw, "#") {
		return raw, true
	}
	u, err := url.Parse(raw)
	if err != nil || hasControl(raw) {
		return "", false
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "//") {
		if safeSchemes[strings.ToLower(u.Scheme)] && u.Scheme != "" {
			return u.String(), true
		}
		return "", false
	}
	p, ok := resolve(u.Path, from.Dir)
	if !ok {
		return "", false
	}
	if strings.HasSuffix(p, archive.RecordSuffix) {
		return withFragment("/records/"+escapePath(p)+versionQuery(from.Version), u.EscapedFragment()), true
	}
	return "/files/" + escapePath(p) + versionQuery(from.Version), true
}

// ImageURL resolves an image: only images stored in the archive are shown
// (served by the site, so the page's Content-Security-Policy allows them and
// nothing leaks to other hosts); external and data: images are dropped.
func ImageURL(raw string, from Source) (string, bool) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if raw == "" || err != nil || hasControl(raw) || u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "//") {
		return "", false
	}
	p, ok := resolve(u.Path, from.Dir)
	if !ok {
		return "", false
	}
	return "/files/" + escapePath(p) + versionQuery(from.Version), true
}

// resolve joins a relative path to the record's folder; paths that would
// leave the archive are refused.
func resolve(rel, dir string) (string, bool) {
	if rel == "" {
		return "", false
	}
	var joined string
	if strings.HasPrefix(rel, "/") {
		joined = strings.TrimPrefix(rel, "/")
	} else {
		// An unrooted join keeps a leading ".." when rel climbs above the
		// archive root; a rooted one would silently drop it.
		joined = path.Join(dir, rel)
		if joined == ".." || strings.HasPrefix(joined, "../") {
			return "", false
		}
	}
	return archive.CleanPath(joined)
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func versionQuery(v string) string {
	if v == "" {
		return ""
	}
	return "?v=" + url.QueryEscape(v)
}

func withFragment(u, frag string) string {
	if frag == "" {
		return u
	}
	return u + "#" + frag
}

// escapePath escapes each segment of an archive path for use in a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// ids makes heading anchors that keep Chinese: goldmark's default keeps only
// ASCII letters, so every Chinese heading would be "heading-N".
type ids struct{ used map[string]bool }

func newIDs() *ids { return &ids{used: map[string]bool{}} }

func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(string(value)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			dash = false
		case (unicode.IsSpace(r) || r == '-' || r == '_') && b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.TrimSuffix(b.String(), "-")
	if base == "" {
		base = "section"
	}
	id := base
	for i := 1; s.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }
