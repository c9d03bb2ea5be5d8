package cognito

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The hosted login's guards, as Amazon Cognito's hosted UI has them (see
// /work/shared/reference/gateway-identity-facts.md §5). The lockout also
// guards InitiateAuth's USER_PASSWORD_AUTH (op_auth.go), sharing one count
// per user, as Cognito does:
//
//   - CSRF: the login page sets cookie XSRF-TOKEN and puts the same value
//     in the hidden form field _csrf; a POST without both, or with two that
//     differ, is refused. The token is also MACed with a key only this
//     sandbox holds and expires, so a pair made up elsewhere (a cookie set
//     by another service on the same host) is refused too.
//   - Lockout: after 5 failed password attempts a user is locked for 1 s,
//     doubling per further failure up to 15 min (2^(n-5) s for n failures).
//     Attempts during a lockout get NotAuthorizedException "Password
//     attempts exceeded", right password or not, and do not lengthen it.
//     The count resets after a successful sign-in, or after 15 min without
//     an attempt.

const (
	csrfCookie = "XSRF-TOKEN"
	csrfField  = "_csrf"
	csrfTTL    = time.Hour

	freeAttempts     = 5
	maxLockout       = 15 * time.Minute
	attemptsForget   = 15 * time.Minute
	maxTrackedLogins = 10000 // bounds the table however many names are tried
	attemptsExceeded = "Password attempts exceeded"
)

// csrfKey issues and checks the login form's CSRF tokens.
type csrfKey struct{ key [32]byte }

func newCSRFKey() *csrfKey {
	var k csrfKey
	rand.Read(k.key[:])
	return &k
}

// issue returns a fresh token: 16 random bytes and the issue time, MACed.
func (k *csrfKey) issue(now time.Time) string {
	msg := make([]byte, 24)
	rand.Read(msg[:16])
	binary.BigEndian.PutUint64(msg[16:], uint64(now.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(msg, k.mac(msg)...))
}

func (k *csrfKey) mac(msg []byte) []byte {
	m := hmac.New(sha256.New, k.key[:])
	m.Write(msg)
	return m.Sum(nil)
}

// valid reports whether the form's token matches the cookie's and is one
// this sandbox issued within csrfTTL.
func (k *csrfKey) valid(r *http.Request, now time.Time) bool {
	c, err := r.Cookie(csrfCookie)
	field := r.PostForm.Get(csrfField)
	if err != nil || field == "" || !hmac.Equal([]byte(c.Value), []byte(field)) {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(field)
	if err != nil || len(raw) != 24+sha256.Size || !hmac.Equal(raw[24:], k.mac(raw[:24])) {
		return false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(raw[16:24])), 0)
	return !now.Before(issued.Add(-time.Minute)) && now.Before(issued.Add(csrfTTL))
}

// setCSRF gives the browser a fresh token as a cookie, scoped to the
// pool's hosted pages, and returns it for the form.
func (s *Service) setCSRF(w http.ResponseWriter, poolPath string) string {
	tok := s.csrf.issue(s.now())
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: poolPath, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(csrfTTL / time.Second)})
	return tok
}

// attempts counts failed sign-ins per pool and user name.
type attempts struct {
	mu sync.Mutex
	by map[string]*attemptRecord
}

type attemptRecord struct {
	failures    int
	last        time.Time // last attempt that counted
	lockedUntil time.Time
}

func newAttempts() *attempts { return &attempts{by: map[string]*attemptRecord{}} }

func attemptKey(pool, username string) string {
	if len(username) > 128 { // Cognito user names are at most 128 characters
		username = username[:128]
	}
	return pool + "\x00" + strings.ToLower(username)
}

// locked reports whether sign-in for the user is refused right now.
func (a *attempts) locked(key string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	rec, ok := a.by[key]
	return ok && now.Before(rec.lockedUntil)
}

// failed records a failed attempt made outside a lockout.
func (a *attempts) failed(key string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	rec, ok := a.by[key]
	if !ok || now.Sub(rec.last) >= attemptsForget {
		if !ok {
			a.makeRoom(now)
		}
		rec = &attemptRecord{}
		a.by[key] = rec
	}
	rec.failures++
	rec.last = now
	if rec.failures >= freeAttempts {
		lock := maxLockout
		if shift := rec.failures - freeAttempts; shift < 10 {
			lock = min(time.Duration(1<<shift)*time.Second, maxLockout)
		}
		rec.lockedUntil = now.Add(lock)
	}
}

// succeeded clears the user's count.
func (a *attempts) succeeded(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.by, key)
}

// makeRoom runs when the table is full: it drops forgotten records, then
// records of users not locked out, then any, until a quarter of the table
// is free, so a flood of made-up names costs one sweep per quarter-table
// of inserts and cannot lift a lockout it did not outlast. a.mu is held.
func (a *attempts) makeRoom(now time.Time) {
	if len(a.by) < maxTrackedLogins {
		return
	}
	target := maxTrackedLogins * 3 / 4
	for pass := range 3 {
		for k, rec := range a.by {
			if len(a.by) <= target {
				return
			}
			forgotten := now.Sub(rec.last) >= attemptsForget && !now.Before(rec.lockedUntil)
			if pass == 2 || forgotten || (pass == 1 && !now.Before(rec.lockedUntil)) {
				delete(a.by, k)
			}
		}
	}
}
