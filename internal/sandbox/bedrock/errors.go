package bedrock

import "agentcore-workshop/internal/sandbox/awswire"

// Bedrock's restJson1 errors. The messages are the sandbox's: AWS's
// wording for these two is not recorded in the facts.

func profileNotFound(id string) *awswire.Error {
	return awswire.Errorf(404, "ResourceNotFoundException", "The inference profile %s is not available in this region.", id)
}

func modelNotFound(id string) *awswire.Error {
	return awswire.Errorf(404, "ResourceNotFoundException", "The provided model identifier is invalid: %s", id)
}

func unknownOperation(method, path string) *awswire.Error {
	return awswire.Errorf(404, "UnknownOperationException", "The sandbox's Bedrock does not serve %s %s.", method, path)
}
