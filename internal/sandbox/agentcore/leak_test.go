package agentcore_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/sandbox/agentcore"
	"agentcore-workshop/internal/sandbox/cognito"
)

// Attacks of a second learner on a shared sandbox (issue 9, item 1): with
// only the shared keys, no path may lead to the first learner's vault token.

// inboundPool is a sign-in pool with one app client; signIn returns a
// user's access token and its claims.
type inboundPool struct {
	e        *idEnv
	id       string
	clientID string
}

func (e *idEnv) inboundPool(name string) *inboundPool {
	e.t.Helper()
	pool := ok(e.cog.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name)}))(e.t)
	p := &inboundPool{e: e, id: *pool.UserPool.Id}
	p.clientID = p.newClient("runtime")
	return p
}

func (p *inboundPool) newClient(name string) string {
	e := p.e
	cl := ok(e.cog.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &p.id, ClientName: aws.String(name),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}))(e.t)
	return *cl.UserPoolClient.ClientId
}

func (p *inboundPool) signIn(user, client string) string {
	e := p.e
	e.createUser(p.id, user, "Inb0und!Pass")
	out := ok(e.cog.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: &client,
		AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Inb0und!Pass"}}))(e.t)
	return *out.AuthenticationResult.AccessToken
}

// claimsOf reads a JWT's payload without verifying it (the attacker's view).
func claimsOf(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// unsignedLike forges a token with c's claims: a header that names RS256
// and a kid, the claims, and a signature of junk.
func unsignedLike(c map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "forged", "typ": "JWT"})
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(b) + "." +
		base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
}

// consentAs runs the 3LO consent for wat, binds the session to user (the
// user wat was issued for) and returns the vault token.
func (e *idEnv) consentAs(t *testing.T, wat string, user dptypes.UserIdentifier) string {
	t.Helper()
	first := e.mustAsk(wat, nil)
	if first.AuthorizationUrl == nil {
		t.Fatalf("first ask: %+v", first)
	}
	if _, err := consent.Run(e.ctx, browser(t), *first.AuthorizationUrl, extUser, extPassword); err != nil {
		t.Fatal(err)
	}
	e.bind(first.SessionUri, user)
	got := e.mustAsk(wat, nil)
	if got.AccessToken == nil {
		t.Fatalf("after consent: %+v", got)
	}
	return *got.AccessToken
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae interface{ ErrorCode() string }
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestSecondLearnerCannotReachFirstLearnersVaultToken: learner A consents
// through a workload token for A's JWT; learner B then tries both paths the
// issue measured. Neither yields A's token.
func TestSecondLearnerCannotReachFirstLearnersVaultToken(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	in := e.inboundPool("agentcore-identity-runtime-pool")
	alice := in.signIn("alice", in.clientID)
	wat := ok(e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workloadName), UserToken: aws.String(alice)}))(t)
	aliceExt := e.consentAs(t, *wat.WorkloadAccessToken, &dptypes.UserIdentifierMemberUserToken{Value: alice})

	c := claimsOf(t, alice)
	iss, sub := c["iss"].(string), c["sub"].(string)
	if iss != cognito.Issuer(e.sb.URL, in.id) || sub == "" {
		t.Fatalf("claims %v", c)
	}

	// Path 1: an unsigned token with A's iss and sub (and a live exp).
	_, err := e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workloadName), UserToken: aws.String(unsignedLike(c))})
	var ue *dptypes.UnauthorizedException
	if !errors.As(err, &ue) {
		t.Fatalf("forged userToken: got %v, want UnauthorizedException", err)
	}
	// A's real token with B's claims swapped in keeps A's signature, which
	// then no longer verifies.
	parts := strings.Split(alice, ".")
	c2 := claimsOf(t, alice)
	c2["sub"] = "someone-else"
	b, _ := json.Marshal(c2)
	_, err = e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workloadName), UserToken: aws.String(parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2])})
	if !errors.As(err, &ue) {
		t.Fatalf("re-signed claims: got %v, want UnauthorizedException", err)
	}

	// Path 2: a user id spelling A's JWT user, in every shape a user id
	// string could take.
	for _, id := range []string{iss + "|" + sub, agentcore.JWTUser(iss, sub), strings.TrimPrefix(agentcore.JWTUser(iss, sub), "jwt:")} {
		if len(id) > 128 {
			t.Fatalf("user id %q is longer than the model allows", id)
		}
		got := e.mustAsk(e.wat(workloadName, id), nil)
		if got.AccessToken != nil {
			t.Fatalf("user id %q got a token (A's is %v)", id, *got.AccessToken == aliceExt)
		}
	}

	// A still has it.
	if got := e.mustAsk(*wat.WorkloadAccessToken, nil); got.AccessToken == nil || *got.AccessToken != aliceExt {
		t.Fatalf("A's own ask: %+v", got)
	}
}

