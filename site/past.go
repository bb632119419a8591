package site

import (
	"container/list"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
)

// version says which commit of the archive a page shows: the live head
// (Past false), a commit asked for with ?v=, or the last commit on or
// before a day asked for with ?at=.
type version struct {
	Past   bool
	At     archive.Date    // the day asked for, zero for ?v=
	Commit gitstore.Commit // the commit shown when Past
}

// Query returns the query string that keeps a link on this version.
func (v version) Query() string {
	switch {
	case !v.Past:
		return ""
	case !v.At.IsZero():
		return "?at=" + v.At.String()
	}
	return "?v=" + v.Commit.Hash
}

// Pin is the commit links to attachments pin to ("" for the live head).
func (v version) Pin() string {
	if v.Past {
		return v.Commit.Hash
	}
	return ""
}

var revPattern = regexp.MustCompile(`^[0-9a-fA-F]{4,40}$`)

// versionOf reads ?v= and ?at=. Only commit ids are accepted for ?v= (not
// ref names like HEAD~1), so addresses stay stable when shared.
func (s *Server) versionOf(r *http.Request) (version, error) {
	q := r.URL.Query()
	if v := q.Get("v"); v != "" {
		if !revPattern.MatchString(v) {
			return version{}, notFound(fmt.Errorf("bad version %q", v))
		}
		id, err := s.Store.Resolve(v)
		if err != nil {
			return version{}, notFound(err)
		}
		c, err := s.Store.CommitInfo(id)
		if err != nil {
			return version{}, notFound(err)
		}
		return version{Past: id != s.live.Snapshot().Commit, Commit: c}, nil
	}
	if at := q.Get("at"); at != "" {
		d, err := archive.ParseDate(at)
		if err != nil {
			return version{}, badRequest("error.bad_date", err)
		}
		loc := s.Now().Location()
		end := time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, loc)
		id, err := s.Store.AsOf(end)
		if err != nil {
			if errors.Is(err, gitstore.ErrNotFound) {
				return version{}, &Error{Status: http.StatusNotFound, Code: "no_version", Key: "error.no_version", Err: err}
			}
			return version{}, err
		}
		c, err := s.Store.CommitInfo(id)
		if err != nil {
			return version{}, err
		}
		return version{Past: true, At: d, Commit: c}, nil
	}
	return version{}, nil
}

// snapshotFor returns the archive a page about one customer (or a guide,
// customer "") reads at version v: the live snapshot, or a small snapshot
// of just that folder at the past commit, cached.
func (s *Server) snapshotFor(v version, customer string) (*archive.Snapshot, error) {
	if !v.Past {
		return s.live.Snapshot(), nil
	}
	key := v.Commit.Hash + "\x00" + customer
	if snap, ok := s.past.get(key); ok {
		return snap, nil
	}
	snap, err := s.loadFolder(v.Commit.Hash, customer)
	if err != nil {
		return nil, err
	}
	s.past.put(key, snap)
	return snap, nil
}

// loadFolder reads only one customer's folder (or the guides) and the
// settings at a commit: an as-of page costs a few files, not the archive.
func (s *Server) loadFolder(commit, customer string) (*archive.Snapshot, error) {
	var files []archive.File
	if f, err := s.Store.ReadFile(commit, archive.SettingsFile); err == nil {
		files = append(files, f)
	}
	folder, err := gitstore.FolderFiles(s.Store, commit, customer)
	if err != nil {
		return nil, err
	}
	return archive.Load(commit, archive.Files(append(files, folder...)))
}

// snapCache keeps the last few past snapshots.
type snapCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *snapEntry, most recent first
	byKey map[string]*list.Element
}

type snapEntry struct {
	key  string
	snap *archive.Snapshot
}

func newSnapCache(max int) *snapCache {
	return &snapCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *snapCache) get(key string) (*archive.Snapshot, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*snapEntry).snap, true
	}
	return nil, false
}

func (c *snapCache) put(key string, snap *archive.Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&snapEntry{key, snap})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*snapEntry).key)
	}
}
