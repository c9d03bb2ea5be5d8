// Package jwtverify is the sandbox's one JWT verifier, used wherever the
// sandbox acts as a relying party: the runtime authorizer, the external
// resource API and the identity plane's userToken check.
//
// Keys come from OIDC discovery, then go-oidc's RemoteKeySet on the
// document's jwks_uri; claims are checked with go-jose's validation, with a
// small leeway, on an injected clock. Only RS256 is accepted: that refuses
// "none" and, crucially, HS256 tokens "signed" with the public key as an
// HMAC secret.
//
// go-oidc refetches the key set whenever a token's kid is not cached (or its
// signature does not verify). On its own that lets a flood of forged kids
// hammer the IdP, so the key source decides: a token with an unknown kid
// causes at most one JWKS fetch per RefetchInterval, and a bad signature
// under a known kid none. The fetch's transport also caps the document's
// size and drops keys that cannot sign RS256 tokens (encryption keys,
// private keys, other algorithms). When the IdP cannot be reached and
// nothing is cached, every token is refused (fail closed).
package jwtverify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	josejson "github.com/go-jose/go-jose/v4/json"
	"github.com/go-jose/go-jose/v4/jwt"

	"agentcore-workshop/internal/sandbox/clock"
)

// Defaults for Options left zero.
const (
	// DefaultLeeway is the clock skew tolerated on exp, nbf and iat. Kept
	// small on purpose: the workshop teaches expiry with short-lived
	// tokens, and a minute of grace would hide it. 5 s covers loopback
	// clock jitter.
	DefaultLeeway = 5 * time.Second
	// DefaultRefetchInterval bounds JWKS fetches (and discovery retries
	// after a failure) per discovery URL.
	DefaultRefetchInterval = 30 * time.Second
	// DefaultMaxTokenBytes refuses absurd tokens before any parsing.
	// Cognito access tokens are about 1 KiB; 16 KiB leaves room for fat
	// claim sets.
	DefaultMaxTokenBytes = 16 << 10
	// DefaultHTTPTimeout bounds each discovery or JWKS fetch.
	DefaultHTTPTimeout = 10 * time.Second
	// DefaultMaxSources bounds the cache of discovery URLs. Issuers come
	// from configuration and, for the resource API, from tokens anyone can
	// make up, so the cache must not grow with them. A room of 100
	// learners has about 200 real issuers; the least recently used source
	// goes when the cache is full, so a flood of made-up issuers costs the
	// real ones at most a refetch.
	DefaultMaxSources = 512
	// DefaultMaxKeys bounds the signing keys kept per key set. Cognito
	// publishes two; a hostile JWKS of a megabyte could otherwise hold
	// thousands of parsed RSA keys.
	DefaultMaxKeys = 32
)

// WellKnown is the OIDC discovery path under an issuer.
const WellKnown = "/.well-known/openid-configuration"

// DiscoveryURL is the discovery document's URL for an issuer.
func DiscoveryURL(issuer string) string { return strings.TrimSuffix(issuer, "/") + WellKnown }

// Options configure a Verifier.
type Options struct {
	HTTPClient      *http.Client // fetches discovery and JWKS; default: DefaultHTTPTimeout
	Clock           clock.Clock  // default: system clock
	Leeway          time.Duration
	RefetchInterval time.Duration
	MaxTokenBytes   int
	MaxSources      int // discovery URLs cached; default DefaultMaxSources
	MaxKeys         int // signing keys kept per JWKS; default DefaultMaxKeys
	Log             *slog.Logger
}

// Verifier checks tokens against the keys behind discovery URLs. It caches
// one key source per discovery URL and is safe for concurrent use.
type Verifier struct {
	opt Options

	mu      sync.Mutex
	sources map[string]*keySource // by discovery URL, at most opt.MaxSources
	tick    uint64                // counts lookups; keySource.used orders eviction
}

