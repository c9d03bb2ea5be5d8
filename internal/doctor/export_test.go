package doctor

import (
	br "github.com/aws/aws-sdk-go-v2/service/bedrock"

	"agentcore-workshop/internal/i18n"
)

// Availability is availability for the tests: what Bedrock's answer makes
// of the model check.
func Availability(model, foundation string, a *br.GetFoundationModelAvailabilityOutput) Check {
	return availability(Check{ID: "model"}, model, foundation, a, i18n.Printer{})
}
