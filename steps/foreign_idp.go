package steps

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Names of the foreign-idp stage's results. The first five are also the
// credentials file's variables; the gateway stage reads them.
const (
	ForeignDiscoveryURL = "FOREIGN_DISCOVERY_URL"
	ForeignClientID     = "FOREIGN_CLIENT_ID"
	ForeignClientSecret = "FOREIGN_CLIENT_SECRET"
	ForeignTokenURL     = "FOREIGN_TOKEN_URL"
	ForeignAudience     = "FOREIGN_AUDIENCE"
	ForeignIssuer       = "FOREIGN_ISSUER"
	ForeignTenant       = "FOREIGN_TENANT"
	ForeignAccessToken  = "FOREIGN_ACCESS_TOKEN"
	ForeignTokenClaims  = "FOREIGN_ACCESS_TOKEN claims"
)

// ForeignIdP is an OIDC provider the learner brings (run's --foreign-*
// flags): on AWS the workshop cannot make one, so the stage uses theirs.
type ForeignIdP struct {
	DiscoveryURL, ClientID, ClientSecret, Audience string
}

// missing names the flags not given, "" when every field is set.
func (f *ForeignIdP) missing() string {
	var out []string
	for _, p := range []struct{ v, flag string }{
		{f.DiscoveryURL, "--foreign-discovery-url"}, {f.ClientID, "--foreign-client-id"},
		{f.ClientSecret, "--foreign-client-secret"}, {f.Audience, "--foreign-audience"},
	} {
		if p.v == "" {
			out = append(out, p.flag)
		}
	}
	return strings.Join(out, ", ")
}

// The sandbox tenant's API: its identifier is the audience, and its scopes
// are the AgentCore Gateway guide's Auth0 example.
const (
	foreignAPIName  = "AgentCore Gateway"
	foreignScopes   = "invoke:gateway read:gateway"
	unknownAudience = "https://not-an-api.example"
)

func foreignAudienceFor(suffix string) string {
	return "https://gateway-" + suffix + ".agentcore-workshop.example"
}

type foreignIdP struct{}

// ForeignIdPStage is stage 11: an OIDC provider that is not Cognito. Its
// access tokens carry aud, the API they are for: what allowedAudience
// checks. The stage gets one, shows the IdP refusing an unknown audience,
// and shows the runtime (whose authorizer names the Cognito pool) refusing
// the token; the gateway stage then puts it behind allowedAudience.
func ForeignIdPStage(env *Env) engine.Stage {
	return outlined(outline.ForeignIdPID, env, foreignIdP{}.Run)
}

