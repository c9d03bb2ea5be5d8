package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Names of the machine-to-machine stage's results. The first four are
// also credentials-file variables, and the gateway stage reads them by
// these names: keep them.
const (
	M2MClientID       = "M2M_CLIENT_ID"
	M2MClientSecret   = "M2M_CLIENT_SECRET"
	M2MTokenURL       = "M2M_TOKEN_URL"
	M2MScope          = "M2M_SCOPE"          // the scope the stage asks for (one: the file's values hold no blanks)
	M2MScopes         = "M2M_ALLOWED_SCOPES" // every scope the client may ask for, space-separated
	M2MResourceServer = "M2M_RESOURCE_SERVER"
	M2MDiscoveryURL   = "M2M_DISCOVERY_URL" // the pool that issues the M2M tokens (the inbound pool)
	M2MToken          = "M2M_TOKEN"
	M2MTokenClaims    = "M2M_TOKEN claims"
)

type machineToMachine struct{}

// MachineToMachine is stage 10, seed 004's Cognito setup for callers that
// are programs: a resource server with read and write scopes, a
// confidential client allowed the client_credentials grant and those
// scopes, and a token from the pool domain's /oauth2/token with no user
// in it.
//
// It lives in the inbound pool, the one that guards AgentCore's front
// door: seed 004 sets up a gateway's inbound auth this way, the starter
// toolkit gives the runtime pool its own domain (agentcore-runtime-{id}),
// and the outbound pool stays the external service's IdP, whose tokens
// the external API trusts; an M2M token from there would be trusted by it.
func MachineToMachine(env *Env) engine.Stage {
	return outlined(outline.MachineToMachineID, env, machineToMachine{}.Run)
}

func (s machineToMachine) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	const id = "machine-to-machine"
	pv, err := inputs(env, "provision-cognito", RuntimePoolID, RuntimeDiscoveryURL)
	if err != nil {
		return Result{}, err
	}
	pool, suffix := pv[RuntimePoolID], env.Session.Settings().Suffix
	var res Result
	put := publisher(rep, &res)

	// /oauth2/token lives on a pool domain: the toolkit's name for the
	// runtime pool's.
	rep.Progress("pool domain", 1, 5)
	domain := "agentcore-runtime-" + suffix
	if _, err := poolDomains.ensure(ctx, env, rep, id, domainSpec{pool: pool, domain: domain}); err != nil {
		return res, err
	}

	rep.Progress("resource server", 2, 5)
	rsID := "agentcore-m2m-" + suffix
	if _, err := resourceServers.ensure(ctx, env, rep, id, resourceServerSpec{pool: pool, identifier: rsID, name: "AgentCoreM2M-" + suffix,
		scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read access")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("Write access")},
		}}); err != nil {
		return res, err
	}
	put(Value{Name: M2MResourceServer, Value: rsID})
	scopes := []string{rsID + "/read", rsID + "/write"}
	put(Value{Name: M2MScopes, Value: strings.Join(scopes, " ")})

	rep.Progress("client_credentials client", 3, 5)
	client, err := poolClients.ensure(ctx, env, rep, id, clientSpec{&cip.CreateUserPoolClientInput{
		UserPoolId:                      aws.String(pool),
		ClientName:                      aws.String("M2MClient-" + suffix),
		GenerateSecret:                  true, // a confidential client: the program proves itself with the secret
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes:              scopes,
		AllowedOAuthFlowsUserPoolClient: true,
		SupportedIdentityProviders:      []string{"COGNITO"},
	}})
	if err != nil {
		return res, err
	}
	desc, err := env.Cloud.Cognito.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(client.ID)})
	if err != nil {
		return res, fmt.Errorf("describe the M2M client: %w", err)
	}
	secret := aws.ToString(desc.UserPoolClient.ClientSecret)
	put(Value{Name: M2MClientID, Value: client.ID})
	put(Value{Name: M2MClientSecret, Value: secret, Secret: true})
	put(Value{Name: M2MDiscoveryURL, Value: pv[RuntimeDiscoveryURL], Kind: KindURL})

	rep.Progress("token endpoint", 4, 5)
	tokenURL, err := tokenEndpoint(ctx, env, pv[RuntimeDiscoveryURL])
	if err != nil {
		return res, err
	}
	put(Value{Name: M2MTokenURL, Value: tokenURL, Kind: KindURL})

	rep.Progress("client_credentials token", 5, 5)
	scope := scopes[0]
	put(Value{Name: M2MScope, Value: scope})
	token, err := clientCredentialsToken(ctx, env, rep, tokenURL, client.ID, secret, scope)
	if err != nil {
		return res, err
	}
	put(Value{Name: M2MToken, Value: token, Secret: true, Kind: KindToken})
	tok, err := jwtx.Decode(token)
	if err != nil {
		return res, fmt.Errorf("decode the M2M token: %w", err)
	}
	put(Value{Name: M2MTokenClaims, Value: claimsTable(env.tr(), tok, env.clock().Now())})
	// What the stage teaches, checked on the token Cognito really issued.
	if !tok.Machine() || tok.String("client_id") != client.ID {
		return res, fmt.Errorf("the token is not a machine token for client %s: sub %q, client_id %q, username %q",
			client.ID, tok.String("sub"), tok.String("client_id"), tok.String("username"))
	}
	if got := tok.String("scope"); got != scope {
		return res, fmt.Errorf("the token's scope is %q, want the %q asked for", got, scope)
	}
	rep.Log("sub = client_id = %s, scope %s, no username: no person is behind this token", client.ID, scope)

	_, err = updateEnvFile(env, rep, map[string]string{M2MClientID: client.ID, M2MClientSecret: secret, M2MTokenURL: tokenURL, M2MScope: scope})
	return res, err
}

// tokenEndpoint reads the token endpoint from a pool's discovery
// document: Cognito advertises it once the pool has a domain (on AWS,
// https://{domain}.auth.{region}.amazoncognito.com/oauth2/token).
func tokenEndpoint(ctx context.Context, env *Env, discoveryURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discoveryURL, nil)
	if err != nil {
		return "", fmt.Errorf("build the discovery request: %w", err)
	}
	resp, err := env.Cloud.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("fetch %s: %w", discoveryURL, err)
	}
	defer resp.Body.Close()
	var doc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("read %s: HTTP %d %v", discoveryURL, resp.StatusCode, err)
	}
	if doc.TokenEndpoint == "" {
		return "", fmt.Errorf("%s advertises no token_endpoint: the pool has no domain yet", discoveryURL)
	}
	return doc.TokenEndpoint, nil
}

// clientCredentialsToken asks a token endpoint for an access token with
// the client's own credentials (HTTP Basic, client_secret_basic), as
// seed 004's curl does with the form.
func clientCredentialsToken(ctx context.Context, env *Env, rep Reporter, tokenURL, clientID, secret, scope string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("build the token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// RFC 6749 §2.3.1: each part is form-encoded before the Basic encoding.
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	rep.Log("POST %s grant_type=client_credentials scope=%s (client %s, its secret in Basic auth)", tokenURL, scope, clientID)
	resp, err := env.Cloud.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask for a client_credentials token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read the token response: %w", err)
	}
	var doc struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
	}
	if json.Unmarshal(body, &doc) != nil || resp.StatusCode != http.StatusOK || doc.AccessToken == "" {
		return "", fmt.Errorf("the token endpoint answered %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	rep.Log("← 200 %s token, expires in %ds (no refresh token, no ID token: there is no user)", doc.TokenType, doc.ExpiresIn)
	return doc.AccessToken, nil
}
