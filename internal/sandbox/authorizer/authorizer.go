// Package authorizer is the sandbox's inbound JWT authorizer: the check an
// AgentCore runtime with a customJWTAuthorizer applies to every bearer token
// before the request may reach the agent. It knows nothing about HTTP routing;
// callers hand it the rule (from the runtime's configuration) and the raw
// token, and get back either the verified claims or a *Denial that says which
// HTTP status and AWS error code to answer with.
//
// Keys and the issuer come from the rule's discovery URL (OIDC discovery, then
// jwks_uri) and are cached per discovery URL. A token signed with a key id the
// cache does not know triggers one JWKS refetch, at most once per
// RefetchInterval, so a flood of forged kids cannot hammer the IdP. When the
// IdP cannot be reached and nothing is cached, every token is refused (fail
// closed).
package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"agentcore-workshop/internal/sandbox/clock"
)

// Defaults for Options left zero.
const (
	// DefaultLeeway is the clock skew tolerated on exp and nbf. Kept small on
	// purpose: the workshop teaches expiry with short-lived tokens, and a
	// minute of grace would hide it. 5 s covers loopback clock jitter.
	DefaultLeeway = 5 * time.Second
	// DefaultRefetchInterval bounds JWKS refetches triggered by unknown kids.
	DefaultRefetchInterval = 30 * time.Second
	// DefaultMaxTokenBytes refuses absurd tokens before any parsing. Cognito
	// access tokens are about 1 KiB; 16 KiB leaves room for fat claim sets.
	DefaultMaxTokenBytes = 16 << 10
	// maxDocBytes bounds discovery and JWKS documents read from the IdP.
	maxDocBytes = 1 << 20
)

// Rule is a runtime's customJWTAuthorizer configuration. Empty lists mean
// "not checked", as in AWS, where each list is optional.
type Rule struct {
	DiscoveryURL    string   `json:"discoveryUrl"`
	AllowedClients  []string `json:"allowedClients,omitempty"`
	AllowedAudience []string `json:"allowedAudience,omitempty"`
	AllowedScopes   []string `json:"allowedScopes,omitempty"`
}

// Claims are the verified token claims the runtime needs downstream.
type Claims struct {
	Issuer   string
	Subject  string
	ClientID string
	Username string
	Scope    []string
	Expiry   time.Time
}

// Denial is why a token was refused, in the shape the data plane answers.
//
// What AWS is known to use (agentcore-facts §6–§7): 403 AccessDeniedException
// for an authorization-method mismatch (quoted text); the model describes
// UnauthorizedException (401) as the error for an invalid or absent bearer;
// a third-party report shows 401 for expiring tokens; claim mismatches are
// reported (third-party only) as 403 with texts like "Claim 'client_id'
// mismatch". Our choice, following the facts file's sandbox default: every
// problem with the token itself (absent, unparsable, wrong algorithm, bad
// signature, unknown key, wrong issuer, expired, not yet valid, too large,
// IdP unreachable) is 401 UnauthorizedException; a well-formed, correctly
// signed token whose claims do not satisfy the rule is 403
// AccessDeniedException.
type Denial struct {
	Status  int
	Code    string
	Message string
}

func (d *Denial) Error() string { return d.Code + ": " + d.Message }

func unauthorized(format string, args ...any) *Denial {
	return &Denial{Status: http.StatusUnauthorized, Code: "UnauthorizedException", Message: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *Denial {
	return &Denial{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...)}
}

// Options configure an Authorizer.
type Options struct {
	HTTPClient      *http.Client // fetches discovery and JWKS; default: 10 s timeout
	Clock           clock.Clock  // default: system clock
	Leeway          time.Duration
	RefetchInterval time.Duration
	MaxTokenBytes   int
	Log             *slog.Logger
}

// Authorizer checks bearer tokens. It is safe for concurrent use.
type Authorizer struct {
	opt Options

	mu      sync.Mutex
	entries map[string]*entry // by discovery URL
}

// entry caches one discovery URL's issuer and keys.
type entry struct {
	mu        sync.RWMutex
	issuer    string
	jwksURI   string
	keys      jose.JSONWebKeySet
	loaded    bool      // discovery and JWKS fetched at least once
	lastFetch time.Time // last JWKS fetch attempt
}

// New returns an Authorizer.
func New(opt Options) *Authorizer {
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: 10 * time.Second}
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
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Authorizer{opt: opt, entries: map[string]*entry{}}
}

