package site

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/leads"
	"github.com/dangan-archive/dangan/site/auth"
)

// feedSize is how many leads a feed holds: the newest first.
const feedSize = 100

// handleLeadFeed is the Atom feed of the leads a logged-in viewer may see,
// with the board's filters (?account_manager=zhangwei for one account
// manager's customers), newest first: a feed reader shows a lead minutes
// after the commit that reveals it.
func (s *Server) handleLeadFeed(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if !v.Viewer.Role.Valid() {
		return errForbiddenPage
	}
	return s.writeLeadFeed(w, r, v)
}

// handleTokenFeed is the same feed for feed readers, which cannot log in:
// the viewer is the owner of the feed token in the address (?token=, made
// on the lead board or by `dangan user token --feed NAME`). A feed token
// opens this feed and nothing else, and a personal API token is refused
// here: an address is kept in too many places to carry a key to the API.
// It is registered outside the login so a reader gets the feed, not the
// login page; a missing or revoked token gets 401 and nothing else.
func (s *Server) handleTokenFeed(w http.ResponseWriter, r *http.Request) {
	var viewer access.Viewer
	ok := false
	if token := r.URL.Query().Get("token"); token != "" && s.FeedViewer != nil {
		viewer, ok = s.FeedViewer(token)
	}
	if !ok || !viewer.Role.Valid() {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, s.catalog(r).T("leads.feed_token"), http.StatusUnauthorized)
		return
	}
	// The token is a secret in the address: the answer must not be kept
	// by any cache between the reader and the site.
	w.Header().Set("Cache-Control", "no-store")
	// The token's owner is the viewer of this request: the audit log
	// names them like a logged-in person.
	r = r.WithContext(auth.WithViewer(r.Context(), viewer))
	if err := s.writeLeadFeed(w, r, s.viewFor(r, viewer)); err != nil {
		s.servePageError(w, r, err)
	}
}

// viewFor is viewOf for a viewer found otherwise than by the request's
// session (a feed token).
func (s *Server) viewFor(r *http.Request, viewer access.Viewer) view {
	live := s.live.Snapshot()
	return view{Viewer: viewer, policy: access.Policy{Settings: live.Settings}, live: live, ctx: r.Context(), audit: s.restrictedRead}
}

func (s *Server) writeLeadFeed(w http.ResponseWriter, r *http.Request, v view) error {
	set, _, err := s.currentLeads(r.Context(), true)
	if err != nil {
		return err
	}
	c := s.catalog(r)
	lang := string(c.Lang)
	f := leadFilterOf(r)
	if r.URL.Query().Get("sort") == "" {
		f.Sort = "new"
	}
	ls := f.apply(v.setLeads(set), s.today())
	if len(ls) > feedSize {
		ls = ls[:feedSize]
	}
	v.auditLeads(ls, r.URL.Path)
	base := siteURL(r)
	title := c.T("leads.feed_title")
	if f.AccountManager != "" {
		title = c.T("leads.feed_title_am", f.AccountManager)
	}
	// gorilla/feeds makes the board's address (without the token) the
	// feed's id: a new token does not make a reader show every lead again.
	feed := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: base + "/leads?" + f.Query()},
		Description: c.T("leads.feed_subtitle"),
	}
	// A lead with no date of its own (no history to walk) is dated by the
	// commit it was derived at: a fixed time, so readers do not see it
	// change at every poll.
	var fallback time.Time
	if ci, err := s.Store.CommitInfo(set.Commit); err == nil {
		fallback = ci.When
	}
	for _, l := range ls {
		when := leadTime(l)
		if when.IsZero() {
			when = fallback
		}
		if when.After(feed.Updated) {
			feed.Updated = when
		}
		var body strings.Builder
		body.WriteString(l.Text(lang))
		if p := l.ProductIn(lang); p != "" {
			fmt.Fprintf(&body, "\n%s：%s", c.T("leads.product"), p)
		}
		fmt.Fprintf(&body, "\n%s：%s", c.T("leads.status"), c.T("lead."+string(l.Status)))
		for _, e := range l.Evidence {
			body.WriteString("\n" + e.String())
		}
		item := &feeds.Item{
			Title:       fmt.Sprintf("%s · %s · %s", l.CustomerName, l.Signal.Label(lang), l.Text(lang)),
			Link:        &feeds.Link{Href: base + "/leads?" + url.Values{"q": {l.Customer}, "status": {"all"}}.Encode() + "#lead-" + l.ID},
			Id:          "urn:dangan:lead:" + l.ID,
			Description: body.String(),
			Created:     when,
			Updated:     when,
		}
		if l.FirstSeen != nil && l.FirstSeen.Author != "" {
			item.Author = &feeds.Author{Name: l.FirstSeen.Author}
		}
		feed.Add(item)
	}
	if feed.Updated.IsZero() {
		feed.Updated = s.Now()
	}
	var buf bytes.Buffer
	if err := feed.WriteAtom(&buf); err != nil {
		return fmt.Errorf("write lead feed: %w", err)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "private, no-cache")
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// leadTime is when a lead appeared: its first commit, else the day its
// signal began.
func leadTime(l leads.Lead) time.Time {
	if l.FirstSeen != nil {
		return l.FirstSeen.When
	}
	if !l.Since.IsZero() {
		return l.Since.Time()
	}
	return time.Time{}
}

// siteURL is the address the request reached the site at, for absolute
// links in feeds.
// handleNewFeedToken makes the viewer a new feed token and shows the feed's
// address with it, once: only its hash is kept. The old token stops
// working, which is also how a person revokes a leaked address.
func (s *Server) handleNewFeedToken(w http.ResponseWriter, r *http.Request) error {
	v := s.viewOf(r)
	if s.NewFeedToken == nil {
		return notFound(errors.New("no feed tokens without accounts"))
	}
	if !v.Viewer.Role.Valid() || v.Viewer.Name == "" {
		return errForbiddenPage
	}
	token, err := s.NewFeedToken(v.Viewer.Name)
	if err != nil {
		return fmt.Errorf("new feed token for %s: %w", v.Viewer.Name, err)
	}
	feed := siteURL(r) + "/feeds/leads.atom?" + url.Values{"token": {token}}.Encode()
	if q := leadFilterOf(r).Query(); q != "" {
		feed += "&" + q
	}
	return s.renderWith(w, r, http.StatusOK, "feedtoken", layoutData{Title: s.catalog(r).T("feedtoken.title"), Data: struct{ URL string }{feed}})
}

func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
