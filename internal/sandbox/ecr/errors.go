package ecr

import (
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// ECR's awsJson1.1 error shapes. awsJson services answer 400 for client
// errors whatever the shape.

func repoNotFound(name, registry string) *awswire.Error {
	return awswire.Errorf(400, "RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", name, registry)
}

func repoExists(name, registry string) *awswire.Error {
	return awswire.Errorf(400, "RepositoryAlreadyExistsException", "The repository with name '%s' already exists in the registry with id '%s'", name, registry)
}

func repoNotEmpty(name, registry string) *awswire.Error {
	return awswire.Errorf(400, "RepositoryNotEmptyException", "The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images", name, registry)
}

func invalidParameter(format string, args ...any) *awswire.Error {
	return awswire.Errorf(400, "InvalidParameterException", format, args...)
}

func validation(value, member, constraint string) *awswire.Error {
	var vs model.Violations
	vs.Add(member, value, constraint)
	return awswire.Invalid("ValidationException", vs)
}

func serverError(err error) *awswire.Error {
	return awswire.Errorf(500, "ServerException", "The sandbox could not save ECR state: %v", err)
}
