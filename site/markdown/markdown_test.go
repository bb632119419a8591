package markdown_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/site/markdown"
)

var update = flag.Bool("update", false, "rewrite golden files")

// hostile is markdown a careless or malicious editor could commit.
var hostile = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[click](javascript:alert(1))",
	"[click](JaVaScRiPt:alert(1))",
	"[click]( javascript:alert(1) )",
	"[click](java\tscript:alert(1))",
	"[click](vbscript:msgbox(1))",
	"[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![x](data:image/png;base64,iVBORw0KGgo=)",
	"![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
	"![x](https://evil.example/track.png)",
	"[x](file:///etc/passwd)",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<iframe src=\"https://evil.example\"></iframe>",
	"<style>body{display:none}</style>",
	"[x][ref]\n\n[ref]: javascript:alert(1)",
	"<javascript:alert(1)>",
	"www.example.com/<script>",
	"[x](../../../../etc/passwd)",
	"![x](../../../.git/config)",
	"| a | b |\n|---|---|\n| <script>x</script> | [y](javascript:z) |",
	"- [ ] <b onmouseover=alert(1)>task</b>",
	"# <img src=x onerror=alert(1)>",
	"<svg onload=alert(1)>",
	"[x](\"onmouseover=alert(1))",
}

func TestHostileMarkdownIsInert(t *testing.T) {
	r := markdown.New()
	for _, src := range hostile {
		out, err := r.Render([]byte(src), markdown.Source{Dir: "customers/a/notes"})
		if err != nil {
			t.Errorf("Render(%q): %v", src, err)
			continue
		}
		if problem := inert(string(out)); problem != "" {
			t.Errorf("Render(%q) = %s\n%s", src, out, problem)
		}
	}
}

// inert parses HTML and says what is unsafe in it, or "".
func inert(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "does not parse: " + err.Error()
	}
	var bad string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "style", "object", "embed", "svg", "form", "base", "meta", "link":
				bad = "element <" + n.Data + ">"
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || k == "style" || k == "srcdoc" {
					bad = "attribute " + k
				}
				if k == "href" || k == "src" {
					if !allowedURL(a.Val) {
						bad = k + "=" + a.Val
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return bad
}

func allowedURL(u string) bool {
	for _, p := range []string{"/records/", "/files/", "#", "http://", "https://", "mailto:", "tel:"} {
		if !strings.HasPrefix(u, p) {
			continue
		}
		if p != "/records/" && p != "/files/" {
			return true
		}
		path, _, _ := strings.Cut(u, "?")
		for _, seg := range strings.Split(path, "/") {
			if seg == ".." || seg == "." || seg == ".git" {
				return false
			}
		}
		return true
	}
	return false
}

func TestLinkURL(t *testing.T) {
	from := markdown.Source{Dir: "customers/mz-a/notes"}
	pinned := markdown.Source{Dir: "customers/mz-a/notes", Version: "abc123"}
	tests := []struct {
		raw  string
		from markdown.Source
		want string
		ok   bool
	}{
		{"https://example.com/a?b=1", from, "https://example.com/a?b=1", true},
		{"mailto:ops@example.com", from, "mailto:ops@example.com", true},
		{"#安装步骤", from, "#安装步骤", true},
		{"jifang.md", from, "/records/customers/mz-a/notes/jifang.md", true},
		{"../devices.md#core", from, "/records/customers/mz-a/devices.md#core", true},
		{"/guides/olt.md", from, "/records/guides/olt.md", true},
		{"rack.pdf", pinned, "/files/customers/mz-a/notes/rack.pdf?v=abc123", true},
		{"机房 照片.png", from, "/files/customers/mz-a/notes/%E6%9C%BA%E6%88%BF%20%E7%85%A7%E7%89%87.png", true},
		{"javascript:alert(1)", from, "", false},
		{"data:text/html,x", from, "", false},
		{"vbscript:x", from, "", false},
		{"//evil.example/x", from, "", false},
		{"../../../../etc/passwd", from, "", false},
		{"../../../.git/config", from, "", false},
		{"", from, "", false},
	}
	for _, tt := range tests {
		got, ok := markdown.LinkURL(tt.raw, tt.from)
		if got != tt.want || ok != tt.ok {
			t.Errorf("LinkURL(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func TestImageURL(t *testing.T) {
	from := markdown.Source{Dir: "customers/mz-a/notes", Version: "c0ffee"}
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"rack.jpg", "/files/customers/mz-a/notes/rack.jpg?v=c0ffee", true},
		{"img/rack.jpg", "/files/customers/mz-a/notes/img/rack.jpg?v=c0ffee", true},
		{"https://example.com/x.png", "", false},
		{"data:image/png;base64,AAAA", "", false},
		{"../../../../x.png", "", false},
	}
	for _, tt := range tests {
		got, ok := markdown.ImageURL(tt.raw, from)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ImageURL(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

// TestGolden renders a realistic note: tables, task lists, Chinese heading
// anchors, an image beside the record.
func TestGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "note.md"))
	if err != nil {
		t.Fatal(err)
	}
	rec := archive.Parse("customers/mz-renmin-hospital/notes/jifang.md", src)
	out, err := markdown.New().Render([]byte(rec.Body), markdown.Source{Dir: "customers/mz-renmin-hospital/notes", Version: "0123abcd"})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "note.html")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(out)); diff != "" {
		t.Errorf("rendered note differs from %s (-want +got):\n%s", golden, diff)
	}
	if p := inert(string(out)); p != "" {
		t.Errorf("golden output not inert: %s", p)
	}
}

func FuzzRender(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	r := markdown.New()
	f.Fuzz(func(t *testing.T, src string) {
		out, err := r.Render([]byte(src), markdown.Source{Dir: "customers/a/notes", Version: "v1"})
		if err != nil {
			return
		}
		if p := inert(string(out)); p != "" {
			t.Fatalf("Render(%q) = %q: %s", src, out, p)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "note.md"))
	if err != nil {
		b.Fatal(err)
	}
	r := markdown.New()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := r.Render(src, markdown.Source{Dir: "customers/x/notes"}); err != nil {
			b.Fatal(err)
		}
	}
}
