package site_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

const importCSV = "设备名称,厂商,型号,序列号,管理IP,安装日期,保修截止,状态\n" +
	"核心交换机,华为,S5735-L24P4X-A1,2102351234ABCD,10.12.0.1,2021/3/15,2026/3/14,在用\n" +
	"备份服务器,浪潮,NF5280M6,IN2301ABCD,10.12.0.50,2023年1月10日,2028-01-09,在用\n" +
	"路由器,华为,AR6120,2102353AAA,10.12.0.256,2023/3/5,,在用\n"

// upload posts a file to /import/preview as viewer.
func (ts *testServer) upload(t *testing.T, viewer, name, data string, fields map[string]string) response {
	t.Helper()
	return ts.uploadIn(t, "", viewer, name, data, fields)
}

// uploadIn posts a file with an Accept-Language header.
func (ts *testServer) uploadIn(t *testing.T, lang, viewer, name, data string, fields map[string]string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(data))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/import/preview", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Test-Viewer", viewer)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return ts.do(t, req)
}

// confirmFrom posts the confirmation form of a preview page.
func (ts *testServer) confirmFrom(t *testing.T, viewer string, preview response) response {
	t.Helper()
	form := url.Values{}
	for _, in := range findAll(preview.Doc, "form.import-confirm input") {
		name, _ := attr(in, "name")
		val, _ := attr(in, "value")
		form.Set(name, val)
	}
	if form.Get("payload") == "" {
		t.Fatalf("the preview has no confirmation form:\n%s", preview.Body)
	}
	req := httptest.NewRequest(http.MethodPost, "/import/confirm", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Viewer", viewer)
	return ts.do(t, req)
}

func TestImportPreviewCommitsNothingThenConfirm(t *testing.T) {
	ts := newServer(t, options{})
	before := ts.head(t)
	res := ts.upload(t, "liqiang", "设备.csv", importCSV, map[string]string{"kind": "devices", "customer": "mz-renmin-hospital"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.StatusCode, res.Body)
	}
	if h := ts.head(t); h != before {
		t.Fatalf("the preview committed %s", h)
	}
	plan := text(find(t, res.Doc, "table.import-plan"))
	if !strings.Contains(plan, "米脂县人民医院") || !strings.Contains(plan, "mz-renmin-hospital") {
		t.Errorf("plan table: %q", plan)
	}
	bad := texts(findAll(res.Doc, "table.import-bad tbody tr"))
	if len(bad) != 1 || !strings.Contains(bad[0], "4") || !strings.Contains(bad[0], "E（管理IP）") || !strings.Contains(bad[0], "10.12.0.256") {
		t.Errorf("bad rows: %q", bad)
	}
	if strings.Contains(res.Body, "%!") {
		t.Errorf("a message is badly formatted:\n%s", res.Body)
	}
	files := texts(findAll(res.Doc, ".import-files summary"))
	if len(files) != 1 || !strings.Contains(files[0], "customers/mz-renmin-hospital/devices.md") {
		t.Errorf("files: %q", files)
	}

	res = ts.confirmFrom(t, "liqiang", res)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=") {
		t.Fatalf("confirm: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	after := ts.head(t)
	if after == before {
		t.Fatal("confirm committed nothing")
	}
	info, err := ts.Repo.CommitInfo(after)
	if err != nil || info.Author != "李强" || !strings.Contains(info.Message, "1 行未导入") {
		t.Errorf("commit %+v %v", info, err)
	}
	f, err := ts.Repo.ReadFile(after, "customers/mz-renmin-hospital/devices.md")
	if err != nil || !strings.Contains(string(f.Data), "id: server-1") || strings.Count(string(f.Data), "id: core-sw-1") != 1 {
		t.Errorf("devices.md after import:\n%s", f.Data)
	}
	done := ts.get(t, "liqiang", res.Header.Get("Location"))
	if done.StatusCode != http.StatusOK || !strings.Contains(text(find(t, done.Doc, ".import-done")), "米脂县人民医院") {
		t.Errorf("done page: %d", done.StatusCode)
	}
}

func TestImportForbidden(t *testing.T) {
	ts := newServer(t, options{})
	before := ts.head(t)
	for _, v := range []string{"marketing", "zhangwei"} {
		if res := ts.get(t, v, "/import"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s GET /import: %d, want 403", v, res.StatusCode)
		}
		if res := ts.upload(t, v, "a.csv", importCSV, map[string]string{"kind": "devices", "customer": "mz-renmin-hospital"}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s preview: %d, want 403", v, res.StatusCode)
		}
		req := httptest.NewRequest(http.MethodPost, "/import/confirm", strings.NewReader("kind=devices&payload=eA%3D%3D"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Test-Viewer", v)
		if res := ts.do(t, req); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s confirm: %d, want 403", v, res.StatusCode)
		}
	}
	if h := ts.head(t); h != before {
		t.Fatalf("a forbidden request committed %s", h)
	}
	// The menu offers the import to those who may use it only.
	for v, want := range map[string]bool{"admin": true, "liqiang": true, "marketing": false, "zhangwei": false} {
		got := findAll(ts.get(t, v, "/").Doc, `nav a[href=/import]`) != nil
		if got != want {
			t.Errorf("%s sees the import link: %v, want %v", v, got, want)
		}
	}
}

// TestImportTechnicianScope: a technician imports only into customers
// they are assigned to; someone else's restricted customer looks like one
// that does not exist, and no technician creates customers.
func TestImportTechnicianScope(t *testing.T) {
	ts := newServer(t, options{})
	rows := "客户名称,设备名称,型号\n米脂县公安局,核心交换机,S5735\n米脂中学,防火墙,F1000\n米脂县人民医院,无线AP,AP820\n"
	res := ts.upload(t, "wangfang", "a.csv", rows, map[string]string{"kind": "devices"})
	bad := texts(findAll(res.Doc, "table.import-bad tbody tr"))
	// wangfang is assigned to the restricted mz-gongan and to the hospital, not to the school.
	if len(bad) != 1 || !strings.Contains(bad[0], "mz-school") {
		t.Errorf("wangfang: bad rows %q", bad)
	}
	res = ts.upload(t, "liqiang", "a.csv", rows, map[string]string{"kind": "devices"})
	bad = texts(findAll(res.Doc, "table.import-bad tbody tr"))
	if len(bad) != 1 || !strings.Contains(bad[0], "米脂县公安局") || strings.Contains(res.Body, "mz-gongan") {
		t.Errorf("liqiang: bad rows %q (the restricted customer must look absent)", bad)
	}
	// Someone else's restricted customer id reads like any id not in the archive.
	res = ts.upload(t, "liqiang", "c.csv", "客户编号,客户名称\nmz-gongan,甲\nmz-nowhere,乙\n", map[string]string{"kind": "customers"})
	bad = texts(findAll(res.Doc, "table.import-bad tbody tr"))
	if len(bad) != 2 || strings.ReplaceAll(bad[0], "mz-gongan", "ID") != strings.ReplaceAll(strings.ReplaceAll(bad[1], "mz-nowhere", "ID"), "3", "2") {
		t.Errorf("restricted id answered differently from a free one: %q", bad)
	}
	res = ts.upload(t, "liqiang", "a.gml", `graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] edge [ source 0 target 1 ] ]`, map[string]string{"kind": "topology", "customer": "mz-new-one"})
	if !strings.Contains(res.Body, "mz-new-one") || findAll(res.Doc, "form.import-confirm") != nil {
		t.Errorf("a technician may not create a customer: %d\n%s", res.StatusCode, res.Body)
	}
	res = ts.upload(t, "admin", "a.gml", `graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] edge [ source 0 target 1 ] ]`, map[string]string{"kind": "topology", "customer": "mz-new-one", "name": "新客户"})
	if findAll(res.Doc, "form.import-confirm") == nil {
		t.Fatalf("admin topology preview:\n%s", res.Body)
	}
	if res = ts.confirmFrom(t, "admin", res); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin confirm: %d\n%s", res.StatusCode, res.Body)
	}
	if _, err := ts.Repo.ReadFile(ts.head(t), "customers/mz-new-one/topology.md"); err != nil {
		t.Error(err)
	}
}

// TestImportStaleConfirm: when the archive changes between the preview and
// the confirmation, the new plan is shown instead of committed.
func TestImportStaleConfirm(t *testing.T) {
	ts := newServer(t, options{})
	preview := ts.upload(t, "admin", "a.csv", importCSV, map[string]string{"kind": "devices", "customer": "mz-renmin-hospital"})
	// Someone adds a device with the same serial in the meantime.
	f, _ := ts.Repo.ReadFile(ts.head(t), "customers/mz-renmin-hospital/devices.md")
	changed := strings.Replace(string(f.Data), "devices:\n", "devices:\n  - {id: srv-9, role: 服务器, serial: IN2301ABCD}\n", 1)
	ts.commit(t, today, "王芳", "加一台服务器", []gitstore.FileChange{{Path: "customers/mz-renmin-hospital/devices.md", Data: []byte(changed)}})
	ts.Site.Live().Refresh(t.Context())
	before := ts.head(t)
	res := ts.confirmFrom(t, "admin", preview)
	if res.StatusCode != http.StatusOK || find(t, res.Doc, ".asof") == nil {
		t.Fatalf("stale confirm: %d\n%s", res.StatusCode, res.Body)
	}
	if h := ts.head(t); h != before {
		t.Fatalf("a stale confirm committed %s", h)
	}
	// Confirming the new preview works.
	if res = ts.confirmFrom(t, "admin", res); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second confirm: %d\n%s", res.StatusCode, res.Body)
	}
}

func TestImportStrictAndErrors(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.upload(t, "admin", "a.csv", importCSV, map[string]string{"kind": "devices", "customer": "mz-school", "strict": "1"})
	if res.StatusCode != http.StatusOK || findAll(res.Doc, "form.import-confirm") != nil || !strings.Contains(res.Body, "严格模式") {
		t.Errorf("strict preview offers a confirmation: %d", res.StatusCode)
	}
	res = ts.upload(t, "admin", "a.pdf", "x", map[string]string{"kind": "devices", "customer": "mz-school"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(find(t, res.Doc, ".import-error")), "a.pdf") {
		t.Errorf("pdf: %d", res.StatusCode)
	}
	big := strings.Repeat("x", 5<<20)
	res = ts.upload(t, "admin", "a.csv", big, map[string]string{"kind": "devices", "customer": "mz-school"})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("5 MB upload: %d, want 422", res.StatusCode)
	}
}

// TestImportMessagesInPageLanguage: the importer's reasons, notes, plan
// text and errors are in the page's language, and the site names its own
// form's fields, never the command line's flags.
func TestImportMessagesInPageLanguage(t *testing.T) {
	ts := newServer(t, options{})
	csv := "设备名称,厂商,型号,安装日期,备注\n核心交换机,华为,S5735,2024-02-30,x\n"
	tests := []struct {
		lang   string
		want   []string // in the bad rows, the notes, the plan text
		not    []string
		err    string // the error of a device list without a customer
		mapErr string
	}{
		{"zh-CN", []string{`"2024-02-30" 不是日期：2024 年 2 月没有 30 日`, "未导入的列：备注（要导入它们，请在“其他列名对应”中写明，格式为 表头=字段", "1 行无法导入：", "工作表 设备.csv，第 2 行，D 列（安装日期）"},
			[]string{"is not a date", "--map", "columns not imported"}, "请说明 设备.csv 的设备属于哪个客户：填写“客户”", "“其他列名对应” \"foo\"：每列请写成 表头=字段"},
		{"en", []string{`"2024-02-30" is not a date: February 2024 has no day 30`, "columns not imported: 备注 (to import them, name them in the field Other headings", "1 row cannot be imported:"},
			[]string{"不是日期", "--map", "未导入的列"}, "say which customer the devices of 设备.csv belong to: the field Customer", "“Other headings” \"foo\": write each column as HEADER=FIELD"},
	}
	for _, tt := range tests {
		res := ts.uploadIn(t, tt.lang, "liqiang", "设备.csv", csv, map[string]string{"kind": "devices", "customer": "mz-renmin-hospital"})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: preview %d\n%s", tt.lang, res.StatusCode, res.Body)
		}
		shown := strings.Join(texts(findAll(res.Doc, "table.import-bad tbody tr")), "\n") + "\n" +
			strings.Join(texts(findAll(res.Doc, ".import-notes li")), "\n") + "\n" + text(find(t, res.Doc, ".import-text pre"))
		for _, w := range tt.want {
			if !strings.Contains(shown, w) {
				t.Errorf("%s: the preview lacks %q:\n%s", tt.lang, w, shown)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(shown, n) {
				t.Errorf("%s: the preview shows %q:\n%s", tt.lang, n, shown)
			}
		}
		res = ts.uploadIn(t, tt.lang, "liqiang", "设备.csv", csv, map[string]string{"kind": "devices", "customer": "mz-renmin-hospital", "map": "foo"})
		if got := text(find(t, res.Doc, ".import-error")); res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(got, "--map") || !strings.Contains(got, tt.mapErr) {
			t.Errorf("%s: a bad map: %d %q, want %q", tt.lang, res.StatusCode, got, tt.mapErr)
		}
		res = ts.uploadIn(t, tt.lang, "liqiang", "设备.csv", csv, map[string]string{"kind": "devices"})
		if got := text(find(t, res.Doc, ".import-error")); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, tt.err) {
			t.Errorf("%s: no customer: %d %q, want %q", tt.lang, res.StatusCode, got, tt.err)
		}
	}
}
