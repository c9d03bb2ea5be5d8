package bedrock_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	br "github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

var ctx = context.Background()

// The sandbox (in us-west-2) serves the tutorial model's US and global
// profiles, not another geography's, and says the account may call the
// model; every answer fits Bedrock's model.
func TestModelChecks(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c := br.NewFromConfig(env.Config, func(o *br.Options) { o.HTTPClient = rec })

	for _, id := range []string{"us." + agentpy.BaseModel, "global." + agentpy.BaseModel,
		"arn:aws:bedrock:us-west-2:" + env.Creds.AccountID + ":inference-profile/us." + agentpy.BaseModel} {
		p, err := c.GetInferenceProfile(ctx, &br.GetInferenceProfileInput{InferenceProfileIdentifier: aws.String(id)})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if p.Status != types.InferenceProfileStatusActive || p.Type != types.InferenceProfileTypeSystemDefined || len(p.Models) != 1 ||
			aws.ToString(p.Models[0].ModelArn) != "arn:aws:bedrock:us-west-2::foundation-model/"+agentpy.BaseModel ||
			!strings.HasSuffix(id, aws.ToString(p.InferenceProfileId)) {
			t.Errorf("%s: %+v", id, p)
		}
	}
	for _, id := range []string{"eu." + agentpy.BaseModel, "us.anthropic.claude-unknown-v1:0", "us-gov." + agentpy.BaseModel,
		"arn:aws:bedrock:eu-west-1:" + env.Creds.AccountID + ":inference-profile/us." + agentpy.BaseModel} {
		_, err := c.GetInferenceProfile(ctx, &br.GetInferenceProfileInput{InferenceProfileIdentifier: aws.String(id)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("%s: %v, want ResourceNotFoundException", id, err)
		}
	}

	a, err := c.GetFoundationModelAvailability(ctx, &br.GetFoundationModelAvailabilityInput{ModelId: aws.String(agentpy.BaseModel)})
	if err != nil {
		t.Fatal(err)
	}
	if a.AuthorizationStatus != types.AuthorizationStatusAuthorized || a.RegionAvailability != types.RegionAvailabilityAvailable ||
		a.EntitlementAvailability != types.EntitlementAvailabilityAvailable || a.AgreementAvailability.Status != types.AgreementStatusAvailable {
		t.Errorf("availability %+v", a)
	}
	_, err = c.GetFoundationModelAvailability(ctx, &br.GetFoundationModelAvailabilityInput{ModelId: aws.String("amazon.titan-unknown-v1")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("an unknown model: %v, want ResourceNotFoundException", err)
	}
	modeltest.CheckAll(t, model.Bedrock, rec.Answers(), nil)
}

// A model id the model's pattern refuses is a ValidationException.
func TestModelIdIsValidated(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	r := env.Signed(t, http.MethodGet, "/foundation-model-availability/Not%20A%20Model", "bedrock", http.Header{}, "")
	if r.Status != 400 || !strings.Contains(r.Body, "ValidationException") || !strings.Contains(r.Body, "modelId") {
		t.Errorf("got %d %s", r.Status, r.Body)
	}
}
