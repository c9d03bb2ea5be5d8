package jwtverify_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

const clientID = "4mp1eclientid"

func newVerifier(clk clock.Clock) *jwtverify.Verifier {
	return jwtverify.New(jwtverify.Options{Clock: clk, RefetchInterval: 30 * time.Second})
}

// reason returns why err refused a token, failing the test when err is
// not a *jwtverify.Error.
func reason(t *testing.T, err error) jwtverify.Reason {
	t.Helper()
	var e *jwtverify.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *jwtverify.Error", err, err)
	}
	return e.Reason
}

func TestVerifyReturnsClaims(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	var extra struct {
		ClientID string `json:"client_id"`
		TokenUse string `json:"token_use"`
	}
	c, err := v.Verify(context.Background(), idp.DiscoveryURL(), idp.Mint(t, idp.AccessClaims(clk.Now(), clientID)), &extra)
	if err != nil {
		t.Fatalf("valid token refused: %v", err)
	}
	if c.Issuer != idp.Issuer || c.Subject != "3f0c9a1e-user" || c.Expiry.Time().Unix() != clk.Now().Add(time.Hour).Unix() {
		t.Errorf("registered claims = %+v", c)
	}
	if extra.ClientID != clientID || extra.TokenUse != "access" {
		t.Errorf("extra claims = %+v", extra)
	}
	if jwtverify.DiscoveryURL(idp.Issuer+"/") != idp.DiscoveryURL() {
		t.Errorf("DiscoveryURL(%q) = %q", idp.Issuer+"/", jwtverify.DiscoveryURL(idp.Issuer+"/"))
	}
}

func TestHostileTokensAreRefusedForTheRightReason(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	ctx := context.Background()
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), idp.Mint(t, idp.AccessClaims(clk.Now(), clientID)), nil); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	want := map[string]jwtverify.Reason{
		"not a JWT": jwtverify.NotJWT, "garbage segments": jwtverify.Malformed, "alg none": jwtverify.Malformed,
		"HS256 with public key bytes": jwtverify.Malformed, "unknown kid": jwtverify.UnknownKey,
		"tampered payload": jwtverify.BadSignature, "tampered signature": jwtverify.BadSignature,
		"expired": jwtverify.Expired, "no exp": jwtverify.NoExpiry, "not yet valid": jwtverify.NotYetValid,
		"wrong issuer": jwtverify.WrongIssuer, "other pool, same kid": jwtverify.BadSignature, "oversized": jwtverify.TooLarge,
	}
	for _, h := range idp.HostileTokens(t, clk.Now(), clientID) {
		r, ok := want[h.Name]
		if !ok {
			continue // claim-rule cases (client, audience) are the authorizer's
		}
		t.Run(h.Name, func(t *testing.T) {
			c, err := v.Verify(ctx, idp.DiscoveryURL(), h.Token, nil)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if got := reason(t, err); got != r {
				t.Errorf("reason = %v, want %v (%v)", got, r, err)
			}
		})
	}
	if j := idp.JWKSFetches.Load(); j != 1 {
		t.Errorf("hostile tokens within the refetch interval fetched the JWKS: %d fetches, want 1", j)
	}
}

func TestUnknownKidRefetchIsRateLimitedAndPicksUpRotation(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	ctx := context.Background()
	claims := idp.AccessClaims(clk.Now(), clientID)
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), idp.Mint(t, claims), nil); err != nil {
		t.Fatal(err)
	}
	rotated := authztest.NewKey(t)
	next := authztest.Sign(t, rotated, "k2", claims)
	for range 50 {
		if _, err := v.Verify(ctx, idp.DiscoveryURL(), next, nil); reason(t, err) != jwtverify.UnknownKey {
			t.Fatalf("unpublished kid: %v", err)
		}
	}
	if j := idp.JWKSFetches.Load(); j != 1 {
		t.Fatalf("50 unknown kids inside the interval fetched the JWKS %d times in all; want 1", j)
	}
	// The IdP rotates: k2 is published, k1 withdrawn. Inside the interval
	// the verifier keeps what it has; after it, one unknown kid refetches.
	k1 := idp.Key("k1")
	idp.Publish("k2", rotated)
	idp.Withdraw("k1")
	clk.Advance(29 * time.Second)
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), next, nil); reason(t, err) != jwtverify.UnknownKey {
		t.Fatalf("rotated key used before the interval elapsed: %v", err)
	}
	clk.Advance(2 * time.Second)
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), next, nil); err != nil {
		t.Fatalf("rotated key not picked up after the interval: %v", err)
	}
	if j := idp.JWKSFetches.Load(); j != 2 {
		t.Errorf("JWKS fetches = %d, want 2", j)
	}
	// The withdrawn key's tokens are now of an unknown kid.
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), authztest.Sign(t, k1, "k1", claims), nil); reason(t, err) != jwtverify.UnknownKey {
		t.Errorf("withdrawn kid: %v", err)
	}
	if d := idp.DiscoveryFetches.Load(); d != 1 {
		t.Errorf("discovery fetched %d times, want 1", d)
	}
}

