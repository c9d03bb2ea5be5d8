package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// BenchmarkGetRole measures one signed awsQuery round trip through the SDK.
func BenchmarkGetRole(b *testing.B) {
	env := launchtest.Start(b, "", edge.Delays{})
	c := iam.NewFromConfig(env.Config)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}); err != nil {
			b.Fatal(err)
		}
	}
}
