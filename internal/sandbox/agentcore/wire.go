package agentcore

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The wire half of every restJson operation: read the request as the
// model's input (body members plus the members the model binds to the
// path, the query string and headers), validate it against the model, and
// decode it into the operation's typed input. The service half never sees
// an unvalidated value.

// readInput reads r as op's input in model m and decodes the body into dst
// (nil: the operation has no body members). uri holds the path's bound
// values by their locationName. It returns the model's violations, for the
// caller to add its own rules to (one ValidationException lists both, as
// AWS's does) and pass to validationErr; a body that cannot be read or
// decoded is answered at once (CannotParse).
func readInput(r *http.Request, m *model.Model, op string, uri map[string]string, dst any) (model.Violations, *awswire.Error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, cannotParse("Request body is too large.")
		}
		return nil, cannotParse("Could not read the request body: %v", err)
	}
	in, err := model.DecodeJSON(b)
	if err != nil {
		return nil, cannotParse("Could not parse the request body as the operation's JSON input: %v", err)
	}
	bind(r, m, op, uri, in)
	verr := m.CheckInput(op, in)
	var te *model.TypeError
	if errors.As(verr, &te) {
		return nil, cannotParse("Could not parse the request body as the operation's JSON input: %v", te)
	}
	var vs model.Violations
	if verr != nil && !errors.As(verr, &vs) {
		return nil, internalErr(verr)
	}
	if dst != nil && len(b) > 0 {
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, cannotParse("Could not parse the request body as the operation's JSON input: %v", err)
		}
	}
	return vs, nil
}

// readValid is readInput for operations without rules of their own: any
// violation is answered.
func readValid(r *http.Request, m *model.Model, op string, uri map[string]string, dst any) *awswire.Error {
	vs, e := readInput(r, m, op, uri, dst)
	if e != nil {
		return e
	}
	return validationErr(vs)
}

// checkBound validates the members an operation carries outside its body
// (path, query string, headers), for operations whose body is not JSON
// (InvokeAgentRuntime's payload). body names the body members to skip.
func checkBound(r *http.Request, m *model.Model, op string, uri map[string]string, body ...string) *awswire.Error {
	in := map[string]any{}
	bind(r, m, op, uri, in)
	err := m.CheckInput(op, in, body...)
	var vs model.Violations
	switch {
	case err == nil:
		return nil
	case errors.As(err, &vs):
		return validationErr(vs)
	}
	return cannotParse("%v", err)
}

// bind adds to in the input members the model carries outside the body,
// replacing any body member of the same name (AWS reads those from their
// location only).
func bind(r *http.Request, m *model.Model, op string, uri map[string]string, in map[string]any) {
	o := m.Op(op)
	if o == nil || o.Input == nil {
		return
	}
	sh := m.Shape(o.Input.Shape)
	q := r.URL.Query()
	for _, name := range sh.Members.Names {
		ref := sh.Members.Refs[name]
		switch ref.Location {
		case "":
			continue
		case "uri":
			delete(in, name)
			if v, ok := uri[ref.LocationName]; ok {
				in[name] = v
			}
		case "querystring":
			delete(in, name)
			if q.Has(ref.LocationName) {
				in[name] = queryValue(m.Shape(ref.Shape), q.Get(ref.LocationName))
			}
		case "header":
			delete(in, name)
			if v := r.Header.Get(ref.LocationName); v != "" {
				in[name] = v
			}
		}
	}
}

// queryValue types a query parameter as its shape: numbers as numbers, so
// the model checks their range.
func queryValue(sh *model.Shape, v string) any {
	if sh != nil && (sh.Type == "integer" || sh.Type == "long") {
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}

// fieldError is one entry of ValidationException.fieldList.
type fieldError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// validationErr is AgentCore's ValidationException for violations (nil
// when there are none): the model's message, and each violation in
// fieldList.
func validationErr(vs model.Violations) *awswire.Error {
	if len(vs) == 0 {
		return nil
	}
	fields := make([]fieldError, len(vs))
	for i, v := range vs {
		fields[i] = fieldError{v.Path, v.Message}
	}
	e := awswire.Errorf(http.StatusBadRequest, "ValidationException", "%s", vs.Error())
	e.Fields = map[string]any{"reason": "FieldValidationFailed", "fieldList": fields}
	return e
}

// fieldErr is a ValidationException about one field, for the service's
// own rules, worded by the caller.
func fieldErr(field, msg string) *awswire.Error {
	return validationErr(model.Violations{{Path: field, Message: msg}})
}

// violation is one violation of a service rule, in the model's words.
func violation(path, value, constraint string) model.Violations {
	var vs model.Violations
	vs.Add(path, value, constraint)
	return vs
}