// BearerToken extracts the token from an Authorization header value. It
// reports false when the header is not a Bearer credential.
func BearerToken(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// tokenClaims is the JSON claim set we read. aud may be a string or a list
// (jwt.Audience handles both); scope is Cognito's space-separated string,
// scp the list form some IdPs use.
type tokenClaims struct {
	Issuer   string           `json:"iss"`
	Subject  string           `json:"sub"`
	Audience jwt.Audience     `json:"aud"`
	Expiry   *jwt.NumericDate `json:"exp"`
	NotB4    *jwt.NumericDate `json:"nbf"`
	ClientID string           `json:"client_id"`
	Username string           `json:"username"`
	CogUser  string           `json:"cognito:username"`
	Scope    string           `json:"scope"`
	Scp      []string         `json:"scp"`
}

// Check verifies token against rule. On success it returns the claims; on
// refusal the error is a *Denial.
func (a *Authorizer) Check(ctx context.Context, rule Rule, token string) (*Claims, error) {
	if token == "" {
		return nil, unauthorized("Missing bearer token in the Authorization header.")
	}
	if len(token) > a.opt.MaxTokenBytes {
		return nil, unauthorized("Bearer token is too large (%d bytes, limit %d).", len(token), a.opt.MaxTokenBytes)
	}
	if strings.Count(token, ".") != 2 {
		return nil, unauthorized("Bearer token is not a JWT (expected three dot-separated parts).")
	}
	// Only RS256 is accepted: this refuses "none" and, crucially, HS256 tokens
	// "signed" with the public key as an HMAC secret.
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, unauthorized("Bearer token is malformed or uses an unsupported algorithm (only RS256 is accepted).")
	}
	kid := tok.Headers[0].KeyID
	if kid == "" {
		return nil, unauthorized("Bearer token header has no key id (kid).")
	}
	key, err := a.key(ctx, rule.DiscoveryURL, kid)
	if err != nil {
		return nil, err
	}
	var c tokenClaims
	if err := tok.Claims(key.issuerKey, &c); err != nil {
		if errors.Is(err, jose.ErrCryptoFailure) {
			return nil, unauthorized("Bearer token signature is invalid.")
		}
		return nil, unauthorized("Bearer token claims are malformed.")
	}
	if c.Issuer != key.issuer {
		return nil, unauthorized("Bearer token issuer %q does not match the discovery document's issuer.", c.Issuer)
	}
	now := a.opt.Clock.Now()
	if c.Expiry == nil {
		return nil, unauthorized("Bearer token has no expiry (exp).")
	}
	if now.After(c.Expiry.Time().Add(a.opt.Leeway)) {
		return nil, unauthorized("Bearer token has expired.")
	}
	if c.NotB4 != nil && now.Add(a.opt.Leeway).Before(c.NotB4.Time()) {
		return nil, unauthorized("Bearer token is not valid yet (nbf).")
	}
	scopes := c.Scp
	if c.Scope != "" {
		scopes = strings.Fields(c.Scope)
	}
	if len(rule.AllowedClients) > 0 && (c.ClientID == "" || !slices.Contains(rule.AllowedClients, c.ClientID)) {
		return nil, forbidden("Claim 'client_id' mismatch.")
	}
	if len(rule.AllowedAudience) > 0 && !intersects(c.Audience, rule.AllowedAudience) {
		return nil, forbidden("Claim 'aud' value mismatch.")
	}
	if len(rule.AllowedScopes) > 0 && !intersects(scopes, rule.AllowedScopes) {
		return nil, forbidden("Claim 'scope' mismatch: the token carries none of the allowed scopes.")
	}
	user := c.Username
	if user == "" {
		user = c.CogUser
	}
	return &Claims{
		Issuer: c.Issuer, Subject: c.Subject, ClientID: c.ClientID, Username: user,
		Scope: scopes, Expiry: c.Expiry.Time(),
	}, nil
}

func intersects(have, allowed []string) bool {
	for _, h := range have {
		if slices.Contains(allowed, h) {
			return true
		}
	}
	return false
}

type verifyKey struct {
	issuer    string
	issuerKey any
}

