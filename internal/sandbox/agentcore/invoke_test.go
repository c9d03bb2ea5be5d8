package agentcore_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/agentcore"
	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
)

const clientID = "runtimeclient123"

func jwtRule(idp *authztest.IdP) *ctltypes.CustomJWTAuthorizerConfiguration {
	return &ctltypes.CustomJWTAuthorizerConfiguration{DiscoveryUrl: aws.String(idp.DiscoveryURL()), AllowedClients: []string{clientID}}
}

func TestSigV4InvokeOfJWTRuntimeIsAMethodMismatch(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	idp := authztest.New(t)
	rt := h.createRuntime("jwt_agent", jwtRule(idp))
	_, err := h.data.InvokeAgentRuntime(context.Background(), &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: rt.AgentRuntimeArn, Qualifier: aws.String("DEFAULT"), Payload: []byte(`{"prompt":"hi"}`),
	})
	var ad *dptypes.AccessDeniedException
	if !errors.As(err, &ad) {
		t.Fatalf("got %T %v", err, err)
	}
	if ad.ErrorMessage() != agentcore.MethodMismatch {
		t.Errorf("message %q", ad.ErrorMessage())
	}
	if n := h.agent.hits.Load(); n != 0 {
		t.Errorf("agent reached %d times", n)
	}
}

