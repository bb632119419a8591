package site_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

type apiRecordOut struct {
	Path, Version, Commit, Content string
}

type apiSaveOut struct {
	Path, Commit, Version string
	Unchanged             bool
	Warnings              []struct{ Path, Message string }
	Error                 struct{ Code, Message string }
	Base, Theirs, Yours   struct {
		Version string
		Content *string
	}
	Merge *struct {
		Clean     bool
		Conflicts int
		Content   string
	}
	Problems []struct {
		Path      string
		Line, Col int
		Severity  string
		Message   string
	}
}

// put sends PUT /api/records/{path} as a viewer and decodes the answer.
func (ts *testServer) put(t *testing.T, viewer, path string, body any) (int, apiSaveOut) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPut, "/api/records/"+path, strings.NewReader(string(b)))
	req.Header.Set("X-Test-Viewer", viewer)
	req.Header.Set("Content-Type", "application/json")
	return ts.saveAnswer(t, req)
}

func (ts *testServer) saveAnswer(t *testing.T, req *http.Request) (int, apiSaveOut) {
	t.Helper()
	res := ts.do(t, req)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s %s: %d %s: %s", req.Method, req.URL, res.StatusCode, res.Header.Get("Content-Type"), res.Body)
	}
	var out apiSaveOut
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
	return res.StatusCode, out
}

func TestAPISave(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{index: true})
	var got apiRecordOut
	decode(t, ts.get(t, "liqiang", "/api/records/"+sparesPath), &got)
	if got.Version != ts.current(t, sparesPath).Version {
		t.Fatalf("GET version %q, want the blob id %q", got.Version, ts.current(t, sparesPath).Version)
	}

	// 200: saved on the version read; search finds the new text at once.
	edited := got.Content + "备用光模块放在 B 柜抽屉。\n"
	status, out := ts.put(t, "liqiang", sparesPath, map[string]string{"content": edited, "version": got.Version, "message": "备件位置"})
	if status != 200 || out.Commit != ts.head(t) || out.Version != ts.current(t, sparesPath).Version || out.Unchanged {
		t.Fatalf("PUT: %d %+v", status, out)
	}
	var search struct{ Total int }
	decode(t, ts.get(t, "liqiang", "/api/search?q="+url.QueryEscape("B 柜抽屉")), &search)
	if search.Total == 0 {
		t.Error("search does not find the text just saved")
	}
	var again apiRecordOut
	decode(t, ts.get(t, "liqiang", "/api/records/"+sparesPath), &again)
	if again.Version != out.Version || again.Content != edited {
		t.Errorf("GET after PUT: version %s, want %s", again.Version, out.Version)
	}

	// 200 unchanged: the same content again.
	status, same := ts.put(t, "liqiang", sparesPath, map[string]string{"content": edited, "version": out.Version})
	if status != 200 || !same.Unchanged || same.Commit != out.Commit {
		t.Errorf("PUT unchanged: %d %+v", status, same)
	}

	// 409: the version the client read is stale; both versions and the merge.
	yours := strings.Replace(got.Content, "due: 2026-12-01", "due: 2026-12-20", 1)
	status, c := ts.put(t, "liqiang", sparesPath, map[string]string{"content": yours, "version": got.Version})
	if status != 409 || c.Error.Code != "conflict" || c.Theirs.Version != out.Version || c.Theirs.Content == nil || *c.Theirs.Content != edited ||
		c.Base.Version != got.Version || c.Base.Content == nil || *c.Base.Content != got.Content || c.Yours.Content == nil || *c.Yours.Content != yours {
		t.Fatalf("stale PUT: %d %+v", status, c)
	}
	if c.Merge == nil || !c.Merge.Clean || !strings.Contains(c.Merge.Content, "due: 2026-12-20") || !strings.Contains(c.Merge.Content, "B 柜抽屉") {
		t.Errorf("merge %+v: want both changes", c.Merge)
	}
	if ts.head(t) != out.Commit {
		t.Error("a 409 committed")
	}
	// The merge sent back on theirs' version saves.
	if status, _ := ts.put(t, "liqiang", sparesPath, map[string]string{"content": c.Merge.Content, "version": c.Theirs.Version}); status != 200 {
		t.Errorf("PUT of the merge: %d", status)
	}

	// 422: the checker's problems at their lines.
	cur := ts.current(t, sparesPath)
	status, inv := ts.put(t, "liqiang", sparesPath, map[string]string{"content": "---\nkind: spares\nparts: [\n---\n", "version": cur.Version})
	if status != 422 || inv.Error.Code != "invalid" || len(inv.Problems) == 0 || inv.Problems[0].Line != 3 || inv.Problems[0].Path != sparesPath {
		t.Errorf("invalid PUT: %d %+v", status, inv)
	}

	// New file: empty version; again with an empty version: 409.
	newPath := "customers/mz-school/visits/2026-11-24-repair.md"
	visit := "---\nkind: visit\ntype: repair\ntechnician: liqiang\nappointment: 2026-11-24T09:00\narrived: 2026-11-24T08:50\noutcome: resolved\n---\n换了风扇。\n"
	status, created := ts.put(t, "liqiang", newPath, map[string]string{"content": visit, "message": "巡检"})
	if status != 200 || created.Version == "" {
		t.Fatalf("PUT new: %d %+v", status, created)
	}
	if status, _ := ts.put(t, "liqiang", newPath, map[string]string{"content": visit + "x\n"}); status != 409 {
		t.Errorf("PUT new over an existing file: %d, want 409", status)
	}

	// DELETE on the version read; then 404 on a GET.
	req := httptest.NewRequest(http.MethodDelete, "/api/records/"+newPath+"?version="+created.Version, nil)
	req.Header.Set("X-Test-Viewer", "liqiang")
	if status, del := ts.saveAnswer(t, req); status != 200 || del.Version != "" {
		t.Errorf("DELETE: %d %+v", status, del)
	}
	if res := ts.get(t, "liqiang", "/api/records/"+newPath); res.StatusCode != 404 {
		t.Errorf("GET after DELETE: %d", res.StatusCode)
	}
}

