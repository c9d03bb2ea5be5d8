package codebuild

import "agentcore-workshop/internal/sandbox/awswire"

// CodeBuild's awsJson1.1 error shapes (all 400).

func invalidInput(format string, args ...any) *awswire.Error {
	return awswire.Errorf(400, "InvalidInputException", format, args...)
}

func projectExists(arn string) *awswire.Error {
	return awswire.Errorf(400, "ResourceAlreadyExistsException", "Project already exists: %s", arn)
}

func projectNotFound(arn string) *awswire.Error {
	return awswire.Errorf(400, "ResourceNotFoundException", "Project cannot be found: %s", arn)
}

func saveFailed(err error) *awswire.Error {
	return awswire.Errorf(500, "InternalFailure", "The sandbox could not save CodeBuild state: %v", err)
}
