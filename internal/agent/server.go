package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/sandbox/clock"
)

// Headers the runtime sets on every request to the container (facts §8, §9).
const (
	hdrSessionID   = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
	hdrRequestID   = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"
	hdrWATNew      = "X-Amz-Bedrock-AgentCore-Identity-WAT" // read first, like newer SDKs
	hdrWATOld      = "WorkloadAccessToken"
	hdrCallbackURL = "OAuth2CallbackUrl"
)

// maxPayload caps a request body. AWS allows 100 MB; a prompt for a rule-based
// agent never needs more than this, and the cap keeps a stray upload from
// filling memory.
const maxPayload = 1 << 20

// status tracks whether an invocation is in flight, for /ping. The runtime's
// idle reaper reads time_of_last_update, so it moves only when the status
// changes, as in the Python SDK.
type status struct {
	clock clock.Clock

	mu       sync.Mutex
	inFlight int
	changed  time.Time
}

func (s *status) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight == 0 {
		s.changed = s.clock.Now()
	}
	s.inFlight++
}

func (s *status) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if s.inFlight == 0 {
		s.changed = s.clock.Now()
	}
}

func (s *status) snapshot() (busy bool, changed time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight > 0, s.changed
}

// handler is the container's HTTP surface.
type handler struct {
	log       *slog.Logger
	tokens    TokenSource
	behaviour behaviour
	status    *status
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/ping":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, "GET")
			return
		}
		h.ping(w)
	case "/invocations":
		if r.Method != http.MethodPost {
			methodNotAllowed(w, "POST")
			return
		}
		h.invoke(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not Found"})
	}
}

type pingReply struct {
	Status           string `json:"status"`
	TimeOfLastUpdate int64  `json:"time_of_last_update"`
}

func (h *handler) ping(w http.ResponseWriter) {
	busy, changed := h.status.snapshot()
	st := "Healthy"
	if busy {
		st = "HealthyBusy"
	}
	writeJSON(w, http.StatusOK, pingReply{Status: st, TimeOfLastUpdate: changed.Unix()})
}

// invokeReply is the body of a successful invocation.
type invokeReply struct {
	Response  string  `json:"response"`
	Tool      *string `json:"tool"` // null when no tool ran (the help answer)
	SessionID string  `json:"session_id"`
	StandIn   bool    `json:"stand_in"`
	// ExternalService is the external-service tool's result, as the
	// workshop's agent.py returns it; absent when that tool did not run.
	ExternalService *Outcome `json:"external_service,omitempty"`
}

func (h *handler) invoke(w http.ResponseWriter, r *http.Request) {
	h.status.begin()
	defer h.status.end()

	// The body's Content-Type is not checked: the Go SDK sends
	// application/octet-stream, the toolkits application/json, and the
	// Python SDK parses the body as JSON either way.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorReply{Error: "Payload too large",
				Details: fmt.Sprintf("the stand-in agent accepts at most %d bytes", maxPayload)})
			return
		}
		h.log.Debug("agent: read invocation body", "err", err)
		writeJSON(w, http.StatusBadRequest, errorReply{Error: "Could not read request body", Details: err.Error()})
		return
	}
	prompt, perr := parsePrompt(body)
	if perr != nil {
		writeJSON(w, http.StatusBadRequest, perr)
		return
	}

	req := TokenRequest{
		WorkloadToken: firstNonEmpty(r.Header.Get(hdrWATNew), r.Header.Get(hdrWATOld)),
		SessionID:     r.Header.Get(hdrSessionID),
		CallbackURL:   r.Header.Get(hdrCallbackURL),
	}
	if h.behaviour.consent.ForceAuthentication != agentpy.ForceNever {
		// The payload parsed as a JSON object above; agent.py reads its
		// force key with bool(payload.get(key)).
		var payload map[string]any
		_ = json.Unmarshal(body, &payload)
		req.ForceAuthentication = h.behaviour.consent.Forces(payload)
	}
	if h.behaviour.modelErr != nil {
		// The container's first model call fails; BedrockAgentCoreApp
		// answers an uncaught exception with 500 {"error": str(e)}.
		h.log.Error("agent: model call failed", "err", h.behaviour.modelErr)
		writeJSON(w, http.StatusInternalServerError, errorReply{Error: h.behaviour.modelErr.Error()})
		return
	}
	rt := routePrompt(prompt)
	if h.behaviour.tools != nil && rt.intent != intentHelp && !h.behaviour.tools[rt.intent] {
		rt = route{intent: intentHelp}
	}
	text, tool, ext, err := answer(r.Context(), rt, h.tokens, req)
	if err != nil {
		// Only a vanished caller gets here; there is no one to answer.
		h.log.Debug("agent: invocation abandoned", "session", req.SessionID, "err", err)
		return
	}
	// Never log the token itself: it is a credential.
	h.log.Info("agent: invocation", "session", req.SessionID, "request_id", r.Header.Get(hdrRequestID),
		"tool", tool, "workload_token", req.WorkloadToken != "")

	reply := invokeReply{Response: text + "\n\n" + standInNote, SessionID: req.SessionID, StandIn: true, ExternalService: ext}
	if tool != "" {
		reply.Tool = &tool
	}
	if wantsEventStream(r.Header.Values("Accept")) {
		writeEvent(w, reply)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

// errorReply is the Python SDK's 400 body shape.
type errorReply struct {
	Error   string `json:"error"`
	Details string `json:"details,omitempty"`
}

// parsePrompt extracts the prompt from an invocation payload.
func parsePrompt(body []byte) (string, *errorReply) {
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(body, &payload); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return "", &errorReply{Error: "Payload must be a JSON object", Details: `expected {"prompt": "..."}`}
		}
		return "", &errorReply{Error: "Invalid JSON", Details: err.Error()}
	}
	if payload == nil { // the body was the literal null
		return "", &errorReply{Error: "Payload must be a JSON object", Details: `expected {"prompt": "..."}`}
	}
	raw, ok := payload["prompt"]
	if !ok {
		return "", &errorReply{Error: `Missing "prompt" in payload`, Details: `expected {"prompt": "..."}`}
	}
	var prompt string
	if err := json.Unmarshal(raw, &prompt); err != nil || string(raw) == "null" {
		return "", &errorReply{Error: `"prompt" must be a string`, Details: `expected {"prompt": "..."}`}
	}
	if strings.TrimSpace(prompt) == "" {
		return "", &errorReply{Error: `"prompt" is empty`, Details: "ask a question, e.g. what is 2+3*4"}
	}
	return prompt, nil
}

// wantsEventStream picks SSE only when the caller prefers it to JSON. The
// real SDK streams only for generator entrypoints and the tutorial's agent is
// not one, so "text/event-stream, application/json" (what the toolkits send)
// still gets JSON, while "text/event-stream" alone gets one SSE frame.
func wantsEventStream(accept []string) bool {
	sse, jsonQ := -1.0, -1.0
	for _, line := range accept {
		for _, part := range strings.Split(line, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			switch mt {
			case "text/event-stream":
				sse = max(sse, q)
			case "application/json", "application/*", "*/*":
				jsonQ = max(jsonQ, q)
			}
		}
	}
	return sse > 0 && sse > jsonQ
}

func writeEvent(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "data: %s\n\n", b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"could not encode reply"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "Method Not Allowed"})
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
