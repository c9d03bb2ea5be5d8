package steps_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// openWorkshop opens a fresh workspace against an embedded sandbox on a
// free loopback port: the same wiring the CLI uses.
func openWorkshop(tb testing.TB) *app.App {
	tb.Helper()
	a, err := app.Open(context.Background(), app.Options{Workspace: filepath.Join(tb.TempDir(), "ws"), SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close(context.Background()) })
	return a
}

func value(tb testing.TB, a *app.App, stage, name string) string {
	tb.Helper()
	for _, st := range a.Runner.Snapshot() {
		if st.ID == stage {
			if v, ok := st.Result.Get(name); ok {
				return v.Value
			}
		}
	}
	tb.Fatalf("stage %s has no value %s", stage, name)
	return ""
}

func TestStagesOneToSevenAgainstSandbox(t *testing.T) {
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatal(err)
	}
	for _, st := range a.Runner.Snapshot()[:7] {
		if st.Status != engine.Succeeded {
			t.Fatalf("stage %s: %s %s", st.ID, st.Status, st.Err)
		}
	}
	if got := value(t, a, "invoke-with-token", steps.Response); !strings.Contains(got, "87") || !strings.Contains(got, "stand-in") {
		t.Fatalf("agent answer = %q", got)
	}
	if msg := value(t, a, "invoke-unauthenticated", "message"); !strings.HasPrefix(msg, "Authorization method mismatch.") {
		t.Fatalf("stage 6 message = %q", msg)
	}
	yml, err := os.ReadFile(value(t, a, "configure", steps.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"customJWTAuthorizer:", "discoveryUrl: " + value(t, a, "provision-cognito", steps.RuntimeDiscoveryURL),
		"agent_arn: " + value(t, a, "launch", steps.RuntimeARN)} {
		if !strings.Contains(string(yml), want) {
			t.Errorf("%s lacks %q:\n%s", steps.ToolkitConfigFile, want, yml)
		}
	}

	// The runtime the sandbox holds carries the authorizer stage 3 chose.
	rt, err := a.Cloud.Control.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(value(t, a, "launch", steps.RuntimeID))})
	if err != nil {
		t.Fatal(err)
	}
	jwt, ok := rt.AuthorizerConfiguration.(*ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer)
	if !ok || jwt.Value.AllowedClients[0] != value(t, a, "provision-cognito", steps.RuntimeClientID) {
		t.Fatalf("runtime authorizer = %#v", rt.AuthorizerConfiguration)
	}

	// Re-running stages finds their resources through the ledger instead
	// of creating duplicates.
	for _, id := range []string{"provision-cognito", "configure", "launch"} {
		if err := a.Runner.Run(ctx, id); err != nil {
			t.Fatalf("re-run %s: %v", id, err)
		}
	}
	pools, err := a.Cloud.Cognito.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	if len(pools.UserPools) != 2 {
		t.Errorf("%d user pools after re-runs, want 2", len(pools.UserPools))
	}
	rts, err := a.Cloud.Control.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rts.AgentRuntimes) != 1 {
		t.Errorf("%d runtimes after re-running launch, want 1 (updated)", len(rts.AgentRuntimes))
	}
	roles, err := a.Cloud.IAM.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(roles.Roles) != 2 {
		t.Errorf("%d roles after re-runs, want 2", len(roles.Roles))
	}
	// The re-launch marked the later stages stale; they still work.
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatalf("run the stale stages again: %v", err)
	}
}

func TestWaitReadyReportsFailureReason(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "launch"); err != nil {
		t.Fatal(err)
	}
	// Point the runtime at an image that was never built.
	id := value(t, a, "launch", steps.RuntimeID)
	rt, err := a.Cloud.Control.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	missing := strings.Split(value(t, a, "launch", steps.ImageURI), ":")[0] + ":never-built"
	if _, err := a.Cloud.Control.UpdateAgentRuntime(ctx, &ctl.UpdateAgentRuntimeInput{
		AgentRuntimeId:          aws.String(id),
		AgentRuntimeArtifact:    &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(missing)}},
		RoleArn:                 rt.RoleArn,
		NetworkConfiguration:    rt.NetworkConfiguration,
		AuthorizerConfiguration: rt.AuthorizerConfiguration,
	}); err != nil {
		t.Fatal(err)
	}
	err = a.Runner.Run(ctx, "wait-ready")
	if err == nil || !strings.Contains(err.Error(), "UPDATE_FAILED") || !strings.Contains(err.Error(), "never-built") {
		t.Fatalf("wait-ready error = %v, want UPDATE_FAILED naming the image", err)
	}
}

