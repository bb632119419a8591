package site_test

import (
	"bytes"
	"cmp"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
	"github.com/dangan-archive/dangan/site/diagram"
)

var cst = time.FixedZone("CST", 8*3600)

// Days of the fixture's commits and the day the tests run "today".
var (
	day1  = time.Date(2026, 3, 1, 10, 0, 0, 0, cst)
	day2  = time.Date(2026, 8, 1, 10, 0, 0, 0, cst)
	today = time.Date(2026, 11, 25, 9, 0, 0, 0, cst)
)

var (
	admin     = access.Viewer{Name: "admin", DisplayName: "管理员", Role: access.Admin}
	liqiang   = access.Viewer{Name: "liqiang", DisplayName: "李强", Role: access.Technician}
	wangfang  = access.Viewer{Name: "wangfang", DisplayName: "王芳", Role: access.Technician}
	marketing = access.Viewer{Name: "shichang", DisplayName: "市场部", Role: access.Marketing}
	zhangwei  = access.Viewer{Name: "zhangwei", DisplayName: "张伟", Role: access.AccountManager}
)

// fixture is a git archive made of testdata/v1.txtar then v2.txtar.
type fixture struct {
	Repo          *gitstore.Repo
	Dir           string
	First, Second string // commit ids
	commitsMu     sync.Mutex
	clock         time.Time
}

func readTxtar(tb testing.TB, name string) []gitstore.FileChange {
	tb.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	var out []gitstore.FileChange
	for _, f := range a.Files {
		out = append(out, gitstore.FileChange{Path: f.Name, Data: f.Data})
	}
	return out
}

// gbkProfile is a customer.md saved as GBK by an old Windows editor.
func gbkProfile(tb testing.TB) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("---\nkind: customer\nname: 米脂县税务局\n---\n机房在办公楼。\n"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func pngBytes(tb testing.TB) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	fx := emptyFixture(tb)
	v1 := readTxtar(tb, "v1.txtar")
	v1 = append(v1,
		gitstore.FileChange{Path: "customers/mz-tax/customer.md", Data: gbkProfile(tb)},
		gitstore.FileChange{Path: "customers/mz-renmin-hospital/notes/rack.png", Data: pngBytes(tb)},
		gitstore.FileChange{Path: "customers/mz-renmin-hospital/notes/evil.svg", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		gitstore.FileChange{Path: "customers/mz-renmin-hospital/notes/wiring.pdf", Data: []byte("%PDF-1.4 fake")},
	)
	fx.First = fx.commit(tb, day1, "liqiang", "建立米脂分公司客户档案", v1)
	fx.Second = fx.commit(tb, day2, "李强", "核心交换机固件升级；记录 7 月维修", readTxtar(tb, "v2.txtar"))
	return fx
}

// emptyFixture is a new git repository with no commit.
func emptyFixture(tb testing.TB) *fixture {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "archive")
	repo, err := gitstore.Init(dir, false)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	repo.Logger = slog.New(slog.DiscardHandler)
	fx := &fixture{Repo: repo, Dir: dir}
	repo.Now = func() time.Time { return fx.clock }
	return fx
}

// commit commits files at a given time and returns the commit id.
func (fx *fixture) commit(tb testing.TB, when time.Time, author, msg string, files []gitstore.FileChange) string {
	tb.Helper()
	fx.commitsMu.Lock()
	defer fx.commitsMu.Unlock()
	head, err := fx.Repo.Head()
	if err != nil {
		tb.Fatal(err)
	}
	fx.clock = when
	id, err := fx.Repo.Commit(context.Background(), gitstore.Change{Parent: head, Author: gitstore.Signature{Name: author, Email: author + "@example.cn", When: when}, Message: msg, Files: files})
	if err != nil {
		tb.Fatalf("commit %q: %v", msg, err)
	}
	return id
}

type viewerKey struct{}

// testServer runs the site over a fixture; requests name their viewer with
// the X-Test-Viewer header (what site/auth's middleware does with a
// session).
type testServer struct {
	*fixture
	Site    *site.Server
	Handler http.Handler
}

type options struct {
	index bool
	store site.Store // nil: the fixture's repository
}

var viewers = map[string]access.Viewer{"admin": admin, "liqiang": liqiang, "wangfang": wangfang, "marketing": marketing, "zhangwei": zhangwei}

// shared diagram renderer: graphviz is the costly part of a page.
var diagrams = diagram.New(diagram.Config{Logger: slog.New(slog.DiscardHandler)})

func newServer(tb testing.TB, opts options) *testServer {
	tb.Helper()
	return newServerOn(tb, newFixture(tb), opts)
}

