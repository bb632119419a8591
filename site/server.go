// Package site is dangan's web site: search, customer pages, records with
// their history and diffs, the archive as of a past date, guides, and a
// JSON API for the same data. Pages are rendered on the server with
// html/template, work without JavaScript and read well on a phone.
//
// The site reads the archive through the interfaces below, declared where
// they are used; cmd/dangan plugs in gitstore, index, diagram and auth.
package site

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/snapcache"
	"github.com/dangan-archive/dangan/index"
	"github.com/dangan-archive/dangan/site/diagram"
	"github.com/dangan-archive/dangan/site/i18n"
	"github.com/dangan-archive/dangan/site/markdown"
)

// Store is the versioned archive (archive/gitstore's *Repo).
type Store interface {
	Head() (string, error)
	Resolve(rev string) (string, error)
	Snapshot(commit string) (*archive.Snapshot, error)
	ReadFile(commit, path string) (archive.File, error)
	List(commit, dir string) ([]gitstore.Entry, error)
	Changes(from, to string) (changed []archive.File, removed []string, err error)
	CommitInfo(id string) (gitstore.Commit, error)
	History(path string, limit int) ([]gitstore.Commit, error)
	AsOf(t time.Time) (string, error)
	Diff(path, from, to string) (*gitstore.Diff, error)
}

// Index is the search index (index's *Index).
type Index interface {
	Search(ctx context.Context, req index.Request) (*index.Result, error)
	// Sync brings the index to snap, with an update from the changes since
	// its commit or a rebuild.
	Sync(ctx context.Context, snap *archive.Snapshot, changes func(from, to string) (changed, removed []string, err error)) error
}

// Diagrams draws topologies (site/diagram's *Renderer).
type Diagrams interface {
	SVG(ctx context.Context, in diagram.Input) (diagram.Output, error)
}

// Server serves the site. Set the fields, call Open, then Handler.
type Server struct {
	Store    Store
	Index    Index    // nil: a simple scan of the snapshot answers searches
	Diagrams Diagrams // nil: the topology is shown as a table only
	// Remote is the git server the archive was cloned from (dangan serve
	// --archive URL); nil for an archive served in place. HookSecret
	// guards POST /hooks/git; empty means no webhook.
	Remote     Remote
	HookSecret string

	// ViewerFrom finds who is asking (site/auth's middleware puts the
	// viewer in the request context); DefaultViewer is used when it is nil
	// or finds nobody, so a site without auth still works.
	ViewerFrom    func(context.Context) (access.Viewer, bool)
	DefaultViewer access.Viewer
	// Middleware wraps every page and API route (authentication); static
	// files and /healthz are outside it.
	Middleware func(http.Handler) http.Handler
	// Headers sets the security headers of every response; nil means
	// SecurityHeaders. site/auth provides the real one.
	Headers func(http.Handler) http.Handler
	// Mount adds routes of other packages (/login, /logout).
	Mount func(mux *http.ServeMux)
	// FeedViewer resolves a feed token (`dangan user token --feed`, or the
	// lead board's button) given in the address of a lead feed: feed
	// readers cannot log in. UseAuth sets it; nil means feeds answer only
	// logged-in viewers.
	FeedViewer func(token string) (access.Viewer, bool)
	// NewFeedToken makes a new feed token for a person (revoking their
	// previous one) and returns it. UseAuth sets it; nil means the board
	// offers none.
	NewFeedToken func(name string) (string, error)
	// CacheDir keeps what is derived from the archive's history between
	// runs (when each lead first appeared); "" keeps it in memory only.
	CacheDir string
	// SnapshotCache keeps the parsed archive between starts; nil means a
	// snapcache.Cache in CacheDir (none without a CacheDir). dangan serve
	// gives one already being read, while it opens the index.
	SnapshotCache SnapshotCache
	// Accounts lists the site's user names: with the staff the records
	// name, the people whose commits count as authentic (health). UseAuth
	// sets it.
	Accounts func() []string
	// restrictedRead records that the viewer in ctx read a restricted
	// customer's folder or record (UseAuth: the audit log); nil records
	// nothing.
	restrictedRead func(ctx context.Context, customer, path string)
	// loggedIn is set by UseAuth: pages then offer a logout button.
	loggedIn bool
	// Author is who a save by v is committed as (UseAuth: the user
	// store's display name and email); nil: the viewer's own names.
	Author func(v access.Viewer) gitstore.Signature

	Logger *slog.Logger
	Now    func() time.Time
	// PollInterval is how often the store's head is checked (default 1s).
	PollInterval time.Duration

	staff    staffCache
	allowed  allowedCache
	live     *Live
	pages    *pages
	catalogs *i18n.Catalogs
	md       *markdown.Renderer
	past     *snapCache
	board    boardState // leads and health, derived per commit
	busy     busy       // requests in flight, for the walks through history to step aside
	open     sync.Once
}

// Open parses the templates (failing fast on a broken one), loads the
// archive and starts following its commits.
func (s *Server) Open(ctx context.Context) error {
	if s.Store == nil {
		return errors.New("site: no store")
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	var err error
	if s.catalogs, err = i18n.Load(); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if s.pages, err = parsePages(s.catalogs); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	s.md = markdown.New()
	s.past = newSnapCache(32)
	s.live = &Live{Store: s.Store, Index: s.Index, Logger: s.Logger, Interval: s.PollInterval}
	switch {
	case s.SnapshotCache != nil:
		s.live.Cache = s.SnapshotCache
	case s.CacheDir != "":
		s.live.Cache = snapcache.Cache{Dir: s.CacheDir}
	}
	if err := s.live.Open(ctx); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
}

// Close stops following the archive.
func (s *Server) Close() error {
	if s.live != nil {
		s.live.Close()
	}
	return nil
}

// Poke makes the site look for new commits now, after it committed itself.
func (s *Server) Poke() { s.live.Poke() }

// Live returns the component that follows the archive.
func (s *Server) Live() *Live { return s.live }

// today is the day pages judge dates against (warranty, late milestones).
func (s *Server) today() archive.Date { return archive.DateOf(s.Now()) }
