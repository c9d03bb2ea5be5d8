package agentcore_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/agentcore"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

const (
	returnURL    = "http://localhost:8081/oauth2/callback"
	workloadName = "identity-demo-workload"
	providerName = "ExternalServiceProvider"
	extUser      = "externaluser1234"
	extPassword  = "ExtPassw0rd!"
)

// idEnv is a real sandbox (sandbox.Start) with an outbound pool, a
// confidential client, a credential provider for it and a workload
// identity, driven through the real SDK clients.
type idEnv struct {
	t        testing.TB
	ctx      context.Context
	sb       *sandbox.Sandbox
	svc      *agentcore.Service
	clk      *clock.Fake
	cog      *cip.Client
	ctl      *bedrockagentcorecontrol.Client
	data     *bedrockagentcore.Client
	poolID   string
	clientID string
	secret   string
	callback string // the provider's callbackUrl
	dir      string
	stop     func()
}

type envOpts struct {
	skipRegisterCallback bool // leave the provider's callbackUrl off the Cognito client
	dir, addr            string
	clk                  *clock.Fake
	allowOutbound        []string // sandbox.Config.AllowOutbound
}

func startSandbox(t testing.TB, o envOpts) (*sandbox.Sandbox, *agentcore.Service, func()) {
	t.Helper()
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	cfg := sandbox.Config{Addr: addr, StateDir: o.dir, AllowOutbound: o.allowOutbound}
	if o.clk != nil { // a nil *clock.Fake would be a non-nil clock.Clock
		cfg.Clock = o.clk
	}
	sb, err := sandbox.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Close may run once only (a restart test closes early).
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := sb.Close(ctx); err != nil {
				t.Errorf("close sandbox: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	for _, s := range sb.Services {
		if a, ok := s.(*agentcore.Service); ok {
			return sb, a, stop
		}
	}
	t.Fatal("sandbox runs no agentcore service")
	return nil, nil, nil
}

func newIDEnv(t testing.TB, o envOpts) *idEnv {
	t.Helper()
	if o.clk == nil {
		o.clk = clock.NewFake(time.Now())
	}
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	e := &idEnv{t: t, ctx: context.Background(), clk: o.clk, dir: o.dir}
	e.sb, e.svc, e.stop = startSandbox(t, o)
	e.clients()

	pool := ok(e.cog.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("agentcore-identity-resource-pool")}))(t)
	e.poolID = *pool.UserPool.Id
	ok(e.cog.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("agentcore-identity-ext"), UserPoolId: &e.poolID}))(t)
	cl := ok(e.cog.CreateUserPoolClient(e.ctx, e.clientInput(nil)))(t)
	e.clientID, e.secret = *cl.UserPoolClient.ClientId, *cl.UserPoolClient.ClientSecret
	e.createUser(e.poolID, extUser, extPassword)

	prov := ok(e.ctl.CreateOauth2CredentialProvider(e.ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
		Name: aws.String(providerName), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: aws.String(e.clientID), ClientSecret: aws.String(e.secret),
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: cognito.DiscoveryURL(e.sb.URL, e.poolID)},
		}},
	}))(t)
	e.callback = *prov.CallbackUrl
	if !o.skipRegisterCallback {
		in := e.clientInput([]string{e.callback})
		ok(e.cog.UpdateUserPoolClient(e.ctx, &cip.UpdateUserPoolClientInput{UserPoolId: in.UserPoolId, ClientId: &e.clientID,
			CallbackURLs: in.CallbackURLs, AllowedOAuthFlows: in.AllowedOAuthFlows, AllowedOAuthScopes: in.AllowedOAuthScopes,
			AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient, SupportedIdentityProviders: in.SupportedIdentityProviders,
			ExplicitAuthFlows: in.ExplicitAuthFlows}))(t)
	}
	ok(e.ctl.CreateWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{
		Name: aws.String(workloadName), AllowedResourceOauth2ReturnUrls: []string{returnURL},
	}))(t)
	return e
}

func (e *idEnv) clients() {
	cp := credentials.NewStaticCredentialsProvider(e.sb.Credentials.AccessKeyID, e.sb.Credentials.SecretAccessKey, "")
	e.cog = cip.New(cip.Options{Region: e.sb.Region, BaseEndpoint: aws.String(e.sb.URL), Credentials: cp, RetryMaxAttempts: 1})
	e.ctl = bedrockagentcorecontrol.New(bedrockagentcorecontrol.Options{Region: e.sb.Region, BaseEndpoint: aws.String(e.sb.URL), Credentials: cp, RetryMaxAttempts: 1})
	e.data = bedrockagentcore.New(bedrockagentcore.Options{Region: e.sb.Region, BaseEndpoint: aws.String(e.sb.URL), Credentials: cp, RetryMaxAttempts: 1})
}

// clientInput is the outbound pool's confidential client as the workshop
// makes it (code flow, openid profile email).
func (e *idEnv) clientInput(callbacks []string) *cip.CreateUserPoolClientInput {
	if callbacks == nil {
		callbacks = []string{"http://localhost:9999/placeholder"}
	}
	return &cip.CreateUserPoolClientInput{UserPoolId: &e.poolID, ClientName: aws.String("agentcore-identity-client"), GenerateSecret: true,
		CallbackURLs: callbacks, AllowedOAuthFlows: []ciptypes.OAuthFlowType{"code"}, AllowedOAuthScopes: []string{"openid", "profile", "email"},
		AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"}}
}

func (e *idEnv) createUser(poolID, name, password string) {
	sandboxtest.AddUser(e.t, e.ctx, e.cog, poolID, sandboxtest.User{Name: name, Password: password})
}

// wat mints a workload access token for a user id.
func (e *idEnv) wat(workload, user string) string {
	out := ok(e.data.GetWorkloadAccessTokenForUserId(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForUserIdInput{
		WorkloadName: aws.String(workload), UserId: aws.String(user)}))(e.t)
	return *out.WorkloadAccessToken
}

// ask calls GetResourceOauth2Token for the external provider, naming the
// workload identity's return URL as USER_FEDERATION requires.
func (e *idEnv) ask(wat string, mod func(*bedrockagentcore.GetResourceOauth2TokenInput)) (*bedrockagentcore.GetResourceOauth2TokenOutput, error) {
	in := &bedrockagentcore.GetResourceOauth2TokenInput{WorkloadIdentityToken: aws.String(wat), ResourceCredentialProviderName: aws.String(providerName),
		Scopes: []string{"openid"}, Oauth2Flow: "USER_FEDERATION", ResourceOauth2ReturnUrl: aws.String(returnURL)}
	if mod != nil {
		mod(in)
	}
	return e.data.GetResourceOauth2Token(e.ctx, in)
}

func (e *idEnv) mustAsk(wat string, mod func(*bedrockagentcore.GetResourceOauth2TokenInput)) *bedrockagentcore.GetResourceOauth2TokenOutput {
	e.t.Helper()
	out, err := e.ask(wat, mod)
	if err != nil {
		e.t.Fatalf("GetResourceOauth2Token: %v", err)
	}
	return out
}

// bind is the application's CompleteResourceTokenAuth once the browser
// is back at the return URL: it releases the session's token to the vault
// for user, the session's user.
func (e *idEnv) bind(sessionURI *string, user dptypes.UserIdentifier) {
	e.t.Helper()
	if _, err := e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
		SessionUri: sessionURI, UserIdentifier: user}); err != nil {
		e.t.Fatalf("CompleteResourceTokenAuth: %v", err)
	}
}

// backAtReturnURL reports whether p, the provider callback's answer,
// sends the browser to the return URL with sessionURI to bind.
func backAtReturnURL(p page, sessionURI string) bool {
	return p.status == http.StatusFound && p.loc != nil && strings.HasPrefix(p.loc.String(), returnURL+"?") &&
		p.loc.Query().Get("session_id") == sessionURI
}

// userID names a user of GetWorkloadAccessTokenForUserId to bind.
func userID(id string) dptypes.UserIdentifier { return &dptypes.UserIdentifierMemberUserId{Value: id} }

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so a test sees every hop.
func browser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type page struct {
	status int
	loc    *url.URL
	body   string
}

func get(t testing.TB, c *http.Client, u string) page {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return read(t, resp)
}

func read(t testing.TB, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(b)}
	if l := resp.Header.Get("Location"); l != "" {
		u, err := resp.Request.URL.Parse(l)
		if err != nil {
			t.Fatalf("bad Location %q", l)
		}
		p.loc = u
	}
	return p
}

// toIdP follows the authorization URL to the provider's authorize URL,
// checking what AgentCore sends the provider.
func (e *idEnv) toIdP(c *http.Client, authURL string) *url.URL {
	e.t.Helper()
	p := get(e.t, c, authURL)
	if p.status != http.StatusFound || p.loc == nil {
		e.t.Fatalf("authorize: %d %s", p.status, p.body)
	}
	q := p.loc.Query()
	iss := cognito.Issuer(e.sb.URL, e.poolID)
	if got := p.loc.Scheme + "://" + p.loc.Host + p.loc.Path; got != iss+"/oauth2/authorize" {
		e.t.Fatalf("redirected to %s, want the pool's authorize endpoint", got)
	}
	if q.Get("client_id") != e.clientID || q.Get("redirect_uri") != e.callback || q.Get("response_type") != "code" ||
		q.Get("scope") != "openid" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 32 {
		e.t.Fatalf("authorize query %v", q)
	}
	return p.loc
}

// login signs in on the hosted form at idpURL (already vetted) and returns
// Cognito's redirect to the callback, not yet followed.
func (e *idEnv) login(c *http.Client, idpURL *url.URL, user, password string) *url.URL {
	e.t.Helper()
	p := get(e.t, c, idpURL.String())
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="password"`) {
		e.t.Fatalf("login page %d: %s", p.status, p.body)
	}
	form := url.Values{"username": {user}, "password": {password}}
	if m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(p.body); m != nil {
		form.Set("_csrf", m[1]) // the cookie half is in c's jar
	}
	for k, v := range idpURL.Query() {
		form[k] = v
	}
	resp, err := c.PostForm(cognito.Issuer(e.sb.URL, e.poolID)+"/login", form)
	if err != nil {
		e.t.Fatal(err)
	}
	p = read(e.t, resp)
	if p.status != http.StatusFound || p.loc == nil {
		e.t.Fatalf("login: %d %s", p.status, p.body)
	}
	if got := p.loc.Scheme + "://" + p.loc.Host + p.loc.Path; got != e.callback {
		e.t.Fatalf("login redirected to %s, want the provider callback %s", got, e.callback)
	}
	return p.loc
}

// externalProfile calls the external API with a token.
func (e *idEnv) externalProfile(token string) (int, map[string]any, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.sb.URL+"/external-api/profile", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header.Get("WWW-Authenticate")
}

// ok fails the test on err: ok(call())(t).
func ok[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
