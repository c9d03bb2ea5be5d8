package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/clock"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// logBuffer is a goroutine-safe sink for the agent's logs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type harness struct {
	srv   *Server
	clock *clock.Fake
	logs  *logBuffer
}

func startAgent(t *testing.T, tokens TokenSource) *harness {
	t.Helper()
	h := &harness{clock: clock.NewFake(t0), logs: &logBuffer{}}
	srv, err := Start(t.Context(), Config{
		Addr:        "127.0.0.1:0",
		RuntimeName: "strands_claude_getting_started_auth",
		Log:         slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Tokens:      tokens,
		Clock:       h.clock,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	h.srv = srv
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return h
}

type invokeOpts struct {
	body        string
	contentType string
	accept      string
	headers     map[string]string
}

func (h *harness) invoke(t *testing.T, o invokeOpts) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+"/invocations", strings.NewReader(o.body))
	if err != nil {
		t.Fatal(err)
	}
	ct := o.contentType
	if ct == "" {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	if o.accept != "" {
		req.Header.Set("Accept", o.accept)
	}
	for k, v := range o.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /invocations: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	return resp, b
}

func (h *harness) ping(t *testing.T) pingReply {
	t.Helper()
	resp, err := http.Get(h.srv.URL + "/ping")
	if err != nil {
		t.Fatalf("GET /ping: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /ping: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var p pingReply
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatalf("decode ping: %v", err)
	}
	return p
}

func decodeReply(t *testing.T, b []byte) invokeReply {
	t.Helper()
	var r invokeReply
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode reply %q: %v", b, err)
	}
	return r
}

const sessionID = "demo_session_0123456789abcdef0123456789abcdef"

func TestPing(t *testing.T) {
	h := startAgent(t, nil)
	got := h.ping(t)
	if got.Status != "Healthy" || got.TimeOfLastUpdate != t0.Unix() {
		t.Errorf("ping = %+v, want Healthy at %d", got, t0.Unix())
	}
	// The raw body has exactly the contract's two fields, the time an integer.
	resp, err := http.Get(h.srv.URL + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 2 || raw["time_of_last_update"] != float64(t0.Unix()) {
		t.Errorf("ping body = %v", raw)
	}
}

// blockingSource holds the external-service tool inside ResourceToken until
// released, so the test can look at /ping while an invocation is in flight.
type blockingSource struct {
	entered chan TokenRequest
	release chan struct{}
	result  TokenResult
	exited  chan error // if set, receives ctx.Err() when the call is cancelled
}

func (b *blockingSource) ResourceToken(ctx context.Context, req TokenRequest) (TokenResult, error) {
	b.entered <- req
	select {
	case <-b.release:
		return b.result, nil
	case <-ctx.Done():
		if b.exited != nil {
			b.exited <- ctx.Err()
		}
		return TokenResult{}, ctx.Err()
	}
}

func TestPingBusyWhileInvoking(t *testing.T) {
	src := &blockingSource{entered: make(chan TokenRequest, 1), release: make(chan struct{}), result: TokenResult{AccessToken: "abc"}}
	h := startAgent(t, src)

	// The request runs in its own goroutine, which must not call t.Fatal;
	// it hands back the body or the error instead.
	type result struct {
		body []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+"/invocations",
			strings.NewReader(`{"prompt":"call the external service"}`))
		if err != nil {
			done <- result{err: err}
			return
		}
		req.Header.Set(hdrWATNew, "wat")
		req.Header.Set(hdrSessionID, sessionID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{body: b, err: err}
	}()
	select {
	case <-src.entered:
	case res := <-done:
		t.Fatalf("invocation finished before reaching the token source: %s %v", res.body, res.err)
	}

	busy := h.ping(t)
	if busy.Status != "HealthyBusy" || busy.TimeOfLastUpdate != t0.Unix() {
		t.Errorf("ping during invocation = %+v, want HealthyBusy at %d", busy, t0.Unix())
	}
	h.clock.Advance(90 * time.Second)
	if again := h.ping(t); again.TimeOfLastUpdate != t0.Unix() {
		t.Errorf("time_of_last_update moved to %d without a status change", again.TimeOfLastUpdate)
	}

	close(src.release)
	res := <-done
	if res.err != nil {
		t.Fatalf("invocation: %v", res.err)
	}
	r := decodeReply(t, res.body)
	if !strings.Contains(r.Response, "Token length: 3 characters") {
		t.Errorf("reply after release = %q", r.Response)
	}
	idle := h.ping(t)
	if idle.Status != "Healthy" || idle.TimeOfLastUpdate != t0.Add(90*time.Second).Unix() {
		t.Errorf("ping after invocation = %+v, want Healthy at %d", idle, t0.Add(90*time.Second).Unix())
	}
}

func TestInvocationIntents(t *testing.T) {
	h := startAgent(t, nil)
	tests := []struct {
		prompt string
		tool   string // "" = null
		want   string
	}{
		{"What is 2+3*4?", toolCalculator, "2+3*4 = 14"},
		{"calculate (10-4)/3", toolCalculator, "(10-4)/3 = 2"},
		{"sqrt 16", toolCalculator, "sqrt 16 = 4"},
		{"what is -2^2 + 0.5", toolCalculator, "-2^2 + 0.5 = -3.5"},
		{"what is 7/0", toolCalculator, "division by zero"},
		{"How is the weather now?", toolWeather, "The weather is currently sunny."},
		{"weather in Seattle", toolWeather, "The weather in Seattle is currently"},
		{"Call the external service", toolExternal, "no workload access token"},
		{"hi there", "", "I can do simple math"},
	}
	for _, tc := range tests {
		body, _ := json.Marshal(map[string]string{"prompt": tc.prompt})
		resp, b := h.invoke(t, invokeOpts{body: string(body), headers: map[string]string{hdrSessionID: sessionID}})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%q: status %d, type %q", tc.prompt, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		r := decodeReply(t, b)
		gotTool := ""
		if r.Tool != nil {
			gotTool = *r.Tool
		}
		if gotTool != tc.tool {
			t.Errorf("%q: tool %q, want %q", tc.prompt, gotTool, tc.tool)
		}
		if !strings.Contains(r.Response, tc.want) {
			t.Errorf("%q: response %q, want it to contain %q", tc.prompt, r.Response, tc.want)
		}
		if !strings.HasSuffix(r.Response, standInNote) || !r.StandIn {
			t.Errorf("%q: reply does not say it comes from the stand-in: %s", tc.prompt, b)
		}
		if r.SessionID != sessionID {
			t.Errorf("%q: session_id %q, want %q", tc.prompt, r.SessionID, sessionID)
		}
	}
}

func TestInvocationHelpHasNullTool(t *testing.T) {
	h := startAgent(t, nil)
	_, b := h.invoke(t, invokeOpts{body: `{"prompt":"hello"}`})
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if v, ok := raw["tool"]; !ok || v != nil {
		t.Errorf("tool = %v (present %v), want JSON null", v, ok)
	}
	if raw["stand_in"] != true || raw["session_id"] != "" {
		t.Errorf("reply = %v", raw)
	}
}

func TestInvocationOctetStream(t *testing.T) {
	// The Go SDK sends the payload as application/octet-stream.
	h := startAgent(t, nil)
	resp, b := h.invoke(t, invokeOpts{body: `{"prompt":"what is 6*7"}`, contentType: "application/octet-stream"})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(decodeReply(t, b).Response, "6*7 = 42") {
		t.Errorf("octet-stream invocation: %d %s", resp.StatusCode, b)
	}
}

func TestInvocationBadInput(t *testing.T) {
	h := startAgent(t, nil)
	tests := []struct {
		body   string
		status int
		err    string
	}{
		{`{"prompt": "x"`, http.StatusBadRequest, "Invalid JSON"},
		{`not json`, http.StatusBadRequest, "Invalid JSON"},
		{``, http.StatusBadRequest, "Invalid JSON"},
		{`{"prompt":"x"} trailing`, http.StatusBadRequest, "Invalid JSON"},
		{`["prompt"]`, http.StatusBadRequest, "Payload must be a JSON object"},
		{`"what is 2+2"`, http.StatusBadRequest, "Payload must be a JSON object"},
		{`null`, http.StatusBadRequest, "Payload must be a JSON object"},
		{`{}`, http.StatusBadRequest, `Missing "prompt" in payload`},
		{`{"input":"what is 2+2"}`, http.StatusBadRequest, `Missing "prompt" in payload`},
		{`{"prompt":42}`, http.StatusBadRequest, `"prompt" must be a string`},
		{`{"prompt":null}`, http.StatusBadRequest, `"prompt" must be a string`},
		{`{"prompt":"   "}`, http.StatusBadRequest, `"prompt" is empty`},
		{`{"prompt":"` + strings.Repeat("a", maxPayload) + `"}`, http.StatusRequestEntityTooLarge, "Payload too large"},
	}
	for _, tc := range tests {
		resp, b := h.invoke(t, invokeOpts{body: tc.body})
		var e errorReply
		if err := json.Unmarshal(b, &e); err != nil {
			t.Errorf("body %.40q: reply is not JSON: %q", tc.body, b)
			continue
		}
		if resp.StatusCode != tc.status || e.Error != tc.err {
			t.Errorf("body %.40q: %d %+v, want %d %q", tc.body, resp.StatusCode, e, tc.status, tc.err)
		}
		if tc.err == "Invalid JSON" && e.Details == "" {
			t.Errorf("body %.40q: Invalid JSON without details", tc.body)
		}
	}
	// Bad input leaves the agent idle and healthy.
	if p := h.ping(t); p.Status != "Healthy" {
		t.Errorf("ping after bad input = %+v", p)
	}
}

func TestRoutingErrors(t *testing.T) {
	h := startAgent(t, nil)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/invocations", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPost, "/ping", http.StatusMethodNotAllowed, "GET"},
		{http.MethodGet, "/", http.StatusNotFound, ""},
		{http.MethodPost, "/ws", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		req, _ := http.NewRequestWithContext(t.Context(), tc.method, h.srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e errorReply
		derr := json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tc.status || derr != nil || e.Error == "" || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d allow %q error %q (%v)", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), e.Error, derr)
		}
	}
}

func TestInvocationEventStream(t *testing.T) {
	h := startAgent(t, nil)
	body := `{"prompt":"what is 2+3*4"}`
	hdr := map[string]string{hdrSessionID: sessionID}

	resp, b := h.invoke(t, invokeOpts{body: body, accept: "text/event-stream", headers: hdr})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("SSE: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	frame := string(b)
	payload, ok := strings.CutPrefix(frame, "data: ")
	if !ok || !strings.HasSuffix(frame, "\n\n") || strings.Count(frame, "\n") != 2 {
		t.Fatalf("SSE body %q is not one data frame", frame)
	}
	r := decodeReply(t, []byte(strings.TrimSuffix(payload, "\n\n")))
	if !strings.HasPrefix(r.Response, "2+3*4 = 14") || r.Tool == nil || *r.Tool != toolCalculator || r.SessionID != sessionID {
		t.Errorf("SSE reply = %+v", r)
	}

	// What the toolkits send: both, equally preferred. The tutorial's
	// entrypoint is not a generator, so the real SDK answers JSON.
	for _, accept := range []string{"text/event-stream, application/json", "application/json", "*/*", "text/event-stream;q=0.5, application/json"} {
		resp, b := h.invoke(t, invokeOpts{body: body, accept: accept})
		if resp.Header.Get("Content-Type") != "application/json" || !json.Valid(b) {
			t.Errorf("Accept %q: got %q %q, want JSON", accept, resp.Header.Get("Content-Type"), b)
		}
	}
	resp, _ = h.invoke(t, invokeOpts{body: body, accept: "application/json;q=0.1, text/event-stream"})
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("SSE preferred by q: got %q", resp.Header.Get("Content-Type"))
	}
}

// recordingSource remembers what the external-service tool asked for and
// answers with a fixed result.
type recordingSource struct {
	mu     sync.Mutex
	got    []TokenRequest
	result TokenResult
	err    error
}

func (r *recordingSource) ResourceToken(_ context.Context, req TokenRequest) (TokenResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, req)
	return r.result, r.err
}

func (r *recordingSource) requests() []TokenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]TokenRequest(nil), r.got...)
}

