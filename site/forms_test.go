package site_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
)

// formOf reads the values a browser would post from the page's edit form:
// hidden and text inputs, checked boxes, selected options, text areas (the
// HTML parser drops a text area's first newline, as browsers do).
func formOf(t *testing.T, res response) (action string, v url.Values) {
	t.Helper()
	if res.Doc == nil || len(findAll(res.Doc, "form.ff-form")) == 0 {
		t.Fatalf("no form page: %d\n%s", res.StatusCode, res.Body)
	}
	form := find(t, res.Doc, "form.ff-form")
	action, _ = attr(form, "action")
	v = url.Values{}
	for _, n := range findAll(form, "input") {
		name, ok := attr(n, "name")
		typ, _ := attr(n, "type")
		if !ok || typ == "file" {
			continue
		}
		if typ == "checkbox" || typ == "radio" {
			if _, on := attr(n, "checked"); !on {
				continue
			}
		}
		val, _ := attr(n, "value")
		v.Add(name, val)
	}
	for _, n := range findAll(form, "select") {
		name, _ := attr(n, "name")
		val, first := "", true
		for _, o := range findAll(n, "option") {
			ov, _ := attr(o, "value")
			if _, sel := attr(o, "selected"); sel || first {
				val, first = ov, false
				if sel {
					break
				}
			}
		}
		v.Add(name, val)
	}
	for _, n := range findAll(form, "textarea") {
		name, _ := attr(n, "name")
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(c.Data)
		}
		// Browsers send text areas with CRLF line ends.
		v.Add(name, strings.ReplaceAll(b.String(), "\n", "\r\n"))
	}
	return action, v
}

func (ts *testServer) post(t *testing.T, viewer, target string, v url.Values) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Viewer", viewer)
	return ts.do(t, req)
}

func (ts *testServer) postMultipart(t *testing.T, viewer, target string, v url.Values, file string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("image", file)
		fw.Write(data)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Test-Viewer", viewer)
	return ts.do(t, req)
}

// A form posted back untouched changes nothing, for every kind of record:
// no commit, the file byte for byte as it was.
func TestEditFormRoundTrip(t *testing.T) {
	ts := newServer(t, options{})
	for _, p := range []string{
		"customers/mz-renmin-hospital/customer.md", "customers/mz-renmin-hospital/devices.md",
		"customers/mz-renmin-hospital/topology.md", "customers/mz-renmin-hospital/progress.md",
		"customers/mz-renmin-hospital/training.md", "customers/mz-renmin-hospital/spares.md",
		"customers/mz-renmin-hospital/leads.md", "customers/mz-renmin-hospital/visits/2026-07-20-repair.md",
		"customers/mz-renmin-hospital/visits/2026-01-08-inspection.md", "customers/mz-renmin-hospital/notes/jifang.md",
		"guides/olt.md",
	} {
		t.Run(p, func(t *testing.T) {
			before, head := ts.current(t, p), ts.head(t)
			action, v := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
			res := ts.post(t, "liqiang", action, v)
			if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "unchanged=1") {
				t.Fatalf("untouched form: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
			}
			if ts.head(t) != head || !bytes.Equal(ts.current(t, p).Data, before.Data) {
				t.Errorf("an untouched form changed the archive:\n%s", ts.current(t, p).Data)
			}
		})
	}
}

