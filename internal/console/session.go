package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Session lifetimes: a session ends after idleTimeout without a request,
// and after maxSession in any case.
const (
	idleTimeout = 8 * time.Hour
	maxSession  = 24 * time.Hour
)

// session is a signed-in browser. Sessions live in memory only: a
// restart signs everyone out.
type session struct {
	user    string
	csrf    string
	created time.Time
	seen    time.Time
}

// sessions maps the hash of each session cookie to its session.
type sessions struct {
	mu sync.Mutex
	m  map[[32]byte]*session
}

func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for user and returns its cookie value.
func (s *sessions) create(user string, now time.Time) string {
	id := newID()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[[32]byte]*session{}
	}
	for k, v := range s.m { // sweep: sessions are few
		if expired(v, now) {
			delete(s.m, k)
		}
	}
	s.m[sha256.Sum256([]byte(id))] = &session{user: user, csrf: newID(), created: now, seen: now}
	return id
}

func expired(v *session, now time.Time) bool {
	return now.Sub(v.seen) > idleTimeout || now.Sub(v.created) > maxSession
}

// get returns the live session of a cookie value and marks it used.
func (s *sessions) get(id string, now time.Time) (session, bool) {
	k := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if !ok {
		return session{}, false
	}
	if expired(v, now) {
		delete(s.m, k)
		return session{}, false
	}
	v.seen = now
	return *v, true
}

func (s *sessions) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, sha256.Sum256([]byte(id)))
}

// deleteUser ends every session of user (after a password change).
func (s *sessions) deleteUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if v.user == user {
			delete(s.m, k)
		}
	}
}

// Login rate limits: failed sign-ins per client address, and per user
// name (from any address), within loginWindow.
const (
	loginWindow       = 15 * time.Minute
	maxFailuresPerIP  = 5
	maxFailuresPerKey = 20
)

// limiter counts recent failed sign-ins by key.
type limiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

// blocked reports whether key has max failures within the window, and
// when the oldest of them leaves it.
func (l *limiter) blocked(key string, max int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.prune(key, now)
	if len(recent) < max {
		return false, 0
	}
	return true, recent[len(recent)-max].Add(loginWindow).Sub(now)
}

func (l *limiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	l.fails[key] = append(l.prune(key, now), now)
	if len(l.fails) > 10_000 { // bound memory under a spray of names
		for k := range l.fails {
			l.prune(k, now)
		}
	}
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// prune drops failures older than the window and returns the rest.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > loginWindow {
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
