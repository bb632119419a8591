package auth

import (
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Default limits of failed logins.
const (
	DefaultWindow  = 15 * time.Minute
	DefaultPerUser = 5  // failures for one user name, from anywhere
	DefaultPerAddr = 20 // failures from one address, for any names
)

// Limiter refuses logins after too many recent failures, counted per user
// name (guessing one person's password) and per client address (trying
// many names). The per-address limit is higher because a county office
// shares one address behind its NAT. A success clears the user's count,
// not the address's, so an attacker cannot reset it with an account of
// their own. IPv6 clients are counted per /64, which one host usually owns
// whole. Names count whether or not they exist, so the limiter says
// nothing about who has an account.
type Limiter struct {
	Now     func() time.Time
	Window  time.Duration // DefaultWindow when zero
	PerUser int           // DefaultPerUser when zero
	PerAddr int           // DefaultPerAddr when zero

	mu    sync.Mutex
	fails map[string][]time.Time // key → recent failures, oldest first
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Limiter) window() time.Duration { return cmpOr(l.Window, DefaultWindow) }

func (l *Limiter) perUser() int { return intOr(l.PerUser, DefaultPerUser) }

func (l *Limiter) perAddr() int { return intOr(l.PerAddr, DefaultPerAddr) }

func intOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func userKey(name string) string { return "u:" + strings.ToLower(strings.TrimSpace(name)) }

func limitAddrKey(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return "a:" + p.String()
	}
	return "a:" + addr
}

// recent drops failures older than the window and returns the rest.
// l.mu is held.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window() {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}

// Allow reports whether a login for user from addr may be tried now, and
// if not, how long until it may.
func (l *Limiter) Allow(user, addr string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, c := range []struct {
		key   string
		limit int
	}{{userKey(user), l.perUser()}, {limitAddrKey(addr), l.perAddr()}} {
		ts := l.recent(c.key, now)
		if len(ts) >= c.limit {
			// Free again when the failure that reached the limit ages out.
			wait = max(wait, ts[len(ts)-c.limit].Add(l.window()).Sub(now))
		}
	}
	return wait == 0, wait
}

// Fail counts a failed login.
func (l *Limiter) Fail(user, addr string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	if len(l.fails) > 100_000 {
		l.sweep(now)
	}
	keep := max(l.perUser(), l.perAddr())
	for _, k := range []string{userKey(user), limitAddrKey(addr)} {
		ts := append(l.recent(k, now), now)
		if len(ts) > keep {
			// Only the last few failures can decide anything.
			ts = ts[len(ts)-keep:]
		}
		l.fails[k] = ts
	}
}

// Succeed clears the failures of a user name after a good login.
func (l *Limiter) Succeed(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, userKey(user))
}

// sweep forgets every key without recent failures, bounding memory under a
// spray of made-up names. l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	for k := range l.fails {
		l.recent(k, now)
	}
}
