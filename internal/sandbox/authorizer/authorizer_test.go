package authorizer_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
)

const clientID = "4mp1eclientid"

func newChecker(clk clock.Clock) *authorizer.Authorizer {
	return authorizer.New(authorizer.Options{Clock: clk, RefetchInterval: 30 * time.Second})
}

func denial(t *testing.T, err error) *authorizer.Denial {
	t.Helper()
	var d *authorizer.Denial
	if !errors.As(err, &d) {
		t.Fatalf("error %v (%T) is not a *Denial", err, err)
	}
	return d
}

func TestCheckAcceptsValidAccessToken(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	c, err := a.Check(context.Background(), authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedClients: []string{clientID}}, tok)
	if err != nil {
		t.Fatalf("valid token refused: %v", err)
	}
	if c.Issuer != idp.Issuer || c.Subject != "3f0c9a1e-user" || c.ClientID != clientID || c.Username != "testuser" {
		t.Errorf("claims = %+v", c)
	}
	if !slices.Equal(c.Scope, []string{"aws.cognito.signin.user.admin"}) {
		t.Errorf("scope = %v", c.Scope)
	}
	if c.Expiry.Unix() != clk.Now().Add(time.Hour).Unix() {
		t.Errorf("expiry = %v", c.Expiry)
	}
}

func TestCheckRefusesHostileTokens(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	rule := authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedClients: []string{clientID}}
	// Warm the cache so "unknown kid" exercises the refetch path, not the cold load.
	if _, err := a.Check(context.Background(), rule, idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	for _, h := range idp.HostileTokens(t, clk.Now(), clientID) {
		t.Run(h.Name, func(t *testing.T) {
			c, err := a.Check(context.Background(), rule, h.Token)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			d := denial(t, err)
			if d.Status != h.Status || d.Code != h.Code || d.Message == "" {
				t.Errorf("got %d %s %q, want %d %s", d.Status, d.Code, d.Message, h.Status, h.Code)
			}
		})
	}
}

func TestCheckAudienceAndScopeRules(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	claims := idp.AccessClaims(clk.Now(), clientID)
	claims["aud"] = []string{"api://orders", "api://other"}
	claims["scope"] = "orders/read profile"
	tok := idp.Mint(t, claims)
	ctx := context.Background()
	cases := []struct {
		name string
		rule authorizer.Rule
		ok   bool
	}{
		{"audience match", authorizer.Rule{AllowedAudience: []string{"api://orders"}}, true},
		{"audience mismatch", authorizer.Rule{AllowedAudience: []string{"api://billing"}}, false},
		{"scope match", authorizer.Rule{AllowedScopes: []string{"orders/write", "orders/read"}}, true},
		{"scope mismatch", authorizer.Rule{AllowedScopes: []string{"orders/write"}}, false},
		{"all three", authorizer.Rule{AllowedClients: []string{clientID}, AllowedAudience: []string{"api://other"}, AllowedScopes: []string{"profile"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.rule.DiscoveryURL = idp.DiscoveryURL()
			_, err := a.Check(ctx, tc.rule, tok)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			d := denial(t, err)
			if d.Status != http.StatusForbidden || d.Code != "AccessDeniedException" {
				t.Errorf("got %d %s", d.Status, d.Code)
			}
		})
	}
	// Cognito access tokens have no aud: an audience rule refuses them.
	plain := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	if _, err := a.Check(ctx, authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedAudience: []string{clientID}}, plain); denial(t, err).Status != http.StatusForbidden {
		t.Errorf("access token without aud passed an audience rule")
	}
}

func TestExpiryHonoursLeewayAndClock(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	rule := authorizer.Rule{DiscoveryURL: idp.DiscoveryURL()}
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID)) // exp = now+1h
	clk.Advance(time.Hour + authorizer.DefaultLeeway - time.Second)
	if _, err := a.Check(context.Background(), rule, tok); err != nil {
		t.Fatalf("token within leeway refused: %v", err)
	}
	clk.Advance(2 * time.Second)
	if d := denial(t, func() error { _, err := a.Check(context.Background(), rule, tok); return err }()); d.Status != 401 {
		t.Errorf("expired token: %d", d.Status)
	}
}