func TestEditFormSaves(t *testing.T) {
	ts := newServer(t, options{})
	const p = "customers/mz-renmin-hospital/devices.md"
	before := string(ts.current(t, p).Data)
	action, v := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	v.Set("f.devices.0.location", "门诊楼4F机房")
	if v.Get("f.devices.2._orig") != "" || !v.Has("f.devices.2.id") {
		t.Fatalf("no blank row to add a device in: %v", v)
	}
	v.Set("f.devices.2.id", "ap-1")
	v.Set("f.devices.2.status", "standby")
	v.Set("message", "核心交换机搬到四楼")
	res := ts.post(t, "liqiang", action, v)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, texts(findAll(res.Doc, ".problems li")))
	}
	after := string(ts.current(t, p).Data)
	if !strings.Contains(after, "location: 门诊楼4F机房") || strings.Count(after, "- id:")+strings.Count(after, "- {id:") != strings.Count(before, "- id:")+strings.Count(before, "- {id:")+1 || !strings.Contains(after, "  - id: ap-1\n    status: standby\n") {
		t.Errorf("saved file:\n%s", after)
	}
	if _, body, _ := strings.Cut(before, "\n---\n"); !strings.HasSuffix(after, body) {
		t.Errorf("the body changed:\n%s", after)
	}
	c, err := ts.Repo.CommitInfo(ts.head(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Message, "核心交换机搬到四楼") || c.Author == "" {
		t.Errorf("commit %+v", c)
	}
	saved := ts.get(t, "liqiang", res.Header.Get("Location"))
	if saved.StatusCode != 200 || !strings.Contains(saved.Body, "/records/"+p) {
		t.Errorf("saved page: %d", saved.StatusCode)
	}
}

// A save the checker refuses comes back as typed, with the error beside
// the field.
func TestEditFormInvalidKeepsInput(t *testing.T) {
	ts := newServer(t, options{})
	const p = "customers/mz-renmin-hospital/devices.md"
	head := ts.head(t)
	action, v := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	v.Set("f.devices.0.mgmt_ip", "10.12.0.300")
	v.Set("f.devices.0.role", "改过的角色")
	v.Set("body", "新写的正文\r\n")
	res := ts.post(t, "liqiang", action, v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid save: %d\n%s", res.StatusCode, res.Body)
	}
	if ts.head(t) != head {
		t.Error("an invalid save committed")
	}
	bad := find(t, res.Doc, "label.ff-bad")
	in := find(t, bad, "input")
	if name, _ := attr(in, "name"); name != "f.devices.0.mgmt_ip" {
		t.Errorf("error shown at %q", name)
	}
	if val, _ := attr(in, "value"); val != "10.12.0.300" {
		t.Errorf("typed value not kept: %q", val)
	}
	if !strings.Contains(text(bad), "not an IP address") {
		t.Errorf("error text: %q", text(bad))
	}
	if _, again := formOf(t, res); again.Get("f.devices.0.role") != "改过的角色" || !strings.Contains(again.Get("body"), "新写的正文") {
		t.Errorf("typed values lost: %v", again)
	}
}

func TestEditFormAccess(t *testing.T) {
	ts := newServer(t, options{})
	tests := []struct {
		viewer, method, url string
		want                int
	}{
		{"marketing", "GET", "/edit/customers/mz-renmin-hospital/devices.md", 403},
		{"marketing", "POST", "/edit/customers/mz-renmin-hospital/devices.md", 403},
		{"marketing", "GET", "/customers/mz-renmin-hospital/visits/new", 403},
		{"marketing", "POST", "/customers/mz-renmin-hospital/leads", 403},
		{"marketing", "GET", "/customers/new", 403},
		{"marketing", "GET", "/edit/customers/mz-renmin-hospital/leads.md", 200},
		{"liqiang", "GET", "/edit/customers/mz-gongan/devices.md", 404},
		{"liqiang", "POST", "/edit/customers/mz-gongan/devices.md", 404},
		{"liqiang", "GET", "/customers/mz-gongan/visits/new", 404},
		{"liqiang", "POST", "/customers/mz-gongan/leads", 404},
		{"wangfang", "GET", "/edit/customers/mz-gongan/devices.md", 200},
		{"liqiang", "GET", "/edit/customers/nobody/devices.md", 404},
		{"liqiang", "GET", "/edit/customers/mz-renmin-hospital/visits/2099-01-01-repair.md", 404},
		{"liqiang", "GET", "/edit/dangan.yaml", 404},
		{"admin", "GET", "/edit/customers/mz-gongan/devices.md", 200},
	}
	for _, tt := range tests {
		t.Run(tt.viewer+" "+tt.method+" "+tt.url, func(t *testing.T) {
			var res response
			if tt.method == "GET" {
				res = ts.get(t, tt.viewer, tt.url)
			} else {
				res = ts.post(t, tt.viewer, tt.url, url.Values{"need": {"x"}, "f.devices.0.id": {"x"}})
			}
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == 404 && strings.Contains(res.Body, "公安") {
				t.Error("a 404 names the hidden customer")
			}
		})
	}
	// Edit buttons follow the same rules.
	if strings.Contains(ts.get(t, "marketing", "/customers/mz-renmin-hospital").Body, "/edit/customers/mz-renmin-hospital/devices.md") {
		t.Error("marketing is offered to edit devices")
	}
	page := ts.get(t, "liqiang", "/records/customers/mz-renmin-hospital/devices.md")
	if len(findAll(page.Doc, "a.ff-editlink")) != 1 {
		t.Error("no Edit button on a record page for a technician")
	}
}