func TestExternalServiceHeaders(t *testing.T) {
	const callback = "http://localhost:8081/oauth2/callback"
	tests := []struct {
		name    string
		headers map[string]string
		wantWAT string
	}{
		{"new header preferred", map[string]string{hdrWATNew: "wat-new", hdrWATOld: "wat-old"}, "wat-new"},
		{"old header alone", map[string]string{hdrWATOld: "wat-old"}, "wat-old"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &recordingSource{result: TokenResult{AccessToken: strings.Repeat("t", 1234)}}
			h := startAgent(t, src)
			hdr := map[string]string{hdrSessionID: sessionID, hdrCallbackURL: callback, hdrRequestID: "req-1"}
			for k, v := range tc.headers {
				hdr[k] = v
			}
			_, b := h.invoke(t, invokeOpts{body: `{"prompt":"Call the external service"}`, headers: hdr})
			r := decodeReply(t, b)
			want := TokenRequest{WorkloadToken: tc.wantWAT, SessionID: sessionID, CallbackURL: callback}
			if got := src.requests(); len(got) != 1 || got[0] != want {
				t.Fatalf("token requests = %+v, want [%+v]", got, want)
			}
			if !strings.Contains(r.Response, "Token length: 1234 characters") || !strings.Contains(r.Response, sessionID) {
				t.Errorf("reply = %q", r.Response)
			}
			logs := h.logs.String()
			if strings.Contains(logs, "wat-new") || strings.Contains(logs, "wat-old") || strings.Contains(logs, strings.Repeat("t", 1234)) {
				t.Errorf("a token reached the logs: %s", logs)
			}
			if !strings.Contains(logs, `"request_id":"req-1"`) || !strings.Contains(logs, `"workload_token":true`) {
				t.Errorf("invocation not logged with its request id: %s", logs)
			}
		})
	}
}

