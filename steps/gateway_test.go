package steps

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// foreignTenant is an Auth0-like tenant for the test: a test IdP's
// discovery and keys, and an /oauth/token that mints client_credentials
// tokens carrying aud (and no client_id) for one client and one API.
func foreignTenant(t *testing.T, clientID, secret, audience string) (idp *authztest.IdP, tokenURL string) {
	idp = authztest.New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/oauth/token" || r.ParseForm() != nil ||
			r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("client_id") != clientID || r.Form.Get("client_secret") != secret {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "access_denied", "error_description": "Unauthorized"})
			return
		}
		if r.Form.Get("audience") != audience {
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"error": "access_denied", "error_description": "Service not found: " + r.Form.Get("audience")})
			return
		}
		now := time.Now()
		json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 86400, "access_token": idp.Mint(t, map[string]any{
			"iss": idp.Issuer, "sub": clientID + "@clients", "aud": audience, "azp": clientID, "gty": "client-credentials",
			"iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix()})})
	}))
	t.Cleanup(srv.Close)
	return idp, srv.URL + "/oauth/token"
}

// gatewayEnv is a workspace on a sandbox that may reach the foreign
// tenant, with the two stages before the gateway recorded as succeeded:
// a Cognito M2M client (resource server, scopes, client_credentials, a
// domain) made in the sandbox, and the foreign tenant's values.
func gatewayEnv(t *testing.T) *Env {
	t.Helper()
	ctx := context.Background()
	const fClient, fSecret, fAudience = "foreignclient", "foreignsecret", "https://workshop-gateway.example.com"
	idp, fToken := foreignTenant(t, fClient, fSecret, fAudience)
	dir := t.TempDir()
	sess, err := session.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", AllowOutbound: []string{strings.TrimPrefix(idp.Issuer, "http://")[:strings.Index(strings.TrimPrefix(idp.Issuer, "http://"), "/")]}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close(context.Background()) })
	c, err := cloud.New(ctx, cloud.Target{Kind: cloud.Sandbox, Endpoint: sb.URL, Region: sb.Region,
		AccessKeyID: sb.Credentials.AccessKeyID, SecretAccessKey: sb.Credentials.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Cloud: c, Session: sess, Dir: dir}

	pool, err := c.Cognito.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("M2MPool")})
	if err != nil {
		t.Fatal(err)
	}
	pid := pool.UserPool.Id
	if _, err := c.Cognito.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pid, Domain: aws.String("m2m-gateway-test")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cognito.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pid, Identifier: aws.String("gateway"), Name: aws.String("Gateway"),
		Scopes: []ciptypes.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}); err != nil {
		t.Fatal(err)
	}
	cl, err := c.Cognito.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pid, ClientName: aws.String("m2m"), GenerateSecret: true,
		AllowedOAuthFlows: []ciptypes.OAuthFlowType{ciptypes.OAuthFlowTypeClientCredentials}, AllowedOAuthScopes: []string{"gateway/read"},
		AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		t.Fatal(err)
	}
	val := func(n, v string) session.Value { return session.Value{Name: n, Value: v} }
	err = sess.SetStages(map[string]session.StageRecord{
		"machine-to-machine": {Status: string(engine.Succeeded), Values: []session.Value{val(M2MClientID, *cl.UserPoolClient.ClientId),
			{Name: M2MClientSecret, Secret: true}, val(M2MTokenURL, c.CognitoIssuer(*pid)+"/oauth2/token"), val(M2MScope, "gateway/read")}},
		"foreign-idp": {Status: string(engine.Succeeded), Values: []session.Value{val(ForeignDiscoveryURL, idp.DiscoveryURL()), val(ForeignClientID, fClient),
			{Name: ForeignClientSecret, Secret: true}, val(ForeignTokenURL, fToken), val(ForeignAudience, fAudience)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for stage, kv := range map[string][2]string{"machine-to-machine": {M2MClientSecret, *cl.UserPoolClient.ClientSecret}, "foreign-idp": {ForeignClientSecret, fSecret}} {
		if err := sess.PutSecret(stage, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// The gateway stage on the sandbox: both gateways READY with their
// authorizers, tools listed and called over MCP with each IdP's token,
// 401 with WWW-Authenticate without one, each IdP's token refused at the
// other's gateway; a second run reuses everything; cleanup leaves nothing.
func TestGatewayStage(t *testing.T) {
	env := gatewayEnv(t)
	ctx := context.Background()
	rec := &recorder{}
	res, err := runGateway(ctx, env, rec)
	if err != nil {
		t.Fatalf("gateway stage: %v\n%s", err, strings.Join(rec.logs, "\n"))
	}
	want := map[string]string{
		"M2M tools":                  "WeatherTools___get_weather, WeatherTools___get_time",
		"foreign tools":              "WeatherTools___get_weather, WeatherTools___get_time",
		"M2M gateway, no token":      `401 WWW-Authenticate: Bearer error="invalid_token"`,
		"foreign gateway, no token":  `401 WWW-Authenticate: Bearer error="invalid_token"`,
		"M2M gateway, foreign token": "refused 401",
		"foreign gateway, M2M token": "refused 401",
		"M2M tools/call":             "Seoul",
		"foreign tools/call":         "Seoul",
	}
	for name, prefix := range want {
		v, ok := res.Get(name)
		if !ok || !strings.Contains(v.Value, prefix) {
			t.Errorf("%s = %q, want it to hold %q", name, v.Value, prefix)
		}
	}
	kinds := map[string]int{}
	for _, r := range env.Session.Resources() {
		kinds[r.Kind]++
	}
	// Two gateways with a target each; the gateway's role and the
	// function's, each with its policy; one function.
	if kinds[string(ResGateway)] != 2 || kinds[string(ResGatewayTarget)] != 2 || kinds[string(ResRole)] != 2 ||
		kinds[string(ResRolePolicy)] != 2 || kinds[string(ResFunction)] != 1 {
		t.Errorf("ledger: %v", kinds)
	}
	// Again: the same resources, reused.
	before := len(env.Session.Resources())
	if _, err := runGateway(ctx, env, &recorder{}); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n := len(env.Session.Resources()); n != before {
		t.Errorf("the second run made more resources: %d, then %d", before, n)
	}
	// Cleanup walks the ledger backwards: targets (waiting until they are
	// gone), then gateways, then the role.
	if _, left, err := removeAll(ctx, env, &recorder{}); err != nil || len(left) > 0 {
		t.Fatalf("cleanup: %v, left %v", err, left)
	}
	leftovers, err := Leftovers(ctx, env.Cloud, env.Session.Resources())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leftovers {
		if strings.HasPrefix(l, "gateway") || strings.HasPrefix(l, "role AgentCoreWorkshopGateway") || strings.HasPrefix(l, "function ") {
			t.Errorf("left after cleanup: %s", l)
		}
	}
}
