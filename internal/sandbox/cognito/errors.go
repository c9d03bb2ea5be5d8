package cognito

import (
	"fmt"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// Cognito's error shapes carry no HTTP status in the service model: every
// client fault is answered with 400, only InternalErrorException with 500.
// Each constructor below is one AWS error with Cognito's own wording, so
// handlers never invent codes or messages inline.

type awsErr = awswire.Error

func apiErr(code, format string, args ...any) *awswire.Error {
	return &awswire.Error{Code: code, Status: 400, Message: fmt.Sprintf(format, args...)}
}

func errInvalidParameter(format string, args ...any) *awswire.Error {
	return apiErr("InvalidParameterException", format, args...)
}

// The service's own model-style checks (for ids that reach it from the
// hosted pages as well as the wire) are worded by the model package, the
// one place AWS's validation message is formed.

func errConstraint(member, value, constraint string) *awswire.Error {
	var vs model.Violations
	vs.Add(member, value, constraint)
	return awswire.Invalid("InvalidParameterException", vs)
}

func errRequired(member string) *awswire.Error {
	var vs model.Violations
	vs.AddNull(member)
	return awswire.Invalid("InvalidParameterException", vs)
}

func errTooLong(member string, max int) *awswire.Error {
	return errConstraint(member, "", fmt.Sprintf("Member must have length less than or equal to %d", max))
}

func errTooShort(member string, min int) *awswire.Error {
	return errConstraint(member, "", fmt.Sprintf("Member must have length greater than or equal to %d", min))
}

func errPattern(member, value, pattern string) *awswire.Error {
	return errConstraint(member, value, "Member must satisfy regular expression pattern: "+pattern)
}

func errPoolNotFound(id string) *awswire.Error {
	return apiErr("ResourceNotFoundException", "User pool %s does not exist.", id)
}

func errClientNotFound(id string) *awswire.Error {
	return apiErr("ResourceNotFoundException", "User pool client %s does not exist.", id)
}

func errResourceServerNotFound(id string) *awswire.Error {
	return apiErr("ResourceNotFoundException", "Resource server %s does not exist.", id)
}

func errUserNotFound() *awswire.Error {
	return apiErr("UserNotFoundException", "User does not exist.")
}

func errUsernameExists() *awswire.Error {
	return apiErr("UsernameExistsException", "User account already exists")
}

func errNotAuthorized(format string, args ...any) *awswire.Error {
	return apiErr("NotAuthorizedException", format, args...)
}

func errBadCredentials() *awswire.Error {
	return errNotAuthorized("Incorrect username or password.")
}

func errInvalidPassword(reason string) *awswire.Error {
	return apiErr("InvalidPasswordException", "Password does not conform to policy: %s", reason)
}

func errInternal(format string, args ...any) *awswire.Error {
	return &awswire.Error{Code: "InternalErrorException", Status: 500, Message: fmt.Sprintf(format, args...)}
}