func TestAPISaveRefused(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	gongan := "customers/mz-gongan/devices.md"
	base := ts.current(t, gongan)
	for _, tc := range []struct {
		name, viewer, path string
		body               any
		want               int
		code               string
	}{
		{"restricted, not assigned", "liqiang", gongan, map[string]string{"content": "x", "version": base.Version}, 404, "not_found"},
		{"marketing on devices", "marketing", sparesPath, map[string]string{"content": "x", "version": ts.current(t, sparesPath).Version}, 403, "forbidden"},
		{"not a record", "liqiang", "customers/mz-renmin-hospital/notes/rack.png", map[string]string{"content": "x"}, 404, "not_found"},
		{"outside the archive", "admin", "..%2Fetc%2Fpasswd", map[string]string{"content": "x"}, 404, "not_found"},
		{"no content", "liqiang", sparesPath, map[string]string{"version": "abc"}, 400, "bad_request"},
		{"not JSON", "liqiang", sparesPath, "content=x", 400, "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ts.head(t)
			status, out := ts.put(t, tc.viewer, tc.path, tc.body)
			if status != tc.want || out.Error.Code != tc.code || out.Error.Message == "" {
				t.Errorf("PUT: %d %+v, want %d %s", status, out.Error, tc.want, tc.code)
			}
			if ts.head(t) != before {
				t.Error("a refused PUT committed")
			}
		})
	}
	// The 404 of an invisible customer is the 404 of one that does not exist.
	_, hidden := ts.put(t, "liqiang", gongan, map[string]string{"content": "x", "version": base.Version})
	_, missing := ts.put(t, "liqiang", "customers/no-such/devices.md", map[string]string{"content": "---\nkind: devices\n---\n", "version": "0123"})
	if hidden.Error != missing.Error {
		t.Errorf("hidden customer answers %+v, a missing one %+v", hidden.Error, missing.Error)
	}
}
