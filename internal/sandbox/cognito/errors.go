package cognito

import (
	"fmt"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
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

// errRequired is Cognito's validation message for a missing member.
func errRequired(member string) *awswire.Error {
	return errInvalidParameter("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

func errTooLong(member string, max int) *awswire.Error {
	return errInvalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", member, max)
}

func errTooShort(member string, min int) *awswire.Error {
	return errInvalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", member, min)
}

func errPattern(member, value, pattern string) *awswire.Error {
	return errInvalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", value, member, pattern)
}

// errEnum lists the allowed values the way AWS's validators print them:
// "[A, B, C]" (comma-separated, not Go's "[A B C]").
func errEnum(member, value string, allowed []string) *awswire.Error {
	return errInvalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", value, member, strings.Join(allowed, ", "))
}

func errSerialization(format string, args ...any) *awswire.Error {
	return apiErr("SerializationException", format, args...)
}

func errUnknownOperation(op string) *awswire.Error {
	return apiErr("UnknownOperationException", "The sandbox does not implement the Cognito operation %q.", op)
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
