package agentcore_test

// A conformance test driven by the official service models (the model
// package's embedded subsets of botocore's bedrock-agentcore-control and
// bedrock-agentcore, walked by its Checker). Every request below is built from the model: the
// method and URI template from the operation's http block, each input
// member placed where its location says (uri, querystring, header, body).
// Every answer is then checked against the model: the success status code,
// the output shape (required members present, JSON types, timestamp
// formats, enums, patterns, lengths, union arity, no members the model does
// not define), and for errors the error shape, its status, and that the
// operation lists it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/authorizer/authztest"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// loadModel returns the sandbox's embedded subset of the named model (the
// model package's, which also validates the sandbox's input).
func loadModel(t *testing.T, name string) *model.Model {
	t.Helper()
	for _, m := range []*model.Model{model.AgentCoreControl, model.AgentCoreData} {
		if m.Name() == name {
			return m
		}
	}
	t.Fatalf("no model subset %s", name)
	return nil
}

// ---- driving the sandbox from the model ----

// call is one request built from the model: the operation, and its input
// members by model member name.
type call struct {
	op     string
	params map[string]any
}

type answer = modeltest.Reply

// send builds the HTTP request for c from the model and sends it SigV4-signed.
func send(t *testing.T, h *harness, m *model.Model, c call) answer {
	t.Helper()
	req, payload := modeltest.RESTRequest(t, m, h.url, modeltest.Call{Op: c.op, Params: c.params})
	resp := sigv4Do(t, req, payload, h.creds, region)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// gatewayOp reports an operation of the gateway control plane: the shared
// model subset lists it, but package gateway serves it.
func gatewayOp(m *model.Model, name string) bool {
	return strings.HasPrefix(m.Op(name).HTTP.RequestURI, "/gateways/")
}

var (
	checkOutput = modeltest.CheckRESTOutput
	checkError  = modeltest.CheckRESTError
)

// modelExemptions are shape patterns the sandbox knowingly does not meet,
// each with the reason. Keep this list short and justified.
var modelExemptions = map[string]string{
	// The model says arn:(aws|aws-us-gov):acps:…; real provider ARNs (and
	// the SDKs' examples, and IAM policies in the samples) use the
	// bedrock-agentcore service prefix instead (facts §3). The sandbox
	// answers like the real service.
	"CredentialProviderArnType": "real ARNs use bedrock-agentcore, not acps",
	// AgentRuntime (a List item) requires description, yet Description has
	// min length 1 and a runtime may have none: the sandbox sends "" so
	// the required member is present.
	"AgentRuntime.description": "required member of a runtime created without a description",
}

// TestModelConformance exercises every operation in the model subsets
// through a lifecycle and checks each answer against the model.
func TestModelConformance(t *testing.T) {
	ctl := loadModel(t, "bedrock-agentcore-control")
	data := loadModel(t, "bedrock-agentcore")
	h := newHarness(t, harnessOpts{})
	idp := authztest.New(t)

	exercised := map[string]bool{}
	run := func(m *model.Model, c call) map[string]any {
		t.Helper()
		exercised[c.op] = true
		return checkOutput(t, m, modelExemptions, c.op, send(t, h, m, c))
	}
	str := func(v any) string { s, _ := v.(string); return s }

	// Runtimes: a JWT runtime with every commonly used member set.
	runtimeBody := func(name string) map[string]any {
		p := map[string]any{
			"agentRuntimeArtifact":  map[string]any{"containerConfiguration": map[string]any{"containerUri": image}},
			"roleArn":               roleArn,
			"networkConfiguration":  map[string]any{"networkMode": "PUBLIC"},
			"protocolConfiguration": map[string]any{"serverProtocol": "HTTP"},
			"authorizerConfiguration": map[string]any{"customJWTAuthorizer": map[string]any{
				"discoveryUrl": idp.DiscoveryURL(), "allowedClients": []string{clientID}, "allowedScopes": []string{"aws.cognito.signin.user.admin"},
			}},
			"lifecycleConfiguration":     map[string]any{"idleRuntimeSessionTimeout": 600, "maxLifetime": 3600},
			"requestHeaderConfiguration": map[string]any{"requestHeaderAllowlist": []string{"Authorization", "X-Custom"}},
			"environmentVariables":       map[string]string{"MODE": "test"},
			"description":                "conformance runtime",
			"clientToken":                uuid.NewString(),
			"tags":                       map[string]string{"team": "workshop"},
		}
		if name != "" {
			p["agentRuntimeName"] = name
		}
		return p
	}
	created := run(ctl, call{"CreateAgentRuntime", runtimeBody("conformance_agent")})
	id := str(created["agentRuntimeId"])
	run(ctl, call{"GetAgentRuntime", map[string]any{"agentRuntimeId": id}})
	run(ctl, call{"GetAgentRuntime", map[string]any{"agentRuntimeId": id, "agentRuntimeVersion": "1"}})
	upd := runtimeBody("")
	upd["agentRuntimeId"] = id
	delete(upd, "tags") // UpdateAgentRuntime takes no tags
	run(ctl, call{"UpdateAgentRuntime", upd})
	run(ctl, call{"ListAgentRuntimes", map[string]any{"maxResults": 1}})
	run(ctl, call{"ListAgentRuntimeEndpoints", map[string]any{"agentRuntimeId": id}})
	run(ctl, call{"GetAgentRuntimeEndpoint", map[string]any{"agentRuntimeId": id, "endpointName": "DEFAULT"}})

	// A SigV4 runtime to invoke (the JWT one refuses SigV4).
	plain := run(ctl, call{"CreateAgentRuntime", map[string]any{
		"agentRuntimeName":     "conformance_sigv4",
		"agentRuntimeArtifact": map[string]any{"containerConfiguration": map[string]any{"containerUri": image}},
		"roleArn":              roleArn,
	}})
	plainArn := str(plain["agentRuntimeArn"])
	run(ctl, call{"ListAgentRuntimes", map[string]any{}}) // now with a runtime that has no description
	run(data, call{"InvokeAgentRuntime", map[string]any{
		"agentRuntimeArn": plainArn, "qualifier": "DEFAULT", "payload": `{"prompt":"hi"}`,
		"contentType": "application/json", "accept": "application/json", "runtimeSessionId": uuid.NewString(),
	}})

	// Identity control plane.
	const wl = "conformance-workload"
	run(ctl, call{"CreateWorkloadIdentity", map[string]any{"name": wl, "allowedResourceOauth2ReturnUrls": []string{"http://localhost:8081/oauth2/callback"}, "tags": map[string]string{"a": "b"}}})
	run(ctl, call{"GetWorkloadIdentity", map[string]any{"name": wl}})
	run(ctl, call{"UpdateWorkloadIdentity", map[string]any{"name": wl, "allowedResourceOauth2ReturnUrls": []string{"http://localhost:8081/oauth2/callback", "myapp://done"}}})
	run(ctl, call{"ListWorkloadIdentities", map[string]any{"maxResults": 20}})
	const prov = "ConformanceProvider"
	run(ctl, call{"CreateOauth2CredentialProvider", map[string]any{
		"name": prov, "credentialProviderVendor": "CustomOauth2",
		"oauth2ProviderConfigInput": map[string]any{"customOauth2ProviderConfig": map[string]any{
			"oauthDiscovery": map[string]any{"discoveryUrl": idp.DiscoveryURL()}, "clientId": "outboundclient", "clientSecret": "s3cr3t",
		}},
	}})
	run(ctl, call{"GetOauth2CredentialProvider", map[string]any{"name": prov}})
	run(ctl, call{"ListOauth2CredentialProviders", map[string]any{"maxResults": 5}})
	run(ctl, call{"GetTokenVault", map[string]any{}})
	run(ctl, call{"GetTokenVault", map[string]any{"tokenVaultId": "default"}})

	// Identity data plane.
	run(data, call{"GetWorkloadAccessToken", map[string]any{"workloadName": wl}})
	userJWT := idp.Mint(t, idp.AccessClaims(time.Now(), clientID))
	run(data, call{"GetWorkloadAccessTokenForJWT", map[string]any{"workloadName": wl, "userToken": userJWT}})
	wat := run(data, call{"GetWorkloadAccessTokenForUserId", map[string]any{"workloadName": wl, "userId": "learner-1"}})
	tok := run(data, call{"GetResourceOauth2Token", map[string]any{
		"workloadIdentityToken": str(wat["workloadAccessToken"]), "resourceCredentialProviderName": prov,
		"scopes": []string{"openid"}, "oauth2Flow": "USER_FEDERATION", "resourceOauth2ReturnUrl": "myapp://done",
	}})
	if str(tok["authorizationUrl"]) == "" || str(tok["sessionUri"]) == "" {
		t.Errorf("GetResourceOauth2Token without a stored token: %v", tok)
	}
	// The consent has not happened, so completing is refused; the answer
	// must still be a modelled error of the operation.
	exercised["CompleteResourceTokenAuth"] = true
	checkError(t, data, "CompleteResourceTokenAuth", "ValidationException", send(t, h, data, call{"CompleteResourceTokenAuth", map[string]any{
		"userIdentifier": map[string]any{"userId": "learner-1"}, "sessionUri": str(tok["sessionUri"]),
	}}))

	// Deletes last.
	run(ctl, call{"DeleteOauth2CredentialProvider", map[string]any{"name": prov}})
	run(ctl, call{"DeleteWorkloadIdentity", map[string]any{"name": wl}})
	del := run(ctl, call{"DeleteAgentRuntime", map[string]any{"agentRuntimeId": id, "clientToken": uuid.NewString()}})
	if _, has := del["agentRuntimeVersion"]; del["status"] != "DELETING" || has {
		t.Errorf("delete of the whole runtime: %v", del)
	}

	// Every operation of the model subsets was exercised (gateway
	// operations by package gateway's own conformance test).
	for _, m := range []*model.Model{ctl, data} {
		for _, name := range m.Operations() {
			if !exercised[name] && !gatewayOp(m, name) {
				t.Errorf("operation %s is in the model subset but not exercised", name)
			}
		}
	}
}

// TestModelRoutesRefuseOtherMethods checks, for every URI template of the
// control-plane subset, that the methods the model does not give it are
// refused rather than served as some other operation.
func TestModelRoutesRefuseOtherMethods(t *testing.T) {
	ctl := loadModel(t, "bedrock-agentcore-control")
	h := newHarness(t, harnessOpts{})
	rt := h.createRuntime("route_agent", nil)
	fill := strings.NewReplacer("{agentRuntimeId}", *rt.AgentRuntimeId, "{endpointName}", "DEFAULT")
	methods := map[string][]string{} // filled path -> modelled methods
	for _, name := range ctl.Operations() {
		if gatewayOp(ctl, name) {
			continue // package gateway serves these routes and tests them
		}
		op := ctl.Op(name)
		p := fill.Replace(op.HTTP.RequestURI)
		methods[p] = append(methods[p], op.HTTP.Method)
	}
	for p, allowed := range methods {
		for _, m := range []string{"GET", "PUT", "POST", "DELETE", "PATCH"} {
			if slices.Contains(allowed, m) {
				continue
			}
			if e := readErr(t, h.signed(m, p, "")); e.Status < 400 || e.Header == "" {
				t.Errorf("%s %s (modelled: %v) answered %d %q", m, p, allowed, e.Status, e.Header)
			}
		}
	}
}

// validationCase is one input the model's constraints refuse.
type validationCase struct {
	name   string
	model  string // "control" or "data"
	op     string
	params func(f *fixture) map[string]any
	field  string // the fieldList entry the answer must name (prefix match)
}

// fixture holds resources the validation cases refer to.
type fixture struct {
	runtimeID, runtimeArn, workload string
}

func validationCases() []validationCase {
	art := map[string]any{"containerConfiguration": map[string]any{"containerUri": image}}
	create := func(mod func(map[string]any)) func(*fixture) map[string]any {
		return func(*fixture) map[string]any {
			p := map[string]any{"agentRuntimeName": "valid_name", "agentRuntimeArtifact": art, "roleArn": roleArn}
			mod(p)
			return p
		}
	}
	jwt := func(j map[string]any) func(map[string]any) {
		return func(p map[string]any) { p["authorizerConfiguration"] = map[string]any{"customJWTAuthorizer": j} }
	}
	invoke := func(mod func(map[string]any)) func(*fixture) map[string]any {
		return func(f *fixture) map[string]any {
			p := map[string]any{"agentRuntimeArn": f.runtimeArn, "qualifier": "DEFAULT", "payload": `{}`, "runtimeSessionId": uuid.NewString()}
			mod(p)
			return p
		}
	}
	const disc = "https://idp.example.com/pool/.well-known/openid-configuration"
	return []validationCase{
		{"runtime name with hyphen", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["agentRuntimeName"] = "my-agent" }), "agentRuntimeName"},
		{"runtime name starts with digit", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["agentRuntimeName"] = "1agent" }), "agentRuntimeName"},
		{"runtime name 49 chars", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["agentRuntimeName"] = "a" + strings.Repeat("b", 48) }), "agentRuntimeName"},
		{"role is a user", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["roleArn"] = "arn:aws:iam::123456789012:user/x" }), "roleArn"},
		{"role empty", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["roleArn"] = "" }), "roleArn"},
		{"container from docker hub", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["agentRuntimeArtifact"] = map[string]any{"containerConfiguration": map[string]any{"containerUri": "docker.io/library/python:3"}}
		}), "agentRuntimeArtifact.containerConfiguration.containerUri"},
		{"container uri upper-case repo", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["agentRuntimeArtifact"] = map[string]any{"containerConfiguration": map[string]any{"containerUri": "123456789012.dkr.ecr.us-west-2.amazonaws.com/Agent:latest"}}
		}), "agentRuntimeArtifact.containerConfiguration.containerUri"},
		{"discovery url without well-known", "control", "CreateAgentRuntime", create(jwt(map[string]any{"discoveryUrl": "https://idp.example.com/jwks.json"})), "authorizerConfiguration.customJWTAuthorizer.discoveryUrl"},
		{"discovery url missing", "control", "CreateAgentRuntime", create(jwt(map[string]any{"allowedClients": []string{"c"}})), "authorizerConfiguration.customJWTAuthorizer.discoveryUrl"},
		{"allowedClients empty", "control", "CreateAgentRuntime", create(jwt(map[string]any{"discoveryUrl": disc, "allowedClients": []string{}})), "authorizerConfiguration.customJWTAuthorizer.allowedClients"},
		{"allowedAudience empty", "control", "CreateAgentRuntime", create(jwt(map[string]any{"discoveryUrl": disc, "allowedAudience": []string{}})), "authorizerConfiguration.customJWTAuthorizer.allowedAudience"},
		{"allowedScopes item with space", "control", "CreateAgentRuntime", create(jwt(map[string]any{"discoveryUrl": disc, "allowedScopes": []string{"read write"}})), "authorizerConfiguration.customJWTAuthorizer.allowedScopes"},
		{"network mode enum", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["networkConfiguration"] = map[string]any{"networkMode": "PRIVATE"} }), "networkConfiguration.networkMode"},
		{"server protocol enum", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["protocolConfiguration"] = map[string]any{"serverProtocol": "GRPC"} }), "protocolConfiguration.serverProtocol"},
		{"client token too short", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["clientToken"] = strings.Repeat("a", 32) }), "clientToken"},
		{"description empty", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["description"] = "" }), "description"},
		{"header allowlist empty", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["requestHeaderConfiguration"] = map[string]any{"requestHeaderAllowlist": []string{}}
		}), "requestHeaderConfiguration.requestHeaderAllowlist"},
		{"runtime id pattern", "control", "GetAgentRuntime", func(*fixture) map[string]any { return map[string]any{"agentRuntimeId": "no_suffix"} }, "agentRuntimeId"},
		{"version pattern", "control", "GetAgentRuntime", func(f *fixture) map[string]any {
			return map[string]any{"agentRuntimeId": f.runtimeID, "agentRuntimeVersion": "0"}
		}, "agentRuntimeVersion"},
		{"list maxResults 101", "control", "ListAgentRuntimes", func(*fixture) map[string]any { return map[string]any{"maxResults": 101} }, "maxResults"},
		{"endpoint name pattern", "control", "GetAgentRuntimeEndpoint", func(f *fixture) map[string]any {
			return map[string]any{"agentRuntimeId": f.runtimeID, "endpointName": "no-hyphens"}
		}, "endpointName"},
		{"workload name too short", "control", "CreateWorkloadIdentity", func(*fixture) map[string]any { return map[string]any{"name": "ab"} }, "name"},
		{"workload name pattern", "control", "CreateWorkloadIdentity", func(*fixture) map[string]any { return map[string]any{"name": "bad name!"} }, "name"},
		{"workload name missing", "control", "GetWorkloadIdentity", func(*fixture) map[string]any { return map[string]any{} }, "name"},
		{"return url pattern", "control", "CreateWorkloadIdentity", func(*fixture) map[string]any {
			return map[string]any{"name": "valid-name", "allowedResourceOauth2ReturnUrls": []string{"not a url"}}
		}, "allowedResourceOauth2ReturnUrls"},
		{"list workloads maxResults 21", "control", "ListWorkloadIdentities", func(*fixture) map[string]any { return map[string]any{"maxResults": 21} }, "maxResults"},
		{"provider name pattern", "control", "CreateOauth2CredentialProvider", func(*fixture) map[string]any {
			return map[string]any{"name": "bad name", "credentialProviderVendor": "CustomOauth2", "oauth2ProviderConfigInput": map[string]any{
				"customOauth2ProviderConfig": map[string]any{"oauthDiscovery": map[string]any{"discoveryUrl": disc}, "clientId": "c"}}}
		}, "name"},
		{"provider name too long", "control", "GetOauth2CredentialProvider", func(*fixture) map[string]any { return map[string]any{"name": strings.Repeat("p", 129)} }, "name"},
		{"provider vendor enum", "control", "CreateOauth2CredentialProvider", func(*fixture) map[string]any {
			return map[string]any{"name": "p1", "credentialProviderVendor": "MySpaceOauth2", "oauth2ProviderConfigInput": map[string]any{
				"customOauth2ProviderConfig": map[string]any{"oauthDiscovery": map[string]any{"discoveryUrl": disc}, "clientId": "c"}}}
		}, "credentialProviderVendor"},
		{"provider discovery url pattern", "control", "CreateOauth2CredentialProvider", func(*fixture) map[string]any {
			return map[string]any{"name": "p1", "credentialProviderVendor": "CustomOauth2", "oauth2ProviderConfigInput": map[string]any{
				"customOauth2ProviderConfig": map[string]any{"oauthDiscovery": map[string]any{"discoveryUrl": "https://idp.example.com/"}, "clientId": "c"}}}
		}, "oauth2ProviderConfigInput.customOauth2ProviderConfig.oauthDiscovery.discoveryUrl"},
		{"code artifact without prefix", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["agentRuntimeArtifact"] = map[string]any{"codeConfiguration": map[string]any{
				"code": map[string]any{"s3": map[string]any{"bucket": "my-bucket"}}, "runtime": "PYTHON_3_12", "entryPoint": []string{"agent.py"}}}
		}), "agentRuntimeArtifact.codeConfiguration.code.s3.prefix"},
		{"code artifact bucket pattern", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["agentRuntimeArtifact"] = map[string]any{"codeConfiguration": map[string]any{
				"code": map[string]any{"s3": map[string]any{"bucket": "My_Bucket", "prefix": "a/b.zip"}}, "runtime": "PYTHON_3_12", "entryPoint": []string{"agent.py"}}}
		}), "agentRuntimeArtifact.codeConfiguration.code.s3.bucket"},
		{"entry point item too long", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["agentRuntimeArtifact"] = map[string]any{"codeConfiguration": map[string]any{
				"code": map[string]any{"s3": map[string]any{"bucket": "my-bucket", "prefix": "a/b.zip"}}, "runtime": "PYTHON_3_12", "entryPoint": []string{strings.Repeat("e", 129)}}}
		}), "agentRuntimeArtifact.codeConfiguration.entryPoint"},
		{"environment key too long", "control", "CreateAgentRuntime", create(func(p map[string]any) {
			p["environmentVariables"] = map[string]string{strings.Repeat("K", 101): "v"}
		}), "environmentVariables"},
		{"tag key with a bang", "control", "CreateAgentRuntime", create(func(p map[string]any) { p["tags"] = map[string]string{"bad!": "v"} }), "tags"},
		{"workload tag value too long", "control", "CreateWorkloadIdentity", func(*fixture) map[string]any {
			return map[string]any{"name": "valid-name", "tags": map[string]string{"k": strings.Repeat("v", 257)}}
		}, "tags"},
		{"token endpoint auth method", "control", "CreateOauth2CredentialProvider", func(*fixture) map[string]any {
			return map[string]any{"name": "p1", "credentialProviderVendor": "CustomOauth2", "oauth2ProviderConfigInput": map[string]any{
				"customOauth2ProviderConfig": map[string]any{"oauthDiscovery": map[string]any{"authorizationServerMetadata": map[string]any{
					"issuer": "https://idp.example.com", "authorizationEndpoint": "https://idp.example.com/authorize", "tokenEndpoint": "https://idp.example.com/token",
					"tokenEndpointAuthMethods": []string{"private_key_jwt"}}}, "clientId": "c"}}}
		}, "oauth2ProviderConfigInput.customOauth2ProviderConfig.oauthDiscovery.authorizationServerMetadata.tokenEndpointAuthMethods"},
		{"accept header too long", "data", "InvokeAgentRuntime", invoke(func(p map[string]any) { p["accept"] = "application/" + strings.Repeat("x", 250) }), "accept"},
		{"trace id too long", "data", "InvokeAgentRuntime", invoke(func(p map[string]any) { p["traceId"] = strings.Repeat("t", 129) }), "traceId"},
		{"resources item empty", "data", "GetResourceOauth2Token", func(f *fixture) map[string]any {
			return map[string]any{"workloadIdentityToken": "t", "resourceCredentialProviderName": "p", "scopes": []string{"openid"}, "oauth2Flow": "M2M", "resources": []string{""}}
		}, "resources"},
		{"session id 32 chars", "data", "InvokeAgentRuntime", invoke(func(p map[string]any) { p["runtimeSessionId"] = strings.Repeat("s", 32) }), "runtimeSessionId"},
		{"session id 257 chars", "data", "InvokeAgentRuntime", invoke(func(p map[string]any) { p["runtimeSessionId"] = strings.Repeat("s", 257) }), "runtimeSessionId"},
		{"user id 1025 chars", "data", "InvokeAgentRuntime", invoke(func(p map[string]any) { p["runtimeUserId"] = strings.Repeat("u", 1025) }), "runtimeUserId"},
		{"account id pattern", "data", "InvokeAgentRuntime", invoke(func(p map[string]any) { p["accountId"] = "12345" }), "accountId"},
		{"workload name for token", "data", "GetWorkloadAccessToken", func(*fixture) map[string]any { return map[string]any{"workloadName": "x"} }, "workloadName"},
		{"user id 129 chars", "data", "GetWorkloadAccessTokenForUserId", func(f *fixture) map[string]any {
			return map[string]any{"workloadName": f.workload, "userId": strings.Repeat("u", 129)}
		}, "userId"},
		{"user token not a JWT", "data", "GetWorkloadAccessTokenForJWT", func(f *fixture) map[string]any {
			return map[string]any{"workloadName": f.workload, "userToken": "abc"}
		}, "userToken"},
		{"oauth2 flow enum", "data", "GetResourceOauth2Token", func(f *fixture) map[string]any {
			return map[string]any{"workloadIdentityToken": "t", "resourceCredentialProviderName": "p", "scopes": []string{"openid"}, "oauth2Flow": "IMPLICIT"}
		}, "oauth2Flow"},
		{"session uri pattern", "data", "CompleteResourceTokenAuth", func(f *fixture) map[string]any {
			return map[string]any{"userIdentifier": map[string]any{"userId": "u"}, "sessionUri": "https://example.com/session"}
		}, "sessionUri"},
	}
}

