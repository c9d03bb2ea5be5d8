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

// The tool asks for a new consent (forceAuthentication) exactly when
// agent.py's force_authentication says so for this invocation: per call
// from the payload key the entrypoint reads, as the workshop's agent.py
// does, always, or never.
func TestSpecForceAuthentication(t *testing.T) {
	const fresh = `{"prompt": "call the external service", "force_consent": true}`
	const plain = `{"prompt": "call the external service"}`
	for _, c := range []struct {
		name  string
		spec  *agentpy.Spec // nil: the shipped agent.py
		body  string
		force bool
	}{
		{"shipped agent, flag set", nil, fresh, true},
		{"shipped agent, no flag", nil, plain, false},
		{"shipped agent, flag false", nil, `{"prompt": "call the external service", "force_consent": false}`, false},
		{"per call from another key", &agentpy.Spec{ForceAuthentication: agentpy.ForcePerCall, ForceKey: "again"}, `{"prompt": "call the external service", "again": 1}`, true},
		{"per call, the key agent.py does not read", &agentpy.Spec{ForceAuthentication: agentpy.ForcePerCall, ForceKey: "again"}, fresh, false},
		{"force_authentication=False", &agentpy.Spec{}, fresh, false},
		{"force_authentication=True", &agentpy.Spec{ForceAuthentication: agentpy.ForceAlways}, plain, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := &recordingSource{result: TokenResult{AuthorizationURL: "http://127.0.0.1:1/identities/oauth2/authorize?request_uri=x"}}
			cfg := Config{Addr: "127.0.0.1:0", RuntimeName: "r", Region: "us-west-2", Tokens: src, Env: map[string]string{}}
			if c.spec != nil {
				spec := *c.spec
				spec.Decorated, spec.ProviderName = true, "P"
				cfg.Spec = &spec
			}
			srv, err := Start(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			h := &harness{srv: srv}
			resp, b := h.invoke(t, invokeOpts{body: c.body, headers: map[string]string{hdrWATNew: "wat", hdrSessionID: sessionID}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			got := src.requests()
			if len(got) != 1 || got[0].ForceAuthentication != c.force {
				t.Errorf("token requests %+v, want one with ForceAuthentication %v", got, c.force)
			}
		})
	}
}
