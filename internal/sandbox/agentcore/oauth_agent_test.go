package agentcore_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/agent"
	"agentcore-workshop/internal/consent"
)

// TestAgentExternalServiceThroughConsent drives the stand-in agent the way
// the consent stage does, with session binding: ask for the external
// service, follow the URL in the tool's result, sign in, land on the return
// URL with a session_id, bind it (CompleteResourceTokenAuth) and ask once
// more. Consent alone stores nothing, and another user cannot bind it.
func TestAgentExternalServiceThroughConsent(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	rt := ok(e.ctl.CreateAgentRuntime(e.ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("identity_demo"),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberCodeConfiguration{Value: ctltypes.CodeConfiguration{
			Code:       &ctltypes.CodeMemberS3{Value: ctltypes.S3Location{Bucket: aws.String("agent-source-bucket"), Prefix: aws.String("identity_demo/source.zip")}},
			Runtime:    ctltypes.AgentManagedRuntimeTypePython312,
			EntryPoint: []string{"agent.py"},
		}},
		RoleArn:              aws.String(roleArn),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		EnvironmentVariables: map[string]string{"CREDENTIAL_PROVIDER": providerName},
	}))(t)
	session := "demo_session_0123456789abcdef0123456789abcdef"
	invoke := func(user string) (string, *agent.Outcome) {
		t.Helper()
		out := ok(e.data.InvokeAgentRuntime(e.ctx, &bedrockagentcore.InvokeAgentRuntimeInput{
			AgentRuntimeArn: rt.AgentRuntimeArn, Qualifier: aws.String("DEFAULT"), RuntimeSessionId: aws.String(session),
			RuntimeUserId: aws.String(user), ContentType: aws.String("application/json"), Accept: aws.String("application/json"),
			Payload: []byte(`{"prompt": "Call the external service"}`),
		}))(t)
		defer out.Response.Close()
		raw, err := io.ReadAll(out.Response)
		if err != nil {
			t.Fatal(err)
		}
		var reply struct {
			Response        string         `json:"response"`
			ExternalService *agent.Outcome `json:"external_service"`
		}
		if err := json.Unmarshal(raw, &reply); err != nil || reply.ExternalService == nil {
			t.Fatalf("reply %q: %v", raw, err)
		}
		return reply.Response, reply.ExternalService
	}

	// The runtime's own workload identity has no return URL yet: AWS
	// refuses the flow, and the tool says so.
	if _, o := invoke("alice"); o.Status != agent.StatusFailed || !strings.Contains(o.Error, "You must register and use at least one ResourceOauth2ReturnUrl") {
		t.Fatalf("without a return URL: %+v", o)
	}
	ok(e.ctl.UpdateWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.UpdateWorkloadIdentityInput{
		Name: rt.AgentRuntimeId, AllowedResourceOauth2ReturnUrls: []string{returnURL}}))(t)

	first, o := invoke("alice")
	authURL := authURLRe.FindString(first)
	if o.Status != agent.StatusConsentRequired || o.AuthorizationURL == "" || authURL != o.AuthorizationURL || !strings.Contains(first, "\n"+authURL+"\n") {
		t.Fatalf("first reply has no authorization URL on its own line:\n%s\n%+v", first, o)
	}
	res, err := consent.Run(e.ctx, browser(t), authURL, extUser, extPassword)
	if err != nil {
		t.Fatal(err)
	}
	// The browser lands on the return URL (the runtime's OAuth2CallbackUrl,
	// which the stand-in sends as the SDK does) with the session.
	sessionURI := res.FinalURL.Query().Get("session_id")
	if !strings.HasPrefix(res.FinalURL.String(), returnURL+"?") || sessionURI != consent.SessionOf(authURL) {
		t.Fatalf("browser ended at %s", res.FinalURL)
	}
	// Consent without CompleteResourceTokenAuth: no token.
	if _, o := invoke("alice"); o.Status != agent.StatusConsentRequired {
		t.Fatalf("token before the session was bound: %+v", o)
	}
	// Another user cannot bind Alice's session.
	_, err = e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
		SessionUri: aws.String(sessionURI), UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "mallory"}})
	wantAccessDenied(t, err, "Invalid or expired session")
	if _, o := invoke("mallory"); o.Status != agent.StatusConsentRequired {
		t.Fatalf("mallory got %+v", o)
	}
	ok(e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
		SessionUri: aws.String(sessionURI), UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "alice"}}))(t)

	second, o := invoke("alice")
	if o.Status != agent.StatusConnected || o.TokenSource != agent.VaultSource || o.TokenClaims["username"] != extUser ||
		!strings.Contains(string(o.ExternalAPI), `"user":"`+extUser+`"`) || !strings.Contains(second, "External service response:") {
		t.Fatalf("second reply:\n%s\n%+v", second, o)
	}
	// Another user of the same runtime is asked for their own consent.
	if other, o := invoke("mallory"); o.Status != agent.StatusConsentRequired || strings.Contains(other, extUser) {
		t.Fatalf("another user's reply:\n%s", other)
	}
}
