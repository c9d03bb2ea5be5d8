package authorizer_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
)

// TestBreakItExperiments is the break-it stage's experiments on the
// authorizer's own table: each token has one thing wrong, and each draws
// exactly this answer (status, code, message). The shapes follow
// agentcore-facts §7: a problem with the token itself is 401
// UnauthorizedException, a well-signed token whose claims miss the rule is
// 403 AccessDeniedException ("Claim 'client_id' mismatch"). The stage's
// end-to-end test checks the same answers through the runtime.
func TestBreakItExperiments(t *testing.T) {
	idp := authztest.New(t)
	other := authztest.New(t) // the outbound pool: another issuer, other keys
	other.Publish("outbound-k1", authztest.NewKey(t))
	clk := clock.NewFake(time.Now())
	a := newChecker(clk)
	rule := authorizer.Rule{DiscoveryURL: idp.DiscoveryURL(), AllowedClients: []string{clientID}}
	now := clk.Now()
	good := idp.AccessClaims(now, clientID)
	with := func(mut func(map[string]any)) map[string]any {
		c := map[string]any{}
		for k, v := range good {
			c[k] = v
		}
		mut(c)
		return c
	}
	b64 := base64.RawURLEncoding.EncodeToString
	valid := idp.Mint(t, good)
	parts := strings.Split(valid, ".")
	evil, _ := json.Marshal(with(func(c map[string]any) { c["username"] = "admin" }))
	payload, _ := json.Marshal(good)

	const u, f = http.StatusUnauthorized, http.StatusForbidden
	for _, x := range []struct {
		name    string
		token   string
		status  int
		code    string
		message string
	}{
		{"no token", "", u, "UnauthorizedException", "Missing bearer token in the Authorization header."},
		{"ID token", idp.Mint(t, with(func(c map[string]any) {
			delete(c, "client_id")
			delete(c, "username")
			c["aud"], c["token_use"], c["cognito:username"] = clientID, "id", "testuser"
		})), f, "AccessDeniedException", "Claim 'client_id' mismatch"},
		{"other client", idp.Mint(t, with(func(c map[string]any) { c["client_id"] = "4n0therclient" })), f, "AccessDeniedException", "Claim 'client_id' mismatch"},
		{"expired", idp.Mint(t, with(func(c map[string]any) {
			c["iat"], c["exp"] = now.Add(-70*time.Minute).Unix(), now.Add(-10*time.Minute).Unix()
		})), u, "UnauthorizedException", "Bearer token has expired."},
		{"tampered payload", parts[0] + "." + b64(evil) + "." + parts[2], u, "UnauthorizedException", "Bearer token signature is invalid."},
		{"other pool", authztest.Sign(t, other.Key("outbound-k1"), "outbound-k1", with(func(c map[string]any) { c["iss"] = other.Issuer })), u, "UnauthorizedException",
			`Bearer token is signed with an unknown key (kid "outbound-k1").`},
		{"alg none", b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(payload) + ".", u, "UnauthorizedException",
			"Bearer token is malformed or uses an unsupported algorithm (only RS256 is accepted)."},
		{"the right token", valid, http.StatusOK, "", ""},
	} {
		t.Run(x.name, func(t *testing.T) {
			c, err := a.Check(context.Background(), rule, x.token)
			if x.status == http.StatusOK {
				if err != nil || c.ClientID != clientID {
					t.Fatalf("the right token: %+v, %v", c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			d := denial(t, err)
			if d.Status != x.status || d.Code != x.code || d.Message != x.message {
				t.Errorf("got %d %s %q, want %d %s %q", d.Status, d.Code, d.Message, x.status, x.code, x.message)
			}
		})
	}
}
