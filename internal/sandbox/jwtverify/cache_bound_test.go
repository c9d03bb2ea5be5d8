package jwtverify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

// Tokens naming ever new issuers (the resource API takes the discovery URL
// from the token's iss) cannot grow the cache past MaxSources, and a real
// issuer used all along stays cached through the flood.
func TestSourceCacheIsBounded(t *testing.T) {
	idp := authztest.New(t)
	hostile := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(hostile.Close)
	clk := clock.NewFake(time.Now())
	const maxSources = 16
	v := jwtverify.New(jwtverify.Options{Clock: clk, MaxSources: maxSources})
	ctx := context.Background()
	good := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	for i := range 10 * maxSources {
		if _, err := v.Verify(ctx, idp.DiscoveryURL(), good, nil); err != nil {
			t.Fatalf("round %d: the real issuer's token refused: %v", i, err)
		}
		disc := fmt.Sprintf("%s/evil-%d%s", hostile.URL, i, jwtverify.WellKnown)
		if _, err := v.Verify(ctx, disc, good, nil); reason(t, err) != jwtverify.KeysUnavailable {
			t.Fatalf("round %d: made-up issuer: %v", i, err)
		}
		if n := v.Sources(); n > maxSources {
			t.Fatalf("round %d: %d sources cached, over the bound %d", i, n, maxSources)
		}
	}
	if d, j := idp.DiscoveryFetches.Load(), idp.JWKSFetches.Load(); d != 1 || j != 1 {
		t.Errorf("the real issuer was fetched %d (discovery) and %d (JWKS) times through the flood, want 1 and 1", d, j)
	}
}

// A JWKS publishing many keys gets DefaultMaxKeys of them kept: a hostile
// issuer cannot make the verifier hold thousands of parsed keys.
func TestKeysPerSetAreBounded(t *testing.T) {
	idp := authztest.New(t)
	k := idp.Key("k1")
	const published = 3 * jwtverify.DefaultMaxKeys
	for i := 2; i <= published; i++ {
		idp.Publish(fmt.Sprintf("k%d", i), k)
	}
	clk := clock.NewFake(time.Now())
	v := newVerifier(clk)
	claims := idp.AccessClaims(clk.Now(), clientID)
	verified := 0
	for i := 1; i <= published; i++ {
		_, err := v.Verify(context.Background(), idp.DiscoveryURL(), authztest.Sign(t, k, fmt.Sprintf("k%d", i), claims), nil)
		switch {
		case err == nil:
			verified++
		case reason(t, err) != jwtverify.UnknownKey:
			t.Fatalf("kid k%d: %v", i, err)
		}
	}
	if verified != jwtverify.DefaultMaxKeys {
		t.Errorf("%d of %d published kids verify, want the %d kept", verified, published, jwtverify.DefaultMaxKeys)
	}
	if j := idp.JWKSFetches.Load(); j != 1 {
		t.Errorf("JWKS fetched %d times, want 1", j)
	}
}
