package codebuild_test

import (
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// BenchmarkBuild measures one whole build (StartBuild, eleven phases with
// zero delay, each saved to disk, the image push, polling until done).
func BenchmarkBuild(b *testing.B) {
	env := launchtest.Start(b, b.TempDir(), edge.Delays{})
	c := setup(b, env)
	c.upload(b, "my_agent/source.zip", zipOf(b, map[string]string{"agent.py": "", "Dockerfile": dockerfile}))
	if _, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("bench")...)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		out, err := c.cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String(project)})
		if err != nil {
			b.Fatal(err)
		}
		for {
			got, _, err := env.CodeBuild.BatchGetBuilds([]string{aws.ToString(out.Build.Id)})
			if err != nil {
				b.Fatal(err)
			}
			if got[0].Complete() {
				if got[0].Status != "SUCCEEDED" {
					b.Fatalf("build %s", got[0].Status)
				}
				break
			}
			runtime.Gosched()
		}
	}
}
