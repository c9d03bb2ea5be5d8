package awswire

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"agentcore-workshop/internal/sandbox/model"
)

// Each protocol's way of holding an input to the service model, and of
// answering input the model refuses.

// inputError turns what the model says of an input into the AWS error:
// nil stays nil, Violations become code with AWS's validation message, and
// anything else (a wrong type, a body that does not parse) a
// SerializationException.
func inputError(err error, code string) *Error {
	var vs model.Violations
	switch {
	case err == nil:
		return nil
	case errors.As(err, &vs):
		return Invalid(code, vs)
	}
	var te *model.TypeError
	if errors.As(err, &te) && te.Path == "" {
		return Errorf(400, "SerializationException", "Start of structure or map found where not expected; the request body must be a JSON object.")
	}
	return Errorf(400, "SerializationException", "%s", err.Error())
}

// Invalid is the answer to input the model refuses: code (status 400) with
// AWS's "N validation errors detected: …" message.
func Invalid(code string, vs model.Violations) *Error {
	return &Error{Code: code, Status: http.StatusBadRequest, Message: vs.Error()}
}

// QueryInput holds an awsQuery request's parameters to op's input shape.
// A value that does not parse and one that breaks a constraint are both
// code (IAM and STS answer ValidationError), with AWS's message.
func QueryInput(m *model.Model, op string, form url.Values, code string) *Error {
	in, err := m.DecodeQuery(op, form)
	if err == nil {
		err = m.CheckInput(op, in)
	}
	var vs model.Violations
	switch {
	case err == nil:
		return nil
	case errors.As(err, &vs):
		return Invalid(code, vs)
	}
	return Errorf(http.StatusBadRequest, code, "%s", err.Error())
}

// RESTInput holds a restJson request to op's input shape (model.DecodeREST
// then CheckInput) and answers as AgentCore does: ValidationException with
// reason FieldValidationFailed and a fieldList of {name, message}, or
// reason CannotParse for a member that does not parse.
func RESTInput(m *model.Model, op string, r *http.Request, body []byte) *Error {
	in, err := m.DecodeREST(op, r, body)
	if err == nil {
		err = m.CheckInput(op, in)
	}
	if err == nil {
		return nil
	}
	var vs model.Violations
	if !errors.As(err, &vs) {
		e := Errorf(http.StatusBadRequest, "ValidationException", "%s", err.Error())
		e.Fields = map[string]any{"reason": "CannotParse"}
		return e
	}
	return RESTInvalid(vs)
}

// RESTInvalid is AgentCore's answer to violations (the model's, and a
// service's own rules added to them): ValidationException with reason
// FieldValidationFailed and a fieldList of {name, message}.
// No violations is no error: nil.
func RESTInvalid(vs model.Violations) *Error {
	if len(vs) == 0 {
		return nil
	}
	type field struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	}
	list := make([]field, len(vs))
	for i, v := range vs {
		list[i] = field{v.Path, v.Message}
	}
	e := Invalid("ValidationException", vs)
	e.Fields = map[string]any{"reason": "FieldValidationFailed", "fieldList": list}
	return e
}

// RESTRead reads r as op's restJson input in model m and decodes the body
// into dst (nil: the operation has no body members). It returns the
// model's violations, for the service to add its own rules to (one
// ValidationException lists both, as AgentCore's does, see RESTInvalid);
// a request that cannot be read or decoded is answered at once with
// ValidationException reason CannotParse.
func RESTRead(r *http.Request, m *model.Model, op string, dst any) (model.Violations, *Error) {
	cannotParse := func(format string, args ...any) *Error {
		e := Errorf(http.StatusBadRequest, "ValidationException", format, args...)
		e.Fields = map[string]any{"reason": "CannotParse"}
		return e
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, cannotParse("Request body is too large.")
		}
		return nil, cannotParse("Could not read the request body: %v", err)
	}
	in, err := m.DecodeREST(op, r, b)
	if err == nil {
		err = m.CheckInput(op, in)
	}
	var vs model.Violations
	if err != nil && !errors.As(err, &vs) {
		return nil, cannotParse("Could not parse the request as the operation's input: %v", err)
	}
	if dst != nil && len(b) > 0 {
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, cannotParse("Could not parse the request body as the operation's JSON input: %v", err)
		}
	}
	return vs, nil
}

// RESTReadValid is RESTRead for operations without rules of their own: any
// violation of the model is answered.
func RESTReadValid(r *http.Request, m *model.Model, op string, dst any) *Error {
	vs, e := RESTRead(r, m, op, dst)
	if e != nil {
		return e
	}
	return RESTInvalid(vs)
}