func (foreignIdP) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	var res Result
	put := publisher(rep, &res)
	idp, err := foreignProvider(ctx, env, rep, put)
	if err != nil {
		return res, err
	}
	put(Value{Name: ForeignDiscoveryURL, Value: idp.DiscoveryURL, Kind: KindURL})
	put(Value{Name: ForeignClientID, Value: idp.ClientID})
	put(Value{Name: ForeignClientSecret, Value: idp.ClientSecret, Secret: true})
	put(Value{Name: ForeignAudience, Value: idp.Audience})

	rep.Progress("discovery", 2, 5)
	rep.Log("GET %s", idp.DiscoveryURL)
	cfg, err := env.Cloud.Discover(ctx, idp.DiscoveryURL)
	if err != nil {
		return res, err
	}
	if cfg.TokenEndpoint == "" {
		return res, fmt.Errorf("the discovery document at %s names no token_endpoint", idp.DiscoveryURL)
	}
	rep.Log("issuer %s (not a Cognito pool: its own keys at %s)", cfg.Issuer, cfg.JWKSURI)
	put(Value{Name: ForeignIssuer, Value: cfg.Issuer})
	put(Value{Name: ForeignTokenURL, Value: cfg.TokenEndpoint, Kind: KindURL})

	rep.Progress("token for the API", 3, 5)
	rep.Log("POST %s grant_type=client_credentials audience=%s", cfg.TokenEndpoint, idp.Audience)
	tokResp, err := env.Cloud.ClientCredentials(ctx, cfg.TokenEndpoint, idp.ClientID, idp.ClientSecret, idp.Audience, "")
	if err != nil {
		return res, fmt.Errorf("token for audience %s: %w", idp.Audience, err)
	}
	token := tokResp.AccessToken
	put(Value{Name: ForeignAccessToken, Value: token, Secret: true, Kind: KindToken})
	tok, err := jwtx.Decode(token)
	if err != nil {
		return res, fmt.Errorf("decode the foreign access token (is it a JWT? AgentCore needs one): %w", err)
	}
	put(Value{Name: ForeignTokenClaims, Value: foreignClaimsTable(tok, env)})
	if !slices.Contains(audiences(tok), idp.Audience) {
		return res, fmt.Errorf("the token's aud is %v, not the audience asked for (%s): allowedAudience could not match it", tok.Claims["aud"], idp.Audience)
	}

	rep.Progress("unknown audience", 4, 5)
	rep.Log("POST %s audience=%s (an API the IdP does not know)", cfg.TokenEndpoint, unknownAudience)
	_, err = env.Cloud.ClientCredentials(ctx, cfg.TokenEndpoint, idp.ClientID, idp.ClientSecret, unknownAudience, "")
	var refused *cloud.OAuthError
	switch {
	case errors.As(err, &refused):
		rep.Log("← %d %s: %s", refused.Status, refused.Code, refused.Description)
		put(Value{Name: "unknown audience refused with", Value: fmt.Sprintf("%d %s: %s", refused.Status, refused.Code, refused.Description)})
	case err != nil:
		return res, fmt.Errorf("ask for a token for an unknown audience: %w", err)
	default:
		rep.Log("this IdP issued a token for an audience it does not know; Auth0 refuses one")
	}

	rep.Progress("the runtime's authorizer", 5, 5)
	if err := runtimeRefuses(ctx, env, rep, put, token); err != nil {
		return res, err
	}

	wrote, err := updateEnvFile(env, rep, envFileValues(res))
	if err != nil {
		return res, err
	}
	if wrote {
		rep.Log("added the FOREIGN_* variables to %s", filepath.Join(env.Dir, EnvFileName))
	}
	return res, nil
}

// foreignProvider is the IdP the stage uses: the learner's own when they
// named one, else a tenant the target can host (the sandbox's Auth0-like
// IdP, made through the ledger), else none: the stage is skipped.
func foreignProvider(ctx context.Context, env *Env, rep Reporter, put func(Value)) (ForeignIdP, error) {
	rep.Progress("identity provider", 1, 5)
	if f := env.ForeignIdP; f != nil && *f != (ForeignIdP{}) {
		if m := f.missing(); m != "" {
			return ForeignIdP{}, fmt.Errorf("your identity provider needs all four flags; missing: %s", m)
		}
		rep.Log("using your identity provider at %s", f.DiscoveryURL)
		return *f, nil
	}
	admin := env.Cloud.Foreign
	if admin == nil {
		return ForeignIdP{}, engine.Skip("this target hosts no identity provider to make one in: run with --foreign-discovery-url, " +
			"--foreign-client-id, --foreign-client-secret and --foreign-audience (an Auth0 tenant's, for one) to do this stage")
	}
	suffix := env.Session.Settings().Suffix
	tenant, err := foreignTenants.ensure(ctx, env, rep, "foreign-idp", foreignTenantSpec{name: "dev-" + suffix})
	if err != nil {
		return ForeignIdP{}, err
	}
	put(Value{Name: ForeignTenant, Value: tenant.ID})
	aud := foreignAudienceFor(suffix)
	client, err := ensureForeignSetup(ctx, admin, rep, tenant.ID, aud, "agentcore-m2m-"+suffix)
	if err != nil {
		return ForeignIdP{}, err
	}
	t, err := admin.GetTenant(ctx, tenant.ID)
	if err != nil {
		return ForeignIdP{}, err
	}
	return ForeignIdP{DiscoveryURL: t.DiscoveryURL, ClientID: client.ClientID, ClientSecret: client.ClientSecret, Audience: aud}, nil
}

