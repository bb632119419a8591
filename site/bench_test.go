package site_test

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkCustomerPage renders the busiest page (topology drawing cached
// after the first request) as a technician's phone would ask for it.
func BenchmarkCustomerPage(b *testing.B) {
	ts := newServer(b, options{})
	for b.Loop() {
		rec := httptest.NewRecorder()
		ts.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/customers/mz-renmin-hospital", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkCustomerAsOf is the bid-pack page at a past date: the folder is
// loaded from git once, then served from the cache.
func BenchmarkCustomerAsOf(b *testing.B) {
	ts := newServer(b, options{})
	for b.Loop() {
		rec := httptest.NewRecorder()
		ts.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/customers/mz-renmin-hospital/print?at=2026-06-30", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
