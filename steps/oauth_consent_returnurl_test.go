package steps_test

import (
	"strings"
	"testing"

	"agentcore-workshop/internal/app"
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
	// In the words agent.py's tool reports it with on AWS (botocore's
	// ClientError after the exception's name).
	msg := consentFailsWith(t, a, "ValidationException: An error occurred (ValidationException) when calling the GetResourceOauth2Token operation: You must register and use at least one ResourceOauth2ReturnUrl on your workload identity to use this flow")
	// And says which URL would do.
	if !strings.Contains(msg, "this stage registered http://localhost:") || !strings.Contains(msg, "OAUTH2_RETURN_URL") {
		t.Errorf("oauth-consent error does not say which return URL is registered: %s", msg)
	}
}