// New returns a Verifier.
func New(opt Options) *Verifier {
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if opt.Clock == nil {
		opt.Clock = clock.System{}
	}
	if opt.Leeway == 0 {
		opt.Leeway = DefaultLeeway
	}
	if opt.RefetchInterval == 0 {
		opt.RefetchInterval = DefaultRefetchInterval
	}
	if opt.MaxTokenBytes == 0 {
		opt.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if opt.MaxSources <= 0 {
		opt.MaxSources = DefaultMaxSources
	}
	if opt.MaxKeys <= 0 {
		opt.MaxKeys = DefaultMaxKeys
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Verifier{opt: opt, sources: map[string]*keySource{}}
}

// MaxTokenBytes is the size limit in force.
func (v *Verifier) MaxTokenBytes() int { return v.opt.MaxTokenBytes }

var rs256Only = []jose.SignatureAlgorithm{jose.RS256}

// Verify checks raw against the keys and issuer of discoveryURL: size,
// RS256 signature by a published key, iss, exp (required), nbf and iat. On
// success it returns the registered claims and, when claims is not nil,
// decodes the whole payload into it. Every error is an *Error.
func (v *Verifier) Verify(ctx context.Context, discoveryURL, raw string, claims any) (*jwt.Claims, error) {
	if len(raw) > v.opt.MaxTokenBytes {
		return nil, refuse(TooLarge, nil)
	}
	if strings.Count(raw, ".") != 2 {
		return nil, refuse(NotJWT, nil)
	}
	tok, err := jwt.ParseSigned(raw, rs256Only)
	if err != nil {
		return nil, refuse(Malformed, err)
	}
	kid := tok.Headers[0].KeyID
	if kid == "" {
		return nil, refuse(NoKeyID, nil)
	}
	src := v.source(discoveryURL)
	issuer, err := src.load(ctx)
	if err != nil {
		v.opt.Log.Warn("jwtverify: cannot load IdP discovery", "discoveryUrl", discoveryURL, "err", err)
		return nil, &Error{Reason: KeysUnavailable, KeyID: kid, Err: err}
	}
	payload, verr := src.verify(ctx, raw, kid)
	if verr != nil {
		if verr.Reason == KeysUnavailable {
			v.opt.Log.Warn("jwtverify: cannot load IdP keys", "discoveryUrl", discoveryURL, "err", verr.Err)
		}
		return nil, verr
	}
	// go-jose's own JSON decoder, as jwt.JSONWebToken.Claims uses: claim
	// names match case-sensitively.
	var reg jwt.Claims
	if err := josejson.Unmarshal(payload, &reg); err != nil {
		return nil, &Error{Reason: BadClaims, KeyID: kid, Err: err}
	}
	if claims != nil {
		if err := josejson.Unmarshal(payload, claims); err != nil {
			return nil, &Error{Reason: BadClaims, KeyID: kid, Err: err}
		}
	}
	if err := reg.ValidateWithLeeway(jwt.Expected{Issuer: issuer, Time: v.opt.Clock.Now()}, v.opt.Leeway); err != nil {
		return nil, &Error{Reason: claimReason(err), KeyID: kid, Issuer: reg.Issuer, Err: err}
	}
	if reg.Expiry == nil {
		return nil, &Error{Reason: NoExpiry, KeyID: kid}
	}
	return &reg, nil
}

func claimReason(err error) Reason {
	switch {
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return WrongIssuer
	case errors.Is(err, jwt.ErrExpired):
		return Expired
	case errors.Is(err, jwt.ErrNotValidYet):
		return NotYetValid
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return IssuedInFuture
	}
	return BadClaims
}

// source returns the key source for discoveryURL, creating it empty and
// evicting the least recently used source when the cache is full. A
// request already holding an evicted source finishes with it.
func (v *Verifier) source(discoveryURL string) *keySource {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.tick++
	s := v.sources[discoveryURL]
	if s == nil {
		if len(v.sources) >= v.opt.MaxSources {
			v.evictOldest()
		}
		s = &keySource{opt: &v.opt, discoveryURL: discoveryURL}
		v.sources[discoveryURL] = s
	}
	s.used = v.tick
	return s
}

// evictOldest drops the least recently used source. The scan is linear,
// but runs only when a new URL arrives at a full cache of MaxSources.
// v.mu is held.
func (v *Verifier) evictOldest() {
	var oldest string
	var at uint64
	for url, s := range v.sources {
		if oldest == "" || s.used < at {
			oldest, at = url, s.used
		}
	}
	delete(v.sources, oldest)
}

// Sources is how many discovery URLs the cache holds now.
func (v *Verifier) Sources() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.sources)
}
