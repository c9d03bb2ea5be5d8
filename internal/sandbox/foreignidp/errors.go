package foreignidp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// mgmtError is a management API error in the shape Auth0's Management API
// answers with: {"statusCode","error","message","errorCode"}.
type mgmtError struct {
	StatusCode int    `json:"statusCode"`
	Err        string `json:"error"`
	Message    string `json:"message"`
	ErrorCode  string `json:"errorCode,omitempty"`
}

func (e *mgmtError) Error() string { return e.Err + ": " + e.Message }

func newMgmtError(status int, code, format string, args ...any) *mgmtError {
	return &mgmtError{StatusCode: status, Err: http.StatusText(status), Message: fmt.Sprintf(format, args...), ErrorCode: code}
}

// errBody is a payload validation failure (Auth0: 400 invalid_body).
func errBody(format string, args ...any) *mgmtError {
	return newMgmtError(http.StatusBadRequest, "invalid_body", "Payload validation error: "+format, args...)
}

func errNotFound(code, format string, args ...any) *mgmtError {
	return newMgmtError(http.StatusNotFound, code, format, args...)
}

func errTenantNotFound(name string) *mgmtError {
	return errNotFound("inexistent_tenant", "The tenant %s does not exist", trunc(name, 100))
}

func errConflict(format string, args ...any) *mgmtError {
	return newMgmtError(http.StatusConflict, "", format, args...)
}

// errQuota is one of the sandbox's own caps (Auth0 has quotas too, larger).
func errQuota(format string, args ...any) *mgmtError {
	return newMgmtError(http.StatusForbidden, "quota_exceeded", format, args...)
}

func errInternal(format string, args ...any) *mgmtError {
	return newMgmtError(http.StatusInternalServerError, "", format, args...)
}

// oauthError is a token endpoint refusal: {"error","error_description"},
// the body Auth0's /oauth/token answers with.
type oauthError struct {
	status int
	Code   string `json:"error"`
	Desc   string `json:"error_description"`
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Desc }

func oauthErr(status int, code, format string, args ...any) *oauthError {
	return &oauthError{status: status, Code: code, Desc: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"error":"Internal Server Error","message":"could not encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