// ensureForeignSetup makes, in the tenant, what an Auth0 admin makes for a
// machine caller: an API (the audience) with scopes, a machine-to-machine
// application, and a grant of the one to the other. Each is found before
// it is made, so a re-run reuses them; they go when the tenant goes.
func ensureForeignSetup(ctx context.Context, admin *cloud.ForeignAdmin, rep Reporter, tenant, aud, clientName string) (cloud.ForeignClient, error) {
	apis, err := admin.ListAPIs(ctx, tenant)
	if err != nil {
		return cloud.ForeignClient{}, err
	}
	if !slices.ContainsFunc(apis, func(a cloud.ForeignAPI) bool { return a.Identifier == aud }) {
		rep.Log("create API %s (its identifier is the audience)", aud)
		var scopes []cloud.ForeignScope
		for _, s := range strings.Fields(foreignScopes) {
			scopes = append(scopes, cloud.ForeignScope{Value: s})
		}
		if _, err := admin.CreateAPI(ctx, tenant, cloud.ForeignAPI{Name: foreignAPIName, Identifier: aud, Scopes: scopes}); err != nil {
			return cloud.ForeignClient{}, err
		}
	}
	clients, err := admin.ListClients(ctx, tenant)
	if err != nil {
		return cloud.ForeignClient{}, err
	}
	i := slices.IndexFunc(clients, func(c cloud.ForeignClient) bool { return c.Name == clientName })
	var client cloud.ForeignClient
	if i >= 0 {
		client = clients[i]
	} else {
		rep.Log("create machine-to-machine application %s", clientName)
		if client, err = admin.CreateClient(ctx, tenant, cloud.ForeignClient{Name: clientName, AppType: "non_interactive",
			GrantTypes: []string{"client_credentials"}}); err != nil {
			return cloud.ForeignClient{}, err
		}
	}
	grants, err := admin.ListGrants(ctx, tenant)
	if err != nil {
		return cloud.ForeignClient{}, err
	}
	if !slices.ContainsFunc(grants, func(g cloud.ForeignGrant) bool { return g.ClientID == client.ClientID && g.Audience == aud }) {
		rep.Log("grant %s the scopes %s on %s", clientName, foreignScopes, aud)
		if _, err := admin.CreateGrant(ctx, tenant, cloud.ForeignGrant{ClientID: client.ClientID, Audience: aud,
			Scope: strings.Fields(foreignScopes)}); err != nil {
			return cloud.ForeignClient{}, err
		}
	}
	return client, nil
}

// runtimeRefuses sends the foreign token to the runtime launched in stage
// 4. Its authorizer names the Cognito pool's discovery URL, so it refuses
// a token another issuer signed: allowedAudience only matters on an
// authorizer whose discovery URL is the foreign IdP's (the gateway's).
func runtimeRefuses(ctx context.Context, env *Env, rep Reporter, put func(Value), token string) error {
	lv, err := inputs(env, "launch", RuntimeARN)
	if err != nil {
		return err
	}
	inv, err := env.Cloud.InvokeWithBearer(ctx, lv[RuntimeARN], "DEFAULT", newSessionID(), token, []byte(promptWithToken))
	if inv != nil {
		rep.Log("POST %s", inv.URL)
		rep.Log("  Authorization: Bearer %s (the foreign token)", jwtx.Redact(token))
	}
	var denied *cloud.InvokeError
	switch {
	case errors.As(err, &denied) && (denied.Status == 401 || denied.Status == 403):
		rep.Log("← %d %s: %s", denied.Status, denied.Code, denied.Message)
		rep.Log("refused: the runtime trusts only the issuer behind its own discovery URL (the Cognito pool of stage 1)")
		put(Value{Name: "runtime refused with", Value: fmt.Sprintf("%d %s: %s", denied.Status, denied.Code, denied.Message)})
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("the runtime accepted a token from %s: its authorizer is not the one configure set up (discovery URL of the Cognito pool)", inv.URL)
}

// audiences is the token's aud claim as a list (a string or an array).
func audiences(tok jwtx.Token) []string {
	switch a := tok.Claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, v := range a {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// foreignClaimsTable shows the claims, and says what is not there.
func foreignClaimsTable(tok jwtx.Token, env *Env) string {
	t := claimsTable(env.tr(), tok, env.clock().Now())
	if _, ok := tok.Claims["client_id"]; !ok {
		t += "\n(no client_id claim: allowedClients cannot match this token; allowedAudience checks aud)"
	}
	return t
}