func TestLaterStageRefusedUntilRequirementsMet(t *testing.T) {
	a := openWorkshop(t)
	err := a.Runner.Start("invoke-with-token")
	if err == nil || !strings.Contains(err.Error(), "Wait until READY") {
		t.Fatalf("Start(invoke-with-token) on a fresh workspace = %v", err)
	}
}

// BenchmarkStagesOneToSeven runs the tutorial up to the bearer invoke on a
// fresh workspace with zero sandbox delays. Target: under 3 s.
func BenchmarkStagesOneToSeven(b *testing.B) {
	for b.Loop() {
		a, err := app.Open(context.Background(), app.Options{Workspace: filepath.Join(b.TempDir(), "ws"), SandboxAddr: "127.0.0.1:0"})
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Runner.RunUntil(context.Background(), "invoke-with-token"); err != nil {
			b.Fatal(err)
		}
		a.Close(context.Background())
	}
}

func TestConfigureReplacesAProviderForAnOldClient(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "configure"); err != nil {
		t.Fatal(err)
	}
	pool, old := value(t, a, "provision-cognito", steps.IdentityPoolID), value(t, a, "provision-cognito", steps.IdentityClientID)
	// The outbound client disappears (deleted in the console, say); stage 1
	// makes a new one.
	if _, err := a.Cloud.Cognito.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(old)}); err != nil {
		t.Fatal(err)
	}
	if err := a.Runner.Run(ctx, "provision-cognito"); err != nil {
		t.Fatal(err)
	}
	fresh := value(t, a, "provision-cognito", steps.IdentityClientID)
	if fresh == old {
		t.Fatal("stage 1 did not make a new outbound client")
	}
	if err := a.Runner.Run(ctx, "configure"); err != nil {
		t.Fatal(err)
	}
	out, err := a.Cloud.Control.GetOauth2CredentialProvider(ctx, &ctl.GetOauth2CredentialProviderInput{Name: aws.String(value(t, a, "configure", steps.CredentialProvider))})
	if err != nil {
		t.Fatal(err)
	}
	custom := out.Oauth2ProviderConfigOutput.(*ctltypes.Oauth2ProviderConfigOutputMemberCustomOauth2ProviderConfig)
	if got := aws.ToString(custom.Value.ClientId); got != fresh {
		t.Fatalf("provider names client %s, want the new %s", got, fresh)
	}
	cl, err := a.Cloud.Cognito.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(fresh)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cl.UserPoolClient.CallbackURLs, aws.ToString(out.CallbackUrl)) {
		t.Fatalf("new client's callbacks %v lack the provider's %s", cl.UserPoolClient.CallbackURLs, aws.ToString(out.CallbackUrl))
	}
}

// Launching again while the runtime is still updating waits for it to
// settle instead of failing with ConflictException, as AWS would answer.
func TestRelaunchWaitsForTheRuntimeToSettle(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a, err := app.Open(context.Background(), app.Options{Workspace: filepath.Join(t.TempDir(), "ws"), SandboxAddr: "127.0.0.1:0",
		Delays: edge.Delays{RuntimeReady: 300}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "launch"); err != nil {
		t.Fatal(err)
	}
	// The runtime is CREATING for 300 ms: launch again at once.
	if err := a.Runner.Run(ctx, "launch"); err != nil {
		t.Fatalf("re-launch while CREATING: %v", err)
	}
	if err := a.Runner.Run(ctx, "wait-ready"); err != nil {
		t.Fatal(err)
	}
}
