package logs

import "agentcore-workshop/internal/sandbox/awswire"

// CloudWatch Logs' awsJson1.1 errors: 400 with the code in __type.

func groupNotFound() *awswire.Error {
	return awswire.Errorf(400, "ResourceNotFoundException", "The specified log group does not exist.")
}

func groupExists() *awswire.Error {
	return awswire.Errorf(400, "ResourceAlreadyExistsException", "The specified log group already exists")
}

func invalidParameter(format string, args ...any) *awswire.Error {
	return awswire.Errorf(400, "InvalidParameterException", format, args...)
}

func serviceUnavailable(err error) *awswire.Error {
	return awswire.Errorf(500, "ServiceUnavailableException", "The sandbox could not save CloudWatch Logs state: %v", err)
}
