package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// TestConflictInBrowser is the conflict flow as a person meets it: they
// open a record in the text editor, someone else commits a change to it
// meanwhile (a git push), they save and get the conflict page with the
// merge, save that, and the record shows both changes.
func TestConflictInBrowser(t *testing.T) {
	f := newFixture(t)
	p := "customers/" + f.customer + "/customer.md"
	ctx, cons := f.tab(t)
	must(t, "open the text editor", chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/source/"+p),
		chromedp.WaitVisible(chromedp.CSS("form.edit-form textarea[name=content]")),
	))
	original := eval[string](t, ctx, `document.querySelector("textarea[name=content]").value`)
	if !strings.Contains(original, "kind: customer") {
		t.Fatalf("the editor shows %q, not the profile", original)
	}

	// Someone pushes a change to the body meanwhile.
	head, err := f.repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.repo.Commit(context.Background(), gitstore.Change{
		Parent: head, Author: gitstore.Signature{Name: "王芳", Email: "wangfang@example.cn"}, Message: "push",
		Files: []gitstore.FileChange{{Path: p, Data: []byte(original + "王芳补充：机房钥匙在门卫室。\n")}},
	}); err != nil {
		t.Fatal(err)
	}

	// The person corrects the address and saves on the old version.
	if !strings.Contains(original, "\naddress: ") {
		t.Fatalf("the profile of %s has no address to edit:\n%s", f.customer, original)
	}
	edited := strings.Replace(original, "\naddress: ", "\naddress: 【已核实】", 1)
	must(t, "edit and save", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("textarea[name=content]"), edited),
		chromedp.SendKeys(chromedp.CSS("input[name=message]"), "e2e 编辑"),
		chromedp.Click(chromedp.CSS("form.edit-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#yours textarea[name=content]")),
	))
	if got := eval[string](t, ctx, `document.querySelector("#yours textarea[name=content]").value`); got != edited {
		t.Errorf("the conflict page keeps %q as your text, want what was typed", got)
	}
	if !eval[bool](t, ctx, `!!document.querySelector("#merged textarea")`) {
		t.Fatalf("changes far apart did not merge; page:\n%.1500s", eval[string](t, ctx, "document.body.innerText"))
	}
	screenshots(t, ctx, "conflict-merged")
	merged := eval[string](t, ctx, `document.querySelector("#merged textarea").value`)
	if !strings.Contains(merged, "【已核实】") || !strings.Contains(merged, "机房钥匙在门卫室") {
		t.Fatalf("merge %q lacks a side", merged)
	}
	must(t, "save the merge", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#merged button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header.record-head")),
	))
	if loc := eval[string](t, ctx, "location.pathname"); loc != "/records/"+p {
		t.Errorf("after saving the merge the page is %s", loc)
	}
	body := eval[string](t, ctx, "document.body.innerText")
	if !strings.Contains(body, "机房钥匙在门卫室") || !strings.Contains(body, "【已核实】") {
		t.Errorf("the record page after the save lacks a change:\n%.1000s", body)
	}

	// Overlapping: both add a line at the end. No merge is offered; the
	// text typed stays in the text area.
	must(t, "open the editor again", chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/source/"+p),
		chromedp.WaitVisible(chromedp.CSS("form.edit-form textarea[name=content]")),
	))
	now := eval[string](t, ctx, `document.querySelector("textarea[name=content]").value`)
	if head, err = f.repo.Head(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.repo.Commit(context.Background(), gitstore.Change{
		Parent: head, Author: gitstore.Signature{Name: "王芳", Email: "wangfang@example.cn"}, Message: "push again",
		Files: []gitstore.FileChange{{Path: p, Data: []byte(now + "王芳：门禁卡已更换。\n")}},
	}); err != nil {
		t.Fatal(err)
	}
	mine := now + "李强：门禁卡放在信息科。\n"
	must(t, "save over a conflicting change", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("textarea[name=content]"), mine),
		chromedp.Click(chromedp.CSS("form.edit-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#yours textarea[name=content]")),
	))
	if eval[bool](t, ctx, `!!document.querySelector("#merged textarea")`) {
		t.Error("an overlapping change is offered as a clean merge")
	}
	if got := eval[string](t, ctx, `document.querySelector("#yours textarea[name=content]").value`); got != mine {
		t.Errorf("your text %q, want it kept", got)
	}
	screenshots(t, ctx, "conflict-overlap")

	// Invalid: refused with the error at its line, the text kept.
	must(t, "open the editor for an invalid save", chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/source/"+p),
		chromedp.WaitVisible(chromedp.CSS("form.edit-form textarea[name=content]")),
	))
	cur := eval[string](t, ctx, `document.querySelector("textarea[name=content]").value`)
	broken := strings.Replace(cur, "\nindustry: ", "\nindustry: [", 1)
	must(t, "save an invalid profile", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("textarea[name=content]"), broken),
		chromedp.Click(chromedp.CSS("form.edit-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".problem-lines")),
	))
	if got := eval[string](t, ctx, `document.querySelector("textarea[name=content]").value`); got != broken {
		t.Errorf("after a refused save the text area holds %q, want what was typed", got)
	}
	screenshots(t, ctx, "source-invalid")
	for _, m := range cons.messages() {
		// The conflict page is answered with 409, which Chromium logs as
		// a failed load; anything else is a real error.
		if strings.Contains(m, "status of 409") || strings.Contains(m, "status of 422") || strings.HasSuffix(m, "/favicon.ico]") {
			continue
		}
		if strings.HasPrefix(m, "error") || strings.HasPrefix(m, "exception") || strings.Contains(m, "Content Security Policy") {
			t.Errorf("console: %s", m)
		}
	}
}
