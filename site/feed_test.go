package site_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/access"
)

type atomFeed struct {
	Title   string `xml:"title"`
	ID      string `xml:"id"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, res response) atomFeed {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("feed Content-Type %q", ct)
	}
	var f atomFeed
	if err := xml.Unmarshal([]byte(res.Body), &f); err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, res.Body)
	}
	return f
}

func TestLeadFeed(t *testing.T) {
	ts := newLeadServer(t)
	tokens := map[string]access.Viewer{"tok-marketing": marketing, "tok-wangfang": wangfang}
	ts.Site.FeedViewer = func(tok string) (access.Viewer, bool) { v, ok := tokens[tok]; return v, ok }

	// A feed reader has no session: the token in the address says who it is.
	ids, _ := boardLeads(t, ts.get(t, "marketing", "/leads"))
	f := readFeed(t, ts.get(t, "", "/feeds/leads.atom?token=tok-marketing"))
	if len(f.Entries) != len(ids) {
		t.Errorf("marketing's feed has %d entries, its board %d", len(f.Entries), len(ids))
	}
	for _, e := range f.Entries {
		if !strings.HasPrefix(e.ID, "urn:dangan:lead:") || e.Link.Href == "" || e.Updated == "" {
			t.Errorf("entry %+v", e)
		}
	}
	for _, s := range append(marketingSecrets, restrictedNeed) {
		if strings.Contains(f.Entries[0].Summary+ts.get(t, "", "/feeds/leads.atom?token=tok-marketing").Body, s) {
			t.Errorf("marketing's feed shows %q", s)
		}
	}
	// The restricted customer's technician gets its lead; per account
	// manager, only theirs.
	if body := ts.get(t, "", "/feeds/leads.atom?token=tok-wangfang").Body; !strings.Contains(body, restrictedNeed) {
		t.Errorf("wangfang's feed lacks the restricted customer's lead")
	}
	am := readFeed(t, ts.get(t, "", "/feeds/leads.atom?token=tok-wangfang&account_manager=zhaomin&status=all"))
	if len(am.Entries) != 1 || !strings.Contains(am.Entries[0].Title, "公安") || !strings.Contains(am.Title, "zhaomin") {
		t.Errorf("zhaomin's feed: %+v", am)
	}
	// Without a valid token: 401 and nothing else, never the login page.
	for _, u := range []string{"/feeds/leads.atom", "/feeds/leads.atom?token=nope"} {
		res := ts.get(t, "", u)
		if res.StatusCode != http.StatusUnauthorized || strings.Contains(res.Body, "<entry") {
			t.Errorf("%s: %d", u, res.StatusCode)
		}
	}
	// A logged-in browser gets the same feed at the board's address.
	if got := readFeed(t, ts.get(t, "marketing", "/leads/feed.atom")); len(got.Entries) != len(f.Entries) {
		t.Errorf("session feed %d entries, token feed %d", len(got.Entries), len(f.Entries))
	}
}
