package cognito_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/clock"
)

const region = "us-west-2"

type env struct {
	sb    *sandbox.Sandbox
	api   *cip.Client
	clock *clock.Fake
	ctx   context.Context
}

// start runs a real sandbox on loopback with a temp state dir and a fake clock.
func start(t testing.TB) *env {
	t.Helper()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: t.TempDir(), Region: region, Clock: clk})
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sb.Close(cctx)
	})
	return &env{sb: sb, api: apiClient(sb.URL, credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")), clock: clk, ctx: ctx}
}

func apiClient(url string, creds aws.CredentialsProvider) *cip.Client {
	return cip.New(cip.Options{Region: region, BaseEndpoint: aws.String(url), Credentials: creds, RetryMaxAttempts: 1})
}

// wantAPIError asserts err is the SDK's typed error T with message msg ("" = any).
func wantAPIError[T interface {
	error
	ErrorMessage() string
}](t *testing.T, err error, msg string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("want %T, got %T: %v", target, err, err)
	}
	if msg != "" && target.ErrorMessage() != msg {
		t.Fatalf("%T message = %q, want %q", target, target.ErrorMessage(), msg)
	}
	return target
}

// must unwraps a call that the test expects to succeed. It panics (failing
// the test with a stack) because Go cannot pass a testing.TB alongside a
// multi-value call.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

// fixture is a pool with a public client and a confirmed user.
type fixture struct {
	poolID, clientID, username, password string
}

func (e *env) fixture(t testing.TB, clientIn *cip.CreateUserPoolClientInput) fixture {
	t.Helper()
	pool := must(e.api.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("MCPServerPool")}))
	if clientIn == nil {
		clientIn = &cip.CreateUserPoolClientInput{}
	}
	clientIn.UserPoolId = pool.UserPool.Id
	if clientIn.ClientName == nil {
		clientIn.ClientName = aws.String("MCPServerPoolClient")
	}
	if clientIn.ExplicitAuthFlows == nil {
		clientIn.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	}
	cl := must(e.api.CreateUserPoolClient(e.ctx, clientIn))
	f := fixture{poolID: *pool.UserPool.Id, clientID: *cl.UserPoolClient.ClientId, username: "testuser", password: "MyPassword123!"}
	must(e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &f.poolID, Username: &f.username,
		TemporaryPassword: aws.String("Temp123!"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("testuser@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}))
	must(e.api.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &f.poolID, Username: &f.username, Password: &f.password, Permanent: true}))
	return f
}

func (e *env) signIn(t testing.TB, f fixture, extra map[string]string) *types.AuthenticationResultType {
	t.Helper()
	params := map[string]string{"USERNAME": f.username, "PASSWORD": f.password}
	for k, v := range extra {
		params[k] = v
	}
	out := must(e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID, AuthParameters: params}))
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens: challenge %q", out.ChallengeName)
	}
	return out.AuthenticationResult
}

// rawCall posts an awsJson1.1 request, SigV4-signed when signed is true.
func (e *env) rawCall(t testing.TB, target string, body []byte, signed bool) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.sb.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if signed {
		signRequest(t, req, body, e.sb.Credentials.AccessKeyID, e.sb.Credentials.SecretAccessKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func signRequest(t testing.TB, req *http.Request, body []byte, akid, secret string) {
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "cognito-idp", region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
}
