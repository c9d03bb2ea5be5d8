package agentcore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/sandbox/agentcore"
	"agentcore-workshop/internal/sandbox/authorizer/authztest"
)

// An allowlist may name any header, including the ones the runtime itself
// sets on the agent's request. A caller must still never be able to hand
// the agent a workload access token (or session, callback) of its choosing:
// with a forged WAT the agent would fetch another user's vault tokens.
func TestCallerCannotOverridePlatformHeaders(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	allow := []string{"WorkloadAccessToken", "X-Amz-Bedrock-AgentCore-Identity-WAT", "OAuth2CallbackUrl",
		"X-Amzn-Bedrock-AgentCore-Runtime-Request-Id", "X-Trace-Me"}
	out, err := h.ctl.CreateAgentRuntime(ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("allowlist_agent"),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{
			Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)},
		},
		RoleArn:                    aws.String(roleArn),
		NetworkConfiguration:       &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		RequestHeaderConfiguration: &ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist{Value: allow},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/runtimes/" + escapeARN(*out.AgentRuntimeArn) + "/invocations?qualifier=DEFAULT"
	resp := h.signedWith(http.MethodPost, path, `{"prompt":"hi"}`, map[string]string{
		"X-Amzn-Bedrock-AgentCore-Runtime-User-Id":    "alice",
		"WorkloadAccessToken":                         "wat1.forged-for-bob",
		"X-Amz-Bedrock-AgentCore-Identity-WAT":        "wat1.forged-for-bob",
		"OAuth2CallbackUrl":                           "https://evil.example/steal",
		"X-Amzn-Bedrock-AgentCore-Runtime-Request-Id": "caller-chosen",
		"X-Trace-Me": "kept",
	})
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: HTTP %d", resp.StatusCode)
	}
	req, _ := h.agent.lastRequest()
	for _, name := range []string{"WorkloadAccessToken", "X-Amz-Bedrock-AgentCore-Identity-WAT"} {
		vals := req.Header.Values(name)
		if len(vals) != 1 {
			t.Fatalf("%s reached the agent %d times: %q", name, len(vals), vals)
		}
		w, u, ok := h.svc.ResolveWorkloadToken(vals[0])
		if !ok || w != *out.AgentRuntimeId || u != agentcore.IDUser("alice") {
			t.Errorf("%s = %q resolves to (%q, %q, %v); want the runtime's own WAT for alice", name, vals[0], w, u, ok)
		}
	}
	if v := req.Header.Values("OAuth2CallbackUrl"); len(v) != 0 {
		t.Errorf("caller's OAuth2CallbackUrl reached the agent: %q", v)
	}
	if v := req.Header.Get("X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"); v == "caller-chosen" || len(v) != 36 {
		t.Errorf("request id %q", v)
	}
	if v := req.Header.Get("X-Trace-Me"); v != "kept" {
		t.Errorf("allow-listed header X-Trace-Me = %q, want it forwarded", v)
	}
}

// breakStore makes every later write of the agentcore document fail: the
// document's path becomes a non-empty directory, so the atomic rename onto
// it is refused (this works even for root, unlike a read-only directory).
// The returned func repairs it.
func breakStore(t *testing.T, dir string) func() {
	t.Helper()
	doc := filepath.Join(dir, "agentcore.json")
	saved, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(doc, "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if err := os.RemoveAll(doc); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(doc, saved, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A mutation whose save fails is answered with an error and must leave
// nothing behind: not in memory (later requests), not on disk (restart).
func TestFailedSaveLeavesNoChange(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, harnessOpts{dir: dir})
	ctx := context.Background()
	if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("kept-workload")}); err != nil {
		t.Fatal(err)
	}

	repair := breakStore(t, dir)
	var ise *ctltypes.InternalServerException
	if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("lost-workload")}); !errors.As(err, &ise) {
		t.Fatalf("create with a failing store: %v, want InternalServerException", err)
	}
	if _, err := h.ctl.DeleteWorkloadIdentity(ctx, &bedrockagentcorecontrol.DeleteWorkloadIdentityInput{Name: aws.String("kept-workload")}); !errors.As(err, &ise) {
		t.Fatalf("delete with a failing store: %v, want InternalServerException", err)
	}
	repair()

	var nf *ctltypes.ResourceNotFoundException
	if _, err := h.ctl.GetWorkloadIdentity(ctx, &bedrockagentcorecontrol.GetWorkloadIdentityInput{Name: aws.String("lost-workload")}); !errors.As(err, &nf) {
		t.Errorf("the failed create left its workload identity in memory: %v", err)
	}
	if _, err := h.ctl.GetWorkloadIdentity(ctx, &bedrockagentcorecontrol.GetWorkloadIdentityInput{Name: aws.String("kept-workload")}); err != nil {
		t.Errorf("the failed delete removed the workload identity from memory: %v", err)
	}
	// The caller's retry succeeds instead of hitting a phantom conflict.
	if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("lost-workload")}); err != nil {
		t.Errorf("retry after the failed create: %v", err)
	}
}

// The authorization URL is an unsigned GET, and every visit issues a new
// state. Reloading it in a loop must not grow the state table without
// bound: a session keeps only its latest few states, so the first one is
// gone after many reloads while the latest still completes the consent.
func TestAuthorizationURLReloadsKeepFewStates(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	out := e.mustAsk(e.wat(workloadName, "alice"), nil)
	c := browser(t)
	first := e.login(c, e.toIdP(c, *out.AuthorizationUrl), extUser, extPassword)
	var last *url.URL
	for range 40 {
		last = e.toIdP(c, *out.AuthorizationUrl)
	}
	if p := get(t, c, first.String()); p.status != http.StatusBadRequest || !strings.Contains(p.body, "Unknown or already used state") {
		t.Fatalf("the first of 41 states still completes: %d %s", p.status, p.body)
	}
	cb := e.login(c, last, extUser, extPassword)
	if p := get(t, c, cb.String()); !backAtReturnURL(p, *out.SessionUri) {
		t.Fatalf("latest state: %d %s", p.status, p.body)
	}
}

// CompleteResourceTokenAuth's userToken names its own issuer. A token from
// an issuer no session expects must be refused without the sandbox ever
// contacting that issuer (no discovery fetch driven by a caller-chosen URL,
// no verifier cached per hostile issuer).
func TestCompleteResourceTokenAuthNeverFetchesForeignIssuers(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var fetches atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(evil.Close)
	for i := range 5 {
		iss := fmt.Sprintf("%s/issuer-%d", evil.URL, i)
		tok := authztest.Sign(t, authztest.NewKey(t), "k1", map[string]any{"iss": iss, "sub": "alice", "exp": time.Now().Add(time.Hour).Unix()})
		_, err := h.data.CompleteResourceTokenAuth(context.Background(), &bedrockagentcore.CompleteResourceTokenAuthInput{
			SessionUri: aws.String("urn:ietf:params:oauth:request_uri:00000000-0000-0000-0000-000000000000"), UserIdentifier: &dptypes.UserIdentifierMemberUserToken{Value: tok}})
		var ad *dptypes.AccessDeniedException
		if !errors.As(err, &ad) {
			t.Fatalf("foreign issuer %d: %v, want AccessDeniedException", i, err)
		}
	}
	if n := fetches.Load(); n != 0 {
		t.Errorf("the sandbox made %d request(s) to issuers named by unverified tokens", n)
	}
}