// TestUserTokenMustSatisfyTheRuntimesAuthorizer: a workload identity that
// belongs to a runtime with a customJWTAuthorizer takes only tokens that
// authorizer would admit: its issuer and its allowed clients.
func TestUserTokenMustSatisfyTheRuntimesAuthorizer(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	in := e.inboundPool("agentcore-identity-runtime-pool")
	other := e.inboundPool("someone-elses-pool")
	rt := ok(e.ctl.CreateAgentRuntime(e.ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("jwt_agent"),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{
			Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:latest")},
		},
		RoleArn:              aws.String("arn:aws:iam::123456789012:role/agent"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(cognito.DiscoveryURL(e.sb.URL, in.id)), AllowedClients: []string{in.clientID},
		}},
	}))(t)
	workload := rt.WorkloadIdentityDetails.WorkloadIdentityArn
	name := (*workload)[strings.LastIndex(*workload, "/")+1:]
	forJWT := func(tok string) error {
		_, err := e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
			WorkloadName: aws.String(name), UserToken: aws.String(tok)})
		return err
	}
	if err := forJWT(in.signIn("alice", in.clientID)); err != nil {
		t.Fatalf("the authorizer's own client: %v", err)
	}
	wantCode(t, forJWT(in.signIn("bob", in.newClient("unlisted"))), "AccessDeniedException")
	wantCode(t, forJWT(other.signIn("carol", other.clientID)), "UnauthorizedException")
	wantCode(t, forJWT(unsignedLike(claimsOf(t, in.signIn("dave", in.clientID)))), "UnauthorizedException")
}

// TestVaultTokensGoWithTheirWorkloadAndProvider: deleting a workload
// identity or a credential provider (as the workshop's cleanup does)
// leaves no token in the vault, and a namesake created afterwards starts
// without one.
func TestVaultTokensGoWithTheirWorkloadAndProvider(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	e.consentAs(t, e.wat(workloadName, "alice"), userID("alice"))
	if n := agentcore.VaultLen(e.svc); n != 1 {
		t.Fatalf("vault holds %d tokens after one consent", n)
	}
	ok(e.ctl.DeleteWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.DeleteWorkloadIdentityInput{Name: aws.String(workloadName)}))(t)
	if n := agentcore.VaultLen(e.svc); n != 0 {
		t.Fatalf("vault holds %d tokens after its workload identity was deleted", n)
	}
	ok(e.ctl.CreateWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{
		Name: aws.String(workloadName), AllowedResourceOauth2ReturnUrls: []string{returnURL}}))(t)
	if got := e.mustAsk(e.wat(workloadName, "alice"), nil); got.AccessToken != nil {
		t.Fatal("a workload identity created again inherited its namesake's token")
	}

	e.consentAs(t, e.wat(workloadName, "bob"), userID("bob"))
	if n := agentcore.VaultLen(e.svc); n != 1 {
		t.Fatalf("vault holds %d tokens after the second consent", n)
	}
	ok(e.ctl.DeleteOauth2CredentialProvider(e.ctx, &bedrockagentcorecontrol.DeleteOauth2CredentialProviderInput{Name: aws.String(providerName)}))(t)
	if n := agentcore.VaultLen(e.svc); n != 0 {
		t.Fatalf("vault holds %d tokens after its credential provider was deleted", n)
	}
}

