// Package modeltest holds a sandbox service's answers to its model in
// tests: a Recorder sits under a real aws-sdk-go-v2 client and keeps every
// answer with the operation it answered, and Check walks each success
// against the operation's output shape (and output headers).
package modeltest

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"

	"agentcore-workshop/internal/sandbox/model"
)

// Answer is one recorded HTTP answer.
type Answer struct {
	Op     string // the SDK operation that sent the request
	Status int
	Header http.Header
	Body   []byte
}

// Recorder is an aws.HTTPClient that passes requests to Next (a plain
// client when nil) and keeps every answer.
type Recorder struct {
	Next interface {
		Do(*http.Request) (*http.Response, error)
	}
	mu      sync.Mutex
	answers []Answer
}

// Do sends req and records the answer; the SDK still reads the body.
func (r *Recorder) Do(req *http.Request) (*http.Response, error) {
	next := r.Next
	if next == nil {
		next = http.DefaultClient
	}
	resp, err := next.Do(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.answers = append(r.answers, Answer{Op: awsmiddleware.GetOperationName(req.Context()), Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body})
	r.mu.Unlock()
	return resp, nil
}

// Answers returns what has been recorded so far.
func (r *Recorder) Answers() []Answer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.answers)
}

// Check holds every successful answer to its operation's output shape and
// fails t for each disagreement. It returns the operations that answered
// successfully at least once. exempt is as model.Checker's.
func Check(t testing.TB, m *model.Model, answers []Answer, exempt map[string]string) map[string]bool {
	t.Helper()
	ok := map[string]bool{}
	proto := m.Metadata().Protocol
	for _, a := range answers {
		op := m.Op(a.Op)
		if op == nil {
			t.Errorf("%s: the sandbox answered an operation its model subset does not list", a.Op)
			continue
		}
		if a.Status >= 300 {
			continue
		}
		want := op.HTTP.ResponseCode
		if want == 0 {
			want = http.StatusOK
		}
		if a.Status != want {
			t.Errorf("%s: status %d, model says %d", a.Op, a.Status, want)
		}
		ok[a.Op] = true
		c := &model.Checker{Model: m, Exempt: exempt}
		switch proto {
		case "json", "rest-json":
			c.JSONOutput(a.Op, a.Body)
		default:
			c.XMLOutput(a.Op, a.Body)
		}
		if (proto == "rest-json" || proto == "rest-xml") && op.Output != nil {
			c.Headers(a.Op, op.Output.Shape, a.Header)
		}
		for _, p := range c.Problems {
			t.Errorf("%s", p)
		}
	}
	return ok
}

// CheckAll is Check, and also fails t for every operation of the model
// subset that never answered successfully: a served operation must be
// exercised.
func CheckAll(t testing.TB, m *model.Model, answers []Answer, exempt map[string]string) {
	t.Helper()
	ok := Check(t, m, answers, exempt)
	for _, op := range m.Operations() {
		if !ok[op] {
			t.Errorf("operation %s is in the %s subset but was not exercised successfully", op, m.Name())
		}
	}
}
