package modeltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox/model"
)

// A restJson service driven by its model: requests built from each
// operation's http binding, answers checked against its output and error
// shapes (status, required members, JSON types, timestamp formats, enums,
// patterns, lengths, union arity, no members the model does not define).

// Call is one request built from the model: the operation, and its input
// members by model member name.
type Call struct {
	Op     string
	Params map[string]any
}

// Reply is an HTTP answer to a Call.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// escapeLabel percent-encodes a URI label the way the SDKs do (':' and '/'
// included), so an ARN travels as one path segment.
func escapeLabel(s string) string {
	return strings.NewReplacer(":", "%3A").Replace(url.PathEscape(s))
}

// RESTRequest builds the HTTP request for c from the model against base
// (the method and URI template from the operation's http block, each input
// member placed where its location says: uri, querystring, header, body).
// It returns the request and its body, for the caller to sign and send.
func RESTRequest(t testing.TB, m *model.Model, base string, c Call) (*http.Request, []byte) {
	t.Helper()
	op := m.Op(c.Op)
	if op == nil {
		t.Fatalf("model has no operation %s", c.Op)
	}
	path, rawQuery, _ := strings.Cut(op.HTTP.RequestURI, "?")
	q := url.Values{}
	if rawQuery != "" {
		fixed, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Fatal(err)
		}
		q = fixed
	}
	hdr := http.Header{}
	body := map[string]any{}
	var payload []byte
	in := m.Shape(op.Input.Shape)
	for name, v := range c.Params {
		ref, ok := in.Members.Refs[name]
		if !ok {
			t.Fatalf("%s: input member %s is not in the model", c.Op, name)
		}
		loc := ref.LocationName
		if loc == "" {
			loc = name
		}
		switch ref.Location {
		case "uri":
			path = strings.Replace(path, "{"+loc+"}", escapeLabel(fmt.Sprint(v)), 1)
		case "querystring":
			q.Set(loc, fmt.Sprint(v))
		case "header":
			hdr.Set(loc, fmt.Sprint(v))
		default:
			if in.Payload == name {
				payload = []byte(v.(string))
			} else {
				body[loc] = v
			}
		}
	}
	if strings.Contains(path, "{") {
		t.Fatalf("%s: unfilled URI label in %s", c.Op, path)
	}
	if payload == nil && (len(body) > 0 || op.HTTP.Method != http.MethodGet && op.HTTP.Method != http.MethodDelete && in.Payload == "") {
		if len(body) > 0 || hasBodyMembers(in) {
			payload, _ = json.Marshal(body)
		}
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(op.HTTP.Method, u, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if req.Header.Get("Content-Type") == "" && len(payload) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, payload
}

func hasBodyMembers(sh *model.Shape) bool {
	return len(sh.BodyMembers()) > 0
}

// CheckRESTOutput verifies a success answer against op's status, output
// headers and output shape, and returns the decoded body.
func CheckRESTOutput(t testing.TB, m *model.Model, exempt map[string]string, opName string, a Reply) map[string]any {
	t.Helper()
	op := m.Op(opName)
	want := op.HTTP.ResponseCode
	if want == 0 {
		want = http.StatusOK
	}
	if a.Status != want {
		t.Fatalf("%s: status %d, model says %d; body %s", opName, a.Status, want, a.Body)
	}
	if op.Output == nil {
		if len(bytes.TrimSpace(a.Body)) > 0 {
			t.Errorf("%s: body %q for an operation without output", opName, a.Body)
		}
		return nil
	}
	sh := m.Shape(op.Output.Shape)
	c := &model.Checker{Model: m, Exempt: exempt}
	c.Headers(opName, op.Output.Shape, a.Header)
	for _, p := range c.Problems {
		t.Errorf("%s", p)
	}
	if sh.Payload != "" {
		return nil // a streamed blob: no JSON body to check
	}
	var obj map[string]any
	if len(bytes.TrimSpace(a.Body)) == 0 {
		if !hasBodyMembers(sh) || want == http.StatusNoContent {
			if len(sh.Required) > 0 {
				t.Errorf("%s: empty body but the model requires %v", opName, sh.Required)
			}
			return nil
		}
		t.Fatalf("%s: empty body", opName)
	}
	if want == http.StatusNoContent {
		t.Errorf("%s: a 204 answer carries a body %q", opName, a.Body)
	}
	if err := json.Unmarshal(a.Body, &obj); err != nil {
		t.Fatalf("%s: body is not a JSON object: %v: %s", opName, err, a.Body)
	}
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", opName, ct)
	}
	c = &model.Checker{Model: m, Exempt: exempt}
	c.Struct(opName, op.Output.Shape, obj)
	for _, p := range c.Problems {
		t.Errorf("%s", p)
	}
	return obj
}

// CheckRESTError verifies an error answer: the code is one the operation
// models (or ValidationException for input the model's constraints refuse),
// the status is the error shape's, the header and body agree, and the body
// fits the error shape. It returns the decoded body.
func CheckRESTError(t testing.TB, m *model.Model, opName, wantCode string, a Reply) map[string]any {
	t.Helper()
	op := m.Op(opName)
	hdrCode := a.Header.Get("X-Amzn-ErrorType")
	var obj map[string]any
	if err := json.Unmarshal(a.Body, &obj); err != nil {
		t.Fatalf("%s: error body %q: %v", opName, a.Body, err)
	}
	code, _ := obj["__type"].(string)
	if code != wantCode || hdrCode != wantCode {
		t.Fatalf("%s: error %q (header %q), want %s; body %s", opName, code, hdrCode, wantCode, a.Body)
	}
	if !slices.ContainsFunc(op.Errors, func(r model.Ref) bool { return r.Shape == code }) {
		t.Errorf("%s: %s is not among the operation's modelled errors", opName, code)
	}
	sh := m.Shape(code)
	if sh == nil || !sh.Exception || sh.Error == nil {
		t.Fatalf("%s: %s is not an error shape", opName, code)
	}
	if a.Status != sh.Error.HTTPStatusCode {
		t.Errorf("%s: %s with status %d, model says %d", opName, code, a.Status, sh.Error.HTTPStatusCode)
	}
	delete(obj, "__type")
	c := &model.Checker{Model: m}
	c.Struct(opName+"!"+code, code, obj)
	for _, p := range c.Problems {
		t.Errorf("%s", p)
	}
	return obj
}
