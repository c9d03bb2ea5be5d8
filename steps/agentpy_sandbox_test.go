package steps_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// openWith opens a fresh workspace with options o against an embedded
// sandbox on a free loopback port.
func openWith(tb testing.TB, o app.Options) *app.App {
	tb.Helper()
	o.Workspace, o.SandboxAddr = filepath.Join(tb.TempDir(), "ws"), "127.0.0.1:0"
	a, err := app.Open(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close(context.Background()) })
	return a
}

// editAgent runs write-agent, then rewrites agent.py as a learner would.
func editAgent(t *testing.T, a *app.App, old, new string) {
	t.Helper()
	if err := a.Runner.RunUntil(context.Background(), "write-agent"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(a.Env.Dir, steps.AgentDir, "agent.py")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("agent.py has no %q", old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(src), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A learner who names a provider that does not exist sees the consent
// stage fail, at that stage, with AgentCore Identity's answer naming it:
// the sandbox's agent takes its provider from the uploaded agent.py.
func TestConsentFailsForAProviderAgentPyNamesWrongly(t *testing.T) {
	a := openWith(t, app.Options{AutoConsent: true})
	editAgent(t, a, `provider_name=os.environ["CREDENTIAL_PROVIDER"]`, `provider_name="NoSuchProvider"`)
	consentFailsWith(t, a, "ResourceNotFoundException", "NoSuchProvider")
}

// consentFailsWith runs the tutorial up to the consent stage and expects
// that stage to fail with every one of wants in its error, and every stage
// before it to pass: the mistake shows where AWS shows it. It returns the
// stage's error.
func consentFailsWith(t *testing.T, a *app.App, wants ...string) string {
	t.Helper()
	if err := a.Runner.RunUntil(context.Background(), "oauth-consent"); err == nil {
		t.Fatal("the consent stage passed")
	}
	st := stageState(t, a, "oauth-consent")
	if st.Status != engine.Failed {
		t.Fatalf("oauth-consent is %s; want it failed", st.Status)
	}
	for _, want := range wants {
		if !strings.Contains(st.Err, want) {
			t.Errorf("oauth-consent error lacks %q: %s", want, st.Err)
		}
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
	return st.Err
}

// A model id of another geography fails at the first invocation, as the
// container's first Bedrock call would.
func TestInvokeFailsForAModelTheRegionCannotServe(t *testing.T) {
	a := openWith(t, app.Options{})
	editAgent(t, a, `MODEL_ID = "us.`, `MODEL_ID = "eu.`)
	if err := a.Runner.RunUntil(context.Background(), "invoke-with-token"); err == nil {
		t.Fatal("an eu. profile in us-west-2 answered")
	}
	st := stageState(t, a, "invoke-with-token")
	if st.Status != engine.Failed || !strings.Contains(st.Err, "RuntimeClientError") {
		t.Errorf("invoke-with-token: %s %s", st.Status, st.Err)
	}
	if s := stageState(t, a, "launch"); s.Status != engine.Succeeded {
		t.Errorf("launch: %s %s", s.Status, s.Err)
	}
	// Launch tells the container its region.
	rt, err := a.Cloud.Control.GetAgentRuntime(context.Background(), &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(value(t, a, "launch", steps.RuntimeID))})
	if err != nil {
		t.Fatal(err)
	}
	if got := rt.EnvironmentVariables["AWS_REGION"]; got != a.Cloud.Region || got == "" {
		t.Errorf("runtime AWS_REGION = %q, want %q", got, a.Cloud.Region)
	}
}

// A run for eu-central-1 writes an agent whose model that region serves;
// --model overrides it.
func TestWriteAgentChoosesTheRegionsModel(t *testing.T) {
	for _, c := range []struct{ model, want string }{
		{"", `MODEL_ID = "eu.anthropic.`},
		{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", `MODEL_ID = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"`},
	} {
		a := openWith(t, app.Options{Region: "eu-central-1", Model: c.model})
		if err := a.Runner.RunUntil(context.Background(), "write-agent"); err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(a.Env.Dir, steps.AgentDir, "agent.py"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), c.want) || strings.Contains(string(src), "{{") {
			t.Errorf("--model %q: agent.py lacks %q", c.model, c.want)
		}
	}
}