// Marketing sets lead statuses and nothing else.
func TestMarketingLeadStatus(t *testing.T) {
	ts := newServer(t, options{})
	const p = "customers/mz-renmin-hospital/leads.md"
	res := ts.get(t, "marketing", "/edit/"+p)
	if len(findAll(res.Doc, "textarea")) != 0 || len(findAll(res.Doc, "select")) != 1 {
		t.Fatalf("marketing's form has more than statuses:\n%s", res.Body)
	}
	action, v := formOf(t, res)
	v.Set("status.0", "contacted")
	v.Set("f.leads.0.need", "改掉需求") // not offered, and ignored
	v.Set("body", "改掉正文")
	if res := ts.post(t, "marketing", action, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status save: %d\n%s", res.StatusCode, res.Body)
	}
	got := string(ts.current(t, p).Data)
	if !strings.Contains(got, "status: contacted") || !strings.Contains(got, "新院区明年开业需要千兆专线") || strings.Contains(got, "改掉") {
		t.Errorf("leads.md after marketing's save:\n%s", got)
	}
}

func TestVisitForm(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "liqiang", "/customers/mz-renmin-hospital/visits/new")
	if res.StatusCode != 200 {
		t.Fatalf("new visit: %d", res.StatusCode)
	}
	// Devices are picked from the customer's own.
	boxes := findAll(res.Doc, "input[name=f.devices][type=checkbox]")
	if len(boxes) < 2 {
		t.Fatalf("%d device boxes", len(boxes))
	}
	for _, n := range findAll(res.Doc, "input[type=datetime-local]") {
		if name, _ := attr(n, "name"); name == "f.arrived" {
			goto found
		}
	}
	t.Error("arrival is not a native time input")