// newServerOn runs the site over a given fixture.
func newServerOn(tb testing.TB, fx *fixture, opts options) *testServer {
	tb.Helper()
	s := &site.Server{
		Store:         cmp.Or[site.Store](opts.store, fx.Repo),
		Diagrams:      diagrams,
		DefaultViewer: admin,
		Logger:        slog.New(slog.NewTextHandler(tlog{tb}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:           func() time.Time { return today },
		PollInterval:  time.Hour, // tests refresh by hand
		ViewerFrom: func(ctx context.Context) (access.Viewer, bool) {
			v, ok := ctx.Value(viewerKey{}).(access.Viewer)
			return v, ok
		},
		Middleware: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if v, ok := viewers[r.Header.Get("X-Test-Viewer")]; ok {
					r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
				}
				next.ServeHTTP(w, r)
			})
		},
	}
	if opts.index {
		ix, err := index.Open(filepath.Join(tb.TempDir(), "index"))
		if err != nil {
			tb.Fatal(err)
		}
		ix.Logger = slog.New(slog.DiscardHandler)
		tb.Cleanup(func() { ix.Close() })
		s.Index = ix
	}
	if err := s.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if opts.index {
		if err := s.Live().Refresh(context.Background()); err != nil {
			tb.Fatal(err)
		}
		waitIndexed(tb, s)
	}
	return &testServer{fixture: fx, Site: s, Handler: s.Handler()}
}

// waitIndexed waits until the index has caught up with the live commit:
// the first sync runs in the background.
func waitIndexed(tb testing.TB, s *site.Server) {
	tb.Helper()
	for i := 0; s.Live().Indexed() != s.Live().Snapshot().Commit; i++ {
		if i > 3000 {
			tb.Fatal("index never caught up")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type response struct {
	*http.Response
	Body string
	Doc  *html.Node
}

// get requests a URL as a viewer ("" for the default) and parses HTML.
func (ts *testServer) get(tb testing.TB, viewer, url string, header ...string) response {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	if viewer != "" {
		req.Header.Set("X-Test-Viewer", viewer)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return ts.do(tb, req)
}

func (ts *testServer) do(tb testing.TB, req *http.Request) response {
	tb.Helper()
	rec := httptest.NewRecorder()
	ts.Handler.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	r := response{Response: res, Body: string(body)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			tb.Fatalf("GET %s: HTML does not parse: %v", req.URL, err)
		}
		r.Doc = doc
	}
	return r
}

// A small CSS selector engine: compound selectors of tag, #id, .class and
// [attr] / [attr=value], joined by the descendant combinator.
type simple struct {
	tag, id string
	classes []string
	attrs   [][2]string // name, value ("" value: present)
}

func parseSelector(sel string) []simple {
	var out []simple
	for _, part := range strings.Fields(sel) {
		var s simple
		for part != "" {
			i := strings.IndexAny(part[1:], ".#[") + 1
			if i == 0 {
				i = len(part)
			}
			tok := part[:i]
			part = part[i:]
			switch tok[0] {
			case '.':
				s.classes = append(s.classes, tok[1:])
			case '#':
				s.id = tok[1:]
			case '[':
				for !strings.HasSuffix(tok, "]") && part != "" {
					j := strings.Index(part, "]") + 1
					tok, part = tok+part[:j], part[j:]
				}
				name, val, _ := strings.Cut(strings.Trim(tok, "[]"), "=")
				s.attrs = append(s.attrs, [2]string{name, strings.Trim(val, `"`)})
			default:
				s.tag = tok
			}
		}
		out = append(out, s)
	}
	return out
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func (s simple) match(n *html.Node) bool {
	if n.Type != html.ElementNode || (s.tag != "" && n.Data != s.tag) {
		return false
	}
	if s.id != "" {
		if v, _ := attr(n, "id"); v != s.id {
			return false
		}
	}
	class, _ := attr(n, "class")
	for _, c := range s.classes {
		if !strings.Contains(" "+class+" ", " "+c+" ") {
			return false
		}
	}
	for _, a := range s.attrs {
		v, ok := attr(n, a[0])
		if !ok || (a[1] != "" && v != a[1]) {
			return false
		}
	}
	return true
}

// findAll returns the elements under root matching a selector.
func findAll(root *html.Node, sel string) []*html.Node {
	chain := parseSelector(sel)
	var out []*html.Node
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			d := depth
			if chain[d].match(c) {
				if d == len(chain)-1 {
					out = append(out, c)
				} else {
					d++
				}
			}
			walk(c, d)
		}
	}
	if root != nil {
		walk(root, 0)
	}
	return out
}

func find(tb testing.TB, root *html.Node, sel string) *html.Node {
	tb.Helper()
	ns := findAll(root, sel)
	if len(ns) == 0 {
		tb.Fatalf("no element matches %q", sel)
	}
	return ns[0]
}

// text is the text content of a node, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func texts(ns []*html.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = text(n)
	}
	return out
}

// tlog sends the site's log to the test's log, shown when a test fails.
type tlog struct{ tb testing.TB }

func (l tlog) Write(p []byte) (int, error) {
	l.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
