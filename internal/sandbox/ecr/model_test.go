package ecr_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// TestOutputsMatchModel drives every ECR operation the sandbox serves
// through the real SDK and holds each answer to the model's output shape.
func TestOutputsMatchModel(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c := ecr.NewFromConfig(env.Config, func(o *ecr.Options) { o.HTTPClient = rec })
	repo := aws.String("agents/model")
	if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: repo, ImageTagMutability: types.ImageTagMutabilityMutable,
		ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: true}}); err != nil {
		t.Fatal(err)
	}
	digest, err := env.ECR.PutImage("agents/model", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.ECR.PutImage("agents/model", "v1"); err != nil { // leaves an untagged image
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{*repo}})
			return err
		},
		func() error { _, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{}); return err },
		func() error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: repo})
			return err
		},
		func() error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: repo, ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}})
			return err
		},
		func() error {
			_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: repo, Filter: &types.ListImagesFilter{TagStatus: types.TagStatusAny}})
			return err
		},
		func() error {
			_, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: repo,
				ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(digest)}, {ImageTag: aws.String("missing")}}})
			return err
		},
		func() error {
			_, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: repo, Force: true})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	modeltest.CheckAll(t, model.ECR, rec.Answers(), nil)
}
