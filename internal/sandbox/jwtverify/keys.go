package jwtverify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

// maxDocBytes bounds discovery and JWKS documents read from the IdP.
const maxDocBytes = 1 << 20

// errCacheOnly is what a key set's transport answers go-oidc when it tries
// to refetch on its own (after a bad signature): refetches are the key
// source's decision, made in verify.
var errCacheOnly = errors.New("JWKS refetch refused: this key set serves its cache only")

// keySource is one discovery URL's issuer and keys.
//
// go-oidc's RemoteKeySet refetches on every cache miss, and a finished
// fetch's result stays visible to new callers until its goroutine clears
// it. So the source never lets a RemoteKeySet refetch: each allowed fetch
// builds a fresh set whose transport lets exactly one request through, and
// a successful fetch installs that set as the current one.
type keySource struct {
	opt          *Options
	discoveryURL string
	used         uint64 // Verifier.tick at the last lookup; guarded by Verifier.mu

	// loadMu serialises discovery, so concurrent first tokens make one
	// discovery fetch, not one each.
	loadMu        sync.Mutex
	issuer        string
	jwksURI       string    // empty until discovery succeeded
	lastDiscovery time.Time // last discovery attempt

	// refreshMu serialises JWKS fetches: callers with the same new kid
	// wait for the one fetch, then find the kid known.
	refreshMu sync.Mutex

	mu       sync.Mutex
	cur      *oidc.RemoteKeySet // keys of the last successful fetch; nil before
	kids     map[string]bool    // signing kids in cur
	lastJWKS time.Time          // last JWKS fetch attempt
}

// load returns the issuer, running discovery the first time. A failed
// discovery is retried at most once per RefetchInterval.
func (s *keySource) load(ctx context.Context) (string, error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.jwksURI != "" {
		return s.issuer, nil
	}
	now := s.opt.Clock.Now()
	if !s.lastDiscovery.IsZero() && now.Sub(s.lastDiscovery) < s.opt.RefetchInterval {
		return "", errors.New("discovery failed less than the refetch interval ago")
	}
	s.lastDiscovery = now
	// The key source outlives this request and every later request shares
	// it, so one caller hanging up must not fail the load (and lock
	// everyone out until the next retry). The HTTP client's timeout bounds
	// it instead.
	iss, jwksURI, err := s.discover(context.WithoutCancel(ctx))
	if err != nil {
		return "", err
	}
	s.issuer, s.jwksURI = iss, jwksURI
	return iss, nil
}

// verify checks raw's signature with the key published under kid,
// fetching the JWKS when kid is unknown and the rate limit allows it.
func (s *keySource) verify(ctx context.Context, raw, kid string) ([]byte, *Error) {
	if set := s.known(kid); set != nil {
		return s.check(ctx, set, raw, kid)
	}
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	if set := s.known(kid); set != nil { // fetched while we waited
		return s.check(ctx, set, raw, kid)
	}
	if !s.allowFetch() {
		if !s.loaded() {
			return nil, &Error{Reason: KeysUnavailable, KeyID: kid, Err: errors.New("the last JWKS fetch failed less than the refetch interval ago")}
		}
		return nil, &Error{Reason: UnknownKey, KeyID: kid}
	}
	// As with discovery, the fetch fills a cache every later request
	// shares: it runs to completion (bounded by the client's timeout)
	// even if this caller hangs up.
	payload, err := s.fresh(ctx).VerifySignature(context.WithoutCancel(ctx), raw)
	if err == nil {
		return payload, nil
	}
	return nil, &Error{Reason: s.classify(kid), KeyID: kid, Err: err}
}

// check verifies with a set that has kid in its cache. A failure is a bad
// signature: go-oidc's own refetch attempt is refused by the transport.
func (s *keySource) check(ctx context.Context, set *oidc.RemoteKeySet, raw, kid string) ([]byte, *Error) {
	payload, err := set.VerifySignature(ctx, raw)
	if err != nil {
		return nil, &Error{Reason: BadSignature, KeyID: kid, Err: err}
	}
	return payload, nil
}

// known returns the current key set if it publishes kid.
func (s *keySource) known(kid string) *oidc.RemoteKeySet {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kids[kid] {
		return s.cur
	}
	return nil
}

func (s *keySource) loaded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur != nil
}

// classify says why a fresh set refused a signature: no keys could ever
// be fetched, the kid is published (so the signature is wrong), or the
// kid is unknown.
func (s *keySource) classify(kid string) Reason {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.kids[kid]:
		return BadSignature
	case s.cur == nil:
		return KeysUnavailable
	}
	return UnknownKey
}

