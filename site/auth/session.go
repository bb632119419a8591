package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Default lifetimes of a session.
const (
	DefaultIdle     = 8 * time.Hour      // a working day without a click ends it
	DefaultAbsolute = 7 * 24 * time.Hour // a week after login, log in again
)

// Session is one login.
type Session struct {
	User     string    `json:"user"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
}

// Sessions is the server-side session store. The cookie holds only a
// random 32-byte id; the store keys sessions by the id's SHA-256, so that
// the persisted file (sessions.json in the data folder, mode 0600) cannot
// be replayed as cookies if it leaks. The file is written at every login
// and logout, so a restart of the server does not log everyone out; the
// idle clock of a session then counts from the last write, never later
// than it should. With Path empty sessions live in memory only.
type Sessions struct {
	Path     string
	Now      func() time.Time
	Idle     time.Duration // DefaultIdle when zero
	Absolute time.Duration // DefaultAbsolute when zero
	Logger   *slog.Logger

	mu     sync.Mutex
	m      map[string]*Session
	loaded bool
}

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sessions) idle() time.Duration { return cmpOr(s.Idle, DefaultIdle) }

func (s *Sessions) absolute() time.Duration { return cmpOr(s.Absolute, DefaultAbsolute) }

func cmpOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func sessionKey(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// init loads the persisted sessions once. s.mu is held.
func (s *Sessions) init() {
	if s.loaded {
		return
	}
	s.loaded, s.m = true, map[string]*Session{}
	if s.Path == "" {
		return
	}
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err == nil {
		err = json.Unmarshal(data, &s.m)
	}
	if err != nil {
		// Losing sessions only means logging in again.
		s.logger().Warn("sessions file unreadable; everyone logs in again", "path", s.Path, "err", err)
		s.m = map[string]*Session{}
	}
}

func (s *Sessions) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// save persists the live sessions. s.mu is held.
func (s *Sessions) save() error {
	if s.Path == "" {
		return nil
	}
	now := s.now()
	for k, x := range s.m {
		if s.expired(x, now) {
			delete(s.m, k)
		}
	}
	data, err := json.Marshal(s.m)
	if err != nil {
		return fmt.Errorf("save sessions: %w", err)
	}
	return writeFileAtomic(s.Path, data, 0o600)
}

func (s *Sessions) expired(x *Session, now time.Time) bool {
	return now.Sub(x.LastSeen) >= s.idle() || now.Sub(x.Created) >= s.absolute()
}

// Create opens a session for user and returns its id, always a fresh one:
// an id known before login (session fixation) is never promoted.
func (s *Sessions) Create(user string) (string, error) {
	id := randomToken(32)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.m[sessionKey(id)] = &Session{User: user, Created: now, LastSeen: now}
	return id, s.save()
}

// Lookup returns the session of an id and marks it used, or false when
// there is none or it expired (idle or absolute); an expired session is
// deleted.
func (s *Sessions) Lookup(id string) (Session, bool) {
	if id == "" {
		return Session{}, false
	}
	k := sessionKey(id)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	x, ok := s.m[k]
	if !ok {
		return Session{}, false
	}
	if s.expired(x, now) {
		delete(s.m, k)
		return Session{}, false
	}
	x.LastSeen = now
	return *x, true
}

// Delete ends a session (logout).
func (s *Sessions) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	k := sessionKey(id)
	if _, ok := s.m[k]; !ok {
		return nil
	}
	delete(s.m, k)
	return s.save()
}

// DeleteUser ends every session of a user.
func (s *Sessions) DeleteUser(user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	n := len(s.m)
	for k, x := range s.m {
		if x.User == user {
			delete(s.m, k)
		}
	}
	if len(s.m) == n {
		return nil
	}
	return s.save()
}

// Len is the number of sessions held, expired ones included until they are
// looked up or the store is saved.
func (s *Sessions) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	return len(s.m)
}
