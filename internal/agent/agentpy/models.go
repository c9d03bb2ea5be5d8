package agentpy

import (
	"fmt"
	"strings"
)

// BaseModel is the tutorial's model: Claude Sonnet 4.5, invoked through a cross-region
// inference profile. Bedrock serves Claude 4.x models on demand only through
// such profiles, and each profile only from its own geography's regions.
const BaseModel = "anthropic.claude-sonnet-4-5-20250929-v1:0"

// profilePrefixes maps a cross-region inference profile's prefix to the
// region prefixes it is served from. The sandbox knows these geographies;
// "global." is served from every commercial region.
var profilePrefixes = []struct{ profile, regions string }{
	{"us-gov.", "us-gov-"},
	{"us.", "us-"},
	{"eu.", "eu-"},
	{"apac.", "ap-"},
	{"jp.", "ap-northeast-"},
	{"au.", "ap-southeast-"},
	{"ca.", "ca-"},
}

// IsInferenceProfile reports whether model names a system-defined
// cross-region inference profile ("us.…", "global.…"): one of the
// geographies above, or global.
func IsInferenceProfile(model string) bool {
	if strings.HasPrefix(model, "global.") {
		return true
	}
	for _, p := range profilePrefixes {
		if strings.HasPrefix(model, p.profile) {
			return true
		}
	}
	return false
}

// ModelForRegion is the inference profile the workshop writes into
// agent.py for region: the geography's profile of the tutorial's model, or
// the global one where no geography's profile applies.
func ModelForRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "us-gov." + BaseModel
	case strings.HasPrefix(region, "us-"):
		return "us." + BaseModel
	case strings.HasPrefix(region, "eu-"):
		return "eu." + BaseModel
	case strings.HasPrefix(region, "ap-"):
		return "apac." + BaseModel
	}
	return "global." + BaseModel
}

// ModelError is Bedrock's answer to a model id the region cannot serve, as
// the Strands agent in the container would see it on its first model call.
type ModelError struct{ Message string }

func (e *ModelError) Error() string {
	return "An error occurred (ValidationException) when calling the ConverseStream operation: " + e.Message
}

// CheckModel reports whether region's Bedrock serves model on demand,
// answering with Bedrock's wording when it does not. The wording is
// Bedrock's, as reported by its users:
//   - a profile of another geography (us. in eu-central-1): "The provided
//     model identifier is invalid." (opensearch-project/agent-health#298)
//   - a bare Claude 4.x / 3.7 model id: "Invocation of model ID … with
//     on-demand throughput isn’t supported. Retry your request with the ID
//     or ARN of an inference profile that contains this model."
//     (aws-samples/sample-getting-started-with-strands-agents-course#1)
//
// The sandbox knows profile geographies only: it cannot tell whether the
// account has access to the model or whether the model id exists at all.
func CheckModel(model, region string) error {
	if model == "" {
		return nil // Strands' own default model; nothing the learner wrote
	}
	if strings.HasPrefix(model, "arn:") {
		return nil // an inference profile or model ARN: not checked
	}
	if strings.HasPrefix(model, "global.") {
		return nil
	}
	for _, p := range profilePrefixes {
		if strings.HasPrefix(model, p.profile) {
			if strings.HasPrefix(region, p.regions) && (p.profile != "us." || !strings.HasPrefix(region, "us-gov-")) {
				return nil
			}
			return &ModelError{"The provided model identifier is invalid."}
		}
	}
	for _, family := range []string{"claude-sonnet-4", "claude-opus-4", "claude-haiku-4", "claude-3-7"} {
		if strings.Contains(model, "anthropic."+family) {
			return &ModelError{fmt.Sprintf("Invocation of model ID %s with on-demand throughput isn’t supported. "+
				"Retry your request with the ID or ARN of an inference profile that contains this model.", model)}
		}
	}
	return nil
}
