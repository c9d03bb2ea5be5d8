package gateway

import (
	"context"
	"encoding/json"
	"strings"
)

// FunctionCall is one tools/call a gateway hands to a Lambda target's
// function: the event is the call's arguments, and the client context
// names the tool (with its target prefix), as the Gateway's Lambda
// contract has it (gateway-add-target-lambda.html, "Lambda function input
// format").
type FunctionCall struct {
	FunctionARN string
	Event       json.RawMessage // the tool call's arguments object
	// Custom is context.client_context.custom: bedrockAgentCoreToolName,
	// bedrockAgentCoreMessageVersion, bedrockAgentCoreGatewayId,
	// bedrockAgentCoreTargetId, bedrockAgentCoreMcpMessageId.
	Custom map[string]string
}

// Invoker runs a Lambda target's function and returns what it returned.
type Invoker interface {
	Invoke(ctx context.Context, call FunctionCall) (json.RawMessage, error)
}

// StandInFunction is the sandbox's stand-in for every Lambda function: it
// answers as the starter toolkit's test function does
// (AgentCoreLambdaTestFunction, LAMBDA_FUNCTION_CODE in
// bedrock_agentcore_starter_toolkit/operations/gateway/constants.py),
// which is also the code the workshop deploys on AWS. It says so in its
// answer: no Lambda runs in the sandbox.
type StandInFunction struct{}

// Invoke implements Invoker.
func (StandInFunction) Invoke(_ context.Context, call FunctionCall) (json.RawMessage, error) {
	var event map[string]any
	_ = json.Unmarshal(call.Event, &event)
	arg := func(k, def string) string {
		if v, ok := event[k].(string); ok {
			return v
		}
		return def
	}
	tool := call.Custom["bedrockAgentCoreToolName"]
	var body any
	switch {
	case strings.Contains(tool, "get_weather"):
		body = map[string]string{"location": arg("location", "Unknown"), "temperature": "72°F", "conditions": "Sunny"}
	case strings.Contains(tool, "get_time"):
		body = map[string]string{"timezone": arg("timezone", "UTC"), "time": "2:30 PM"}
	default:
		body = map[string]string{"message": "Unknown tool"}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"statusCode": 200, "body": string(b), "sandbox": "stand-in for the starter toolkit's test function; no Lambda runs in the sandbox"})
}