// TestOutboundCallsStayOnTheSandbox: a provider (or a forged issuer) that
// names another service on the facilitator's machine makes the sandbox
// send nothing there, and answers a clear AWS error. When the facilitator
// allows that host, requests go, but nothing the host answers is echoed.
func TestOutboundCallsStayOnTheSandbox(t *testing.T) {
	const leak = "INTERNAL_ONLY_SECRET"
	var hits atomic.Int32
	victim := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"`+leak+`","error_description":"`+leak+` body text"}`)
	}))
	defer victim.Close()
	providers := func(e *idEnv) []string {
		ok(e.ctl.CreateOauth2CredentialProvider(e.ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
			Name: aws.String("ByMetadata"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
			Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
				ClientId: aws.String("c"), ClientSecret: aws.String("the-client-secret"),
				OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata{Value: ctltypes.Oauth2AuthorizationServerMetadata{
					Issuer: aws.String(victim.URL), AuthorizationEndpoint: aws.String(victim.URL + "/authorize"),
					TokenEndpoint: aws.String(victim.URL + "/token"), ResponseTypes: []string{"code"}}},
			}},
		}))(t)
		ok(e.ctl.CreateOauth2CredentialProvider(e.ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
			Name: aws.String("ByDiscovery"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
			Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
				ClientId: aws.String("c"), ClientSecret: aws.String("the-client-secret"),
				OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: victim.URL + "/.well-known/openid-configuration"},
			}},
		}))(t)
		return []string{"ByMetadata", "ByDiscovery"}
	}
	m2m := func(e *idEnv, prov string) error {
		_, err := e.ask(e.wat(workloadName, "mallory"), func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
			in.ResourceCredentialProviderName, in.Oauth2Flow = aws.String(prov), "M2M"
		})
		return err
	}

	e := newIDEnv(t, envOpts{})
	for _, prov := range providers(e) {
		err := m2m(e, prov)
		wantCode(t, err, "ValidationException")
		if !strings.Contains(err.Error(), "--allow-outbound") {
			t.Errorf("%s: %v; want the way to allow the host named", prov, err)
		}
	}
	forged := unsignedLike(map[string]any{"iss": victim.URL, "sub": "x", "exp": time.Now().Add(time.Hour).Unix()})
	_, err := e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workloadName), UserToken: aws.String(forged)})
	wantCode(t, err, "UnauthorizedException")
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback service got %d requests from the sandbox", n)
	}

	// The facilitator allows the host: the sandbox calls it, and repeats
	// nothing of its answers.
	u, _ := url.Parse(victim.URL)
	e2 := newIDEnv(t, envOpts{allowOutbound: []string{u.Host}})
	for _, prov := range providers(e2) {
		if err := m2m(e2, prov); err == nil || strings.Contains(err.Error(), leak) {
			t.Errorf("%s: %v; want an error without the body", prov, err)
		}
	}
	_, err = e2.data.GetWorkloadAccessTokenForJWT(e2.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workloadName), UserToken: aws.String(forged)})
	if err == nil || strings.Contains(err.Error(), leak) {
		t.Errorf("forged issuer on an allowed host: %v", err)
	}
	if hits.Load() == 0 {
		t.Error("the allowed host was never called")
	}
}

// TestVaultTokensGoWithTheirRuntime: a runtime's workload identity goes
// when the runtime's deletion completes, and its users' tokens with it.
func TestVaultTokensGoWithTheirRuntime(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	rt := ok(e.ctl.CreateAgentRuntime(e.ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("vault_agent"),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{
			Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:latest")},
		},
		RoleArn:              aws.String("arn:aws:iam::123456789012:role/agent"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	}))(t)
	// A runtime's own workload identity starts with no return URLs: 3LO
	// is refused until one is registered, as on AWS since GA.
	_, err := e.ask(e.wat(*rt.AgentRuntimeId, "alice"), nil)
	wantValidation(t, err, "You must register and use at least one ResourceOauth2ReturnUrl on your workload identity to use this flow")
	ok(e.ctl.UpdateWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.UpdateWorkloadIdentityInput{
		Name: rt.AgentRuntimeId, AllowedResourceOauth2ReturnUrls: []string{returnURL}}))(t)
	e.consentAs(t, e.wat(*rt.AgentRuntimeId, "alice"), userID("alice"))
	if n := agentcore.VaultLen(e.svc); n != 1 {
		t.Fatalf("vault holds %d tokens after one consent", n)
	}
	ok(e.ctl.DeleteAgentRuntime(e.ctx, &bedrockagentcorecontrol.DeleteAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId}))(t)
	// The instant pace finishes the deletion on the next look.
	if _, err := e.ctl.GetAgentRuntime(e.ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId}); err == nil {
		t.Fatal("runtime still there after its deletion")
	}
	if n := agentcore.VaultLen(e.svc); n != 0 {
		t.Fatalf("vault holds %d tokens after the runtime was deleted", n)
	}
}

// TestVaultTokensGoWithTheirUser: deleting the user a token was granted
// to, or the user's pool, leaves none of that user's tokens in the vault;
// other users' tokens stay.
func TestVaultTokensGoWithTheirUser(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	in := e.inboundPool("agentcore-identity-runtime-pool")
	other := e.inboundPool("another-runtime-pool")
	consentFor := func(p *inboundPool, user string) {
		jwt := p.signIn(user, p.clientID)
		wat := ok(e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
			WorkloadName: aws.String(workloadName), UserToken: aws.String(jwt)}))(t)
		e.consentAs(t, *wat.WorkloadAccessToken, &dptypes.UserIdentifierMemberUserToken{Value: jwt})
	}
	consentFor(in, "alice")
	consentFor(in, "bob")
	e.consentAs(t, e.wat(workloadName, "carol"), userID("carol")) // a ForUserId user: no pool to delete
	if n := agentcore.VaultLen(e.svc); n != 3 {
		t.Fatalf("vault holds %d tokens after three consents", n)
	}
	ok(e.cog.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: &in.id, Username: aws.String("alice")}))(t)
	if n := agentcore.VaultLen(e.svc); n != 2 {
		t.Fatalf("vault holds %d tokens after alice was deleted, want bob's and carol's", n)
	}
	ok(e.cog.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: &other.id}))(t)
	if n := agentcore.VaultLen(e.svc); n != 2 {
		t.Fatalf("vault holds %d tokens after another pool was deleted, want 2", n)
	}
	ok(e.cog.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: &in.id}))(t)
	if n := agentcore.VaultLen(e.svc); n != 1 {
		t.Fatalf("vault holds %d tokens after bob's pool was deleted, want carol's", n)
	}
}