func TestSigV4InvokeReachesAgent(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	rt := h.createRuntime("sigv4_agent", nil)
	session := "demo_session_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	out, err := h.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: rt.AgentRuntimeArn, Qualifier: aws.String("DEFAULT"), Payload: []byte(`{"prompt":"2+2"}`),
		ContentType: aws.String("application/json"), RuntimeSessionId: aws.String(session), RuntimeUserId: aws.String("alice"),
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Response)
	out.Response.Close()
	if string(body) != "data: {\"echo\": {\"prompt\":\"2+2\"}}\n\n" || *out.ContentType != "text/event-stream" || *out.RuntimeSessionId != session {
		t.Fatalf("response %q ct %s session %v", body, *out.ContentType, out.RuntimeSessionId)
	}
	req, got := h.agent.lastRequest()
	if string(got) != `{"prompt":"2+2"}` || req.Header.Get("Content-Type") != "application/json" || req.Header.Get("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id") != session {
		t.Errorf("agent got %q headers %v", got, req.Header)
	}
	if len(req.Header.Get("X-Amzn-Bedrock-AgentCore-Runtime-Request-Id")) != 36 {
		t.Errorf("request id %q", req.Header.Get("X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"))
	}
	wat := req.Header.Get("WorkloadAccessToken")
	if wat == "" || req.Header.Get("X-Amz-Bedrock-AgentCore-Identity-WAT") != wat {
		t.Fatalf("WAT headers missing: %v", req.Header)
	}
	if w, u, ok := h.svc.ResolveWorkloadToken(wat); !ok || w != *rt.AgentRuntimeId || u != agentcore.IDUser("alice") {
		t.Errorf("WAT resolves to %q %q %v", w, u, ok)
	}
	// Alter one character in the middle, where every bit counts, to one it
	// is not: replacing the last two with a fixed "xx" left the token
	// unchanged whenever it already ended so (1 run in 4,096).
	i, swap := len(wat)/2, byte('A')
	if wat[i] == swap {
		swap = 'B'
	}
	if _, _, ok := h.svc.ResolveWorkloadToken(wat[:i] + string(swap) + wat[i+1:]); ok {
		t.Error("altered WAT resolved")
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the caller's Authorization header leaked to the agent")
	}

	// Without a user id: no WAT. Bare id + accountId works too.
	out, err = h.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: rt.AgentRuntimeId, AccountId: aws.String(account), Payload: []byte(`{}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	out.Response.Close()
	req, _ = h.agent.lastRequest()
	if req.Header.Get("WorkloadAccessToken") != "" || len(*out.RuntimeSessionId) < 33 {
		t.Errorf("WAT without user id, or no session id: %v", req.Header)
	}
	if n := h.lnch.launches.Load(); n != 1 {
		t.Errorf("launched %d times, want 1", n)
	}

	// Agent errors become RuntimeClientError (424).
	_, err = h.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn, Payload: []byte(`"fail"`)})
	var rce *dptypes.RuntimeClientError
	if !errors.As(err, &rce) || !strings.Contains(rce.ErrorMessage(), "(500)") {
		t.Errorf("agent failure: %v", err)
	}

	// Unknown runtime, other account, unknown qualifier, short session id.
	var nf *dptypes.ResourceNotFoundException
	for name, in := range map[string]*bedrockagentcore.InvokeAgentRuntimeInput{
		"unknown runtime": {AgentRuntimeArn: aws.String("arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/nope-0123456789")},
		"other account":   {AgentRuntimeArn: aws.String(strings.Replace(*rt.AgentRuntimeArn, account, "210987654321", 1))},
		"other qualifier": {AgentRuntimeArn: rt.AgentRuntimeArn, Qualifier: aws.String("prod")},
	} {
		in.Payload = []byte(`{}`)
		if _, err := h.data.InvokeAgentRuntime(ctx, in); !errors.As(err, &nf) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var ve *dptypes.ValidationException
	if _, err := h.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn, Payload: []byte(`{}`), RuntimeSessionId: aws.String("short")}); !errors.As(err, &ve) {
		t.Errorf("short session id: %v", err)
	}

	// Bearer to a SigV4 runtime is refused.
	resp := h.bearerInvoke(*rt.AgentRuntimeArn, "abc.def.ghi", `{}`, nil)
	if e := readErr(t, resp); e.Status != 403 || e.Type != "AccessDeniedException" {
		t.Errorf("bearer to SigV4 runtime: %+v", e)
	}
	// Unsigned, unauthenticated: missing token.
	resp = h.bearerInvoke(*rt.AgentRuntimeArn, "", `{}`, nil)
	if e := readErr(t, resp); e.Status != 403 || e.Type != "MissingAuthenticationTokenException" {
		t.Errorf("anonymous to SigV4 runtime: %+v", e)
	}
}

func TestBearerInvoke(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	idp := authztest.New(t)
	rt := h.createRuntime("jwt_agent", jwtRule(idp))
	tok := idp.Mint(t, idp.AccessClaims(time.Now(), clientID))
	session := uuid.NewString() + "-x"
	resp := h.bearerInvoke(*rt.AgentRuntimeArn, tok, `{"prompt":"weather?"}`, map[string]string{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id") != session {
		t.Fatalf("status %d %s headers %v", resp.StatusCode, body, resp.Header)
	}
	req, _ := h.agent.lastRequest()
	w, u, ok := h.svc.ResolveWorkloadToken(req.Header.Get("WorkloadAccessToken"))
	if !ok || w != *rt.AgentRuntimeId || u != agentcore.JWTUser(idp.Issuer, "3f0c9a1e-user") {
		t.Errorf("WAT for bearer resolves to %q %q %v", w, u, ok)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("bearer token forwarded to the agent without an allow-list")
	}
	// Bearer plus a user-id header is refused.
	resp = h.bearerInvoke(*rt.AgentRuntimeArn, tok, `{}`, map[string]string{"X-Amzn-Bedrock-AgentCore-Runtime-User-Id": "mallory"})
	if e := readErr(t, resp); e.Status != 403 {
		t.Errorf("bearer + user id: %+v", e)
	}

	hits := h.agent.hits.Load()
	for _, hc := range idp.HostileTokens(t, time.Now(), clientID) {
		t.Run(hc.Name, func(t *testing.T) {
			resp := h.bearerInvoke(*rt.AgentRuntimeArn, hc.Token, `{"prompt":"x"}`, nil)
			e := readErr(t, resp)
			if e.Status != hc.Status || e.Type != hc.Code || e.Header != hc.Code || e.Message == "" {
				t.Errorf("got %d %s %q, want %d %s", e.Status, e.Type, e.Message, hc.Status, hc.Code)
			}
		})
	}
	if n := h.agent.hits.Load(); n != hits {
		t.Errorf("hostile tokens reached the agent %d times", n-hits)
	}
}

func TestInvokeBeforeReadyAndRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(time.Now())
	h := newHarness(t, harnessOpts{dir: dir, clk: clk, delays: edge.Delays{RuntimeReady: 1000}})
	ctx := context.Background()
	rt := h.createRuntime("my_agent", nil)
	_, err := h.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn, Payload: []byte(`{}`)})
	var rc *dptypes.RetryableConflictException
	if !errors.As(err, &rc) {
		t.Fatalf("invoke while CREATING: %v", err)
	}
	clk.Advance(time.Second)
	out, err := h.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn, Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	out.Response.Close()
	wat := h.svc.ResolveWorkloadToken

	// A second sandbox on the same state: the runtime is there, READY, and
	// its agent is relaunched on the first invoke.
	h2 := newHarness(t, harnessOpts{dir: dir, clk: clk})
	g, err := h2.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId})
	if err != nil || g.Status != ctltypes.AgentRuntimeStatusReady {
		t.Fatalf("after restart: %v %v", err, g)
	}
	out, err = h2.data.InvokeAgentRuntime(ctx, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn, Payload: []byte(`{}`), RuntimeUserId: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	out.Response.Close()
	if h2.lnch.launches.Load() != 1 {
		t.Errorf("restarted sandbox launched %d agents", h2.lnch.launches.Load())
	}
	// WATs survive the restart (the key is persisted).
	req, _ := h2.agent.lastRequest()
	if _, u, ok := wat(req.Header.Get("WorkloadAccessToken")); !ok || u != agentcore.IDUser("bob") {
		t.Errorf("WAT from the restarted sandbox does not resolve in the first: %v", ok)
	}
	// Deleting stops the agent.
	if _, err := h2.ctl.DeleteAgentRuntime(ctx, &bedrockagentcorecontrol.DeleteAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId}); err != nil {
		t.Fatal(err)
	}
	h2.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId})
	if h2.lnch.stops.Load() != 1 {
		t.Errorf("agent stops after delete: %d", h2.lnch.stops.Load())
	}
}

func TestWorkloadAccessTokenOps(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("identity-demo-workload")}); err != nil {
		t.Fatal(err)
	}
	idp := authztest.New(t)
	userTok := idp.Mint(t, idp.AccessClaims(time.Now(), clientID))
	name := aws.String("identity-demo-workload")

	a, err := h.data.GetWorkloadAccessToken(ctx, &bedrockagentcore.GetWorkloadAccessTokenInput{WorkloadName: name})
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.data.GetWorkloadAccessTokenForJWT(ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{WorkloadName: name, UserToken: aws.String(userTok)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.data.GetWorkloadAccessTokenForUserId(ctx, &bedrockagentcore.GetWorkloadAccessTokenForUserIdInput{WorkloadName: name, UserId: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	for tok, wantUser := range map[string]string{*a.WorkloadAccessToken: "", *b.WorkloadAccessToken: agentcore.JWTUser(idp.Issuer, "3f0c9a1e-user"), *c.WorkloadAccessToken: agentcore.IDUser("carol")} {
		w, u, ok := h.svc.ResolveWorkloadToken(tok)
		if !ok || w != "identity-demo-workload" || u != wantUser {
			t.Errorf("resolve: %q %q %v, want user %q", w, u, ok, wantUser)
		}
	}
	var nf *dptypes.ResourceNotFoundException
	if _, err := h.data.GetWorkloadAccessToken(ctx, &bedrockagentcore.GetWorkloadAccessTokenInput{WorkloadName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("unknown workload: %v", err)
	}
	var ve *dptypes.ValidationException
	if _, err := h.data.GetWorkloadAccessTokenForJWT(ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{WorkloadName: name, UserToken: aws.String("not-a-jwt!")}); !errors.As(err, &ve) {
		t.Errorf("malformed user token: %v", err)
	}
	var ue *dptypes.UnauthorizedException
	if _, err := h.data.GetWorkloadAccessTokenForJWT(ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{WorkloadName: name, UserToken: aws.String("abc.def.ghi")}); !errors.As(err, &ue) {
		t.Errorf("undecodable user token: %v", err)
	}
	if _, _, ok := h.svc.ResolveWorkloadToken("wat1.e30.AAAA"); ok {
		t.Error("forged WAT resolved")
	}
	// The data plane's token ops need SigV4.
	resp, err := http.Post(h.url+"/identities/GetWorkloadAccessToken", "application/json", strings.NewReader(`{"workloadName":"identity-demo-workload"}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == 200 {
		t.Error("unsigned GetWorkloadAccessToken succeeded")
	}
	resp.Body.Close()
}

// After Close, an invocation still in flight (here: one arriving late)
// must not start an agent that nobody would stop.
func TestNoAgentLaunchAfterClose(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	rt := h.createRuntime("late_agent", nil)
	if err := h.svc.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := h.data.InvokeAgentRuntime(context.Background(), &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: rt.AgentRuntimeArn, Qualifier: aws.String("DEFAULT"), Payload: []byte(`{"prompt":"2+2"}`),
		RuntimeSessionId: aws.String("late_session_" + strings.ReplaceAll(uuid.NewString(), "-", "")),
	})
	if err == nil {
		t.Fatal("invoke after Close succeeded")
	}
	if n := h.lnch.launches.Load(); n != 0 {
		t.Fatalf("%d agent(s) launched after Close", n)
	}
}
