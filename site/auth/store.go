package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
)

// User is one account. Name is the person id used in the archive's
// records (technicians: [liqiang]), so assignments come from the archive.
type User struct {
	Name        string      `json:"name"`
	Role        access.Role `json:"role"`
	DisplayName string      `json:"display_name,omitempty"`
	Email       string      `json:"email,omitempty"`
	// PasswordHash is an argon2id PHC string; TokenHash the SHA-256 of
	// the personal API token, in hex; FeedTokenHash that of the feed
	// token. No secret itself is stored.
	PasswordHash     string    `json:"password_hash"`
	TokenHash        string    `json:"token_hash,omitempty"`
	FeedTokenHash    string    `json:"feed_token_hash,omitempty"`
	Created          time.Time `json:"created"`
	PasswordChanged  time.Time `json:"password_changed"`
	TokenCreated     time.Time `json:"token_created,omitzero"`
	FeedTokenCreated time.Time `json:"feed_token_created,omitzero"`
}

// Viewer is the user as the access rules see them.
func (u User) Viewer() access.Viewer {
	return access.Viewer{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role}
}

// HasToken reports whether the user has a personal API token.
func (u User) HasToken() bool { return u.TokenHash != "" }

// Errors of the user store, tested with errors.Is.
var (
	ErrNoUser     = errors.New("no such user")
	ErrUserExists = errors.New("user exists")
	ErrBadName    = errors.New("invalid user name")
	ErrBadRole    = errors.New("invalid role")
)

// namePattern is what a person id in the archive looks like.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{0,63}$`)

// ValidName reports whether name can be a user name (and a person id in
// the archive's records).
func ValidName(name string) bool { return namePattern.MatchString(name) }

// usersFile is the JSON document of users.json.
type usersFile struct {
	Version int     `json:"version"`
	Users   []*User `json:"users"`
}

// Store keeps the users in one JSON file in the data folder (users.json,
// mode 0600), never in the archive's git history. It is read again when
// the file changes on disk, so that `dangan user ...` run beside a running
// server takes effect at the next request, and written atomically. Two
// processes changing users at the very same moment could lose one change:
// people run the CLI by hand, and each change is checked when it is made.
type Store struct {
	Path string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Argon2 is the cost of new password hashes (DefaultArgon2 when zero).
	Argon2 Argon2Params
	// Audit, when set, records every change of users.
	Audit *Audit
	// Actor names who changes users through this store in the audit log
	// ("cli:root"); "cli" when empty.
	Actor string
	// Logger receives warnings (slog.Default when nil).
	Logger *slog.Logger

	mu    sync.Mutex
	users map[string]*User
	stat  fs.FileInfo // of the file last read; nil when it did not exist
	read  bool

	dummyOnce sync.Once
	dummy     string
	hashing   chan struct{}
	hashOnce  sync.Once
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) params() Argon2Params {
	if s.Argon2 == (Argon2Params{}) {
		return DefaultArgon2
	}
	return s.Argon2
}

func (s *Store) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// gate bounds how many passwords are hashed at once: each hash takes
// Argon2.Memory, and a burst of logins must not exhaust the server.
func (s *Store) gate() chan struct{} {
	s.hashOnce.Do(func() { s.hashing = make(chan struct{}, max(1, runtime.GOMAXPROCS(0))) })
	return s.hashing
}

// load reads the file when it changed since the last read. s.mu is held.
func (s *Store) load() error {
	fi, err := os.Stat(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		s.users, s.stat, s.read = map[string]*User{}, nil, true
		return nil
	}
	if err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	if s.read && s.stat != nil && os.SameFile(s.stat, fi) && fi.ModTime().Equal(s.stat.ModTime()) && fi.Size() == s.stat.Size() {
		return nil
	}
	data, err := os.ReadFile(s.Path)
	if err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	var f usersFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("read users: %s is not a valid users file: %w", s.Path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		s.logger().Warn("users file is readable by others; run chmod 600 on it", "path", s.Path, "mode", fi.Mode().Perm().String())
	}
	users := make(map[string]*User, len(f.Users))
	for _, u := range f.Users {
		if u != nil && u.Name != "" {
			users[u.Name] = u
		}
	}
	s.users, s.stat, s.read = users, fi, true
	return nil
}

