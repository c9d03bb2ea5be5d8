package ecr_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	ecrsvc "agentcore-workshop/internal/sandbox/ecr"
	"agentcore-workshop/internal/sandbox/edge"
)

var ctx = context.Background()

const registry = "123456789012.dkr.ecr.us-west-2.amazonaws.com"

func TestRepositories(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	c := ecr.NewFromConfig(env.Config)
	before := time.Now().Add(-time.Second)

	_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"bedrock-agentcore-my_agent"}})
	var notFound *types.RepositoryNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("DescribeRepositories before create: err = %v, want RepositoryNotFoundException", err)
	}
	out, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("bedrock-agentcore-my_agent")})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Repository
	if aws.ToString(r.RepositoryUri) != registry+"/bedrock-agentcore-my_agent" ||
		aws.ToString(r.RepositoryArn) != "arn:aws:ecr:us-west-2:123456789012:repository/bedrock-agentcore-my_agent" ||
		aws.ToString(r.RegistryId) != "123456789012" || r.ImageTagMutability != types.ImageTagMutabilityMutable {
		t.Errorf("repository = %+v", r)
	}
	if r.CreatedAt == nil || r.CreatedAt.Before(before) || r.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt = %v, want about now", r.CreatedAt)
	}
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("bedrock-agentcore-my_agent")})
	var exists *types.RepositoryAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("second CreateRepository: err = %v", err)
	}
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("Upper/Case")})
	var invalid *types.ValidationException
	if !errors.As(err, &invalid) {
		t.Errorf("CreateRepository Upper/Case: err = %v, want ValidationException", err)
	}

	if _, err := env.ECR.PutImage("bedrock-agentcore-my_agent", "20260101-000000"); err != nil {
		t.Fatal(err)
	}
	// A restart keeps repositories and images.
	env.Close()
	env = launchtest.Start(t, dir, edge.Delays{})
	c = ecr.NewFromConfig(env.Config)

	desc, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Repositories) != 1 || aws.ToString(desc.Repositories[0].RepositoryUri) != registry+"/bedrock-agentcore-my_agent" {
		t.Fatalf("DescribeRepositories = %+v", desc.Repositories)
	}
	if !env.ECR.ImageExists(registry + "/bedrock-agentcore-my_agent:20260101-000000") {
		t.Errorf("the image pushed before the restart is gone")
	}
	_, err = c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("bedrock-agentcore-my_agent")})
	var notEmpty *types.RepositoryNotEmptyException
	if !errors.As(err, &notEmpty) {
		t.Fatalf("DeleteRepository with an image: err = %v, want RepositoryNotEmptyException", err)
	}
	del, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("bedrock-agentcore-my_agent"), Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.Repository.RepositoryName) != "bedrock-agentcore-my_agent" {
		t.Errorf("DeleteRepository = %+v", del.Repository)
	}
	if env.ECR.ImageExists(registry + "/bedrock-agentcore-my_agent:20260101-000000") {
		t.Errorf("image still exists after a forced repository delete")
	}
	_, err = c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("bedrock-agentcore-my_agent")})
	if !errors.As(err, &notFound) {
		t.Errorf("DeleteRepository twice: err = %v", err)
	}
}

