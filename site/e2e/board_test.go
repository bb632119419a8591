package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserBoard opens the dashboard, the lead board and the health page
// in Chromium under the site's Content-Security-Policy: the charts are
// drawn by the served ECharts, and a lead's status is set from its form.
func TestBrowserBoard(t *testing.T) {
	f := newFixture(t)

	t.Run("dashboard draws its charts", func(t *testing.T) {
		ctx, cons := f.tab(t)
		must(t, "open the dashboard", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/dashboard"),
			chromedp.WaitVisible(chromedp.CSS(".chart.drawn canvas")),
		))
		blocks := eval[int](t, ctx, `document.querySelectorAll("[data-chart]").length`)
		drawn := eval[int](t, ctx, `document.querySelectorAll(".chart.drawn canvas").length`)
		if blocks < 3 || drawn < blocks {
			t.Errorf("%d charts, %d drawn on a canvas", blocks, drawn)
		}
		// A drawn chart has pixels of its own, not an empty canvas.
		if inked := eval[bool](t, ctx, `(() => {
			const c = document.querySelector(".chart.drawn canvas");
			const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
			return false;
		})()`); !inked {
			t.Errorf("the first chart's canvas is blank")
		}
		// With the chart drawn, its table folds away; it is still there.
		if open := eval[int](t, ctx, `document.querySelectorAll(".chart-card details.chart-table[open]").length`); open != 0 {
			t.Errorf("%d tables still open beside their drawn charts", open)
		}
		screenshots(t, ctx, "dashboard")
		noCSPErrors(t, cons)
	})

	t.Run("lead status set from the board", func(t *testing.T) {
		ctx, cons := f.tab(t)
		must(t, "open the board", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/leads"),
			chromedp.WaitVisible(chromedp.CSS("ol.lead-list li.lead form.lead-status")),
		))
		screenshots(t, ctx, "leads")
		id := eval[string](t, ctx, `document.querySelector("ol.lead-list li.lead .status.lead-new").closest("li").id`)
		must(t, "set the status", chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#`+id+` form.lead-status select").value = "contacted"`),
			chromedp.Click(chromedp.CSS("#"+id+" form.lead-status button")),
			chromedp.WaitVisible(chromedp.CSS("li.lead.saved")),
		))
		if got := eval[string](t, ctx, `document.querySelector("li.lead.saved").id`); got != id {
			t.Errorf("saved lead %q, want %q", got, id)
		}
		if status := eval[string](t, ctx, `document.querySelector("li.lead.saved .status").textContent`); !strings.Contains(status, "已联系") {
			t.Errorf("status after saving: %q", status)
		}
		noCSPErrors(t, cons)
	})

	t.Run("health page", func(t *testing.T) {
		ctx, cons := f.tab(t)
		must(t, "open health", chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/health"),
			chromedp.WaitVisible(chromedp.CSS(".score-big strong")),
		))
		screenshots(t, ctx, "health")
		noCSPErrors(t, cons)
	})
}
