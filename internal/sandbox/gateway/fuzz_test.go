package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/store"
)

// FuzzParsePath feeds arbitrary escaped paths to the router: never a
// panic, and what it parses round-trips.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/gateways/", "/gateways/gw-abcdefghij/", "/gateways/gw-abcdefghij/targets/", "/gateways/gw-abcdefghij/targets/ABCDEFGHIJ/",
		"/gateways/gw-abcdefghij/mcp", "/gateways//mcp", "/gateways/%zz/", "/gatewaysx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rt, ok := parsePath(p)
		if !ok || rt.gateway == "" {
			return
		}
		again := "/gateways/" + url.PathEscape(rt.gateway)
		switch {
		case rt.mcp:
			again += "/mcp"
		case rt.targets:
			again += "/targets/"
		case rt.target != "":
			again += "/targets/" + url.PathEscape(rt.target) + "/"
		}
		if rt2, ok := parsePath(again); !ok || rt2 != rt {
			t.Fatalf("%q parsed as %+v, its rebuild %q as %+v", p, rt, again, rt2)
		}
	})
}

// newFuzzService is the service with one READY gateway without an
// authorizer and one READY Lambda target.
func newFuzzService(t testing.TB) (*Service, string) {
	st, err := store.New("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(edge.Deps{URL: "http://127.0.0.1:1", Region: "us-west-2", AccountID: "123456789012", Store: st, Clock: clock.System{}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.CreateGateway(gatewaySpec{Name: "fuzz", Config: gatewayConfig{RoleArn: "arn:aws:iam::123456789012:role/r", AuthorizerType: "NONE"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateGatewayTarget(g.ID, targetSpec{Name: "T", LambdaARN: "arn:aws:lambda:us-west-2:123456789012:function:f",
		Tools: []Tool{{Name: "get_time", Description: "time", InputSchema: json.RawMessage(`{"type":"object"}`)}}}); err != nil {
		t.Fatal(err)
	}
	return s, g.ID
}

// FuzzControlPlane sends arbitrary bodies to every control-plane write:
// the answer is an AWS error shape or a success, never a 5xx.
func FuzzControlPlane(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `{"name":"a","roleArn":"arn:aws:iam::123456789012:role/r","authorizerType":"CUSTOM_JWT"}`,
		`{"name":"b","roleArn":"arn:aws:iam::123456789012:role/r","authorizerType":"CUSTOM_JWT","authorizerConfiguration":{"customJWTAuthorizer":{"discoveryUrl":"https://x/.well-known/openid-configuration","customClaims":[]}}}`,
		`{"targetConfiguration":{"mcp":{"lambda":{"lambdaArn":"arn:aws:lambda:us-west-2:123456789012:function:f","toolSchema":{"inlinePayload":[{"name":"a","description":"b","inputSchema":{"type":"object"}},{"name":"a","description":"b","inputSchema":{"type":"object"}}]}}}}}`,
		`{"targetConfiguration":{"mcp":{}},"credentialProviderConfigurations":[{}]}`, "\x00", `{"name":1e999}`} {
		f.Add(uint8(0), s)
	}
	s, id := newFuzzService(f)
	f.Fuzz(func(t *testing.T, pick uint8, body string) {
		routes := []struct{ method, path string }{{"POST", "/gateways/"}, {"PUT", "/gateways/" + id + "/"}, {"POST", "/gateways/" + id + "/targets/"}}
		r := routes[int(pick)%len(routes)]
		w := httptest.NewRecorder()
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		switch {
		case r.method == "POST" && r.path == "/gateways/":
			s.createGateway(w, req)
		case r.method == "PUT":
			s.updateGateway(w, req, id)
		default:
			s.createTarget(w, req, id)
		}
		if w.Code >= 500 || w.Code >= 300 && w.Header().Get("X-Amzn-ErrorType") == "" {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, w.Code, w.Body)
		}
	})
}

// FuzzMCP sends arbitrary bodies to an MCP endpoint: never a 5xx, and
// every answer with a body is a JSON-RPC 2.0 message with a result or an
// error.
func FuzzMCP(f *testing.F) {
	for _, s := range []string{`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"T___get_time","arguments":{"timezone":"UTC"}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"T___get_time","arguments":[1]}}`, `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`{"jsonrpc":"1.0","id":1,"method":"x"}`, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, `{`, ``, `{"jsonrpc":"2.0","id":{},"method":"initialize","params":7}`} {
		f.Add(s)
	}
	s, id := newFuzzService(f)
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		s.serveMCP(w, httptest.NewRequest(http.MethodPost, "/gateways/"+id+"/mcp", strings.NewReader(body)), id, false)
		if w.Code >= 500 {
			t.Fatalf("%q: %d %s", body, w.Code, w.Body)
		}
		if w.Body.Len() == 0 {
			if w.Code != http.StatusAccepted {
				t.Fatalf("%q: %d without a body", body, w.Code)
			}
			return
		}
		var msg map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &msg); err != nil || string(msg["jsonrpc"]) != `"2.0"` || (msg["result"] == nil) == (msg["error"] == nil) {
			t.Fatalf("%q: answer %s", body, w.Body)
		}
	})
}
