package codebuild_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codebuild/types"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// The build reads the uploaded agent.py (never running it) and records
// with the image (in ECR's image record) what the stand-in agent needs.
func TestBuildRecordsTheAgentSpecWithTheImage(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	c := setup(t, env)
	agentPy := `import os
@requires_access_token(provider_name=os.getenv("PROV", "Fallback"), scopes=["openid", "email"], auth_flow="M2M")
async def tok(*, access_token): return access_token
agent = Agent(model="eu.anthropic.claude-sonnet-4-5-20250929-v1:0", tools=[calculator])
`
	c.upload(t, "my_agent/source.zip", zipOf(t, map[string]string{"agent.py": agentPy, "Dockerfile": dockerfile}))
	if _, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("v1")...)); err != nil {
		t.Fatal(err)
	}
	started, err := c.cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(bucket + "/my_agent/source.zip")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(started.Build.Id)
	if b := c.wait(t, id); b.BuildStatus != types.StatusTypeSucceeded {
		t.Fatalf("build %s", b.BuildStatus)
	}
	raw, ok := env.ECR.ImageConfig(repoURI + ":v1")
	if !ok {
		t.Fatal("no image")
	}
	var spec agentpy.Spec
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("config %s: %v", raw, err)
	}
	if spec.ProviderEnv != "PROV" || spec.ProviderEnvDefault != "Fallback" || spec.AuthFlow != "M2M" ||
		!slices.Equal(spec.Scopes, []string{"openid", "email"}) || spec.ModelID != "eu.anthropic.claude-sonnet-4-5-20250929-v1:0" ||
		!slices.Equal(spec.Tools, []string{"calculator"}) {
		t.Errorf("recorded %+v", spec)
	}
	if log := strings.Join(env.CodeBuild.BuildLog(id), "\n"); !strings.Contains(log, "read from agent.py: provider from the runtime's PROV variable") {
		t.Errorf("build log does not say what it read:\n%s", log)
	}
}
