package authorizer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
)

// A caller that hangs up while its token triggers the first key fetch must
// not poison the shared cache: the next caller, inside the refetch
// interval, still gets its valid token checked.
func TestCancelledCallerDoesNotPoisonKeyCache(t *testing.T) {
	idp := authztest.New(t)
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	rule := authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedClients: []string{clientID}}
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	a.Check(gone, rule, tok) // whatever it answers, the cache must end up usable

	if _, err := a.Check(context.Background(), rule, tok); err != nil {
		t.Fatalf("valid token refused after another caller hung up: %v", err)
	}
}

// A discovery document that names an issuer other than the URL it was
// served under is refused (OIDC Discovery §4.3), so a token of that other
// issuer never passes as this IdP's, and the refusal fails closed.
func TestDiscoveryIssuerMustMatchItsURL(t *testing.T) {
	idp := authztest.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /impostor/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"issuer": idp.Issuer, "jwks_uri": idp.Issuer + "/.well-known/jwks.json"})
	})
	impostor := httptest.NewServer(mux)
	t.Cleanup(impostor.Close)

	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	tok := idp.Mint(t, idp.AccessClaims(clk.Now(), clientID))
	_, err := a.Check(context.Background(), authorizer.Rule{DiscoveryURL: impostor.URL + "/impostor/.well-known/openid-configuration", AllowedClients: []string{clientID}}, tok)
	if err == nil {
		t.Fatal("token accepted through a discovery document naming another issuer")
	}
	if d := denial(t, err); d.Status != http.StatusUnauthorized || d.Code != "UnauthorizedException" {
		t.Errorf("denial = %+v, want 401 UnauthorizedException", d)
	}
	// The genuine discovery URL still works.
	if _, err := a.Check(context.Background(), authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedClients: []string{clientID}}, tok); err != nil {
		t.Errorf("genuine discovery: %v", err)
	}
}
