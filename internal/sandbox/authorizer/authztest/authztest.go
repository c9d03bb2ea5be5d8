// Package authztest is a tiny OIDC identity provider for tests: a real HTTP
// server serving a discovery document and a JWKS, with real RSA keys, that
// mints RS256 tokens (and the hostile variants a token check must refuse).
// It counts fetches so tests can assert on caching.
package authztest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// IdP is a running test identity provider.
type IdP struct {
	Server *httptest.Server
	Issuer string // equals the discovery document's issuer

	DiscoveryFetches atomic.Int64
	JWKSFetches      atomic.Int64

	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey // published keys by kid
	down bool
}

// New starts an IdP with one published key "k1". It stops when t ends.
func New(t testing.TB) *IdP {
	t.Helper()
	p := &IdP{keys: map[string]*rsa.PrivateKey{}}
	p.keys["k1"] = NewKey(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pool/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		p.DiscoveryFetches.Add(1)
		if p.isDown() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                p.Issuer,
			"jwks_uri":                              p.Issuer + "/.well-known/jwks.json",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /pool/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		p.JWKSFetches.Add(1)
		if p.isDown() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		p.mu.Lock()
		var ks jose.JSONWebKeySet
		for kid, k := range p.keys {
			ks.Keys = append(ks.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
		}
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ks)
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Server.Close)
	p.Issuer = p.Server.URL + "/pool"
	return p
}

// DiscoveryURL is the IdP's OIDC discovery URL.
func (p *IdP) DiscoveryURL() string { return p.Issuer + "/.well-known/openid-configuration" }

// SetDown makes the IdP answer 503 to everything (or recover).
func (p *IdP) SetDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
}

func (p *IdP) isDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// Key returns the private key published under kid.
func (p *IdP) Key(kid string) *rsa.PrivateKey {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys[kid]
}

// Publish adds (or replaces) a key in the JWKS, as a key rotation would.
func (p *IdP) Publish(kid string, k *rsa.PrivateKey) {
	p.mu.Lock()
	p.keys[kid] = k
	p.mu.Unlock()
}

// Withdraw removes a key from the JWKS, as the end of a rotation would.
func (p *IdP) Withdraw(kid string) {
	p.mu.Lock()
	delete(p.keys, kid)
	p.mu.Unlock()
}

// NewKey makes a fresh 2048-bit RSA key.
func NewKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate RSA key: %v", err)
	}
	return k
}

// AccessClaims returns Cognito-like access-token claims from this IdP,
// valid for an hour from now.
func (p *IdP) AccessClaims(now time.Time, clientID string) map[string]any {
	return map[string]any{
		"sub": "3f0c9a1e-user", "iss": p.Issuer, "client_id": clientID, "username": "testuser",
		"token_use": "access", "scope": "aws.cognito.signin.user.admin",
		"iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "jti-1",
	}
}

// Sign signs claims with k under kid (RS256).
func Sign(t testing.TB, k *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatalf("new signer: %v", err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatalf("sign token: %v", err)
	}
	return tok
}

// Mint signs claims with the IdP's key k1.
func (p *IdP) Mint(t testing.TB, claims map[string]any) string {
	return Sign(t, p.Key("k1"), "k1", claims)
}

// Hostile is one token a checker must refuse and how.
type Hostile struct {
	Name   string
	Token  string
	Status int
	Code   string
}

// HostileTokens returns the classic attacks and mistakes against a rule
// {allowedClients: [clientID]}, each with the denial it must draw.
func (p *IdP) HostileTokens(t testing.TB, now time.Time, clientID string) []Hostile {
	t.Helper()
	good := p.AccessClaims(now, clientID)
	with := func(mut func(map[string]any)) map[string]any {
		c := map[string]any{}
		for k, v := range good {
			c[k] = v
		}
		mut(c)
		return c
	}
	b64 := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(good)
	noneTok := b64([]byte(`{"alg":"none","kid":"k1","typ":"JWT"}`)) + "." + b64(payload) + "."

	pubDER, _ := x509.MarshalPKIXPublicKey(&p.Key("k1").PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hs, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pubPEM}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatalf("hs256 signer: %v", err)
	}
	hsTok, err := jwt.Signed(hs).Claims(good).Serialize()
	if err != nil {
		t.Fatalf("hs256 token: %v", err)
	}

	valid := p.Mint(t, good)
	parts := strings.Split(valid, ".")
	evil, _ := json.Marshal(with(func(c map[string]any) { c["username"] = "admin" }))
	tamperedPayload := parts[0] + "." + b64(evil) + "." + parts[2]
	sig := []byte(parts[2])
	if sig[10] == 'A' {
		sig[10] = 'B'
	} else {
		sig[10] = 'A'
	}
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)

	otherKey := NewKey(t)
	const u, f = http.StatusUnauthorized, http.StatusForbidden
	const ue, fe = "UnauthorizedException", "AccessDeniedException"
	return []Hostile{
		{"no token", "", u, ue},
		{"not a JWT", "hello-world", u, ue},
		{"garbage segments", "a.b.c", u, ue},
		{"alg none", noneTok, u, ue},
		{"HS256 with public key bytes", hsTok, u, ue},
		{"unknown kid", Sign(t, otherKey, "k-unknown", good), u, ue},
		{"tampered payload", tamperedPayload, u, ue},
		{"tampered signature", tamperedSig, u, ue},
		{"expired", p.Mint(t, with(func(c map[string]any) { c["exp"] = now.Add(-10 * time.Minute).Unix() })), u, ue},
		{"no exp", p.Mint(t, with(func(c map[string]any) { delete(c, "exp") })), u, ue},
		{"not yet valid", p.Mint(t, with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), u, ue},
		{"wrong issuer", p.Mint(t, with(func(c map[string]any) { c["iss"] = "https://evil.example.com/pool" })), u, ue},
		{"other pool, same kid", Sign(t, otherKey, "k1", with(func(c map[string]any) { c["iss"] = "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_other" })), u, ue},
		{"wrong client", p.Mint(t, with(func(c map[string]any) { c["client_id"] = "someoneelse" })), f, fe},
		{"ID token (aud, no client_id)", p.Mint(t, with(func(c map[string]any) {
			delete(c, "client_id")
			c["aud"] = clientID
			c["token_use"] = "id"
		})), f, fe},
		{"oversized", p.Mint(t, with(func(c map[string]any) { c["pad"] = strings.Repeat("x", 20<<10) })), u, ue},
	}
}