found:
	action, v := formOf(t, res)
	if v.Get("f.technician") != "liqiang" {
		t.Errorf("technician not filled in: %q", v.Get("f.technician"))
	}
	v.Set("f.type", "repair")
	v.Set("f.appointment", "2026-11-25T09:00")
	v.Set("f.arrived", "2026-11-25T08:58") // 2 minutes early: too late by the standard
	v.Set("f.left", "2026-11-25T10:30")
	for _, k := range []string{"shoe_covers", "mat", "cloth", "service_card", "survey_form"} {
		v.Add("f.five_ones."+k, "true")
	}
	v.Set("f.consent", "false")
	v.Add("f.devices", "core-sw-1")
	v.Set("f.outcome", "resolved")
	v.Set("f.satisfaction", "satisfied")
	v.Set("body", "更换光模块。\r\n")
	res = ts.post(t, "liqiang", action, v)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save visit: %d\n%s", res.StatusCode, res.Body)
	}
	const p = "customers/mz-renmin-hospital/visits/2026-11-25-repair.md"
	got := string(ts.current(t, p).Data)
	for _, want := range []string{"type: repair", "technician: liqiang", "arrived: 2026-11-25T08:58", "consent: false", "devices: [core-sw-1]", "five_ones: {shoe_covers: true, mat: true, cloth: true, service_card: true, survey_form: true}", "---\n更换光模块。\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("visit lacks %q:\n%s", want, got)
		}
	}
	// Saved anyway, and warned about: the arrival and the consent.
	saved := ts.get(t, "liqiang", res.Header.Get("Location"))
	warn := text(find(t, saved.Doc, ".ff-std"))
	if !strings.Contains(warn, "2分钟") || !strings.Contains(warn, "同意") {
		t.Errorf("saved page warnings: %q", warn)
	}
	// A second visit of the same day and type gets its own file.
	res = ts.post(t, "liqiang", action, v)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "2026-11-25-repair-2.md") {
		t.Errorf("second visit: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestNewCustomer(t *testing.T) {
	ts := newServer(t, options{})
	action, v := formOf(t, ts.get(t, "liqiang", "/customers/new"))
	v.Set("id", "mz-new-school")
	v.Set("f.name", "米脂县新中学")
	v.Set("f.technicians", "liqiang")
	res := ts.post(t, "liqiang", action, v)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
	}
	for _, k := range []archive.Kind{archive.KindCustomer, archive.KindDevices, archive.KindTopology, archive.KindProgress, archive.KindTraining, archive.KindSpares, archive.KindLeads} {
		ts.current(t, archive.RecordPath("mz-new-school", k))
	}
	if page := ts.get(t, "liqiang", "/customers/mz-new-school"); page.StatusCode != 200 || !strings.Contains(page.Body, "米脂县新中学") {
		t.Errorf("new customer page: %d", page.StatusCode)
	}
	// Taken ids, even hidden ones, are refused without saying whose.
	v.Set("id", "mz-gongan")
	res = ts.post(t, "liqiang", action, v)
	if res.StatusCode != http.StatusConflict || strings.Contains(res.Body, "公安") {
		t.Errorf("taken id: %d", res.StatusCode)
	}
	if again, _ := formOf(t, res); again == "" {
		t.Error("no form after a refused id")
	}
	v.Set("id", "Bad ID")
	if res := ts.post(t, "liqiang", action, v); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad id: %d", res.StatusCode)
	}
}

func TestAddLeadInOneStep(t *testing.T) {
	ts := newServer(t, options{})
	page := ts.get(t, "liqiang", "/customers/mz-renmin-hospital")
	form := find(t, page.Doc, "form.ff-need")
	action, _ := attr(form, "action")
	res := ts.post(t, "liqiang", action, url.Values{"need": {"明年新建住院楼，需要WiFi覆盖"}, "product": {"天翼Wi-Fi"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add need: %d\n%s", res.StatusCode, res.Body)
	}
	got := ts.current(t, "customers/mz-renmin-hospital/leads.md").Data
	n := archive.Parse("customers/mz-renmin-hospital/leads.md", got).AsNeeds()
	if n == nil || len(n.Leads) != 2 || n.Leads[1].Need != "明年新建住院楼，需要WiFi覆盖" || n.Leads[1].NotedBy != "liqiang" || n.Leads[1].Status != "new" || n.Leads[1].Date.String() != "2026-11-25" {
		t.Errorf("leads.md:\n%s", got)
	}
	// A customer without leads.md gets one.
	if res := ts.post(t, "liqiang", "/customers/mz-school/leads", url.Values{"need": {"专线扩容"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first need: %d\n%s", res.StatusCode, res.Body)
	}
	ts.current(t, "customers/mz-school/leads.md")
}

func TestUpload(t *testing.T) {
	ts := newServer(t, options{})
	const p = "customers/mz-renmin-hospital/devices.md"
	action, v := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	v.Set("caption", "机柜正面")
	res := ts.postMultipart(t, "liqiang", action, v, "IMG_0001.PNG", pngBytes(t))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.StatusCode, res.Body)
	}
	const img = "customers/mz-renmin-hospital/devices-img_0001.png"
	if !bytes.Equal(ts.current(t, img).Data, pngBytes(t)) {
		t.Error("stored image differs")
	}
	if body := string(ts.current(t, p).Data); !strings.HasSuffix(body, "![机柜正面](devices-img_0001.png)\n") {
		t.Errorf("record body:\n%s", body)
	}
	f := ts.get(t, "liqiang", "/files/"+img)
	if f.StatusCode != 200 || f.Header.Get("Content-Type") != "image/png" || f.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("served image: %d %v", f.StatusCode, f.Header)
	}
	// Content decides, not the name: HTML named .png is refused, the
	// record is not saved, and the form keeps what was typed.
	head := ts.head(t)
	action, v = formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	v.Set("f.devices.0.role", "改了")
	res = ts.postMultipart(t, "liqiang", action, v, "evil.png", []byte("<html><script>alert(1)</script></html>"))
	if res.StatusCode != http.StatusUnprocessableEntity || ts.head(t) != head {
		t.Fatalf("html as png: %d", res.StatusCode)
	}
	if _, again := formOf(t, res); again.Get("f.devices.0.role") != "改了" {
		t.Error("typed value lost after a refused upload")
	}
	big := append(pngBytes(t), make([]byte, 10<<20)...)
	res = ts.postMultipart(t, "liqiang", action, v, "big.png", big)
	if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("11 MB upload: %d", res.StatusCode)
	}
	if ts.head(t) != head {
		t.Error("a refused upload committed")
	}
}

