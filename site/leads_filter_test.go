package site

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzLeadFilter reads any query string as the board's filter: it never
// fails, always settles on a known status, age and sort, and writes itself
// back (for export, feed and paging links) as a query that reads the same.
func FuzzLeadFilter(f *testing.F) {
	for _, seed := range []string{
		"", "status=all", "signal=warranty&status=won&age=30&sort=new", "q=%E5%85%AC%E5%AE%89&account_manager=zhangwei",
		"status=bogus&age=1000&sort=%00", "industry=a%26b%3Dc&district=%20", "page=-3", "page=99999999999999999999",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/leads", nil)
		r.URL.RawQuery = raw
		a := leadFilterOf(r)
		if a.Page < 1 {
			t.Errorf("page %d", a.Page)
		}
		if a.Status != "open" && a.Status != "all" && !slicesContainsStatus(a.Status) {
			t.Errorf("status %q", a.Status)
		}
		r2 := httptest.NewRequest("GET", "/leads", nil)
		r2.URL.RawQuery = a.Query()
		b := leadFilterOf(r2)
		a.Page, b.Page = 1, 1
		if a != b {
			t.Errorf("%q -> %q: %+v != %+v", raw, a.Query(), a, b)
		}
		if _, err := url.ParseQuery(a.Query()); err != nil {
			t.Errorf("query %q: %v", a.Query(), err)
		}
	})
}

func slicesContainsStatus(s string) bool {
	for _, x := range []string{"new", "contacted", "won", "lost", "dismissed"} {
		if s == x {
			return true
		}
	}
	return false
}