func TestLeewayOnExpNbfIat(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	ctx := context.Background()
	now := clk.Now()
	lw := jwtverify.DefaultLeeway
	mint := func(k string, at time.Time) string {
		c := idp.AccessClaims(now, clientID)
		c[k] = at.Unix()
		return idp.Mint(t, c)
	}
	cases := []struct {
		name  string
		token string
		want  jwtverify.Reason // 0: accepted
	}{
		{"exp just inside leeway", mint("exp", now.Add(-lw+time.Second)), 0},
		{"exp just past leeway", mint("exp", now.Add(-lw-time.Second)), jwtverify.Expired},
		{"nbf just inside leeway", mint("nbf", now.Add(lw-time.Second)), 0},
		{"nbf just past leeway", mint("nbf", now.Add(lw+time.Second)), jwtverify.NotYetValid},
		{"iat just inside leeway", mint("iat", now.Add(lw-time.Second)), 0},
		{"iat just past leeway", mint("iat", now.Add(lw+time.Second)), jwtverify.IssuedInFuture},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(ctx, idp.DiscoveryURL(), tc.token, nil)
			if tc.want == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if got := reason(t, err); got != tc.want {
				t.Errorf("reason = %v, want %v", got, tc.want)
			}
		})
	}
}

// Keys that cannot sign RS256 tokens never verify one, even under the
// token's kid: an encryption key, a key for another algorithm.
func TestOnlyRS256SigningKeysVerify(t *testing.T) {
	enc, rs384, good := authztest.NewKey(t), authztest.NewKey(t), authztest.NewKey(t)
	var iss string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": iss + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &enc.PublicKey, KeyID: "enc", Use: "enc"},
			{Key: &rs384.PublicKey, KeyID: "rs384", Algorithm: "RS384"},
			{Key: &good.PublicKey, KeyID: "good", Use: "sig", Algorithm: "RS256"},
		}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	iss = srv.URL
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	claims := map[string]any{"iss": iss, "sub": "u", "exp": clk.Now().Add(time.Hour).Unix()}
	for kid, k := range map[string]*rsa.PrivateKey{"enc": enc, "rs384": rs384} {
		if _, err := v.Verify(context.Background(), jwtverify.DiscoveryURL(iss), authztest.Sign(t, k, kid, claims), nil); reason(t, err) != jwtverify.UnknownKey {
			t.Errorf("kid %s: %v, want UnknownKey", kid, err)
		}
	}
	if _, err := v.Verify(context.Background(), jwtverify.DiscoveryURL(iss), authztest.Sign(t, good, "good", claims), nil); err != nil {
		t.Errorf("RS256 signing key: %v", err)
	}
}

func TestFailsClosedAndRetriesDiscoveryOncePerInterval(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	ctx := context.Background()
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	idp.SetDown(true)
	for range 10 {
		if _, err := v.Verify(ctx, idp.DiscoveryURL(), tok, nil); reason(t, err) != jwtverify.KeysUnavailable {
			t.Fatalf("IdP down: %v", err)
		}
	}
	if d := idp.DiscoveryFetches.Load(); d != 1 {
		t.Fatalf("discovery attempted %d times inside the interval, want 1", d)
	}
	idp.SetDown(false)
	clk.Advance(31 * time.Second)
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), tok, nil); err != nil {
		t.Fatalf("IdP back: %v", err)
	}
	// Keys already known survive an IdP outage.
	idp.SetDown(true)
	clk.Advance(31 * time.Second)
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), authztest.Sign(t, authztest.NewKey(t), "k9", idp.AccessClaims(clk.Now(), clientID)), nil); reason(t, err) != jwtverify.UnknownKey {
		t.Fatalf("unknown kid during outage: %v", err)
	}
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), idp.Mint(t, idp.AccessClaims(clk.Now(), clientID)), nil); err != nil {
		t.Fatalf("known key refused during an outage: %v", err)
	}
}

