package site_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// postForm posts a form as a viewer, the way a browser sends a text area:
// every line end as CRLF.
func (ts *testServer) postForm(t *testing.T, viewer, target string, form url.Values) response {
	t.Helper()
	for k, vs := range form {
		for i, v := range vs {
			vs[i] = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\n", "\r\n")
		}
		form[k] = vs
	}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Viewer", viewer)
	return ts.do(t, req)
}

// textarea returns the text of the text area named name inside the
// element matching sel, as the browser would submit it (the parser drops
// the line break right after the opening tag).
func textarea(t *testing.T, root *html.Node, sel string) string {
	t.Helper()
	n := find(t, root, sel+" textarea[name=content]")
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(c.Data)
	}
	return b.String()
}

func hidden(t *testing.T, root *html.Node, sel, name string) string {
	t.Helper()
	v, _ := attr(find(t, root, sel+" input[name="+name+"]"), "value")
	return v
}

func TestSourceEditorRoundTrip(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	cur := ts.current(t, sparesPath)
	page := ts.get(t, "liqiang", "/source/"+sparesPath)
	if page.StatusCode != 200 {
		t.Fatalf("GET /source: %d", page.StatusCode)
	}
	content, base := textarea(t, page.Doc, "form"), hidden(t, page.Doc, "form", "base")
	if content != string(cur.Data) || base != cur.Version {
		t.Fatalf("editor shows %q at %q, want the file at %s", content, base, cur.Version)
	}
	// Sent back untouched (with the browser's CRLFs): nothing committed.
	before := ts.head(t)
	res := ts.postForm(t, "liqiang", "/source/"+sparesPath, url.Values{"content": {content}, "base": {base}, "message": {""}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/records/"+sparesPath {
		t.Fatalf("POST unchanged: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if ts.head(t) != before {
		t.Error("an unchanged text made a commit (line ends not restored?)")
	}
	// Edited: one commit, LF kept.
	res = ts.postForm(t, "liqiang", "/source/"+sparesPath, url.Values{"content": {content + "已核对。\n"}, "base": {base}, "message": {"核对备件"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d %s", res.StatusCode, res.Body)
	}
	if got := string(ts.current(t, sparesPath).Data); got != string(cur.Data)+"已核对。\n" {
		t.Errorf("saved %q", got)
	}
}

func TestSourceEditorKeepsTextOnErrors(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	cur := ts.current(t, sparesPath)
	broken := "---\nkind: spares\nparts: [\n---\n我的笔记，不能丢。\n"
	res := ts.postForm(t, "liqiang", "/source/"+sparesPath, url.Values{"content": {broken}, "base": {cur.Version}, "message": {"坏的"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid POST: %d", res.StatusCode)
	}
	if got := textarea(t, res.Doc, "form"); got != broken {
		t.Errorf("text area holds %q, want what was typed", got)
	}
	if got := hidden(t, res.Doc, "form", "base"); got != cur.Version {
		t.Errorf("base %q, want %q", got, cur.Version)
	}
	if v, _ := attr(find(t, res.Doc, "input[name=message]"), "value"); v != "坏的" {
		t.Errorf("message %q not kept", v)
	}
	lines := texts(findAll(res.Doc, ".problem-lines th"))
	if len(lines) == 0 || !strings.Contains(lines[0], "3") {
		t.Errorf("problem lines %v, want line 3", lines)
	}
	// Not allowed: the text comes back too, with the reason.
	res = ts.postForm(t, "marketing", "/source/"+sparesPath, url.Values{"content": {"市场部的文本\n"}, "base": {cur.Version}})
	if res.StatusCode != http.StatusForbidden || textarea(t, res.Doc, "form") != "市场部的文本\n" {
		t.Errorf("forbidden POST: %d, text kept: %v", res.StatusCode, strings.Contains(res.Body, "市场部的文本"))
	}
	for _, tc := range []struct {
		viewer, path string
		want         int
	}{
		{"marketing", sparesPath, 403},
		{"liqiang", "customers/mz-gongan/devices.md", 404},
		{"wangfang", "customers/mz-gongan/devices.md", 200},
		{"liqiang", "customers/mz-renmin-hospital/notes/rack.png", 404},
		{"liqiang", "customers/mz-school/notes/new.md", 200},
	} {
		if res := ts.get(t, tc.viewer, "/source/"+tc.path); res.StatusCode != tc.want {
			t.Errorf("GET /source/%s as %s: %d, want %d", tc.path, tc.viewer, res.StatusCode, tc.want)
		}
	}
}

// TestConflictFlow is the conflict end to end as a browser sees it: open
// the editor, someone pushes, save, get the conflict page, save again.
func TestConflictFlow(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	open := ts.get(t, "liqiang", "/source/"+sparesPath)
	content, base := textarea(t, open.Doc, "form"), hidden(t, open.Doc, "form", "base")

	// Apart: the page offers the merge, saved on the new version.
	ts.push(t, sparesPath, content+"王芳：电源模块已到货。\n")
	theirs := ts.current(t, sparesPath)
	yours := strings.Replace(content, "required: 2", "required: 3", 1)
	res := ts.postForm(t, "liqiang", "/source/"+sparesPath, url.Values{"content": {yours}, "base": {base}, "message": {"需要三个"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale POST: %d", res.StatusCode)
	}
	merged := textarea(t, res.Doc, "#merged")
	if !strings.Contains(merged, "required: 3") || !strings.Contains(merged, "电源模块已到货") {
		t.Errorf("merge %q lacks a side", merged)
	}
	if got := textarea(t, res.Doc, "#yours"); got != yours {
		t.Errorf("your text is %q, want it kept", got)
	}
	if hidden(t, res.Doc, "#merged", "base") != theirs.Version || hidden(t, res.Doc, "#merged", "message") != "需要三个" {
		t.Error("the merge form does not save on the current version with the message typed")
	}
	if len(findAll(res.Doc, "#changes .sides")) == 0 {
		t.Error("no side-by-side changes")
	}
	if ts.current(t, sparesPath).Version != theirs.Version {
		t.Fatal("the conflicting save was committed")
	}
	res = ts.postForm(t, "liqiang", "/source/"+sparesPath, url.Values{"content": {merged}, "base": {theirs.Version}, "message": {"需要三个"}})
	if res.StatusCode != http.StatusSeeOther || string(ts.current(t, sparesPath).Data) != merged {
		t.Fatalf("saving the merge: %d, file %q", res.StatusCode, ts.current(t, sparesPath).Data)
	}

	// Overlapping: no merge to save, your text kept, the marked merge shown.
	now := ts.current(t, sparesPath)
	ts.push(t, sparesPath, strings.Replace(string(now.Data), "due: 2026-12-01", "due: 2026-11-28", 1))
	mine := strings.Replace(string(now.Data), "due: 2026-12-01", "due: 2026-12-09", 1)
	res = ts.postForm(t, "liqiang", "/source/"+sparesPath, url.Values{"content": {mine}, "base": {now.Version}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("overlapping POST: %d", res.StatusCode)
	}
	if len(findAll(res.Doc, "#merged")) != 0 {
		t.Error("an overlapping conflict offers a merge to save")
	}
	if got := textarea(t, res.Doc, "#yours"); got != mine {
		t.Errorf("your text %q, want it kept", got)
	}
	if len(findAll(res.Doc, ".sides.overlap")) == 0 || !strings.Contains(text(find(t, res.Doc, "#yours details")), "<<<<<<<") {
		t.Error("the overlap is not shown")
	}
	if strings.Contains(string(ts.current(t, sparesPath).Data), "<<<<<<<") || strings.Contains(string(ts.current(t, sparesPath).Data), "2026-12-09") {
		t.Error("an overlapping save reached the archive")
	}
}
