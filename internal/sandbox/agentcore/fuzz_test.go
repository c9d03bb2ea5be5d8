package agentcore

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox/model"
)

// modelPattern compiles a control-plane shape's pattern, anchored.
func modelPattern(shape string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + model.AgentCoreControl.Shape(shape).Pattern + `)$`)
}

// FuzzParsePath feeds arbitrary escaped paths to the router: it must never
// panic, and an invoke route must round-trip the runtime segment.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"/runtimes/", "/runtimes/my_agent-AbCdEf1234/", "/runtimes/my_agent-AbCdEf1234/runtime-endpoints/DEFAULT/",
		"/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-west-2%3A123456789012%3Aruntime%2Fmy_agent-AbCdEf1234/invocations",
		"/identities/GetWorkloadAccessToken", "/runtimes/%zz/invocations", "//", "/runtimes//invocations",
	} {
		f.Add(s)
	}
	reRuntimeID := modelPattern("AgentRuntimeId")
	f.Fuzz(func(t *testing.T, p string) {
		rt, ok := parsePath(p)
		if !ok {
			return
		}
		if rt.kind == opInvoke {
			seg := url.PathEscape(rt.runtime)
			again, ok := parsePath("/runtimes/" + seg + "/invocations")
			if !ok || again.kind != opInvoke || again.runtime != rt.runtime {
				t.Fatalf("round trip of %q: %+v %v", rt.runtime, again, ok)
			}
		}
		if ref, ok := parseRuntimeRef(rt.runtime); ok {
			if !reRuntimeID.MatchString(ref.id) || strings.Contains(ref.id, "/") {
				t.Fatalf("runtime ref %q yields id %q", rt.runtime, ref.id)
			}
		}
	})
}

// FuzzValidateRuntime feeds arbitrary bodies to the create decoder and
// validator: never a panic, a refusal is a 400 ValidationException, and a
// body it accepts yields a config with the required members set.
func FuzzValidateRuntime(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"agentRuntimeName":"a","roleArn":"arn:aws:iam::123456789012:role/r","agentRuntimeArtifact":{"containerConfiguration":{"containerUri":"123456789012.dkr.ecr.us-west-2.amazonaws.com/a:b"}}}`,
		`{"agentRuntimeName":"a","roleArn":"arn:aws:iam::123456789012:role/r","agentRuntimeArtifact":{"codeConfiguration":{"code":{"s3":{"bucket":"bkt"}},"runtime":"PYTHON_3_11","entryPoint":["agent.py"]}},"authorizerConfiguration":{"customJWTAuthorizer":{"discoveryUrl":"http://x/.well-known/openid-configuration","allowedClients":["c"]}}}`,
		`{"agentRuntimeArtifact":null,"networkConfiguration":{"networkMode":"VPC"},"lifecycleConfiguration":{"maxLifetime":1}}`,
		`{"authorizerConfiguration":{"customJWTAuthorizer":{}},"protocolConfiguration":{"serverProtocol":"MCP","port":8443}}`,
	} {
		f.Add(s)
	}
	reRuntimeName, reContainerURI := modelPattern("AgentRuntimeName"), modelPattern("RuntimeContainerUri")
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		spec, ok := decodeRuntime(w, httptest.NewRequest("PUT", "/runtimes/", strings.NewReader(body)), "CreateAgentRuntime")
		if !ok {
			if w.Code != 400 || w.Header().Get("X-Amzn-ErrorType") != "ValidationException" {
				t.Fatalf("refusal %d %s", w.Code, w.Body)
			}
			return
		}
		if !reRuntimeName.MatchString(spec.Name) || spec.Config.RoleArn == "" || len(spec.Config.Artifact) == 0 {
			t.Fatalf("accepted an invalid body %q", body)
		}
		if spec.ContainerURI != "" && !reContainerURI.MatchString(spec.ContainerURI) {
			t.Fatalf("accepted container uri %q", spec.ContainerURI)
		}
	})
}
