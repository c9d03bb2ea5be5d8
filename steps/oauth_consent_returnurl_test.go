package steps_test

import (
	"context"
	"strings"
	"testing"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/steps/engine"
)

// A learner who points agent.py's callback_url at a URL the workload
// identity does not allow sees the consent stage fail, at that stage, with
// AgentCore Identity's ValidationException: the return URL must be one of
// the workload identity's allowedResourceOauth2ReturnUrls, and the stage
// registers only the runtime's OAUTH2_RETURN_URL.
func TestConsentFailsForAReturnURLTheWorkloadIdentityDoesNotAllow(t *testing.T) {
	a := openWith(t, app.Options{AutoConsent: true})
	const unregistered = "http://localhost:9/not-registered/callback"
	editAgent(t, a, `callback_url=os.environ.get("OAUTH2_RETURN_URL")`, `callback_url="`+unregistered+`"`)
	err := a.Runner.RunUntil(context.Background(), "oauth-consent")
	if err == nil {
		t.Fatal("the consent stage passed with a return URL the workload identity does not allow")
	}
	st := stageState(t, a, "oauth-consent")
	if st.Status != engine.Failed {
		t.Fatalf("oauth-consent is %s (err %v); want it failed", st.Status, err)
	}
	for _, want := range []string{"GetResourceOauth2Token", "ValidationException: You must register and use at least one ResourceOauth2ReturnUrl on your workload identity to use this flow"} {
		if !strings.Contains(st.Err, want) {
			t.Errorf("oauth-consent error lacks %q: %s", want, st.Err)
		}
	}
	// And says which URL would do.
	if !strings.Contains(st.Err, "this stage registered http://localhost:") || !strings.Contains(st.Err, "OAUTH2_RETURN_URL") {
		t.Errorf("oauth-consent error does not say which return URL is registered: %s", st.Err)
	}
	t.Logf("oauth-consent: %s", st.Err)
	for _, s := range a.Runner.Snapshot() {
		if s.ID == "oauth-consent" {
			break
		}
		if s.Status != engine.Succeeded {
			t.Errorf("stage %s is %s: %s", s.ID, s.Status, s.Err)
		}
	}
}
