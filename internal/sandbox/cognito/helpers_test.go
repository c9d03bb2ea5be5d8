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
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/sandboxtest"
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
	sb := sandboxtest.Start(t, sandbox.Config{Region: region, Clock: clk})
	return &env{sb: sb, api: sandboxtest.Cognito(sb), clock: clk, ctx: context.Background()}
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
	p := sandboxtest.NewPool(t, e.ctx, e.api, "MCPServerPool", clientIn)
	u := sandboxtest.TestUser()
	sandboxtest.AddUser(t, e.ctx, e.api, p.ID, u,
		types.AttributeType{Name: aws.String("email"), Value: aws.String("testuser@example.com")},
		types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")})
	return fixture{poolID: p.ID, clientID: p.ClientID, username: u.Name, password: u.Password}
}

func (e *env) signIn(t testing.TB, f fixture, extra map[string]string) *types.AuthenticationResultType {
	t.Helper()
	return sandboxtest.SignIn(t, e.ctx, e.api, f.clientID, sandboxtest.User{Name: f.username, Password: f.password}, extra)
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