func TestImages(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := ecr.NewFromConfig(env.Config)
	if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("agents/calc")}); err != nil {
		t.Fatal(err)
	}
	d1, err := env.ECR.PutImage("agents/calc", "v1")
	if err != nil {
		t.Fatal(err)
	}
	d2, err := env.ECR.PutImage("agents/calc", "latest")
	if err != nil {
		t.Fatal(err)
	}
	// Pushing v1 again moves the tag to a new image; the old one is untagged.
	d3, err := env.ECR.PutImage("agents/calc", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if d1 == d3 || !strings.HasPrefix(d1, "sha256:") || len(d1) != 71 {
		t.Fatalf("digests %s %s", d1, d3)
	}
	if _, err := env.ECR.PutImage("agents/missing", "v1"); err == nil {
		t.Errorf("PutImage into a missing repository succeeded")
	}

	for uri, want := range map[string]bool{
		registry + "/agents/calc:v1":                                  true,
		registry + "/agents/calc:latest":                              true,
		registry + "/agents/calc":                                     true, // docker's implicit :latest
		registry + "/agents/calc@" + d1:                               true,
		registry + "/agents/calc:v2":                                  false,
		registry + "/agents/other:v1":                                 false,
		"999999999999.dkr.ecr.us-west-2.amazonaws.com/agents/calc:v1": false,
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents/calc:v1": false,
		"agents/calc:v1":                                              false,
	} {
		if got := env.ECR.ImageExists(uri); got != want {
			t.Errorf("ImageExists(%s) = %v, want %v", uri, got, want)
		}
	}

	list, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("agents/calc")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ImageIds) != 3 {
		t.Errorf("ListImages = %+v, want 3 ids (untagged, latest, v1)", list.ImageIds)
	}
	untagged, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("agents/calc"), Filter: &types.ListImagesFilter{TagStatus: types.TagStatusUntagged}})
	if err != nil {
		t.Fatal(err)
	}
	if len(untagged.ImageIds) != 1 || aws.ToString(untagged.ImageIds[0].ImageDigest) != d1 || untagged.ImageIds[0].ImageTag != nil {
		t.Errorf("untagged = %+v, want only %s", untagged.ImageIds, d1)
	}
	desc, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("agents/calc"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.ImageDetails) != 1 || aws.ToString(desc.ImageDetails[0].ImageDigest) != d3 || desc.ImageDetails[0].ImagePushedAt == nil ||
		aws.ToString(desc.ImageDetails[0].ImageManifestMediaType) == "" {
		t.Errorf("DescribeImages v1 = %+v", desc.ImageDetails)
	}
	_, err = c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("agents/calc"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("nope")}}})
	var inf *types.ImageNotFoundException
	if !errors.As(err, &inf) {
		t.Errorf("DescribeImages missing tag: err = %v", err)
	}
	_, err = c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("agents/none")})
	var rnf *types.RepositoryNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("DescribeImages missing repository: err = %v", err)
	}

	del, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("agents/calc"), ImageIds: []types.ImageIdentifier{
		{ImageTag: aws.String("latest")}, {ImageDigest: aws.String(d1)}, {ImageTag: aws.String("ghost")}, {ImageDigest: aws.String(d3), ImageTag: aws.String("latest")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.ImageIds) != 2 || aws.ToString(del.ImageIds[0].ImageDigest) != d2 || aws.ToString(del.ImageIds[1].ImageDigest) != d1 {
		t.Errorf("deleted = %+v", del.ImageIds)
	}
	if len(del.Failures) != 2 || del.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound || aws.ToString(del.Failures[0].ImageId.ImageTag) != "ghost" ||
		del.Failures[1].FailureCode != types.ImageFailureCodeImageTagDoesNotMatchDigest {
		t.Errorf("failures = %+v", del.Failures)
	}
	left, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("agents/calc")})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.ImageDetails) != 1 || aws.ToString(left.ImageDetails[0].ImageDigest) != d3 {
		t.Errorf("left = %+v", left.ImageDetails)
	}
}

func TestMalformedRequests(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	for _, tc := range []struct {
		target, body, code string
	}{
		{"AmazonEC2ContainerRegistry_V20150921.CreateRepository", `{"repositoryName":`, "SerializationException"},
		{"AmazonEC2ContainerRegistry_V20150921.CreateRepository", `{"repositoryName":42}`, "SerializationException"},
		{"AmazonEC2ContainerRegistry_V20150921.CreateRepository", `{}`, "ValidationException"},
		{"AmazonEC2ContainerRegistry_V20150921.CreateRepository", `{"repositoryName":"ok","imageTagMutability":"SOMETIMES"}`, "ValidationException"},
		{"AmazonEC2ContainerRegistry_V20150921.ListImages", `{"repositoryName":"ok","filter":{"tagStatus":"MAYBE"}}`, "ValidationException"},
		{"AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage", `{"repositoryName":"ok","imageIds":[]}`, "ValidationException"},
		{"AmazonEC2ContainerRegistry_V20150921.PutImageMagic", `{}`, "UnknownOperationException"},
	} {
		h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {tc.target}}
		r := env.Signed(t, http.MethodPost, "/", "ecr", h, tc.body)
		if r.Status != 400 || r.Header.Get("X-Amzn-Errortype") != tc.code || !strings.Contains(r.Body, `"__type":"`+tc.code+`"`) {
			t.Errorf("%s %s: got %d %s %s, want 400 %s", tc.target, tc.body, r.Status, r.Header.Get("X-Amzn-Errortype"), r.Body, tc.code)
		}
	}
	if repos, _ := env.ECR.DescribeRepositories(nil); len(repos) != 0 {
		t.Errorf("rejected requests created %d repositories", len(repos))
	}
}

// What DescribeImages returned is the caller's: the handler encodes it
// after the lock is released, so a later untag must not rewrite its tags.
func TestDescribedImagesAreSnapshots(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	if _, err := env.ECR.CreateRepository("snap", "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := env.ECR.PutImage("snap", "v1"); err != nil {
		t.Fatal(err)
	}
	described, err := env.ECR.DescribeImages("snap", nil, "")
	if err != nil || len(described) != 1 {
		t.Fatalf("DescribeImages = %+v, %v", described, err)
	}
	if _, _, err := env.ECR.BatchDeleteImage("snap", []ecrsvc.ImageID{{Tag: "v1"}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(described[0].Tags, ","); got != "v1" {
		t.Errorf("tags of the described image changed to %q after the untag", got)
	}
}