// TestModelValidation sends inputs the model's constraints refuse and
// expects a modelled ValidationException naming the field, with no state
// change.
func TestModelValidation(t *testing.T) {
	models := map[string]*model.Model{"control": loadModel(t, "bedrock-agentcore-control"), "data": loadModel(t, "bedrock-agentcore")}
	h := newHarness(t, harnessOpts{})
	rt := h.createRuntime("validation_agent", nil)
	f := &fixture{runtimeID: *rt.AgentRuntimeId, runtimeArn: *rt.AgentRuntimeArn, workload: *rt.AgentRuntimeId}
	for _, tc := range validationCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := models[tc.model]
			obj := checkError(t, m, tc.op, "ValidationException", send(t, h, m, call{tc.op, tc.params(f)}))
			if obj["reason"] != "FieldValidationFailed" {
				t.Errorf("reason %v", obj["reason"])
			}
			list, _ := obj["fieldList"].([]any)
			var names []string
			for _, e := range list {
				n, _ := e.(map[string]any)["name"].(string)
				names = append(names, n)
			}
			if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, tc.field) }) {
				t.Errorf("fieldList %v does not name %s (message %v)", names, tc.field, obj["message"])
			}
		})
	}
	// None of it created anything.
	l := send(t, h, models["control"], call{"ListAgentRuntimes", map[string]any{}})
	var out struct{ AgentRuntimes []any }
	if err := json.Unmarshal(l.Body, &out); err != nil || len(out.AgentRuntimes) != 1 {
		t.Errorf("runtimes after refused input: %s", l.Body)
	}
	w := send(t, h, models["control"], call{"ListWorkloadIdentities", map[string]any{}})
	var wout struct{ WorkloadIdentities []struct{ Name string } }
	if err := json.Unmarshal(w.Body, &wout); err != nil || len(wout.WorkloadIdentities) != 1 {
		t.Errorf("workload identities after refused input: %s", w.Body)
	}
}

