package steps_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// The foreign-idp stage against the sandbox: a tenant through the ledger,
// a token whose aud is the API and whose iss is the tenant's, the IdP's
// refusal of an unknown audience, the runtime's refusal of the token, the
// FOREIGN_* variables in the credentials file, a re-run that reuses
// everything, the learner's own IdP through the flags, and cleanup that
// deletes the tenant.
func TestForeignIdPAgainstSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("short: launches a runtime first")
	}
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "wait-ready"); err != nil {
		t.Fatal(err)
	}
	if err := a.Runner.Run(ctx, "foreign-idp"); err != nil {
		t.Fatal(err)
	}
	suffix := a.Session.Settings().Suffix
	aud := value(t, a, "foreign-idp", steps.ForeignAudience)
	iss := value(t, a, "foreign-idp", steps.ForeignIssuer)
	if aud != "https://gateway-"+suffix+".agentcore-workshop.example" || !strings.HasSuffix(iss, "/foreign-idp/dev-"+suffix+"/") {
		t.Errorf("audience %q, issuer %q", aud, iss)
	}
	if value(t, a, "foreign-idp", steps.ForeignDiscoveryURL) != iss+".well-known/openid-configuration" ||
		value(t, a, "foreign-idp", steps.ForeignTokenURL) != iss+"oauth/token" {
		t.Error("discovery or token URL is not under the tenant's issuer")
	}
	raw, err := a.Runner.Secret("foreign-idp", steps.ForeignAccessToken)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwtx.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	clientID := value(t, a, "foreign-idp", steps.ForeignClientID)
	if tok.String("aud") != aud || tok.String("iss") != iss || tok.String("sub") != clientID+"@clients" || tok.String("gty") != "client-credentials" {
		t.Errorf("token claims = %v", tok.Claims)
	}
	if pool := value(t, a, "provision-cognito", steps.RuntimeDiscoveryURL); strings.HasPrefix(pool, iss) {
		t.Errorf("the foreign issuer %s is the pool's", iss)
	}
	if got := value(t, a, "foreign-idp", "unknown audience refused with"); got != "403 access_denied: Service not found: https://not-an-api.example" {
		t.Errorf("unknown audience: %q", got)
	}
	if got := value(t, a, "foreign-idp", "runtime refused with"); !strings.HasPrefix(got, "401 UnauthorizedException") {
		t.Errorf("runtime: %q", got)
	}
	if !strings.Contains(value(t, a, "foreign-idp", steps.ForeignTokenClaims), "no client_id claim") {
		t.Error("the claims table does not say the token has no client_id")
	}
	envFile, err := os.ReadFile(filepath.Join(a.Session.Dir(), steps.EnvFileName))
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := a.Runner.Secret("foreign-idp", steps.ForeignClientSecret)
	for _, want := range []string{"FOREIGN_DISCOVERY_URL=" + iss + ".well-known/openid-configuration", "FOREIGN_CLIENT_ID=" + clientID,
		"FOREIGN_CLIENT_SECRET=" + secret, "FOREIGN_TOKEN_URL=" + iss + "oauth/token", "FOREIGN_AUDIENCE=" + aud} {
		if !strings.Contains(string(envFile), want+"\n") {
			t.Errorf("%s lacks %q", steps.EnvFileName, want)
		}
	}

	// A re-run reuses the tenant, its API, application and grant.
	if err := a.Runner.Run(ctx, "foreign-idp"); err != nil {
		t.Fatal(err)
	}
	tenant := "dev-" + suffix
	clients, err := a.Cloud.Foreign.ListClients(ctx, tenant)
	if err != nil || len(clients) != 1 || clients[0].ClientID != clientID {
		t.Errorf("after a re-run: clients %v %v", clients, err)
	}
	if ts, err := a.Cloud.Foreign.ListTenants(ctx); err != nil || len(ts) != 1 {
		t.Errorf("after a re-run: tenants %v %v", ts, err)
	}

	// The learner's own IdP, given by flags, is used instead of a tenant.
	own, err := a.Cloud.Foreign.CreateTenant(ctx, "dev-learner")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cloud.Foreign.CreateAPI(ctx, own.Name, cloud.ForeignAPI{Identifier: "urn:learner"}); err != nil {
		t.Fatal(err)
	}
	c, err := a.Cloud.Foreign.CreateClient(ctx, own.Name, cloud.ForeignClient{Name: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cloud.Foreign.CreateGrant(ctx, own.Name, cloud.ForeignGrant{ClientID: c.ClientID, Audience: "urn:learner"}); err != nil {
		t.Fatal(err)
	}
	a.Env.ForeignIdP = &steps.ForeignIdP{DiscoveryURL: own.DiscoveryURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Audience: "urn:learner"}
	if err := a.Runner.Run(ctx, "foreign-idp"); err != nil {
		t.Fatal(err)
	}
	if got := value(t, a, "foreign-idp", steps.ForeignIssuer); got != own.Issuer {
		t.Errorf("with the flags the issuer is %s, want the learner's %s", got, own.Issuer)
	}
	if err := a.Cloud.Foreign.DeleteTenant(ctx, own.Name); err != nil {
		t.Fatal(err)
	}

	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	if ts, err := a.Cloud.Foreign.ListTenants(ctx); err != nil || len(ts) != 0 {
		t.Errorf("after cleanup: tenants %v %v", ts, err)
	}
	for _, st := range a.Runner.Snapshot() {
		if st.ID == "foreign-idp" && st.Status != engine.Pending {
			t.Errorf("foreign-idp is %s after cleanup, want pending", st.Status)
		}
	}
}
