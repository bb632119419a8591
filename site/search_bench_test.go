package site_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/dangan-archive/dangan/index"
)

// BenchmarkSearchPage is the search page as a technician gets it, over the
// bench's query set (index.BenchQueries: frequent Chinese words, English,
// identifiers, phrases), one query per iteration: the search and the page
// around it. The index of a 200-customer demo is small; the suite
// (`dangan bench`) measures the same page at 10,000 customers over HTTP.
func BenchmarkSearchPage(b *testing.B) {
	qs, err := index.BenchQueries()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	ix.Logger = slog.New(slog.DiscardHandler)
	b.Cleanup(func() { ix.Close() })
	s := demoSiteFor(b, liqiang, ix)
	if err := s.Live().Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	waitIndexed(b, s)
	h := s.Handler()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/search?q="+url.QueryEscape(qs[i%len(qs)]), nil))
		if rec.Code != 200 && rec.Code != 422 {
			b.Fatalf("%q: %d", qs[i%len(qs)], rec.Code)
		}
		i++
	}
}
