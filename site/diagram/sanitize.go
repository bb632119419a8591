package diagram

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The SVG is inlined into pages under a strict Content-Security-Policy and
// carries user text, so graphviz's output is not trusted as it is: it is
// parsed and written again keeping only the elements and attributes a static
// drawing needs. Scripts, links, event handlers, external references, ids
// (which would clash with the page's), comments and the DOCTYPE cannot
// survive, whatever graphviz or a label put there.

var allowedElements = map[string]bool{
	"svg": true, "g": true, "polygon": true, "polyline": true, "path": true,
	"ellipse": true, "circle": true, "rect": true, "line": true, "text": true,
}

var allowedAttrs = map[string]bool{
	"width": true, "height": true, "viewBox": true, "class": true, "transform": true,
	"fill": true, "stroke": true, "stroke-width": true, "stroke-dasharray": true,
	"stroke-opacity": true, "fill-opacity": true, "opacity": true,
	"points": true, "d": true, "cx": true, "cy": true, "rx": true, "ry": true, "r": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"text-anchor": true, "font-size": true, "font-weight": true, "font-style": true,
	"text-decoration": true, "font-family": true,
}

// sanitize rewrites graphviz's SVG as a standalone, inert SVG with the CJK
// font list on every text.
func sanitize(in []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(in))
	dec.Strict = true
	var out bytes.Buffer
	out.Grow(len(in))
	// skip > 0 while inside an element that is dropped with its content.
	skip := 0
	root := false
	open := 0 // elements written and not yet closed
tokens:
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read graphviz SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if skip > 0 || !allowedElements[name] || (t.Name.Space != "" && t.Name.Space != svgNS) {
				skip++
				continue
			}
			if root && open == 0 {
				break tokens // one document: nothing after the root element
			}
			open++
			out.WriteByte('<')
			out.WriteString(name)
			if name == "svg" && !root {
				root = true
				out.WriteString(` xmlns="` + svgNS + `" role="img" font-family="` + escText(FontFamily) + `"`)
			}
			for _, a := range t.Attr {
				if a.Name.Space != "" || !allowedAttrs[a.Name.Local] || unsafeValue(a.Value) {
					continue
				}
				if a.Name.Local == "font-family" {
					continue // inherited from the root, which names the CJK fonts
				}
				fmt.Fprintf(&out, ` %s="%s"`, a.Name.Local, escText(a.Value))
			}
			out.WriteByte('>')
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			out.WriteString("</" + t.Name.Local + ">")
			open--
		case xml.CharData:
			if skip == 0 && root {
				// Graphviz writes the padding of edge labels (padCJK) as
				// no-break spaces, which browsers would draw.
				out.WriteString(escText(strings.Trim(string(t), " \u00a0")))
			}
		}
		// Comments, processing instructions and directives are dropped.
	}
	if !root {
		return nil, errors.New("graphviz SVG without an <svg> element")
	}
	return out.Bytes(), nil
}

const svgNS = "http://www.w3.org/2000/svg"

// unsafeValue refuses attribute values that could reach outside the
// drawing: url(...) references, script URLs, CSS expressions.
func unsafeValue(v string) bool {
	l := strings.ToLower(v)
	return strings.Contains(l, "url(") || strings.Contains(l, "javascript:") || strings.Contains(l, "expression(") || strings.Contains(l, "data:")
}

// escText escapes text for both element content and double-quoted
// attributes; unlike xml.EscapeText it leaves line breaks as they are.
var escText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace
