package sandbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/cognito"
)

func cognitoClient(sb *sandbox.Sandbox, hc *http.Client) *cip.Client {
	return cip.New(cip.Options{Region: sb.Region, BaseEndpoint: aws.String(sb.URL), RetryMaxAttempts: 1, HTTPClient: hc,
		Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")})
}

func closeSandbox(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sb.Close(ctx); err != nil {
		t.Fatalf("close sandbox: %v", err)
	}
}

// seed creates a pool, a client and a confirmed user, and signs in.
func seed(t testing.TB, ctx context.Context, api *cip.Client) (poolID, clientID, accessToken string) {
	t.Helper()
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("MCPServerPool")})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("c"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("testuser"),
		TemporaryPassword: aws.String("Temp123!"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id, Username: aws.String("testuser"),
		Password: aws.String("MyPassword123!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	return *pool.UserPool.Id, *cl.UserPoolClient.ClientId, signIn(t, ctx, api, *cl.UserPoolClient.ClientId)
}

func signIn(t testing.TB, ctx context.Context, api *cip.Client, clientID string) string {
	t.Helper()
	out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": "testuser", "PASSWORD": "MyPassword123!"}})
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return *out.AuthenticationResult.AccessToken
}

// TestRestartKeepsStateAndKeys restarts the sandbox on the same state dir
// and address: the old token still verifies through discovery and JWKS (so
// the issuer and the pool keys survived), and sign-in still works.
func TestRestartKeepsStateAndKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{}}
	poolID, clientID, token := seed(t, ctx, cognitoClient(sb, hc))
	addr := sb.URL[len("http://"):]
	hc.CloseIdleConnections()
	closeSandbox(t, sb)

	sb2, err := sandbox.Start(ctx, sandbox.Config{Addr: addr, StateDir: dir})
	if err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	defer closeSandbox(t, sb2)
	if sb2.URL != sb.URL {
		t.Fatalf("URL changed: %s → %s", sb.URL, sb2.URL)
	}
	prov, err := oidc.NewProvider(ctx, cognito.Issuer(sb2.URL, poolID))
	if err != nil {
		t.Fatalf("discovery after restart: %v", err)
	}
	tok, err := prov.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, token)
	if err != nil {
		t.Fatalf("old token after restart: %v", err)
	}
	var c struct {
		ClientID string `json:"client_id"`
	}
	if err := tok.Claims(&c); err != nil || c.ClientID != clientID {
		t.Fatalf("client_id %q (%v)", c.ClientID, err)
	}
	api := cognitoClient(sb2, &http.Client{})
	if _, err := prov.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, signIn(t, ctx, api, clientID)); err != nil {
		t.Fatalf("new token after restart: %v", err)
	}
	if sb2.Credentials != sb.Credentials {
		t.Fatal("sandbox credentials changed across restart")
	}
}

// BenchmarkStartExisting measures starting a sandbox on a populated state
// dir (keys and pools to load). Target: well under 100 ms.
func BenchmarkStartExisting(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	api := cognitoClient(sb, &http.Client{})
	for range 3 {
		seed(b, ctx, api)
	}
	closeSandbox(b, sb)
	b.ResetTimer()
	for b.Loop() {
		sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		closeSandbox(b, sb)
		b.StartTimer()
	}
}

// A facilitator's sandbox listens on every interface and names itself by
// the address learners reach: issuers must carry that address, never 0.0.0.0.
func TestPublicURLNamesTheIssuer(t *testing.T) {
	ctx := context.Background()
	if _, err := sandbox.Start(ctx, sandbox.Config{Addr: "0.0.0.0:0", StateDir: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "--public-url") {
		t.Fatalf("0.0.0.0 without a public URL = %v", err)
	}
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: t.TempDir(), PublicURL: "http://workshop.example:4747/"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(ctx)
	if sb.URL != "http://workshop.example:4747" {
		t.Fatalf("URL = %s", sb.URL)
	}
	if env := strings.Join(sb.Env(), " "); !strings.Contains(env, "AWS_ENDPOINT_URL=http://workshop.example:4747") {
		t.Fatalf("env = %s", env)
	}
}
