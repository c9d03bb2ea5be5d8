package codebuild_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codebuild/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// TestOutputsMatchModel drives every CodeBuild operation the sandbox
// serves through the real SDK, a whole build included, and holds each
// answer to the model's output shape.
func TestOutputsMatchModel(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	c := setup(t, env)
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c.cb = codebuild.NewFromConfig(env.Config, func(o *codebuild.Options) { o.HTTPClient = rec })
	c.upload(t, "my_agent/source.zip", zipOf(t, map[string]string{"agent.py": "print('hi')\n", "Dockerfile": dockerfile, "requirements.txt": "bedrock-agentcore\n"}))
	in := projectInput(project, imageEnv("20260101-120000")...)
	in.Description, in.Tags = aws.String("model conformance"), []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
	if _, err := c.cb.CreateProject(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cb.UpdateProject(ctx, &codebuild.UpdateProjectInput{Name: aws.String(project), TimeoutInMinutes: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cb.BatchGetProjects(ctx, &codebuild.BatchGetProjectsInput{Names: []string{project, "missing"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cb.ListProjects(ctx, &codebuild.ListProjectsInput{SortBy: types.ProjectSortByTypeName, SortOrder: types.SortOrderTypeAscending}); err != nil {
		t.Fatal(err)
	}
	b := c.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(bucket + "/my_agent/source.zip")})
	if b.BuildStatus != types.StatusTypeSucceeded {
		t.Fatalf("build %s", b.BuildStatus)
	}
	if _, err := c.cb.BatchGetBuilds(ctx, &codebuild.BatchGetBuildsInput{Ids: []string{aws.ToString(b.Id), project + ":00000000-0000-0000-0000-000000000000"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cb.DeleteProject(ctx, &codebuild.DeleteProjectInput{Name: aws.String(project)}); err != nil {
		t.Fatal(err)
	}
	modeltest.CheckAll(t, model.CodeBuild, rec.Answers(), nil)
}