// save writes users to the file. s.mu is held.
func (s *Store) save() error {
	f := usersFile{Version: 1}
	for _, name := range slices.Sorted(maps.Keys(s.users)) {
		f.Users = append(f.Users, s.users[name])
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	if err := writeFileAtomic(s.Path, append(data, '\n'), 0o600); err != nil {
		return err
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	s.stat = fi
	return nil
}

// change runs fn on fresh users and saves them when fn succeeds.
func (s *Store) change(fn func(users map[string]*User) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Always read again: another process may have written since.
	s.read = false
	if err := s.load(); err != nil {
		return err
	}
	if err := fn(s.users); err != nil {
		// fn may have changed the map before failing; read it back next time.
		s.read = false
		return err
	}
	return s.save()
}

func (s *Store) audit(t EventType, name, detail string) {
	if s.Audit == nil {
		return
	}
	actor := s.Actor
	if actor == "" {
		actor = "cli"
	}
	if err := s.Audit.Record(context.Background(), Event{Type: t, Actor: actor, User: name, Detail: detail}); err != nil {
		s.logger().Error("audit log", "err", err)
	}
}

// Add creates a user. The password must have at least MinPasswordLen
// characters; display name and email are optional.
func (s *Store) Add(name string, role access.Role, password, display, email string) error {
	if !ValidName(name) {
		return fmt.Errorf("%w: %q; a user name is the person id used in the archive: lowercase letters, digits, '.', '_' or '-', starting with a letter, such as liqiang", ErrBadName, name)
	}
	if !role.Valid() {
		return fmt.Errorf("%w: %q; the roles are technician, account_manager, marketing and admin", ErrBadRole, role)
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	err = s.change(func(users map[string]*User) error {
		if _, ok := users[name]; ok {
			return fmt.Errorf("%w: %s already exists", ErrUserExists, name)
		}
		now := s.now().UTC()
		users[name] = &User{Name: name, Role: role, DisplayName: strings.TrimSpace(display), Email: strings.TrimSpace(email),
			PasswordHash: hash, Created: now, PasswordChanged: now}
		return nil
	})
	if err == nil {
		s.audit(EventUserAdd, name, "role="+string(role))
	}
	return err
}

// Get returns one user.
func (s *Store) Get(name string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return User{}, err
	}
	u, ok := s.users[name]
	if !ok {
		return User{}, fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	return *u, nil
}

// List returns every user, sorted by name.
func (s *Store) List() ([]User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	out := make([]User, 0, len(s.users))
	for _, name := range slices.Sorted(maps.Keys(s.users)) {
		out = append(out, *s.users[name])
	}
	return out, nil
}

// Remove deletes a user. Their sessions end at their next request.
func (s *Store) Remove(name string) error {
	err := s.change(func(users map[string]*User) error {
		if _, ok := users[name]; !ok {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		delete(users, name)
		return nil
	})
	if err == nil {
		s.audit(EventUserRemove, name, "")
	}
	return err
}

// SetPassword changes a user's password. Sessions opened before the change
// end at their next request.
func (s *Store) SetPassword(name, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	err = s.change(func(users map[string]*User) error {
		u, ok := users[name]
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		u.PasswordHash, u.PasswordChanged = hash, s.now().UTC()
		return nil
	})
	if err == nil {
		s.audit(EventUserPasswd, name, "")
	}
	return err
}

// TokenPrefix starts every personal API token, so that a leaked one is
// easy to recognise (and to search for in logs and repositories).
const TokenPrefix = "dgn_"

// FeedTokenPrefix starts every feed token. A feed token opens the lead
// feed and nothing else: it lives in a feed reader's address, which ends
// up in readers' settings, proxies' logs and browser histories, so it must
// not be a key to the whole API as the personal token is.
const FeedTokenPrefix = "dgf_"

// NewToken creates the user's personal API token and returns it; only its
// SHA-256 is kept, so it is shown this once. A user has one token: a new
// one replaces (and revokes) the previous.
func (s *Store) NewToken(name string) (string, error) {
	return s.newToken(name, TokenPrefix, EventUserToken, func(u *User, hash string, now time.Time) {
		u.TokenHash, u.TokenCreated = hash, now
	})
}

// NewFeedToken creates the user's feed token (read-only, the lead feed
// only) and returns it, shown this once like NewToken. A new one revokes
// the previous; the personal API token is not touched.
func (s *Store) NewFeedToken(name string) (string, error) {
	return s.newToken(name, FeedTokenPrefix, EventUserFeedToken, func(u *User, hash string, now time.Time) {
		u.FeedTokenHash, u.FeedTokenCreated = hash, now
	})
}

func (s *Store) newToken(name, prefix string, ev EventType, set func(u *User, hash string, now time.Time)) (string, error) {
	token := prefix + randomToken(32)
	err := s.change(func(users map[string]*User) error {
		u, ok := users[name]
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		set(u, tokenHash(token), s.now().UTC())
		return nil
	})
	if err != nil {
		return "", err
	}
	s.audit(ev, name, "")
	return token, nil
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func (s *Store) hash(password string) (string, error) {
	g := s.gate()
	g <- struct{}{}
	defer func() { <-g }()
	return hashPassword(password, s.params())
}

// CheckPassword returns the user when name and password match. It takes
// as long for an unknown user as for a wrong password, so that timing does
// not tell who has an account.
func (s *Store) CheckPassword(name, password string) (User, bool) {
	u, err := s.Get(name)
	hash := u.PasswordHash
	if err != nil || hash == "" {
		s.dummyOnce.Do(func() { s.dummy, _ = hashPassword(NewPassword(), s.params()) })
		hash = s.dummy
	}
	g := s.gate()
	g <- struct{}{}
	ok := verifyPassword(password, hash)
	<-g
	if err != nil || !ok {
		return User{}, false
	}
	return u, true
}

// CheckToken returns the user whose personal API token this is.
func (s *Store) CheckToken(token string) (User, bool) {
	return s.checkToken(token, TokenPrefix, func(u *User) string { return u.TokenHash })
}

// CheckFeedToken returns the user whose feed token this is. A personal API
// token is not a feed token.
func (s *Store) CheckFeedToken(token string) (User, bool) {
	return s.checkToken(token, FeedTokenPrefix, func(u *User) string { return u.FeedTokenHash })
}

func (s *Store) checkToken(token, prefix string, hashOf func(*User) string) (User, bool) {
	if !strings.HasPrefix(token, prefix) {
		return User{}, false
	}
	want := []byte(tokenHash(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		s.logger().Error("check token", "err", err)
		return User{}, false
	}
	var found *User
	for _, u := range s.users {
		if h := hashOf(u); h != "" && subtle.ConstantTimeCompare([]byte(h), want) == 1 {
			found = u
		}
	}
	if found == nil {
		return User{}, false
	}
	return *found, true
}

// EnsureAdmin creates the user admin with a random password when there are
// no users at all, and returns that password to be printed once. It
// returns "" when users exist.
func (s *Store) EnsureAdmin() (string, error) {
	users, err := s.List()
	if err != nil || len(users) > 0 {
		return "", err
	}
	pw := NewPassword()
	if err := s.Add("admin", access.Admin, pw, "管理员", ""); err != nil {
		if errors.Is(err, ErrUserExists) {
			// Another process won the race; its password was printed there.
			return "", nil
		}
		return "", err
	}
	return pw, nil
}

// EnsureDemoUsers gives the demo archive one user per role: names maps a
// role to the user name. Missing users are created; existing ones get a
// fresh password, since passwords are stored only as hashes and the demo
// prints them at every start. It returns user name → password. A user who
// exists with another role is an error: the demo never changes roles.
func (s *Store) EnsureDemoUsers(names map[access.Role]string) (map[string]string, error) {
	out := map[string]string{}
	for _, role := range access.Roles {
		name, ok := names[role]
		if !ok {
			continue
		}
		pw := NewPassword()
		u, err := s.Get(name)
		switch {
		case errors.Is(err, ErrNoUser):
			err = s.Add(name, role, pw, "", "")
		case err != nil:
		case u.Role != role:
			err = fmt.Errorf("demo user %s exists with role %s, not %s; remove it with: dangan user remove %s", name, u.Role, role, name)
		default:
			err = s.SetPassword(name, pw)
		}
		if err != nil {
			return nil, err
		}
		out[name] = pw
	}
	return out, nil
}
