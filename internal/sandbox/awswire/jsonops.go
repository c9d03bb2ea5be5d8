package awswire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// JSONOps maps each awsJson operation name (the part of X-Amz-Target after
// the '.') to the function that answers it from the raw request body.
type JSONOps[S any] map[string]func(s S, body []byte) (any, error)

// ServeJSON11 answers an awsJson1.1 request: it picks the operation from
// X-Amz-Target, runs it, and writes its output or its error. An error
// that is not an *Error becomes internalCode (status 500): a sandbox bug,
// never the caller's.
func ServeJSON11[S any](w http.ResponseWriter, r *http.Request, svc S, prefix, service, internalCode string, ops JSONOps[S]) {
	target := r.Header.Get("X-Amz-Target")
	p, op, _ := strings.Cut(target, ".")
	run, ok := ops[op]
	if r.Method != http.MethodPost || p != prefix || !ok {
		WriteError(w, JSON11, Errorf(400, "UnknownOperationException", "The operation %q is not supported by the sandbox's %s.", target, service))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		WriteError(w, JSON11, Errorf(400, "SerializationException", "read body: %v", err))
		return
	}
	out, err := run(svc, body)
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			ae = Errorf(500, internalCode, "%v", err)
		}
		WriteError(w, JSON11, ae)
		return
	}
	WriteJSON(w, JSON11, http.StatusOK, out)
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
