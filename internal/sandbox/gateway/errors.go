package gateway

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The gateway control plane's errors (restJson1: the X-Amzn-ErrorType
// header plus {"__type","message"}), with the statuses the model gives
// them: ServiceQuotaExceededException is 402 there, not 400.

func notFound(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

func conflict(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusConflict, "ConflictException", format, args...)
}

func quotaExceeded(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusPaymentRequired, "ServiceQuotaExceededException", format, args...)
}

func unknownOperation(r *http.Request) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "UnknownOperationException", "No operation matches %s %s.", r.Method, r.URL.EscapedPath())
}

// invalid is a ValidationException about one field, in the wording the
// caller gives (the model's own violations come from model.Violations).
func invalid(field, msg string) *awswire.Error {
	return awswire.RESTInvalid(model.Violations{{Path: field, Message: msg}})
}

func gatewayNotFound(id string) *awswire.Error {
	return notFound("Gateway not found: %s", id)
}

func targetNotFound(gw, id string) *awswire.Error {
	return notFound("Target %s not found in gateway %s", id, gw)
}
