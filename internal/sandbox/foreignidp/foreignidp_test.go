package foreignidp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/foreignidp"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

const (
	audience = "https://gateway.example/api"
	other    = "https://other.example/api"
)

// fixture is a tenant with two APIs and a client granted only the first,
// made through the signed management API as the stage makes it.
type fixture struct {
	sb     *sandbox.Sandbox
	admin  *cloud.ForeignAdmin
	c      *cloud.Clients
	tenant cloud.ForeignTenant
	client cloud.ForeignClient
}

func admin(sb *sandbox.Sandbox) *cloud.ForeignAdmin {
	return cloud.NewForeignAdmin(sb.URL, sb.Region,
		credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, ""),
		&http.Client{Timeout: 10 * time.Second})
}

func clients(t *testing.T, sb *sandbox.Sandbox) *cloud.Clients {
	t.Helper()
	c, err := cloud.New(context.Background(), cloud.Target{Kind: cloud.Sandbox, Endpoint: sb.URL, Region: sb.Region,
		AccessKeyID: sb.Credentials.AccessKeyID, SecretAccessKey: sb.Credentials.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	c.HTTP.Timeout = 10 * time.Second
	return c
}

func newFixture(t *testing.T, sb *sandbox.Sandbox) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{sb: sb, admin: admin(sb), c: clients(t, sb)}
	var err error
	if f.tenant, err = f.admin.CreateTenant(ctx, "dev-workshop"); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	for _, id := range []string{audience, other} {
		if _, err := f.admin.CreateAPI(ctx, "dev-workshop", cloud.ForeignAPI{Name: "api", Identifier: id,
			Scopes: []cloud.ForeignScope{{Value: "invoke:gateway"}, {Value: "read:gateway"}}}); err != nil {
			t.Fatalf("CreateAPI %s: %v", id, err)
		}
	}
	if f.client, err = f.admin.CreateClient(ctx, "dev-workshop", cloud.ForeignClient{Name: "m2m", AppType: "non_interactive",
		GrantTypes: []string{"client_credentials"}}); err != nil {
		t.Fatalf("CreateClient: %v", err)
	}
	if _, err := f.admin.CreateGrant(ctx, "dev-workshop", cloud.ForeignGrant{ClientID: f.client.ClientID, Audience: audience,
		Scope: []string{"invoke:gateway"}}); err != nil {
		t.Fatalf("CreateGrant: %v", err)
	}
	return f
}

func (f fixture) token(t *testing.T, aud, scope string) (string, error) {
	t.Helper()
	resp, err := f.c.ClientCredentials(context.Background(), f.tenant.TokenURL, f.client.ClientID, f.client.ClientSecret, aud, scope)
	return resp.AccessToken, err
}

func claimsOf(t *testing.T, tok string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", tok)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return header, claims
}

// TestTenantIssuesAuth0ShapedTokens: its own issuer with a trailing slash
// (not a pool path), discovery and JWKS under it, and client_credentials
// tokens with Auth0's default-profile claims.
func TestTenantIssuesAuth0ShapedTokens(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Config{})
	f := newFixture(t, sb)
	iss := sb.URL + "/foreign-idp/dev-workshop/"
	if f.tenant.Issuer != iss || f.tenant.DiscoveryURL != iss+".well-known/openid-configuration" || f.tenant.TokenURL != iss+"oauth/token" {
		t.Fatalf("tenant = %+v", f.tenant)
	}
	cfg, err := f.c.Discover(context.Background(), f.tenant.DiscoveryURL)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Issuer != iss || cfg.TokenEndpoint != f.tenant.TokenURL || cfg.JWKSURI != iss+".well-known/jwks.json" {
		t.Fatalf("discovery = %+v", cfg)
	}
	if !egress.New(sb.URL, nil).Allows(f.tenant.DiscoveryURL) || !egress.New(sb.URL, nil).Allows(cfg.JWKSURI) {
		t.Fatal("the egress policy does not count the tenant's issuer as sandbox-hosted")
	}

	resp, err := f.c.ClientCredentials(context.Background(), f.tenant.TokenURL, f.client.ClientID, f.client.ClientSecret, audience, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.TokenType != "Bearer" || resp.ExpiresIn != 86400 || resp.Scope != "invoke:gateway" {
		t.Errorf("token response = %+v", resp)
	}
	h, c := claimsOf(t, resp.AccessToken)
	if h["alg"] != "RS256" || h["typ"] != "JWT" || h["kid"] == "" {
		t.Errorf("header = %v", h)
	}
	want := map[string]any{"iss": iss, "sub": f.client.ClientID + "@clients", "aud": audience, "azp": f.client.ClientID,
		"gty": "client-credentials", "scope": "invoke:gateway"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %s = %v, want %v", k, c[k], v)
		}
	}
	if _, ok := c["client_id"]; ok {
		t.Error("an Auth0 default-profile token has no client_id claim")
	}
	if exp, iat := c["exp"].(float64), c["iat"].(float64); exp-iat != 86400 {
		t.Errorf("exp - iat = %v, want 86400", exp-iat)
	}
	if strings.Contains(c["iss"].(string), "us-west-2_") {
		t.Error("the issuer looks like a Cognito pool")
	}
}