// Two people edit the same record: the second gets the conflict page,
// with the merge of both changes when they do not overlap and their own
// text kept when they do, and saves again from there.
func TestEditConflict(t *testing.T) {
	ts := newServer(t, options{})
	const p = "customers/mz-renmin-hospital/customer.md"
	a1, v1 := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	a2, v2 := formOf(t, ts.get(t, "wangfang", "/edit/"+p))
	v1.Set("f.industry", "卫生健康")
	if res := ts.post(t, "liqiang", a1, v1); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	v2.Set("body", "机房搬到新楼五层。\r\n")
	v2.Set("message", "机房搬迁")
	res := ts.post(t, "wangfang", a2, v2)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second save: %d, want 409\n%s", res.StatusCode, res.Body)
	}
	merged := find(t, res.Doc, "#merged form")
	action, _ := attr(merged, "action")
	again := url.Values{"message": {"机房搬迁"}}
	for _, n := range findAll(merged, "input[type=hidden]") {
		name, _ := attr(n, "name")
		val, _ := attr(n, "value")
		again.Set(name, val)
	}
	content := text(find(t, merged, "textarea"))
	if !strings.Contains(content, "卫生健康") || !strings.Contains(content, "机房搬到新楼五层。") {
		t.Fatalf("merge lost a change:\n%s", content)
	}
	var raw strings.Builder
	for c := find(t, merged, "textarea").FirstChild; c != nil; c = c.NextSibling {
		raw.WriteString(c.Data)
	}
	again.Set("content", raw.String())
	if res := ts.post(t, "wangfang", action, again); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save again: %d\n%s", res.StatusCode, res.Body)
	}
	got := string(ts.current(t, p).Data)
	if !strings.Contains(got, "industry: 卫生健康") || !strings.Contains(got, "机房搬到新楼五层。") {
		t.Errorf("merged file:\n%s", got)
	}
	// Overlapping changes: the second person's text is kept to save again.
	_, v4 := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	_, v5 := formOf(t, ts.get(t, "wangfang", "/edit/"+p))
	v4.Set("f.name", "米脂县人民医院（总院）")
	v5.Set("f.name", "米脂县人民医院（新院）")
	ts.post(t, "liqiang", "/edit/"+p, v4)
	res = ts.post(t, "wangfang", "/edit/"+p, v5)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("overlap: %d", res.StatusCode)
	}
	if yours := text(find(t, res.Doc, "#yours textarea")); !strings.Contains(yours, "米脂县人民医院（新院）") {
		t.Errorf("own text not kept: %q", yours)
	}
}

func TestPreview(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.post(t, "liqiang", "/preview", url.Values{"body": {"**粗体** <script>x</script> ![图](rack.png)"}, "dir": {"customers/mz-renmin-hospital/notes"}})
	if res.StatusCode != 200 || !strings.Contains(res.Body, "<strong>粗体</strong>") || strings.Contains(res.Body, "<script>") || !strings.Contains(res.Body, "/files/customers/mz-renmin-hospital/notes/rack.png") {
		t.Errorf("preview: %d %s", res.StatusCode, res.Body)
	}
}

