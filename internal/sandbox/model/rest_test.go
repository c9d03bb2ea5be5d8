package model

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// DecodeREST places each member where the model says it travels, so a
// restJson service validates a request with two calls.
func TestDecodeREST(t *testing.T) {
	check := func(m *Model, op string, r *http.Request, body, want string) {
		t.Helper()
		in, err := m.DecodeREST(op, r, []byte(body))
		got := ""
		if err == nil {
			err = m.CheckInput(op, in)
		}
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s %s:\ngot  %s\nwant %s", op, r.URL, got, want)
		}
	}
	check(AgentCoreControl, "GetAgentRuntime", httptest.NewRequest("GET", "/runtimes/my_agent-AbCdEf1234/?version=1", nil), "", "")
	check(AgentCoreControl, "GetAgentRuntime", httptest.NewRequest("GET", "/runtimes/no_suffix/?version=0", nil), "",
		"2 validation errors detected: Value 'no_suffix' at 'agentRuntimeId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}; "+
			"Value '0' at 'agentRuntimeVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ([1-9][0-9]{0,4})")
	check(AgentCoreControl, "ListAgentRuntimes", httptest.NewRequest("POST", "/runtimes/?maxResults=101", nil), "",
		"1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100, inclusive")
	check(AgentCoreControl, "ListAgentRuntimes", httptest.NewRequest("POST", "/runtimes/?maxResults=many", nil), "",
		`Unexpected type for member "maxResults": got "many", expected integer.`)
	check(AgentCoreControl, "CreateWorkloadIdentity", httptest.NewRequest("POST", "/identities/CreateWorkloadIdentity", nil), `{"name":"ab"}`,
		"1 validation error detected: Value 'ab' at 'name' failed to satisfy constraint: Member must have length between 3 and 255, inclusive")

	arn := "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my_agent-AbCdEf1234"
	inv := httptest.NewRequest("POST", "/runtimes/"+strings.ReplaceAll(arn, ":", "%3A")+"/invocations?qualifier=DEFAULT", nil)
	inv.Header.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "short")
	check(AgentCoreData, "InvokeAgentRuntime", inv, `{"prompt":"hi"}`,
		"1 validation error detected: Value 'short' at 'runtimeSessionId' failed to satisfy constraint: Member must have length between 33 and 256, inclusive")
	in, err := AgentCoreData.DecodeREST("InvokeAgentRuntime", inv, []byte(`{"prompt":"hi"}`))
	if err != nil || in["agentRuntimeArn"] != arn || in["qualifier"] != "DEFAULT" || in["payload"] != `{"prompt":"hi"}` {
		t.Errorf("InvokeAgentRuntime decoded as %v (%v)", in, err)
	}
	// The SDKs escape the whole ARN, slash included.
	esc := httptest.NewRequest("POST", "/runtimes/"+strings.NewReplacer(":", "%3A", "/", "%2F").Replace(arn)+"/invocations", nil)
	if in, err := AgentCoreData.DecodeREST("InvokeAgentRuntime", esc, nil); err != nil || in["agentRuntimeArn"] != arn {
		t.Errorf("escaped ARN decoded as %v (%v)", in, err)
	}
	if _, err := AgentCoreControl.DecodeREST("GetAgentRuntime", httptest.NewRequest("GET", "/other/x/", nil), nil); err == nil {
		t.Error("a path that does not fit the template decoded")
	}
}