// allowFetch reports whether a JWKS fetch may go out now, and if so
// records it.
func (s *keySource) allowFetch() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opt.Clock.Now()
	if !s.lastJWKS.IsZero() && now.Sub(s.lastJWKS) < s.opt.RefetchInterval {
		return false
	}
	s.lastJWKS = now
	return true
}

// fresh returns a new key set whose transport lets one fetch through and
// installs the set as current when that fetch succeeds.
func (s *keySource) fresh(ctx context.Context) *oidc.RemoteKeySet {
	base := s.opt.HTTPClient
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	gate := &jwksGate{src: s, next: next}
	set := oidc.NewRemoteKeySet(oidc.ClientContext(ctx, &http.Client{Timeout: base.Timeout, Transport: gate}), s.jwksURI)
	gate.set = set
	return set
}

// install makes set, holding keys, the current key set.
func (s *keySource) install(set *oidc.RemoteKeySet, keys []jose.JSONWebKey) {
	kids := make(map[string]bool, len(keys))
	for _, k := range keys {
		kids[k.KeyID] = true
	}
	s.mu.Lock()
	s.cur, s.kids = set, kids
	s.mu.Unlock()
}

type discoveryDoc struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

func (s *keySource) discover(ctx context.Context) (issuer, jwksURI string, err error) {
	if s.discoveryURL == "" {
		return "", "", errors.New("no discovery URL configured")
	}
	var d discoveryDoc
	if err := getJSON(ctx, s.opt.HTTPClient, s.discoveryURL, &d); err != nil {
		return "", "", fmt.Errorf("fetch discovery document: %w", err)
	}
	if d.Issuer == "" || d.JWKSURI == "" {
		return "", "", errors.New("discovery document lacks issuer or jwks_uri")
	}
	// OIDC Discovery §4.3: the issuer is the URL the document was fetched
	// under, minus the well-known suffix. A document naming another issuer
	// is refused (as go-oidc's NewProvider refuses it), so tokens of that
	// other issuer never pass for this IdP's.
	// An issuer may end in a slash (Auth0's do: "https://<tenant>/"); its
	// document still lives at the issuer without it plus the suffix, so
	// both spellings match, and the token's iss is then compared with the
	// document's issuer exactly, slash and all.
	if want, ok := strings.CutSuffix(s.discoveryURL, WellKnown); ok && d.Issuer != want && d.Issuer != want+"/" {
		return "", "", fmt.Errorf("discovery document at %s names issuer %q, want %q", s.discoveryURL, d.Issuer, want)
	}
	return d.Issuer, d.JWKSURI, nil
}

// jwksGate is the transport under one of go-oidc's RemoteKeySets: it lets
// the set's first fetch through and refuses the rest, caps the document's
// size, hands go-oidc only the keys that may verify an RS256 token, and
// installs the set once its fetch succeeded.
type jwksGate struct {
	src  *keySource
	set  *oidc.RemoteKeySet
	next http.RoundTripper
	used atomic.Bool
}

func (g *jwksGate) RoundTrip(req *http.Request) (*http.Response, error) {
	if g.used.Swap(true) {
		return nil, errCacheOnly
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err // go-oidc reports the status
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocBytes))
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	var ks jose.JSONWebKeySet
	if err := json.Unmarshal(body, &ks); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	keys := signingKeys(ks.Keys, g.src.opt.MaxKeys)
	out, err := json.Marshal(jose.JSONWebKeySet{Keys: keys})
	if err != nil {
		return nil, fmt.Errorf("encode filtered JWKS: %w", err)
	}
	g.src.install(g.set, keys)
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
	resp.Header.Set("Content-Type", "application/json")
	return resp, nil
}

// signingKeys keeps the first max public keys with a kid that may verify
// RS256 tokens. Keys marked for encryption only, or for another algorithm,
// never verify tokens.
func signingKeys(ks []jose.JSONWebKey, max int) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, k := range ks {
		if len(out) == max {
			break
		}
		if k.KeyID == "" || (k.Use != "" && k.Use != "sig") || !k.IsPublic() {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != string(jose.RS256) {
			continue
		}
		out = append(out, k)
	}
	return out
}

func getJSON(ctx context.Context, c *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocBytes))
	if err != nil {
		return fmt.Errorf("read %s: %w", url, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode %s: %w", url, err)
	}
	return nil
}