// TestSensitiveValuesAreNotEchoed checks that validation messages about
// members the model marks sensitive state the limit without the value.
func TestSensitiveValuesAreNotEchoed(t *testing.T) {
	ctl := loadModel(t, "bedrock-agentcore-control")
	h := newHarness(t, harnessOpts{})
	secret := strings.Repeat("S", 2049)
	a := send(t, h, ctl, call{"CreateOauth2CredentialProvider", map[string]any{
		"name": "p1", "credentialProviderVendor": "CustomOauth2", "oauth2ProviderConfigInput": map[string]any{
			"customOauth2ProviderConfig": map[string]any{"oauthDiscovery": map[string]any{"discoveryUrl": "https://idp.example.com/.well-known/openid-configuration"}, "clientSecret": secret}}}})
	checkError(t, ctl, "CreateOauth2CredentialProvider", "ValidationException", a)
	desc := strings.Repeat("D", 4097)
	b := send(t, h, ctl, call{"CreateAgentRuntime", map[string]any{"agentRuntimeName": "a", "roleArn": roleArn, "description": desc,
		"agentRuntimeArtifact": map[string]any{"containerConfiguration": map[string]any{"containerUri": image}}}})
	checkError(t, ctl, "CreateAgentRuntime", "ValidationException", b)
	if bytes.Contains(a.Body, []byte("SSSS")) || bytes.Contains(b.Body, []byte("DDDD")) {
		t.Errorf("a sensitive value was echoed: %s / %s", a.Body, b.Body)
	}
}