// TestTokenRefusalsAreAuth0s: each refusal with Auth0's status and body.
func TestTokenRefusalsAreAuth0s(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Config{})
	f := newFixture(t, sb)
	post := func(body url.Values, contentType string) (int, map[string]string) {
		t.Helper()
		var r io.Reader = strings.NewReader(body.Encode())
		if contentType == "application/json" {
			m := map[string]string{}
			for k := range body {
				m[k] = body.Get(k)
			}
			b, _ := json.Marshal(m)
			r = strings.NewReader(string(b))
		}
		resp, err := http.Post(f.tenant.TokenURL, contentType, r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]string
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	base := func(kv ...string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {f.client.ClientID}, "client_secret": {f.client.ClientSecret}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	form := "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name   string
		body   url.Values
		ct     string
		status int
		code   string
		desc   string
	}{
		{"unknown audience", base("audience", "https://nobody.example"), form, 403, "access_denied", "Service not found: https://nobody.example"},
		{"unknown audience, JSON body", base("audience", "https://nobody.example"), "application/json", 403, "access_denied", "Service not found: https://nobody.example"},
		{"API not granted", base("audience", other), form, 403, "access_denied",
			`Client is not authorized to access "` + other + `". You might probably want to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`},
		{"wrong secret", base("audience", audience, "client_secret", "nope"), form, 401, "access_denied", "Unauthorized"},
		{"unknown client", base("audience", audience, "client_id", "nobody"), form, 401, "access_denied", "Unauthorized"},
		{"no audience", base(), form, 403, "access_denied", "No audience parameter was provided, and no default audience has been configured"},
		{"scope not granted", base("audience", audience, "scope", "read:gateway"), form, 403, "access_denied", "Client has not been granted scopes: read:gateway"},
		{"password grant", base("audience", audience, "grant_type", "password"), form, 400, "unsupported_grant_type", "Unsupported grant type: password"},
		{"no grant type", base("audience", audience, "grant_type", ""), form, 400, "invalid_request", "Missing required parameter: grant_type"},
	} {
		status, body := post(tc.body, tc.ct)
		if status != tc.status || body["error"] != tc.code || body["error_description"] != tc.desc {
			t.Errorf("%s: %d %v, want %d %s %q", tc.name, status, body, tc.status, tc.code, tc.desc)
		}
	}
	// The client in HTTP Basic (client_secret_basic) works as in the body.
	req, _ := http.NewRequest(http.MethodPost, f.tenant.TokenURL, strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "audience": {audience}}.Encode()))
	req.Header.Set("Content-Type", form)
	req.SetBasicAuth(f.client.ClientID, f.client.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("client_secret_basic: %d", resp.StatusCode)
	}
	// cloud.ClientCredentials reports the refusal with its status.
	_, err = f.token(t, "https://nobody.example", "")
	var oe *cloud.OAuthError
	if !errors.As(err, &oe) || oe.Status != 403 || oe.Description != "Service not found: https://nobody.example" {
		t.Errorf("ClientCredentials error = %v", err)
	}
}

