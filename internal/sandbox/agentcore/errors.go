package agentcore

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
)

// The AgentCore error shapes the sandbox answers with (restJson1: the
// X-Amzn-ErrorType header plus {"__type","message"}).

func notFound(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

func conflict(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusConflict, "ConflictException", format, args...)
}

func accessDenied(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusForbidden, "AccessDeniedException", format, args...)
}

func unknownOperation(r *http.Request) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "UnknownOperationException", "No operation matches %s %s.", r.Method, r.URL.EscapedPath())
}

// cannotParse is a ValidationException for a body that is not the JSON the
// operation expects.
func cannotParse(format string, args ...any) *awswire.Error {
	e := awswire.Errorf(http.StatusBadRequest, "ValidationException", format, args...)
	e.Fields = map[string]any{"reason": "CannotParse"}
	return e
}

// truncate shortens a value echoed in a message, as AWS's messages do.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func unauthorized(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusUnauthorized, "UnauthorizedException", format, args...)
}