// Concurrent first tokens share one discovery and one JWKS fetch, and a
// caller that hangs up does not poison the cache for the others.
func TestConcurrentColdLoadFetchesOnce(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	v.Verify(gone, idp.DiscoveryURL(), tok, nil) // whatever it answers, the cache must end up usable
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := v.Verify(context.Background(), idp.DiscoveryURL(), tok, nil); err != nil {
				t.Errorf("concurrent verify: %v", err)
			}
		})
	}
	wg.Wait()
	if d, j := idp.DiscoveryFetches.Load(), idp.JWKSFetches.Load(); d != 1 || j != 1 {
		t.Errorf("fetched discovery %d, JWKS %d times; want 1, 1", d, j)
	}
}

func TestErrorNamesKidAndIssuer(t *testing.T) {
	e := &jwtverify.Error{Reason: jwtverify.UnknownKey, KeyID: "abc"}
	if !strings.Contains(e.Error(), `"abc"`) {
		t.Errorf("%q lacks the kid", e.Error())
	}
	e = &jwtverify.Error{Reason: jwtverify.WrongIssuer, Issuer: "https://evil"}
	if !strings.Contains(e.Error(), "https://evil") {
		t.Errorf("%q lacks the issuer", e.Error())
	}
}

// BenchmarkVerify measures a check with warm keys: RS256 verification and
// claim validation, no network.
func BenchmarkVerify(b *testing.B) {
	idp := authztest.New(b)
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	tok := idp.Mint(b, idp.AccessClaims(clk.Now(), clientID))
	ctx := context.Background()
	if _, err := v.Verify(ctx, idp.DiscoveryURL(), tok, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, idp.DiscoveryURL(), tok, nil); err != nil {
			b.Fatal(err)
		}
	}
	if j := idp.JWKSFetches.Load(); j != 1 {
		b.Fatalf("warm checks fetched the JWKS: %d fetches", j)
	}
}

// TestIssuerWithTrailingSlash: an IdP whose issuer ends in a slash (as
// Auth0's do) serves its document at the issuer without the slash plus
// the well-known suffix; it is accepted there, and a token's iss must then
// equal the issuer exactly, slash included.
func TestIssuerWithTrailingSlash(t *testing.T) {
	key := authztest.NewKey(t)
	var iss string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tenant/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": iss + ".well-known/jwks.json"})
	})
	mux.HandleFunc("GET /tenant/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	iss = srv.URL + "/tenant/"
	disc := jwtverify.DiscoveryURL(iss)
	if disc != srv.URL+"/tenant/.well-known/openid-configuration" {
		t.Fatalf("DiscoveryURL(%q) = %q", iss, disc)
	}
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	claims := func(issuer string) map[string]any {
		return map[string]any{"iss": issuer, "sub": "client@clients", "aud": "urn:api", "exp": clk.Now().Add(time.Hour).Unix(), "iat": clk.Now().Unix()}
	}
	c, err := v.Verify(context.Background(), disc, authztest.Sign(t, key, "k1", claims(iss)), nil)
	if err != nil {
		t.Fatalf("token of a trailing-slash issuer refused: %v", err)
	}
	if c.Issuer != iss || len(c.Audience) != 1 || c.Audience[0] != "urn:api" {
		t.Errorf("claims = %+v", c)
	}
	if _, err := v.Verify(context.Background(), disc, authztest.Sign(t, key, "k1", claims(strings.TrimSuffix(iss, "/"))), nil); reason(t, err) != jwtverify.WrongIssuer {
		t.Errorf("iss without the slash: %v, want WrongIssuer", err)
	}
}
