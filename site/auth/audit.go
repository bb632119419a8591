package auth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
)

// EventType names what an audit event records.
type EventType string

// The audit events.
const (
	EventLogin          EventType = "login"
	EventLoginFailed    EventType = "login_failed"
	EventLogout         EventType = "logout"
	EventUserAdd        EventType = "user_add"
	EventUserRemove     EventType = "user_remove"
	EventUserPasswd     EventType = "user_passwd"
	EventUserToken      EventType = "user_token"
	EventUserFeedToken  EventType = "user_feed_token"
	EventRestrictedRead EventType = "restricted_read"
	// EventUnreadable stands for a line of audit.log that is not an event:
	// a damaged or edited log shows, it is not skipped.
	EventUnreadable EventType = "unreadable"
)

// Event is one line of the audit log.
type Event struct {
	Time time.Time `json:"time"`
	Type EventType `json:"type"`
	// Actor is who did it: the logged-in user, or "cli:<os user>".
	Actor string      `json:"actor,omitempty"`
	Role  access.Role `json:"role,omitempty"`
	// User is whom it concerns: the name typed at a login, the user added.
	User     string `json:"user,omitempty"`
	Addr     string `json:"addr,omitempty"`
	Customer string `json:"customer,omitempty"`
	Path     string `json:"path,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// Audit is the append-only audit log: audit.log in the data folder, one
// JSON object per line. Every event is one write to a file opened with
// O_APPEND, so the server and the CLI can both append without
// interleaving, and nothing in dangan ever rewrites the file. Events are
// not fsynced one by one: a power cut may lose the last second of them.
type Audit struct {
	Path string
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu sync.Mutex
}

// Record appends an event. Time, Actor, Role and Addr are filled from the
// clock and from the request context (the viewer and client address that
// Authenticator.Middleware stored there) when the event leaves them empty.
func (a *Audit) Record(ctx context.Context, e Event) error {
	if e.Time.IsZero() {
		if a.Now != nil {
			e.Time = a.Now()
		} else {
			e.Time = time.Now()
		}
	}
	e.Time = e.Time.UTC()
	if v := ViewerFrom(ctx); e.Actor == "" && !v.Anonymous() {
		e.Actor, e.Role = v.Name, v.Role
	}
	if e.Addr == "" {
		e.Addr = ClientAddrFrom(ctx)
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.OpenFile(a.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("audit: write %s: %w", a.Path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit: write %s: %w", a.Path, err)
	}
	return nil
}

// RestrictedRead records that the viewer in ctx read a record (or a page)
// of a restricted customer. The site calls it for every such read.
func (a *Audit) RestrictedRead(ctx context.Context, customer, path string) error {
	return a.Record(ctx, Event{Type: EventRestrictedRead, Customer: customer, Path: path})
}

// Read returns the events at or after since, oldest first. A line that is
// not an event comes back as an EventUnreadable naming its line number.
// A missing log has no events.
func (a *Audit) Read(since time.Time) ([]Event, error) {
	f, err := os.Open(a.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	var out []Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e Event
		if err := json.Unmarshal(line, &e); err != nil || e.Type == "" {
			out = append(out, Event{Type: EventUnreadable, Detail: fmt.Sprintf("%s:%d: not an audit event", a.Path, n)})
			continue
		}
		if !e.Time.Before(since) {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("audit: read %s: %w", a.Path, err)
	}
	return out, nil
}