// TestModelOnlyLowerBounds accepts what the model accepts: the authorizer
// lists have a minimum of one item and no maximum, and a custom provider's
// client id may be empty.
func TestModelOnlyLowerBounds(t *testing.T) {
	ctl := loadModel(t, "bedrock-agentcore-control")
	h := newHarness(t, harnessOpts{})
	many := make([]string, 1500)
	for i := range many {
		many[i] = fmt.Sprintf("client%d", i)
	}
	checkOutput(t, ctl, modelExemptions, "CreateAgentRuntime", send(t, h, ctl, call{"CreateAgentRuntime", map[string]any{
		"agentRuntimeName": "many_clients", "roleArn": roleArn,
		"agentRuntimeArtifact": map[string]any{"containerConfiguration": map[string]any{"containerUri": image}},
		"authorizerConfiguration": map[string]any{"customJWTAuthorizer": map[string]any{
			"discoveryUrl": "https://idp.example.com/.well-known/openid-configuration", "allowedClients": many}},
	}}))
	checkOutput(t, ctl, modelExemptions, "CreateOauth2CredentialProvider", send(t, h, ctl, call{"CreateOauth2CredentialProvider", map[string]any{
		"name": "empty-client", "credentialProviderVendor": "CustomOauth2", "oauth2ProviderConfigInput": map[string]any{
			"customOauth2ProviderConfig": map[string]any{"oauthDiscovery": map[string]any{"discoveryUrl": "https://idp.example.com/.well-known/openid-configuration"}, "clientId": ""}}}}))
}