// key returns the public key for kid under discoveryURL, loading or
// refreshing the cache as needed.
func (a *Authorizer) key(ctx context.Context, discoveryURL, kid string) (verifyKey, error) {
	a.mu.Lock()
	e := a.entries[discoveryURL]
	if e == nil {
		e = &entry{}
		a.entries[discoveryURL] = e
	}
	a.mu.Unlock()

	// Fast path: a warm cache that knows the kid.
	e.mu.RLock()
	if e.loaded {
		if k, ok := findKey(e.keys, kid); ok {
			vk := verifyKey{issuer: e.issuer, issuerKey: k}
			e.mu.RUnlock()
			return vk, nil
		}
	}
	e.mu.RUnlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.loaded {
		if k, ok := findKey(e.keys, kid); ok { // another caller refreshed meanwhile
			return verifyKey{issuer: e.issuer, issuerKey: k}, nil
		}
	}
	now := a.opt.Clock.Now()
	if !e.lastFetch.IsZero() && now.Sub(e.lastFetch) < a.opt.RefetchInterval {
		if !e.loaded {
			return verifyKey{}, unauthorized("Unable to verify the bearer token: the identity provider's keys could not be retrieved.")
		}
		return verifyKey{}, unauthorized("Bearer token is signed with an unknown key (kid %q).", kid)
	}
	e.lastFetch = now
	// The fetch fills a cache every later request shares, so one caller
	// hanging up must not fail it (and, through lastFetch, lock everyone
	// out until the next refetch is allowed). The HTTP client's timeout
	// bounds it instead.
	if err := a.refresh(context.WithoutCancel(ctx), discoveryURL, e); err != nil {
		a.opt.Log.Warn("authorizer: cannot load IdP keys", "discoveryUrl", discoveryURL, "err", err)
		return verifyKey{}, unauthorized("Unable to verify the bearer token: the identity provider's keys could not be retrieved.")
	}
	if k, ok := findKey(e.keys, kid); ok {
		return verifyKey{issuer: e.issuer, issuerKey: k}, nil
	}
	return verifyKey{}, unauthorized("Bearer token is signed with an unknown key (kid %q).", kid)
}

// findKey returns the RSA signing key with kid. Keys marked for encryption
// only, or of another type, never verify tokens.
func findKey(ks jose.JSONWebKeySet, kid string) (any, bool) {
	for _, k := range ks.Keys {
		if k.KeyID != kid || (k.Use != "" && k.Use != "sig") || !k.IsPublic() {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != string(jose.RS256) {
			continue
		}
		return k.Key, true
	}
	return nil, false
}

type discoveryDoc struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// refresh fetches discovery (the first time) and the JWKS into e. e.mu is
// held. On failure the previous keys stay, so an IdP blip does not lock out
// holders of tokens signed with keys already known.
func (a *Authorizer) refresh(ctx context.Context, discoveryURL string, e *entry) error {
	if discoveryURL == "" {
		return errors.New("no discovery URL configured")
	}
	if e.jwksURI == "" {
		var d discoveryDoc
		if err := a.getJSON(ctx, discoveryURL, &d); err != nil {
			return fmt.Errorf("fetch discovery document: %w", err)
		}
		if d.Issuer == "" || d.JWKSURI == "" {
			return errors.New("discovery document lacks issuer or jwks_uri")
		}
		// OIDC Discovery §4.3: the issuer is the URL the document was
		// fetched under, minus the well-known suffix. A document naming
		// another issuer is refused (as go-oidc refuses it), so tokens of
		// that other issuer never pass for this IdP's.
		if want, ok := strings.CutSuffix(discoveryURL, "/.well-known/openid-configuration"); ok && d.Issuer != want {
			return fmt.Errorf("discovery document at %s names issuer %q, want %q", discoveryURL, d.Issuer, want)
		}
		e.issuer, e.jwksURI = d.Issuer, d.JWKSURI
	}
	var ks jose.JSONWebKeySet
	if err := a.getJSON(ctx, e.jwksURI, &ks); err != nil {
		return fmt.Errorf("fetch JWKS: %w", err)
	}
	e.keys, e.loaded = ks, true
	return nil
}

func (a *Authorizer) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.opt.HTTPClient.Do(req)
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
