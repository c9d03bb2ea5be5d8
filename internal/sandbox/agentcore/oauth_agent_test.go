package agentcore_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/consent"
)

// TestAgentExternalServiceThroughConsent drives the stand-in agent the way
// stage 8 does: ask for the external service, follow the URL in the reply,
// sign in, ask again in the same session, and get the external API's answer.
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
	invoke := func(user string) string {
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
			Response string `json:"response"`
		}
		if err := json.Unmarshal(raw, &reply); err != nil {
			t.Fatalf("reply %q: %v", raw, err)
		}
		return reply.Response
	}

	first := invoke("alice")
	authURL := authURLRe.FindString(first)
	if authURL == "" || !strings.Contains(first, "\n"+authURL+"\n") {
		t.Fatalf("first reply has no authorization URL on its own line:\n%s", first)
	}
	if err := consent.Complete(e.ctx, browser(t), authURL, extUser, extPassword); err != nil {
		t.Fatal(err)
	}
	second := invoke("alice")
	if !strings.Contains(second, "External service response:") || !strings.Contains(second, `"user": "`+extUser+`"`) || authURLRe.MatchString(second) {
		t.Fatalf("second reply:\n%s", second)
	}
	// Another user of the same runtime is asked for their own consent.
	if other := invoke("mallory"); !authURLRe.MatchString(other) || strings.Contains(other, extUser) {
		t.Fatalf("another user's reply:\n%s", other)
	}
}
