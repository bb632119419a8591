package index

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	xterm "golang.org/x/term"
)

// Progress returns a progress callback for Rebuild that writes to w: a
// progress bar (records, rate, time left) when w is a terminal, plain
// lines otherwise (about every 10% and at the end), for logs and CI.
func Progress(w io.Writer, total int) func(done, total int) {
	if f, ok := w.(*os.File); ok && xterm.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("索引记录"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("条"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
		return func(done, total int) {
			bar.ChangeMax(total)
			_ = bar.Set(done)
		}
	}
	return plainProgress(w, time.Now)
}

// plainProgress writes a line when another tenth of the records is done.
func plainProgress(w io.Writer, now func() time.Time) func(done, total int) {
	start := now()
	next := 0
	return func(done, total int) {
		if done < next && done < total {
			return
		}
		next = done + max(1, total/10)
		el := now().Sub(start)
		rate := 0.0
		if el > 0 {
			rate = float64(done) / el.Seconds()
		}
		eta := "-"
		if rate > 0 && done < total {
			eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
		}
		fmt.Fprintf(w, "索引记录 %d/%d (%.0f 条/秒，剩余约 %s)\n", done, total, rate, eta)
	}
}