func TestUnknownKidRefetchIsRateLimited(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	rule := authorizer.Rule{DiscoveryURL: idp.DiscoveryURL()}
	ctx := context.Background()
	good := idp.AccessClaims(clk.Now(), clientID)
	if _, err := a.Check(ctx, rule, idp.Mint(t, good)); err != nil {
		t.Fatal(err)
	}
	if d, j := idp.DiscoveryFetches.Load(), idp.JWKSFetches.Load(); d != 1 || j != 1 {
		t.Fatalf("cold load fetched discovery %d, JWKS %d times; want 1, 1", d, j)
	}
	stranger := authztest.NewKey(t)
	forged := authztest.Sign(t, stranger, "rotated", good)
	// The refetch happened at warm-up, less than the interval ago: 20 forged
	// kids cause no fetch at all.
	for range 20 {
		if _, err := a.Check(ctx, rule, forged); denial(t, err).Status != 401 {
			t.Fatal("forged kid not refused")
		}
	}
	if j := idp.JWKSFetches.Load(); j != 1 {
		t.Fatalf("JWKS fetched %d times within the interval; want 1", j)
	}
	// After the interval, one unknown kid buys exactly one refetch.
	clk.Advance(31 * time.Second)
	for range 5 {
		a.Check(ctx, rule, forged)
	}
	if j := idp.JWKSFetches.Load(); j != 2 {
		t.Fatalf("JWKS fetched %d times; want 2", j)
	}
	// A rotation: the IdP publishes the new key; the next refetch window picks it up.
	idp.Publish("rotated", stranger)
	if _, err := a.Check(ctx, rule, forged); err == nil {
		t.Fatal("new key used before the refetch interval elapsed")
	}
	clk.Advance(31 * time.Second)
	if _, err := a.Check(ctx, rule, forged); err != nil {
		t.Fatalf("rotated key not picked up: %v", err)
	}
	if d := idp.DiscoveryFetches.Load(); d != 1 {
		t.Errorf("discovery fetched %d times; want 1", d)
	}
}

func TestIdPDownFailsClosed(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	idp.SetDown(true)
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	_, err := a.Check(context.Background(), authorizer.Rule{DiscoveryURL: idp.DiscoveryURL()}, tok)
	if d := denial(t, err); d.Status != 401 || d.Code != "UnauthorizedException" {
		t.Errorf("got %d %s", d.Status, d.Code)
	}
	// Unreachable altogether (server gone) is refused too.
	idp.Server.Close()
	b := newChecker(clk)
	if _, err := b.Check(context.Background(), authorizer.Rule{DiscoveryURL: idp.DiscoveryURL()}, tok); denial(t, err).Status != 401 {
		t.Error("token accepted with the IdP gone")
	}
}

func TestBearerToken(t *testing.T) {
	type want struct {
		tok    string
		bearer bool
	}
	// The bool matters on its own: invoke tells a bearer sent to a SigV4
	// runtime (method mismatch) from no credentials at all by it.
	for in, w := range map[string]want{"Bearer abc": {"abc", true}, "bearer  abc ": {"abc", true}, "Bearer ": {"", true},
		"Basic abc": {"", false}, "Bearer": {"", false}, "": {"", false}} {
		if tok, ok := authorizer.BearerToken(in); tok != w.tok || ok != w.bearer {
			t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", in, tok, ok, w.tok, w.bearer)
		}
	}
}

// BenchmarkAuthorizerCheck measures a check with a warm key cache: RS256
// verification plus claim checks, no network.
func BenchmarkAuthorizerCheck(b *testing.B) {
	idp := authztest.New(b)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	rule := authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedClients: []string{clientID}}
	tok := idp.Mint(b, idp.AccessClaims(clk.Now(), clientID))
	ctx := context.Background()
	if _, err := a.Check(ctx, rule, tok); err != nil {
		b.Fatal(err)
	}
	d0, j0 := idp.DiscoveryFetches.Load(), idp.JWKSFetches.Load()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := a.Check(ctx, rule, tok); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	fetches := idp.DiscoveryFetches.Load() - d0 + idp.JWKSFetches.Load() - j0
	b.ReportMetric(float64(fetches), "fetches")
	if fetches != 0 {
		b.Fatalf("warm checks fetched from the IdP %d times", fetches)
	}
}