// TestAuthorizerChecksTheForeignAudience: a runtime or gateway authorizer
// whose discovery URL is the tenant's accepts its token when the token's
// aud is in allowedAudience, and refuses it otherwise; allowedClients
// never matches (no client_id claim); an authorizer on a Cognito pool's
// discovery URL refuses it outright.
func TestAuthorizerChecksTheForeignAudience(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Config{})
	f := newFixture(t, sb)
	tok, err := f.token(t, audience, "")
	if err != nil {
		t.Fatal(err)
	}
	a := authorizer.New(authorizer.Options{HTTPClient: egress.New(sb.URL, nil).Client(10 * time.Second)})
	ctx := context.Background()
	disc := f.tenant.DiscoveryURL
	c, err := a.Check(ctx, authorizer.Rule{DiscoveryURL: disc, AllowedAudience: []string{audience}}, tok)
	if err != nil {
		t.Fatalf("right audience refused: %v", err)
	}
	if c.Issuer != f.tenant.Issuer || c.Subject != f.client.ClientID+"@clients" || c.ClientID != "" {
		t.Errorf("claims = %+v", c)
	}
	for name, tc := range map[string]struct {
		rule   authorizer.Rule
		status int
		msg    string
	}{
		"other audience allowed": {authorizer.Rule{DiscoveryURL: disc, AllowedAudience: []string{other}}, 403, "Claim 'aud' value mismatch."},
		"allowedClients":         {authorizer.Rule{DiscoveryURL: disc, AllowedClients: []string{f.client.ClientID}}, 403, "Claim 'client_id' mismatch"},
		"a Cognito pool's URL":   {authorizer.Rule{DiscoveryURL: cognito.DiscoveryURL(sb.URL, "us-west-2_nopool"), AllowedAudience: []string{audience}}, 401, ""},
	} {
		_, err := a.Check(ctx, tc.rule, tok)
		var d *authorizer.Denial
		if !errors.As(err, &d) || d.Status != tc.status || (tc.msg != "" && d.Message != tc.msg) {
			t.Errorf("%s: %v, want %d %q", name, err, tc.status, tc.msg)
		}
	}
	// A token the tenant would not issue for the other audience never
	// exists; a token for a second granted API is refused by the first's rule.
	if _, err := f.admin.CreateGrant(ctx, "dev-workshop", cloud.ForeignGrant{ClientID: f.client.ClientID, Audience: other, Scope: []string{}}); err != nil {
		t.Fatal(err)
	}
	tok2, err := f.token(t, other, "")
	if err != nil {
		t.Fatal(err)
	}
	var d *authorizer.Denial
	if _, err := a.Check(ctx, authorizer.Rule{DiscoveryURL: disc, AllowedAudience: []string{audience}}, tok2); !errors.As(err, &d) || d.Status != 403 {
		t.Errorf("token for %s at a rule allowing %s: %v", other, audience, err)
	}
	if _, c := claimsOf(t, tok2); c["scope"] != nil {
		t.Errorf("a grant without scopes gives a token without scope, got %v", c["scope"])
	}
}

