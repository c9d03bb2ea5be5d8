package cloud

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAWSTargetUsesAWSEndpoints(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	c, err := New(context.Background(), Target{Kind: AWS, Region: "eu-central-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.CognitoDiscoveryURL("eu-central-1_abc"); got != "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_abc/.well-known/openid-configuration" {
		t.Errorf("discovery URL = %s", got)
	}
	arn := "arn:aws:bedrock-agentcore:eu-central-1:123456789012:runtime/my_agent-AbCdEf1234"
	want := "https://bedrock-agentcore.eu-central-1.amazonaws.com/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aeu-central-1%3A123456789012%3Aruntime%2Fmy_agent-AbCdEf1234/invocations?qualifier=DEFAULT"
	if got := c.InvokeURL(arn, "DEFAULT"); got != want {
		t.Errorf("invoke URL\n got %s\nwant %s", got, want)
	}
	if c.Config.BaseEndpoint != nil {
		t.Errorf("an AWS target must not override endpoints, got %s", *c.Config.BaseEndpoint)
	}
}

func TestSandboxTargetIgnoresTheEnvironment(t *testing.T) {
	// A learner's shell may point the SDK elsewhere; the sandbox target
	// must not follow it to real AWS.
	t.Setenv("AWS_ENDPOINT_URL", "https://example.invalid")
	t.Setenv("AWS_PROFILE", "prod")
	c, err := New(context.Background(), Target{Kind: Sandbox, Endpoint: "http://127.0.0.1:4747/", AccessKeyID: "k", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if got := *c.Config.BaseEndpoint; got != "http://127.0.0.1:4747" {
		t.Errorf("base endpoint = %s", got)
	}
	if c.Region != "us-west-2" || !strings.HasPrefix(c.CognitoIssuer("p"), "http://127.0.0.1:4747/p") {
		t.Errorf("region %s issuer %s", c.Region, c.CognitoIssuer("p"))
	}
	creds, err := c.Config.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "k" {
		t.Errorf("credentials = %+v, %v", creds, err)
	}
}

func TestTargetErrors(t *testing.T) {
	if _, err := New(context.Background(), Target{Kind: "azure"}); err == nil {
		t.Error("unknown target accepted")
	}
	if _, err := New(context.Background(), Target{Kind: Sandbox}); err == nil {
		t.Error("sandbox target without an endpoint accepted")
	}
}

func TestInvokeWithBearerSendsTokenAndDecodesErrors(t *testing.T) {
	var gotAuth, gotSession, gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotSession, gotPath = r.Header.Get("Authorization"), r.Header.Get(SessionHeader), r.URL.EscapedPath()
		if gotAuth == "Bearer good" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set(SessionHeader, r.Header.Get(SessionHeader))
			w.Write([]byte(`{"response":"hi"}`))
			return
		}
		w.Header().Set("X-Amzn-ErrorType", "UnauthorizedException:http://internal.amazon.com/coral/")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"token expired"}`))
	}))
	defer srv.Close()
	c, err := New(context.Background(), Target{Kind: Sandbox, Endpoint: srv.URL, AccessKeyID: "k", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234"
	inv, err := c.InvokeWithBearer(context.Background(), arn, "DEFAULT", "s-123", "good", []byte(`{}`))
	if err != nil || string(inv.Body) != `{"response":"hi"}` || inv.SessionID != "s-123" {
		t.Fatalf("invoke = %+v, %v", inv, err)
	}
	if gotSession != "s-123" || !strings.Contains(gotPath, "runtime%2Fa-AbCdEf1234") {
		t.Errorf("session %q path %q", gotSession, gotPath)
	}
	_, err = c.InvokeWithBearer(context.Background(), arn, "DEFAULT", "s-123", "bad", []byte(`{}`))
	var ie *InvokeError
	if !errors.As(err, &ie) || ie.Status != 401 || ie.Code != "UnauthorizedException" || ie.Message != "token expired" {
		t.Fatalf("error = %#v", err)
	}
}
