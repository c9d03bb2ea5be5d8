package agent

import (
	"net/http"
	"strings"
	"testing"

	"agentcore-workshop/internal/agent/agentpy"
)

func startWithSpec(t *testing.T, spec agentpy.Spec, env map[string]string, tokens TokenSource) *harness {
	t.Helper()
	srv, err := Start(t.Context(), Config{Addr: "127.0.0.1:0", RuntimeName: "r", Region: "us-west-2", Tokens: tokens, Spec: &spec, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &harness{srv: srv}
}

func askExternal(t *testing.T, h *harness) string {
	t.Helper()
	resp, b := h.invoke(t, invokeOpts{body: `{"prompt": "call the external service"}`,
		headers: map[string]string{hdrWATNew: "wat", hdrSessionID: sessionID}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	return decodeReply(t, b).Response
}

// os.environ["X"] of a variable the runtime does not set fails the tool
// with Python's KeyError, before any token request.
func TestSpecRequiredProviderVariableUnset(t *testing.T) {
	src := &recordingSource{}
	h := startWithSpec(t, agentpy.Spec{Decorated: true, ProviderEnv: "CREDENTIAL_PROVIDER", ProviderEnvRequired: true}, map[string]string{}, src)
	if got := askExternal(t, h); !strings.Contains(got, "KeyError: 'CREDENTIAL_PROVIDER'") {
		t.Errorf("answer %q", got)
	}
	if len(src.requests()) != 0 {
		t.Errorf("asked for a token without a provider name: %+v", src.requests())
	}
}

// Without @requires_access_token there is nothing to ask for a token with.
func TestSpecWithoutDecorator(t *testing.T) {
	h := startWithSpec(t, agentpy.Spec{}, nil, &recordingSource{})
	if got := askExternal(t, h); !strings.Contains(got, "no @requires_access_token") {
		t.Errorf("answer %q", got)
	}
}

// Only the tools agent.py gives the Agent are used.
func TestSpecTools(t *testing.T) {
	h := startWithSpec(t, agentpy.Spec{Decorated: true, ProviderName: "P", Tools: []string{"calculator"}}, nil, &recordingSource{})
	resp, b := h.invoke(t, invokeOpts{body: `{"prompt": "weather in Seattle"}`})
	if r := decodeReply(t, b); resp.StatusCode != http.StatusOK || r.Tool != nil {
		t.Errorf("weather without the weather tool: %d tool %v", resp.StatusCode, r.Tool)
	}
	resp, b = h.invoke(t, invokeOpts{body: `{"prompt": "what is 2+3"}`})
	if r := decodeReply(t, b); resp.StatusCode != http.StatusOK || r.Tool == nil || *r.Tool != toolCalculator {
		t.Errorf("calculator: %d %s", resp.StatusCode, b)
	}
}

// A model the region cannot serve fails every invocation the way the
// container's uncaught ValidationException would: HTTP 500 {"error": ...}.
func TestSpecModelOfAnotherGeography(t *testing.T) {
	h := startWithSpec(t, agentpy.Spec{ModelID: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"}, nil, nil)
	resp, b := h.invoke(t, invokeOpts{body: `{"prompt": "what is 2+3"}`})
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(b), "ValidationException") ||
		!strings.Contains(string(b), "The provided model identifier is invalid.") {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}
