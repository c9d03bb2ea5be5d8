// Package bedrock emulates the two Amazon Bedrock control-plane calls that
// say whether an account can use a model in a region, which `doctor`
// asks before the tutorial starts: GetInferenceProfile (is this
// cross-region profile served here?) and GetFoundationModelAvailability
// (may this account call the model?).
//
// The sandbox serves the tutorial's model (agentpy.BaseModel) and its
// system-defined inference profiles, each only in its own geography's
// regions, by the same rule the stand-in agent applies to the model id
// agent.py names (agentpy.CheckModel). The sandbox account has access to
// that model; any other model id is unknown here.
package bedrock

import (
	"strings"
	"time"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/sandbox/edge"
)

// Service answers Bedrock's model questions. It holds no state.
type Service struct {
	d edge.Deps
	// since is when the sandbox's profiles "were made": createdAt.
	since time.Time
}

// New returns the Bedrock emulation.
func New(d edge.Deps) *Service {
	return &Service{d: d, since: time.Date(2025, 9, 29, 0, 0, 0, 0, time.UTC)}
}

// Profile is a system-defined inference profile.
type Profile struct {
	ID, Name, Arn string
	ModelArns     []string
	Created       time.Time
}

// Availability is what GetFoundationModelAvailability says of a model.
type Availability struct {
	ModelID                                         string
	Agreement, Authorization, Entitlement, InRegion string
}

// foundationModelArn is a model's ARN in the sandbox's region.
func (s *Service) foundationModelArn(model string) string {
	return "arn:aws:bedrock:" + s.d.Region + "::foundation-model/" + model
}

// InferenceProfile returns the profile id names (an id or its ARN), if
// the sandbox's region serves it.
func (s *Service) InferenceProfile(id string) (Profile, error) {
	if i := strings.Index(id, ":inference-profile/"); strings.HasPrefix(id, "arn:") && i >= 0 {
		parts := strings.Split(id, ":")
		if len(parts) < 6 || parts[3] != s.d.Region || parts[4] != s.d.AccountID {
			return Profile{}, profileNotFound(id)
		}
		id = id[i+len(":inference-profile/"):]
	}
	geo, model, _ := strings.Cut(id, ".")
	if model != agentpy.BaseModel || !agentpy.IsInferenceProfile(id) || agentpy.CheckModel(id, s.d.Region) != nil {
		return Profile{}, profileNotFound(id)
	}
	return Profile{
		ID: id, Name: strings.ToUpper(geo) + " Anthropic Claude Sonnet 4-5",
		Arn:       "arn:aws:bedrock:" + s.d.Region + ":" + s.d.AccountID + ":inference-profile/" + id,
		ModelArns: []string{s.foundationModelArn(model)}, Created: s.since,
	}, nil
}

// FoundationModelAvailability says whether the sandbox account may call
// model: the tutorial's model, yes; any other, not found.
func (s *Service) FoundationModelAvailability(model string) (Availability, error) {
	if model != agentpy.BaseModel {
		return Availability{}, modelNotFound(model)
	}
	return Availability{ModelID: model, Agreement: "AVAILABLE", Authorization: "AUTHORIZED", Entitlement: "AVAILABLE", InRegion: "AVAILABLE"}, nil
}