// TestShapeCheckerCatchesDrift makes sure the model's checker fails on the
// kinds of drift this test relies on it to catch.
func TestShapeCheckerCatchesDrift(t *testing.T) {
	ctl := loadModel(t, "bedrock-agentcore-control")
	cases := map[string]string{
		"epoch where ISO-8601 is due":  `{"agentRuntimeArn":"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234","agentRuntimeId":"a-AbCdEf1234","agentRuntimeVersion":"1","createdAt":946684800,"status":"READY"}`,
		"missing required status":      `{"agentRuntimeArn":"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234","agentRuntimeId":"a-AbCdEf1234","agentRuntimeVersion":"1","createdAt":"2000-01-01T00:00:00Z"}`,
		"unknown member":               `{"agentRuntimeArn":"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234","agentRuntimeId":"a-AbCdEf1234","agentRuntimeVersion":"1","createdAt":"2000-01-01T00:00:00Z","status":"READY","extra":1}`,
		"status outside the enum":      `{"agentRuntimeArn":"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234","agentRuntimeId":"a-AbCdEf1234","agentRuntimeVersion":"1","createdAt":"2000-01-01T00:00:00Z","status":"RUNNING"}`,
		"version breaks its pattern":   `{"agentRuntimeArn":"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234","agentRuntimeId":"a-AbCdEf1234","agentRuntimeVersion":"v1","createdAt":"2000-01-01T00:00:00Z","status":"READY"}`,
		"number where a string is due": `{"agentRuntimeArn":"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234","agentRuntimeId":"a-AbCdEf1234","agentRuntimeVersion":1,"createdAt":"2000-01-01T00:00:00Z","status":"READY"}`,
	}
	for name, body := range cases {
		var obj map[string]any
		if err := json.Unmarshal([]byte(body), &obj); err != nil {
			t.Fatal(err)
		}
		c := &model.Checker{Model: ctl}
		c.Struct("CreateAgentRuntime", "CreateAgentRuntimeResponse", obj)
		if len(c.Problems) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
	// And an identity timestamp given as a string is reported too.
	var obj map[string]any
	json.Unmarshal([]byte(`{"name":"abc","workloadIdentityArn":"arn","createdTime":"2000-01-01T00:00:00Z","lastUpdatedTime":946684800}`), &obj)
	c := &model.Checker{Model: ctl}
	c.Struct("GetWorkloadIdentity", "GetWorkloadIdentityResponse", obj)
	if len(c.Problems) != 1 {
		t.Errorf("identity timestamp as string: %v", c.Problems)
	}
}

// TestModelErrorsPerOperation provokes the not-found and conflict answers
// and checks they are errors the operation models, with the model's status.
func TestModelErrorsPerOperation(t *testing.T) {
	ctl := loadModel(t, "bedrock-agentcore-control")
	data := loadModel(t, "bedrock-agentcore")
	h := newHarness(t, harnessOpts{})
	idp := authztest.New(t)
	rt := h.createRuntime("errors_agent", jwtRule(idp))
	missing := "missing_agent-AbCdEf1234"
	cases := []struct {
		m    *model.Model
		op   string
		p    map[string]any
		code string
	}{
		{ctl, "GetAgentRuntime", map[string]any{"agentRuntimeId": missing}, "ResourceNotFoundException"},
		{ctl, "UpdateAgentRuntime", map[string]any{"agentRuntimeId": missing, "agentRuntimeArtifact": map[string]any{"containerConfiguration": map[string]any{"containerUri": image}}, "roleArn": roleArn}, "ResourceNotFoundException"},
		{ctl, "DeleteAgentRuntime", map[string]any{"agentRuntimeId": missing}, "ResourceNotFoundException"},
		{ctl, "GetAgentRuntimeEndpoint", map[string]any{"agentRuntimeId": *rt.AgentRuntimeId, "endpointName": "OTHER"}, "ResourceNotFoundException"},
		{ctl, "CreateAgentRuntime", map[string]any{"agentRuntimeName": "errors_agent", "agentRuntimeArtifact": map[string]any{"containerConfiguration": map[string]any{"containerUri": image}}, "roleArn": roleArn}, "ConflictException"},
		{ctl, "GetWorkloadIdentity", map[string]any{"name": "nobody-here"}, "ResourceNotFoundException"},
		{ctl, "UpdateWorkloadIdentity", map[string]any{"name": "nobody-here"}, "ResourceNotFoundException"},
		{ctl, "DeleteWorkloadIdentity", map[string]any{"name": "nobody-here"}, "ResourceNotFoundException"},
		{ctl, "GetOauth2CredentialProvider", map[string]any{"name": "nobody"}, "ResourceNotFoundException"},
		{ctl, "DeleteOauth2CredentialProvider", map[string]any{"name": "nobody"}, "ResourceNotFoundException"},
		{ctl, "GetTokenVault", map[string]any{"tokenVaultId": "other"}, "ResourceNotFoundException"},
		{data, "InvokeAgentRuntime", map[string]any{"agentRuntimeArn": *rt.AgentRuntimeArn, "qualifier": "DEFAULT", "payload": "{}"}, "AccessDeniedException"},
		{data, "InvokeAgentRuntime", map[string]any{"agentRuntimeArn": "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/" + missing, "payload": "{}"}, "ResourceNotFoundException"},
		{data, "InvokeAgentRuntime", map[string]any{"agentRuntimeArn": *rt.AgentRuntimeArn, "qualifier": "OTHER", "payload": "{}"}, "ResourceNotFoundException"},
		{data, "GetWorkloadAccessToken", map[string]any{"workloadName": "nobody-here"}, "ResourceNotFoundException"},
		{data, "GetResourceOauth2Token", map[string]any{"workloadIdentityToken": "forged", "resourceCredentialProviderName": "p", "scopes": []string{"openid"}, "oauth2Flow": "M2M"}, "AccessDeniedException"},
	}
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.code, func(t *testing.T) {
			checkError(t, tc.m, tc.op, tc.code, send(t, h, tc.m, call{tc.op, tc.p}))
		})
	}
}
