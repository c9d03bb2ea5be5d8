package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// TestOutputsMatchModel drives every IAM operation the sandbox serves
// through the real SDK and holds each answer to the model's output shape.
func TestOutputsMatchModel(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c := iam.NewFromConfig(env.Config, func(o *iam.Options) { o.HTTPClient = rec })
	role := aws.String("ModelRole")
	steps := []func() error{
		func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: role, Path: aws.String("/service-role/"), AssumeRolePolicyDocument: aws.String(trust),
				Description: aws.String("d"), MaxSessionDuration: aws.Int32(7200), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		func() error { _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: role}); return err },
		func() error { _, err := c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1)}); return err },
		func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: role, PolicyDocument: aws.String(trust)})
			return err
		},
		func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role, PolicyName: aws.String("p"), PolicyDocument: aws.String(access)})
			return err
		},
		func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: role, PolicyName: aws.String("p")})
			return err
		},
		func() error {
			_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: role})
			return err
		},
		func() error {
			_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: role, PolicyName: aws.String("p")})
			return err
		},
		func() error { _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: role}); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	modeltest.CheckAll(t, model.IAM, rec.Answers(), nil)
}
