package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dangan-archive/dangan/archive"
)

// TestForms drives the record forms in Chromium: the visit form on a
// phone, rows of a list added and moved, and two people saving the same
// record through the forms.
func TestForms(t *testing.T) {
	f := newFixture(t)

	t.Run("visit form on a phone warns and saves", func(t *testing.T) {
		ctx, cons := f.tab(t)
		must(t, "open the visit form at phone size", chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Navigate(f.url+"/customers/"+f.customer+"/visits/new"),
			chromedp.WaitVisible(chromedp.CSS("form.ff-visit")),
		))
		if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > 390 {
			t.Errorf("the visit form is %d px wide on a 390 px phone", w)
		}
		// Every input a thumb has to hit is at least 40 px high.
		if small := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("form.ff-visit input:not([type=hidden]), form.ff-visit select, form.ff-visit .ff-check")).filter(e => e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height < 24 && !e.closest(".ff-check")).map(e => e.name || e.className)`); len(small) > 0 {
			t.Errorf("small touch targets: %q", small)
		}
		if typ := eval[string](t, ctx, `document.querySelector("input[name='f.arrived']").type`); typ != "datetime-local" {
			t.Errorf("arrival input is %q, want the native datetime-local", typ)
		}
		device := eval[string](t, ctx, `document.querySelector("input[name='f.devices'][type=checkbox]").value`)
		js := `(function(sel, val){ const e = document.querySelector(sel); e.value = val; e.dispatchEvent(new Event("input", {bubbles:true})); e.dispatchEvent(new Event("change", {bubbles:true})); return true })`
		for _, kv := range [][2]string{
			{"select[name='f.type']", "repair"},
			{"input[name='f.appointment']", "2026-11-24T09:00"},
			{"input[name='f.arrived']", "2026-11-24T08:58"},
			{"input[name='f.left']", "2026-11-24T10:40"},
		} {
			eval[bool](t, ctx, js+`(`+quote(kv[0])+`,`+quote(kv[1])+`)`)
		}
		// Arrived two minutes before the appointment: the page says so at once.
		if hidden := eval[bool](t, ctx, `document.querySelector(".ff-std-live li[data-rule=arrival]").hidden`); hidden {
			t.Error("no live warning for arriving 2 minutes before the appointment")
		}
		must(t, "tick the five items, a device, consent", chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("input[name='f.five_ones.shoe_covers'][type=checkbox]")),
			chromedp.Click(chromedp.CSS("input[name='f.five_ones.mat'][type=checkbox]")),
			chromedp.Click(chromedp.CSS("input[name='f.five_ones.cloth'][type=checkbox]")),
			chromedp.Click(chromedp.CSS("input[name='f.five_ones.service_card'][type=checkbox]")),
			chromedp.Click(chromedp.CSS("input[name='f.five_ones.survey_form'][type=checkbox]")),
			chromedp.Click(chromedp.CSS("input[name='f.devices'][type=checkbox]")),
			chromedp.Click(chromedp.CSS("input[name='f.consent'][value=true]")),
		))
		eval[bool](t, ctx, js+`("select[name='f.outcome']", "resolved")`)
		eval[bool](t, ctx, js+`("select[name='f.satisfaction']", "satisfied")`)
		if hidden := eval[bool](t, ctx, `document.querySelector(".ff-std-live li[data-rule=five_ones]").hidden && document.querySelector(".ff-std-live li[data-rule=consent]").hidden`); !hidden {
			t.Error("a kept rule is still warned about")
		}
		must(t, "write the notes", chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("textarea[name=body]"), "更换**光模块**，链路恢复。"),
			chromedp.WaitVisible(chromedp.CSS(".ff-preview strong")),
		))
		screenshots(t, ctx, "visit-form")
		must(t, "save", chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Click(chromedp.CSS("button.ff-save")),
			// The saved page's own buttons: the form has its .ff-std too.
			chromedp.WaitVisible(chromedp.CSS("nav.ff-buttons")),
		))
		warn := eval[string](t, ctx, `document.querySelector(".ff-std").innerText`)
		if !strings.Contains(warn, "2分钟") {
			t.Errorf("the saved page does not repeat the arrival warning: %q", warn)
		}
		screenshots(t, ctx, "visit-saved")
		head, err := f.repo.Head()
		if err != nil {
			t.Fatal(err)
		}
		p := "customers/" + f.customer + "/visits/2026-11-24-repair.md"
		file, err := f.repo.ReadFile(head, p)
		if err != nil {
			t.Fatalf("the visit was not saved at %s: %v", p, err)
		}
		v := archive.Parse(p, file.Data).AsVisit()
		if v == nil || v.Type != archive.VisitRepair || v.Arrived.String() != "2026-11-24T08:58" || v.FiveOnes == nil || !v.FiveOnes.Complete() ||
			v.Consent == nil || !*v.Consent || len(v.Devices) != 1 || v.Devices[0] != device || v.Satisfaction != "satisfied" {
			t.Errorf("saved visit:\n%s", file.Data)
		}
		noCSPErrors(t, cons)
	})

	t.Run("rows are added and moved", func(t *testing.T) {
		ctx, cons := f.tab(t)
		p := "customers/" + f.customer + "/devices.md"
		must(t, "open the devices form", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/edit/"+p),
			chromedp.WaitVisible(chromedp.CSS("button.ff-addbtn")),
		))
		rows := eval[int](t, ctx, `document.querySelectorAll("fieldset[data-list='f.devices'] > .ff-rows > .ff-row").length`)
		must(t, "add a row and move it up", chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("fieldset[data-list='f.devices'] > button.ff-addbtn")),
			chromedp.WaitVisible(chromedp.CSS("fieldset[data-list='f.devices'] > .ff-rows > .ff-row:last-child input[name$='.id']")),
		))
		last := `document.querySelector("fieldset[data-list='f.devices'] > .ff-rows > .ff-row:last-child")`
		if name := eval[string](t, ctx, last+`.querySelector("input[name$='.id']").name`); name != "f.devices."+itoa(rows)+".id" {
			t.Errorf("the new row's id input is named %q", name)
		}
		must(t, "fill the new row", chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("fieldset[data-list='f.devices'] > .ff-rows > .ff-row:last-child input[name$='.id']"), "e2e-ap-9"),
		))
		// A new row has no move buttons until saved; move the last old row down instead.
		must(t, "move the last old row below the new one", chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("fieldset[data-list='f.devices'] > .ff-rows > .ff-row:nth-last-child(2) .ff-down")),
		))
		if name := eval[string](t, ctx, last+`.querySelector("input[name$='._orig']").name`); name != "f.devices."+itoa(rows)+"._orig" {
			t.Errorf("after moving, the last row is %q", name)
		}
		must(t, "save", chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("button.ff-save")),
			chromedp.WaitVisible(chromedp.CSS("nav.ff-buttons")),
		))
		head, _ := f.repo.Head()
		file, err := f.repo.ReadFile(head, p)
		if err != nil {
			t.Fatal(err)
		}
		d := archive.Parse(p, file.Data).AsDevices()
		if d == nil || len(d.Devices) != rows+1 || d.Devices[rows-1].ID != "e2e-ap-9" {
			t.Errorf("devices after adding and moving:\n%s", file.Data)
		}
		noCSPErrors(t, cons)
	})

	t.Run("two people save the same record through the form", func(t *testing.T) {
		p := "customers/" + f.customer + "/customer.md"
		first, _ := f.tab(t)
		second, cons := f.tab(t)
		must(t, "first opens the form", chromedp.Do(first, chromedp.Navigate(f.url+"/edit/"+p), chromedp.WaitVisible(chromedp.CSS("form.ff-form"))))
		must(t, "second opens the form", chromedp.Do(second, chromedp.Navigate(f.url+"/edit/"+p), chromedp.WaitVisible(chromedp.CSS("form.ff-form"))))
		must(t, "first changes the industry and saves", chromedp.Do(first,
			chromedp.SetValue(chromedp.CSS("input[name='f.industry']"), "e2e行业"),
			chromedp.Click(chromedp.CSS("button.ff-save")),
			chromedp.WaitVisible(chromedp.CSS("nav.ff-buttons")),
		))
		must(t, "second adds to the text and saves", chromedp.Do(second,
			chromedp.SendKeys(chromedp.CSS("textarea[name=body]"), "\n第二人补充：机房钥匙在门卫室。"),
			chromedp.SendKeys(chromedp.CSS("input[name=message]"), "补充钥匙位置"),
			chromedp.Click(chromedp.CSS("button.ff-save")),
			chromedp.WaitVisible(chromedp.CSS("#yours textarea[name=content]")),
		))
		yours := eval[string](t, second, `document.querySelector("#yours textarea[name=content]").value`)
		if !strings.Contains(yours, "第二人补充") {
			t.Errorf("the conflict page lost the text typed: %q", yours)
		}
		merged := eval[string](t, second, `(document.querySelector("#merged textarea") || {}).value || ""`)
		if !strings.Contains(merged, "e2e行业") || !strings.Contains(merged, "第二人补充") {
			t.Fatalf("merge %q lacks a side", merged)
		}
		screenshots(t, second, "form-conflict")
		must(t, "save the merge", chromedp.Do(second,
			chromedp.Click(chromedp.CSS("#merged button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("header.record-head")),
		))
		head, _ := f.repo.Head()
		file, err := f.repo.ReadFile(head, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(file.Data); !strings.Contains(got, "industry: e2e行业") || !strings.Contains(got, "第二人补充：机房钥匙在门卫室。") {
			t.Errorf("after the merge:\n%s", got)
		}
		for _, m := range cons.messages() {
			if strings.Contains(m, "status of 409") || strings.HasSuffix(m, "/favicon.ico]") {
				continue
			}
			if strings.HasPrefix(m, "error") || strings.HasPrefix(m, "exception") || strings.Contains(m, "Content Security Policy") {
				t.Errorf("console: %s", m)
			}
		}
	})
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func itoa(n int) string { return strconv.Itoa(n) }
