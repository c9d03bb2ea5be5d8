package agentcore

import (
	"errors"
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The wire half every operation shares: read a restJson request as the
// model's input (model.DecodeREST places each member where the model's
// http binding puts it), validate it, decode it into the operation's typed
// input, and answer the service's result or typed AWS error. The service
// half never sees an unvalidated value.

// readInput reads r as op's input in model m and decodes the body into dst
// (nil: the operation has no body members). It returns the model's
// violations, for the caller to add its own rules to (one
// ValidationException lists both, as AWS's does) and pass to
// validationErr; a request that cannot be read or decoded is answered at
// once (CannotParse).
func readInput(r *http.Request, m *model.Model, op string, dst any) (model.Violations, *awswire.Error) {
	return awswire.RESTRead(r, m, op, dst)
}

// checkBound validates the members an operation carries outside its body
// (path, query string, headers), for operations whose body is not read
// here (InvokeAgentRuntime's payload streams to the agent). body names
// the body members to skip.
func checkBound(r *http.Request, m *model.Model, op string, body ...string) *awswire.Error {
	in, err := m.DecodeREST(op, r, nil)
	if err == nil {
		err = m.CheckInput(op, in, body...)
	}
	var vs model.Violations
	switch {
	case err == nil:
		return nil
	case errors.As(err, &vs):
		return awswire.RESTInvalid(vs)
	}
	return cannotParse("%v", err)
}

// fieldErr is a ValidationException about one field, for the service's
// own rules, worded by the caller.
func fieldErr(field, msg string) *awswire.Error {
	return awswire.RESTInvalid(model.Violations{{Path: field, Message: msg}})
}

// violation is one violation of a service rule, in the model's words.
func violation(path, value, constraint string) model.Violations {
	var vs model.Violations
	vs.Add(path, value, constraint)
	return vs
}

func writeErr(w http.ResponseWriter, e *awswire.Error) { awswire.WriteError(w, awswire.RestJSON, e) }

// awsErr is err as the AWS error to answer: the service's typed errors as
// they are, anything else as InternalServerException.
func awsErr(err error) *awswire.Error {
	var e *awswire.Error
	if errors.As(err, &e) {
		return e
	}
	return internalErr(err)
}

// answer writes an operation's output, built by out only on success, or
// err as its AWS error.
func answer(w http.ResponseWriter, status int, out func() any, err error) {
	if err != nil {
		writeErr(w, awsErr(err))
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, status, out())
}

// answerNoContent writes 204 for an operation without output, or err.
func answerNoContent(w http.ResponseWriter, err error) {
	if err != nil {
		writeErr(w, awsErr(err))
		return
	}
	w.Header().Set("x-amzn-RequestId", awswire.RequestID())
	w.WriteHeader(http.StatusNoContent)
}

// deref is an optional input member's value, "" when absent.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