func TestExternalServiceOutcomes(t *testing.T) {
	const authURL = "http://127.0.0.1:4566/identities/oauth2/authorize?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
	tests := []struct {
		name   string
		src    TokenSource
		wat    bool
		want   []string
		called bool
	}{
		{"no workload token", &recordingSource{}, false, []string{"no workload access token", "X-Amzn-Bedrock-AgentCore-Runtime-User-Id", "bearer token"}, false},
		{"not connected", nil, true, []string{"not connected in this version", sessionID}, false},
		{"consent needed", &recordingSource{result: TokenResult{AuthorizationURL: authURL}}, true, []string{"Authorization required", authURL, "same session ID (" + sessionID + ")"}, true},
		{"identity error", &recordingSource{err: errors.New("ResourceNotFoundException: provider missing")}, true, []string{"Failed to authenticate", "provider missing"}, true},
		{"empty result", &recordingSource{}, true, []string{"did not return a token or an authorization URL"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := startAgent(t, tc.src)
			hdr := map[string]string{hdrSessionID: sessionID}
			if tc.wat {
				hdr[hdrWATNew] = "wat"
			}
			resp, b := h.invoke(t, invokeOpts{body: `{"prompt":"show my profile from the external service"}`, headers: hdr})
			r := decodeReply(t, b)
			if resp.StatusCode != http.StatusOK || r.Tool == nil || *r.Tool != toolExternal {
				t.Fatalf("status %d reply %s", resp.StatusCode, b)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Response, w) {
					t.Errorf("reply %q lacks %q", r.Response, w)
				}
			}
			if rec, ok := tc.src.(*recordingSource); ok && (len(rec.requests()) > 0) != tc.called {
				t.Errorf("token source called %d times, want called=%v", len(rec.requests()), tc.called)
			}
		})
	}
}

func TestStartErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if srv, err := Start(ctx, Config{Addr: "127.0.0.1:0"}); err == nil {
		srv.Close()
		t.Error("Start with a cancelled context succeeded")
	}
	h := startAgent(t, nil)
	addr := strings.TrimPrefix(h.srv.URL, "http://")
	if srv, err := Start(t.Context(), Config{Addr: addr, RuntimeName: "dup"}); err == nil {
		srv.Close()
		t.Errorf("Start on the busy address %s succeeded", addr)
	} else if !strings.Contains(err.Error(), `"dup"`) {
		t.Errorf("Start error %q does not name the runtime", err)
	}
}

func TestStartDefaults(t *testing.T) {
	srv, err := Start(t.Context(), Config{}) // no address, logger, tokens or clock
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want loopback", srv.URL)
	}
	resp, err := http.Get(srv.URL + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	var p pingReply
	json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if now := time.Now().Unix(); p.Status != "Healthy" || p.TimeOfLastUpdate > now || p.TimeOfLastUpdate < now-60 {
		t.Errorf("ping with the wall clock = %+v", p)
	}
}

func TestCloseStopsServing(t *testing.T) {
	srv, err := Start(t.Context(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if resp, err := http.Get(srv.URL + "/ping"); err == nil {
		resp.Body.Close()
		t.Error("ping after Close succeeded")
	}
}

func TestCloseCancelsStuckInvocation(t *testing.T) {
	src := &blockingSource{entered: make(chan TokenRequest, 1), release: make(chan struct{}), exited: make(chan error, 1)}
	srv, err := Start(t.Context(), Config{Tokens: src})
	if err != nil {
		t.Fatal(err)
	}
	srv.grace = 50 * time.Millisecond // the stuck call never finishes on its own

	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/invocations",
			strings.NewReader(`{"prompt":"call the external service"}`))
		req.Header.Set(hdrWATNew, "wat")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-src.entered
	if err := srv.Close(); err != nil {
		t.Errorf("Close with a stuck invocation: %v", err)
	}
	if err := <-errc; err == nil {
		t.Error("the stuck invocation got a reply; want its connection closed")
	}
	if err := <-src.exited; !errors.Is(err, context.Canceled) {
		t.Errorf("the stuck token call ended with %v, want context.Canceled", err)
	}
}

func BenchmarkInvocation(b *testing.B) {
	srv, err := Start(b.Context(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	body := []byte(`{"prompt":"what is (10-4)/3 * 2^3"}`)
	for b.Loop() {
		resp, err := http.Post(srv.URL+"/invocations", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