// TestManagementAPI: signed only, Auth0-shaped errors, persisted keys.
func TestManagementAPI(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	// Started by hand: the test closes it and starts it again.
	sb, err := sandbox.Start(ctx, sandbox.Config{StateDir: dir, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, sb)

	resp, err := http.Post(sb.URL+"/foreign-idp/tenants", "application/json", strings.NewReader(`{"name":"dev-unsigned"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Errorf("unsigned CreateTenant: %d", resp.StatusCode)
	}
	if _, err := f.admin.GetTenant(ctx, "dev-unsigned"); !notFound(err) {
		t.Errorf("an unsigned request made a tenant: %v", err)
	}
	for name, call := range map[string]func() error{
		"duplicate tenant": func() error { _, err := f.admin.CreateTenant(ctx, "dev-workshop"); return err },
		"bad tenant name":  func() error { _, err := f.admin.CreateTenant(ctx, "Dev Workshop"); return err },
		"duplicate API": func() error {
			_, err := f.admin.CreateAPI(ctx, "dev-workshop", cloud.ForeignAPI{Identifier: audience})
			return err
		},
		"API in no tenant": func() error {
			_, err := f.admin.CreateAPI(ctx, "dev-nobody", cloud.ForeignAPI{Identifier: "x"})
			return err
		},
		"grant of an undefined scope": func() error {
			_, err := f.admin.CreateGrant(ctx, "dev-workshop", cloud.ForeignGrant{ClientID: f.client.ClientID, Audience: other, Scope: []string{"write:all"}})
			return err
		},
		"interactive client": func() error {
			_, err := f.admin.CreateClient(ctx, "dev-workshop", cloud.ForeignClient{Name: "spa", AppType: "spa"})
			return err
		},
	} {
		var fe *cloud.ForeignError
		if err := call(); !errors.As(err, &fe) || fe.StatusCode < 400 || fe.StatusCode >= 500 || fe.Message == "" || fe.Err == "" {
			t.Errorf("%s: %v, want an Auth0-shaped 4xx", name, err)
		}
	}
	for i := 0; ; i++ {
		_, err := f.admin.CreateAPI(ctx, "dev-workshop", cloud.ForeignAPI{Identifier: "urn:api:" + string(rune('a'+i))})
		var fe *cloud.ForeignError
		if errors.As(err, &fe) && fe.StatusCode == 403 && fe.ErrorCode == "quota_exceeded" {
			if i+2 != foreignidp.MaxAPIsPerTenant {
				t.Errorf("the cap was hit after %d more APIs, want %d", i, foreignidp.MaxAPIsPerTenant-2)
			}
			break
		}
		if err != nil || i > foreignidp.MaxAPIsPerTenant {
			t.Fatalf("API %d: %v (no cap?)", i, err)
		}
	}

	// The tenant and its key survive a restart: an old token still verifies.
	tok, err := f.token(t, audience, "")
	if err != nil {
		t.Fatal(err)
	}
	ctxc, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addr := strings.TrimPrefix(sb.URL, "http://")
	if err := sb.Close(ctxc); err != nil {
		t.Fatal(err)
	}
	// Started again on the same address: issuers name it.
	sb2 := sandboxtest.Start(t, sandbox.Config{StateDir: dir, Addr: addr})
	a := authorizer.New(authorizer.Options{HTTPClient: egress.New(sb2.URL, nil).Client(10 * time.Second)})
	if _, err := a.Check(ctx, authorizer.Rule{DiscoveryURL: f.tenant.DiscoveryURL, AllowedAudience: []string{audience}}, tok); err != nil {
		t.Errorf("a token from before the restart: %v", err)
	}
	if err := admin(sb2).DeleteTenant(ctx, "dev-workshop"); err != nil {
		t.Fatal(err)
	}
	if err := admin(sb2).DeleteTenant(ctx, "dev-workshop"); !notFound(err) {
		t.Errorf("second delete: %v, want 404", err)
	}
	if resp, err := http.Get(f.tenant.DiscoveryURL); err != nil || resp.StatusCode != 404 {
		t.Errorf("discovery of a deleted tenant: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if ts, err := admin(sb2).ListTenants(ctx); err != nil || len(ts) != 0 {
		t.Errorf("ListTenants = %v, %v", ts, err)
	}
}

func notFound(err error) bool {
	var fe *cloud.ForeignError
	return errors.As(err, &fe) && fe.NotFound()
}
