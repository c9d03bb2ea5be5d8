package iam

import (
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// IAM's error codes and statuses, as the awsQuery protocol carries them.

func noSuchRole(name string) *awswire.Error {
	return awswire.Errorf(404, "NoSuchEntity", "The role with name %s cannot be found.", name)
}

func noSuchRolePolicy(role, policy string) *awswire.Error {
	return awswire.Errorf(404, "NoSuchEntity", "The role policy with name %s cannot be found.", policy)
}

func roleExists(name string) *awswire.Error {
	return awswire.Errorf(409, "EntityAlreadyExists", "Role with name %s already exists.", name)
}

func deleteConflict() *awswire.Error {
	return awswire.Errorf(409, "DeleteConflict", "Cannot delete entity, must delete policies first.")
}

// policySizeExceeded is IAM's answer when a role's inline policies
// together pass the quota (its documented message).
func policySizeExceeded(role string) *awswire.Error {
	return awswire.Errorf(409, "LimitExceeded", "Maximum policy size of %d bytes exceeded for role %s", maxRoleInlinePolicyBytes, role)
}

func malformedPolicy(msg string) *awswire.Error {
	return awswire.Errorf(400, "MalformedPolicyDocument", "%s", msg)
}

// validation mirrors the constraint messages AWS generates from its models.
func validation(value, member, constraint string) *awswire.Error {
	var vs model.Violations
	vs.Add(member, value, constraint)
	return awswire.Invalid("ValidationError", vs)
}

func serviceFailure(err error) *awswire.Error {
	return awswire.Errorf(500, "ServiceFailure", "The sandbox could not save IAM state: %v", err)
}
