package sts_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// TestOutputsMatchModel holds STS's one operation to its output shape.
func TestOutputsMatchModel(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c := sts.NewFromConfig(env.Config, func(o *sts.Options) { o.HTTPClient = rec })
	if _, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	modeltest.CheckAll(t, model.STS, rec.Answers(), nil)
}