// Attachments are typed by their content: a file named .png that holds
// HTML (pushed with git, not uploaded through the form) is downloaded.
func TestFilesSniffed(t *testing.T) {
	ts := newServer(t, options{})
	ts.push(t, "customers/mz-renmin-hospital/notes/fake.png", "<html><script>alert(1)</script></html>")
	if err := ts.Site.Live().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, "liqiang", "/files/customers/mz-renmin-hospital/notes/fake.png")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("fake png served as %d %v", res.StatusCode, res.Header)
	}
}

// The visit form's device picker shows the devices as the viewer may see
// them: a field hidden from their role is not in the labels.
func TestVisitFormHidesHiddenFields(t *testing.T) {
	ts := newServer(t, options{})
	settings := string(ts.current(t, "dangan.yaml").Data) + "  technician:\n    hide: [devices.location]\n"
	ts.push(t, "dangan.yaml", settings)
	if err := ts.Site.Live().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, "liqiang", "/customers/mz-renmin-hospital/visits/new")
	if res.StatusCode != 200 {
		t.Fatalf("visit form: %d", res.StatusCode)
	}
	if strings.Contains(res.Body, "门诊楼3F机房") {
		t.Error("the device picker shows a location hidden from technicians")
	}
	if !strings.Contains(res.Body, "core-sw-1") {
		t.Error("the device picker lost the devices")
	}
	if res := ts.get(t, "liqiang", "/edit/customers/mz-renmin-hospital/devices.md"); res.StatusCode != 403 {
		t.Errorf("devices with a hidden field editable: %d", res.StatusCode)
	}
}

// An old visit that never recorded the five items is not given them by an
// untouched save.
func TestVisitFormLeavesUnrecordedAlone(t *testing.T) {
	ts := newServer(t, options{})
	const p = "customers/mz-renmin-hospital/visits/2026-05-01-survey.md"
	old := "---\nkind: visit\ntype: survey\ntechnician: liqiang\n---\n回访。\n"
	ts.push(t, p, old)
	if err := ts.Site.Live().Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	action, v := formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	if res := ts.post(t, "liqiang", action, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if got := string(ts.current(t, p).Data); got != old {
		t.Errorf("untouched save changed the visit:\n%s", got)
	}
	_, v = formOf(t, ts.get(t, "liqiang", "/edit/"+p))
	v.Add("f.five_ones.mat", "true")
	ts.post(t, "liqiang", action, v)
	if got := string(ts.current(t, p).Data); !strings.Contains(got, "five_ones: {mat: true}") {
		t.Errorf("ticking one item:\n%s", got)
	}
}

// A record the standard asks for and the customer lacks can be started
// from the customer page, and is created by its form.
func TestCreateMissingRecord(t *testing.T) {
	ts := newServer(t, options{})
	page := ts.get(t, "liqiang", "/customers/mz-school")
	var href string
	for _, a := range findAll(page.Doc, "a.ff-action") {
		if h, _ := attr(a, "href"); h == "/edit/customers/mz-school/devices.md" {
			href = h
		}
	}
	if href == "" {
		t.Fatal("no link to start devices.md on a customer without one")
	}
	action, v := formOf(t, ts.get(t, "liqiang", href))
	if v.Get("version") != "" {
		t.Fatalf("a new record's form has version %q", v.Get("version"))
	}
	v.Set("f.devices.0.id", "sw-1")
	if res := ts.post(t, "liqiang", action, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
	}
	if got := string(ts.current(t, "customers/mz-school/devices.md").Data); !strings.Contains(got, "- id: sw-1") {
		t.Errorf("devices.md:\n%s", got)
	}
	if strings.Contains(ts.get(t, "marketing", "/customers/mz-school").Body, "/edit/customers/mz-school/devices.md") {
		t.Error("marketing is offered to start devices.md")
	}
}

func TestPrintPageHasNoForms(t *testing.T) {
	ts := newServer(t, options{})
	res := ts.get(t, "liqiang", "/customers/mz-school/print")
	if res.StatusCode != 200 || strings.Contains(res.Body, "ff-action") || strings.Contains(res.Body, "ff-need") {
		t.Errorf("print page: %d, with editing actions: %v", res.StatusCode, strings.Contains(res.Body, "ff-"))
	}
}
