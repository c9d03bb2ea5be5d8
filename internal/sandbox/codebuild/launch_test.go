package codebuild_test

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// TestLaunchAgainstSandbox runs the launch stage's calls, in its order,
// against a full sandbox.Start: the services are wired in services.go.
// Uploads carry checksums only where required, as internal/cloud sets them.
func TestLaunchAgainstSandbox(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	cfg := env.Config
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	acct := aws.ToString(who.Account)
	repo, err := ecr.NewFromConfig(cfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repoName)})
	if err != nil {
		t.Fatal(err)
	}
	uri := aws.ToString(repo.Repository.RepositoryUri)
	if uri != acct+".dkr.ecr.us-west-2.amazonaws.com/"+repoName {
		t.Errorf("repositoryUri = %s", uri)
	}
	roleOut, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("AmazonBedrockAgentCoreSDKCodeBuild-us-west-2-abc"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	srcBucket := "bedrock-agentcore-codebuild-sources-" + acct + "-us-west-2"
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(srcBucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintUsWest2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(srcBucket), Key: aws.String("my_agent/source.zip"),
		Body: bytes.NewReader(zipOf(t, map[string]string{"agent.py": "", "Dockerfile": dockerfile}))}); err != nil {
		t.Fatal(err)
	}
	in := projectInput(project, imageEnv("20260101-000000")...)
	in.ServiceRole = roleOut.Role.Arn
	in.Environment.EnvironmentVariables[0].Value = aws.String(uri)
	cb := clients{cb: codebuild.NewFromConfig(cfg)}
	if _, err := cb.cb.CreateProject(ctx, in); err != nil {
		t.Fatal(err)
	}
	b := cb.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(srcBucket + "/my_agent/source.zip")})
	if b.BuildStatus != "SUCCEEDED" || phaseTypes(b) != allPhases {
		t.Fatalf("build %s, phases %s", b.BuildStatus, phaseTypes(b))
	}
	imgs, err := ecr.NewFromConfig(cfg).ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String(repoName)})
	if err != nil || len(imgs.ImageIds) != 1 || aws.ToString(imgs.ImageIds[0].ImageTag) != "20260101-000000" {
		t.Errorf("ListImages = %+v, %v", imgs, err)
	}
}
