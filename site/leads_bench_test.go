package site_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site"
)

// demoSite serves a 200-customer demo archive (four years of history), the
// size `dangan serve` shows without an archive, to marketing.
func demoSite(b *testing.B) *site.Server { return demoSiteFor(b, marketing) }

func demoSiteFor(b *testing.B, v access.Viewer, ix ...*index.Index) *site.Server {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "archive")
	if _, err := demo.Write(context.Background(), dir, demo.Options{Customers: 200, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	repo, err := gitstore.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { repo.Close() })
	today := demo.DefaultToday
	s := &site.Server{Store: repo, DefaultViewer: v, Logger: slog.New(slog.DiscardHandler), PollInterval: time.Hour,
		Now: func() time.Time { return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.Local) }}
	if len(ix) > 0 {
		s.Index = ix[0]
	}
	if err := s.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkLeadsDerive is what a new commit costs the first time: every
// lead of the archive derived and dated by its first commit (the walk
// through four years of history, without a cache).
func BenchmarkLeadsDerive(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := demoSite(b)
		b.StartTimer()
		if err := s.RefreshLeads(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLeadBoard is one page of the board for marketing, with the
// leads cached: redaction, filter counts and the page.
func BenchmarkLeadBoard(b *testing.B) {
	s := demoSite(b)
	if err := s.RefreshLeads(context.Background()); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	for _, u := range []string{"/leads", "/leads?status=all&signal=warranty&sort=new", "/dashboard"} {
		b.Run(u, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
