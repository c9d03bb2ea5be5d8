package gateway_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/gateway"
	"agentcore-workshop/internal/sandbox/model/modeltest"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/store"
)

const (
	region   = "us-west-2"
	account  = "123456789012"
	roleArn  = "arn:aws:iam::123456789012:role/AgentCoreGatewayExecutionRole"
	fnArn    = "arn:aws:lambda:us-west-2:123456789012:function:AgentCoreLambdaTestFunction"
	m2mID    = "m2mclient1"
	audience = "https://gateway.example.com/api"
	settle   = 3 * time.Second
)

// harness is a sandbox edge (real SigV4 verification, real store) serving
// only the gateway service, on a fake clock, with two test IdPs: a
// Cognito-like one whose access tokens carry client_id, and an Auth0-like
// one whose tokens carry aud.
type harness struct {
	t        *testing.T
	url      string
	creds    aws.Credentials
	clk      *clock.Fake
	ctl      *ctl.Client
	rec      *modeltest.Recorder
	cognito  *authztest.IdP
	auth0    *authztest.IdP
	svcStore *store.Store
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	st, err := store.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	creds := sigv4.Credentials{AccessKeyID: "AKIASANDBOXTEST00001", SecretAccessKey: "secretsecretsecretsecretsecretsecret0000", AccountID: account}
	h := &harness{t: t, creds: aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey},
		clk: clock.NewFake(time.Now()), cognito: authztest.New(t), auth0: authztest.New(t), svcStore: st}
	log := slog.New(slog.DiscardHandler)
	e := edge.New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, log)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	h.url = srv.URL
	d := edge.Deps{URL: h.url, Region: region, AccountID: account, Store: st, Clock: h.clk, Log: log,
		Delays: edge.Delays{GatewayReady: settle.Milliseconds()}}
	// The test IdPs listen on other loopback ports.
	svc, err := gateway.New(d, gateway.Options{Egress: egress.New(h.url, []string{"127.0.0.1"})})
	if err != nil {
		t.Fatal(err)
	}
	svc.Register(e)
	h.rec = &modeltest.Recorder{}
	h.ctl = ctl.New(ctl.Options{Region: region, BaseEndpoint: aws.String(h.url), HTTPClient: h.rec, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, "")})
	return h
}

// m2mToken is a Cognito client_credentials access token: the client is
// its subject, it has scopes and no username.
func (h *harness) m2mToken(clientID string) string {
	now := h.clk.Now()
	return h.cognito.Mint(h.t, map[string]any{"sub": clientID, "client_id": clientID, "iss": h.cognito.Issuer, "token_use": "access",
		"scope": "gateway/read gateway/write", "iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "j1", "version": 2})
}

// foreignToken is an Auth0-style access token for aud: no client_id.
func (h *harness) foreignToken(aud string) string {
	now := h.clk.Now()
	return h.auth0.Mint(h.t, map[string]any{"iss": h.auth0.Issuer, "sub": "fclient@clients", "aud": aud, "azp": "fclient",
		"gty": "client-credentials", "iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix()})
}

// createGateway makes an MCP gateway behind a CUSTOM_JWT authorizer.
func (h *harness) createGateway(name string, jwt ctltypes.CustomJWTAuthorizerConfiguration) *ctl.CreateGatewayOutput {
	h.t.Helper()
	out, err := h.ctl.CreateGateway(context.Background(), &ctl.CreateGatewayInput{
		Name: aws.String(name), RoleArn: aws.String(roleArn), ProtocolType: ctltypes.GatewayProtocolTypeMcp,
		AuthorizerType:          ctltypes.AuthorizerTypeCustomJwt,
		AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: jwt},
		ExceptionLevel:          ctltypes.ExceptionLevelDebug,
	})
	if err != nil {
		h.t.Fatalf("CreateGateway %s: %v", name, err)
	}
	return out
}

// toolkitTools is the quickstart's inline tool schema.
func toolkitTools() ctltypes.ToolSchema {
	obj := ctltypes.SchemaTypeObject
	str := ctltypes.SchemaTypeString
	return &ctltypes.ToolSchemaMemberInlinePayload{Value: []ctltypes.ToolDefinition{
		{Name: aws.String("get_weather"), Description: aws.String("Get weather for a location"), InputSchema: &ctltypes.SchemaDefinition{
			Type: obj, Properties: map[string]ctltypes.SchemaDefinition{"location": {Type: str}}, Required: []string{"location"}}},
		{Name: aws.String("get_time"), Description: aws.String("Get time for a timezone"), InputSchema: &ctltypes.SchemaDefinition{
			Type: obj, Properties: map[string]ctltypes.SchemaDefinition{"timezone": {Type: str}}, Required: []string{"timezone"}}},
	}}
}

func (h *harness) createTarget(gatewayID, name string) *ctl.CreateGatewayTargetOutput {
	h.t.Helper()
	out, err := h.ctl.CreateGatewayTarget(context.Background(), &ctl.CreateGatewayTargetInput{
		GatewayIdentifier: aws.String(gatewayID), Name: aws.String(name),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{
			Value: ctltypes.McpLambdaTargetConfiguration{LambdaArn: aws.String(fnArn), ToolSchema: toolkitTools()}}},
		CredentialProviderConfigurations: []ctltypes.CredentialProviderConfiguration{{CredentialProviderType: ctltypes.CredentialProviderTypeGatewayIamRole}},
	})
	if err != nil {
		h.t.Fatalf("CreateGatewayTarget %s: %v", name, err)
	}
	return out
}

// mcpReply is one answer of an MCP endpoint.
type mcpReply struct {
	status int
	header http.Header
	msg    struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	raw []byte
}

// mcp posts one JSON-RPC message to a gateway URL with token ("" for none).
func (h *harness) mcp(url, token, body string) mcpReply {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) mcpReply {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r mcpReply
	r.status, r.header = resp.StatusCode, resp.Header
	r.raw, _ = io.ReadAll(resp.Body)
	if len(r.raw) > 0 {
		if err := json.Unmarshal(r.raw, &r.msg); err != nil {
			h.t.Fatalf("MCP answer %d is not JSON: %q", r.status, r.raw)
		}
	}
	return r
}

// signed sends a SigV4-signed request to the edge.
func (h *harness) signed(method, path, body string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, bytes.NewBufferString(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return sigv4Do(h.t, req, []byte(body), h.creds)
}

func sigv4Do(t testing.TB, req *http.Request, payload []byte, creds aws.Credentials) *http.Response {
	t.Helper()
	sum := sha256.Sum256(payload)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), gateway.SigningName, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
