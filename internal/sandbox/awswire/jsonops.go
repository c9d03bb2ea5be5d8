package awswire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"agentcore-workshop/internal/sandbox/model"
)

// JSONOps maps each awsJson operation name (the part of X-Amz-Target after
// the '.') to the function that answers it from the raw request body.
type JSONOps[S any] map[string]func(s S, body []byte) (any, error)

// JSONAPI is one awsJson1.1 service's wire: its operations, the model that
// validates their input, and the codes it answers with. It is the one
// awsJson dispatcher of the sandbox (Cognito, ECR, CodeBuild).
type JSONAPI[S any] struct {
	Prefix   string       // the X-Amz-Target prefix
	Service  string       // the service's name in messages
	Internal string       // the code of a sandbox fault (status 500), never the caller's
	Model    *model.Model // every input is validated against it before its operation runs
	Invalid  string       // the code of input the model refuses: ValidationException, or Cognito's InvalidParameterException
	Ops      JSONOps[S]
	// Own lists, per operation, member paths the service checks itself
	// because AWS answers them with a more specific error than the model's.
	Own map[string][]string
	// MaxBody bounds a request body (0: no bound beyond the edge's).
	MaxBody int64
	// Authorize, when set, runs once the operation is known; it answers
	// the request itself and returns false to stop (Cognito signs every
	// operation but sign-in).
	Authorize func(w http.ResponseWriter, r *http.Request, op string) bool
	// Fault, when set, hears of every 5xx answer.
	Fault func(svc S, op string, e *Error)
}

// Serve answers an awsJson1.1 request: it picks the operation from
// X-Amz-Target, validates the body against the model, runs the operation
// and writes its output or its error. An error that is not an *Error
// becomes Internal (status 500).
func (a *JSONAPI[S]) Serve(w http.ResponseWriter, r *http.Request, svc S) {
	target := r.Header.Get("X-Amz-Target")
	p, op, _ := strings.Cut(target, ".")
	run, ok := a.Ops[op]
	if p != a.Prefix || !ok {
		WriteError(w, JSON11, Errorf(400, "UnknownOperationException", "The operation %q is not supported by the sandbox's %s.", target, a.Service))
		return
	}
	if r.Method != http.MethodPost {
		WriteError(w, JSON11, Errorf(400, "SerializationException", "awsJson1.1 requests must be POST, not %s.", r.Method))
		return
	}
	if a.Authorize != nil && !a.Authorize(w, r, op) {
		return
	}
	body, aerr := a.readBody(r)
	if aerr == nil {
		aerr = a.validate(op, body)
	}
	var out any
	if aerr == nil {
		var err error
		if out, err = run(svc, body); err != nil && !errors.As(err, &aerr) {
			aerr = Errorf(500, a.Internal, "%v", err)
		}
	}
	if aerr != nil {
		if aerr.Status >= 500 && a.Fault != nil {
			a.Fault(svc, op, aerr)
		}
		WriteError(w, JSON11, aerr)
		return
	}
	WriteJSON(w, JSON11, http.StatusOK, out)
}

func (a *JSONAPI[S]) readBody(r *http.Request) ([]byte, *Error) {
	src := io.Reader(r.Body)
	if a.MaxBody > 0 {
		src = io.LimitReader(r.Body, a.MaxBody+1)
	}
	body, err := io.ReadAll(src)
	if err != nil {
		return nil, Errorf(400, "SerializationException", "read body: %v", err)
	}
	if a.MaxBody > 0 && int64(len(body)) > a.MaxBody {
		return nil, Errorf(400, "SerializationException", "Request body exceeds %d bytes.", a.MaxBody)
	}
	return body, nil
}

// validate holds the body to the operation's input shape: a body that does
// not parse, or has a member of the wrong type, is a SerializationException
// (AWS deserializes before it validates); broken constraints are a.Invalid
// with AWS's message.
func (a *JSONAPI[S]) validate(op string, body []byte) *Error {
	if a.Model == nil {
		return nil
	}
	in, err := model.DecodeJSON(body)
	if err == nil {
		err = a.Model.CheckInput(op, in, a.Own[op]...)
	}
	return inputError(err, a.Invalid)
}

// DecodeJSON reads an awsJson body (empty means {}). A body that is not a
// JSON object, unparsable JSON or a member of the wrong type is a
// SerializationException, as AWS answers; the message names the member.
func DecodeJSON(body []byte, v any) *Error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return Errorf(400, "SerializationException", "Start of structure or map found where not expected; the request body must be a JSON object.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Errorf(400, "SerializationException", "Unexpected type for member %q: got JSON %s, expected %s.", te.Field, te.Value, te.Type.String())
		}
		return Errorf(400, "SerializationException", "Malformed JSON request body: %v", err)
	}
	return nil
}
