package doctor_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	br "github.com/aws/aws-sdk-go-v2/service/bedrock"
	brtypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/doctor"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// clients starts a sandbox in region on loopback and returns clients for
// it, signing with secret (the sandbox's own when empty).
func clients(t *testing.T, region, secret string) (*cloud.Clients, *modeltest.Recorder) {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", Region: region})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close(context.Background()) })
	if secret == "" {
		secret = sb.Credentials.SecretAccessKey
	}
	c, err := cloud.New(ctx, cloud.Target{Kind: cloud.Sandbox, Endpoint: sb.URL, Region: sb.Region,
		AccessKeyID: sb.Credentials.AccessKeyID, SecretAccessKey: secret})
	if err != nil {
		t.Fatal(err)
	}
	rec := &modeltest.Recorder{Next: c.HTTP}
	c.Bedrock = br.NewFromConfig(c.Config, func(o *br.Options) { o.HTTPClient = rec })
	return c, rec
}

func statuses(r doctor.Report) map[string]doctor.Status {
	out := map[string]doctor.Status{}
	for _, c := range r.Checks {
		out[c.ID] = c.Status
	}
	return out
}

// In the sandbox every check passes for the region's own model, through
// the same SDK calls AWS gets, and Bedrock's answers fit its model.
func TestReadySandbox(t *testing.T) {
	c, rec := clients(t, "eu-central-1", "")
	r := doctor.Run(context.Background(), c, "", i18n.Printer{})
	if r.Failed() || r.Account != "123456789012" || r.Partition != "aws" || r.Model != agentpy.ModelForRegion("eu-central-1") {
		t.Fatalf("%+v", r)
	}
	for id, s := range statuses(r) {
		if s != doctor.OK {
			t.Errorf("%s: %s", id, s)
		}
	}
	if len(r.Checks) != 3 {
		t.Errorf("checks %+v, want credentials, agentcore and model", r.Checks)
	}
	modeltest.CheckAll(t, model.Bedrock, rec.Answers(), nil)
	var out bytes.Buffer
	doctor.Write(&out, r)
	for _, want := range []string{"✓ Credentials and account", "account 123456789012", "CloudWatch Logs", "nothing is billed", "Ready."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// A profile of another geography fails the model check, with the hint,
// and the report says not ready.
func TestAnotherGeographysProfileFails(t *testing.T) {
	c, _ := clients(t, "eu-central-1", "")
	r := doctor.Run(context.Background(), c, "us."+agentpy.BaseModel, i18n.Printer{})
	if s := statuses(r); !r.Failed() || s["model"] != doctor.Fail || s["credentials"] != doctor.OK || s["agentcore"] != doctor.OK {
		t.Fatalf("%+v", r)
	}
	var out bytes.Buffer
	doctor.Write(&out, r)
	if !strings.Contains(out.String(), "✗ Access to the agent's model") || !strings.Contains(out.String(), "does not serve the inference profile us.") ||
		!strings.Contains(out.String(), "Not ready") {
		t.Errorf("report:\n%s", out.String())
	}
	// A bare Claude 4.5 id cannot be called on demand anywhere.
	r = doctor.Run(context.Background(), c, agentpy.BaseModel, i18n.Printer{})
	if s := statuses(r); s["model"] != doctor.Fail {
		t.Errorf("a bare model id: %+v", r.Checks)
	}
}

// Credentials the target refuses fail the first check, and the others
// are skipped rather than failing with the same cause again.
func TestRefusedCredentials(t *testing.T) {
	c, _ := clients(t, "us-west-2", "not-the-sandbox-secret")
	r := doctor.Run(context.Background(), c, "", i18n.Printer{})
	s := statuses(r)
	if !r.Failed() || s["credentials"] != doctor.Fail || s["agentcore"] != doctor.Skipped || s["model"] != doctor.Skipped {
		t.Fatalf("%+v", r.Checks)
	}
	if !strings.Contains(r.Checks[0].Detail, "SignatureDoesNotMatch") {
		t.Errorf("detail %q, want STS's refusal", r.Checks[0].Detail)
	}
}

// What Bedrock says of a model decides the check: no authorization fails
// it; an agreement not yet made only warns (the runtime subscribes on its
// first call).
func TestAvailability(t *testing.T) {
	cases := []struct {
		name string
		out  br.GetFoundationModelAvailabilityOutput
		want doctor.Status
	}{
		{"all available", available(brtypes.AgreementStatusAvailable, brtypes.AuthorizationStatusAuthorized), doctor.OK},
		{"not authorized", available(brtypes.AgreementStatusAvailable, brtypes.AuthorizationStatusNotAuthorized), doctor.Fail},
		{"agreement pending", available(brtypes.AgreementStatusPending, brtypes.AuthorizationStatusAuthorized), doctor.Warn},
		{"agreement in error", available(brtypes.AgreementStatusError, brtypes.AuthorizationStatusAuthorized), doctor.Fail},
	}
	for _, tc := range cases {
		if got := doctor.Availability("m", "f", &tc.out).Status; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func available(agreement brtypes.AgreementStatus, auth brtypes.AuthorizationStatus) br.GetFoundationModelAvailabilityOutput {
	return br.GetFoundationModelAvailabilityOutput{ModelId: aws.String("f"), AgreementAvailability: &brtypes.AgreementAvailability{Status: agreement},
		AuthorizationStatus: auth, EntitlementAvailability: brtypes.EntitlementAvailabilityAvailable, RegionAvailability: brtypes.RegionAvailabilityAvailable}
}
