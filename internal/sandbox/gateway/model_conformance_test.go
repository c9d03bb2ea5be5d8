package gateway_test

// A conformance test driven by the official service model (the model
// package's embedded subset of botocore's bedrock-agentcore-control): every
// request is built from the model's http binding, every answer checked
// against the operation's output or error shape (see modeltest).

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// send builds c's request from the model and sends it SigV4-signed.
func (h *harness) send(t testing.TB, c modeltest.Call) modeltest.Reply {
	t.Helper()
	req, payload := modeltest.RESTRequest(t, model.AgentCoreControl, h.url, c)
	resp := sigv4Do(t, req, payload, h.creds)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return modeltest.Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// gatewayOps are the operations of the shared subset this package serves.
func gatewayOps() []string {
	var out []string
	for _, name := range model.AgentCoreControl.Operations() {
		if strings.HasPrefix(model.AgentCoreControl.Op(name).HTTP.RequestURI, "/gateways/") {
			out = append(out, name)
		}
	}
	return out
}

func gatewayBody(h *harness, name string) map[string]any {
	return map[string]any{
		"name": name, "description": "conformance gateway", "clientToken": uuid.NewString(), "roleArn": roleArn,
		"protocolType": "MCP", "protocolConfiguration": map[string]any{"mcp": map[string]any{
			"supportedVersions": []string{"2025-03-26", "2025-06-18"}, "instructions": "Weather tools", "searchType": "SEMANTIC"}},
		"authorizerType": "CUSTOM_JWT", "authorizerConfiguration": map[string]any{"customJWTAuthorizer": map[string]any{
			"discoveryUrl": h.cognito.DiscoveryURL(), "allowedClients": []string{m2mID}, "allowedScopes": []string{"gateway/read"}}},
		"kmsKeyArn": "arn:aws:kms:us-west-2:123456789012:key/" + uuid.NewString(), "exceptionLevel": "DEBUG", "tags": map[string]string{"team": "workshop"},
	}
}

func targetBody(gatewayID, name string) map[string]any {
	return map[string]any{
		"gatewayIdentifier": gatewayID, "name": name, "description": "toolkit tools", "clientToken": uuid.NewString(),
		"targetConfiguration": map[string]any{"mcp": map[string]any{"lambda": map[string]any{"lambdaArn": fnArn,
			"toolSchema": map[string]any{"inlinePayload": []any{map[string]any{"name": "get_weather", "description": "Weather",
				"inputSchema":  map[string]any{"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}, "required": []string{"location"}},
				"outputSchema": map[string]any{"type": "object"}}}}}}},
		"credentialProviderConfigurations": []any{map[string]any{"credentialProviderType": "GATEWAY_IAM_ROLE"}},
	}
}

// TestModelConformance exercises every gateway operation of the subset
// through a lifecycle and checks each answer against the model.
func TestModelConformance(t *testing.T) {
	h := newHarness(t)
	ctl := model.AgentCoreControl
	exercised := map[string]bool{}
	run := func(op string, p map[string]any) map[string]any {
		t.Helper()
		exercised[op] = true
		return modeltest.CheckRESTOutput(t, ctl, nil, op, h.send(t, modeltest.Call{Op: op, Params: p}))
	}
	str := func(v any) string { s, _ := v.(string); return s }

	g := run("CreateGateway", gatewayBody(h, "conformance-gw"))
	id := str(g["gatewayId"])
	run("ListGateways", map[string]any{"maxResults": 5})
	h.clk.Advance(settle)
	run("GetGateway", map[string]any{"gatewayIdentifier": id})
	upd := gatewayBody(h, "conformance-gw")
	delete(upd, "tags")
	delete(upd, "clientToken")
	upd["gatewayIdentifier"] = id
	run("UpdateGateway", upd)
	h.clk.Advance(settle)
	tg := run("CreateGatewayTarget", targetBody(id, "conformance-target"))
	tid := str(tg["targetId"])
	run("GetGatewayTarget", map[string]any{"gatewayIdentifier": id, "targetId": tid})
	run("ListGatewayTargets", map[string]any{"gatewayIdentifier": id, "maxResults": 10})
	h.clk.Advance(settle)
	run("DeleteGatewayTarget", map[string]any{"gatewayIdentifier": id, "targetId": tid})
	h.clk.Advance(settle)
	run("DeleteGateway", map[string]any{"gatewayIdentifier": id})
	// A gateway without optional members: list items still fit.
	run("CreateGateway", map[string]any{"name": "plain", "roleArn": roleArn, "authorizerType": "NONE"})
	run("ListGateways", map[string]any{})

	for _, op := range gatewayOps() {
		if !exercised[op] {
			t.Errorf("operation %s is in the model subset but not exercised", op)
		}
	}
	if len(gatewayOps()) != 9 {
		t.Errorf("the subset has %d gateway operations, want the 9 the sandbox serves: %v", len(gatewayOps()), gatewayOps())
	}
}

// TestModelValidation sends inputs the model (or the sandbox's own rules)
// refuse and expects a modelled ValidationException naming the field, with
// nothing created.
func TestModelValidation(t *testing.T) {
	h := newHarness(t)
	ctl := model.AgentCoreControl
	g := modeltest.CheckRESTOutput(t, ctl, nil, "CreateGateway", h.send(t, modeltest.Call{Op: "CreateGateway", Params: gatewayBody(h, "valid")}))
	id := g["gatewayId"].(string)
	h.clk.Advance(settle)
	gw := func(mod func(map[string]any)) map[string]any {
		p := gatewayBody(h, "other")
		mod(p)
		return p
	}
	tgt := func(mod func(map[string]any)) map[string]any {
		p := targetBody(id, "t1")
		mod(p)
		return p
	}
	cases := []struct {
		name, op string
		params   map[string]any
		field    string
	}{
		{"name with underscore", "CreateGateway", gw(func(p map[string]any) { p["name"] = "my_gateway" }), "name"},
		{"name 49 characters", "CreateGateway", gw(func(p map[string]any) { p["name"] = strings.Repeat("a", 49) }), "name"},
		{"name double hyphen", "CreateGateway", gw(func(p map[string]any) { p["name"] = "a--b" }), "name"},
		{"role is a user", "CreateGateway", gw(func(p map[string]any) { p["roleArn"] = "arn:aws:iam::123456789012:user/x" }), "roleArn"},
		{"authorizer type unknown", "CreateGateway", gw(func(p map[string]any) { p["authorizerType"] = "OAUTH" }), "authorizerType"},
		{"CUSTOM_JWT without configuration", "CreateGateway", gw(func(p map[string]any) { delete(p, "authorizerConfiguration") }), "authorizerConfiguration"},
		{"NONE with a JWT configuration", "CreateGateway", gw(func(p map[string]any) { p["authorizerType"] = "NONE" }), "authorizerConfiguration"},
		{"discovery url without well-known", "CreateGateway", gw(func(p map[string]any) {
			p["authorizerConfiguration"] = map[string]any{"customJWTAuthorizer": map[string]any{"discoveryUrl": "https://idp.example.com/jwks.json"}}
		}), "authorizerConfiguration.customJWTAuthorizer.discoveryUrl"},
		{"allowedClients empty", "CreateGateway", gw(func(p map[string]any) {
			p["authorizerConfiguration"] = map[string]any{"customJWTAuthorizer": map[string]any{"discoveryUrl": h.cognito.DiscoveryURL(), "allowedClients": []string{}}}
		}), "authorizerConfiguration.customJWTAuthorizer.allowedClients"},
		{"protocol type HTTP", "CreateGateway", gw(func(p map[string]any) { p["protocolType"] = "HTTP" }), "protocolType"},
		{"interceptor", "CreateGateway", gw(func(p map[string]any) {
			p["interceptorConfigurations"] = []any{map[string]any{"interceptor": map[string]any{"lambda": map[string]any{"arn": fnArn}}, "interceptionPoints": []string{"REQUEST"}}}
		}), "interceptorConfigurations"},
		{"description too long", "CreateGateway", gw(func(p map[string]any) { p["description"] = strings.Repeat("d", 201) }), "description"},
		{"identifier is an ARN", "GetGateway", map[string]any{"gatewayIdentifier": "arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/" + id}, "gatewayIdentifier"},
		{"max results 0", "ListGateways", map[string]any{"maxResults": 0}, "maxResults"},
		{"next token not ours", "ListGateways", map[string]any{"nextToken": "!!!"}, "nextToken"},
		{"target name with underscore", "CreateGatewayTarget", tgt(func(p map[string]any) { p["name"] = "my_target" }), "name"},
		{"target without configuration", "CreateGatewayTarget", tgt(func(p map[string]any) { delete(p, "targetConfiguration") }), "targetConfiguration"},
		{"lambda arn of another service", "CreateGatewayTarget", tgt(func(p map[string]any) {
			p["targetConfiguration"] = map[string]any{"mcp": map[string]any{"lambda": map[string]any{"lambdaArn": "arn:aws:s3:::bucket", "toolSchema": map[string]any{"inlinePayload": []any{}}}}}
		}), "targetConfiguration.mcp.lambda.lambdaArn"},
		{"tool without input schema", "CreateGatewayTarget", tgt(func(p map[string]any) {
			p["targetConfiguration"] = map[string]any{"mcp": map[string]any{"lambda": map[string]any{"lambdaArn": fnArn,
				"toolSchema": map[string]any{"inlinePayload": []any{map[string]any{"name": "x", "description": "y"}}}}}}
		}), "targetConfiguration.mcp.lambda.toolSchema.inlinePayload"},
		{"two credential providers", "CreateGatewayTarget", tgt(func(p map[string]any) {
			p["credentialProviderConfigurations"] = []any{map[string]any{"credentialProviderType": "GATEWAY_IAM_ROLE"}, map[string]any{"credentialProviderType": "GATEWAY_IAM_ROLE"}}
		}), "credentialProviderConfigurations"},
		{"lambda with an API key", "CreateGatewayTarget", tgt(func(p map[string]any) {
			p["credentialProviderConfigurations"] = []any{map[string]any{"credentialProviderType": "API_KEY"}}
		}), "credentialProviderConfigurations"},
		{"an MCP server target", "CreateGatewayTarget", tgt(func(p map[string]any) {
			p["targetConfiguration"] = map[string]any{"mcp": map[string]any{"mcpServer": map[string]any{"endpoint": "https://mcp.example.com/mcp"}}}
		}), "targetConfiguration"},
		{"target id pattern", "GetGatewayTarget", map[string]any{"gatewayIdentifier": id, "targetId": "short"}, "targetId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := modeltest.CheckRESTError(t, ctl, tc.op, "ValidationException", h.send(t, modeltest.Call{Op: tc.op, Params: tc.params}))
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
	var out struct{ Items []any }
	l := h.send(t, modeltest.Call{Op: "ListGateways", Params: map[string]any{}})
	if err := json.Unmarshal(l.Body, &out); err != nil || len(out.Items) != 1 {
		t.Errorf("gateways after refused input: %s", l.Body)
	}
	l = h.send(t, modeltest.Call{Op: "ListGatewayTargets", Params: map[string]any{"gatewayIdentifier": id}})
	if err := json.Unmarshal(l.Body, &out); err != nil || len(out.Items) != 0 {
		t.Errorf("targets after refused input: %s", l.Body)
	}
}

// TestModelErrorsPerOperation provokes the not-found, conflict and quota
// answers and checks each is an error the operation models, with the
// model's status (ServiceQuotaExceededException is 402).
func TestModelErrorsPerOperation(t *testing.T) {
	h := newHarness(t)
	ctl := model.AgentCoreControl
	g := modeltest.CheckRESTOutput(t, ctl, nil, "CreateGateway", h.send(t, modeltest.Call{Op: "CreateGateway", Params: gatewayBody(h, "errors")}))
	id := g["gatewayId"].(string)
	missing := "missing-abcdefghij"
	cases := []struct {
		op   string
		p    map[string]any
		code string
	}{
		{"CreateGateway", gatewayBody(h, "errors"), "ConflictException"},
		{"CreateGatewayTarget", targetBody(id, "early"), "ConflictException"}, // still CREATING
		{"UpdateGateway", func() map[string]any {
			p := gatewayBody(h, "errors")
			delete(p, "tags")
			delete(p, "clientToken")
			p["gatewayIdentifier"] = id
			return p
		}(), "ConflictException"},
		{"DeleteGateway", map[string]any{"gatewayIdentifier": id}, "ConflictException"},
		{"GetGateway", map[string]any{"gatewayIdentifier": missing}, "ResourceNotFoundException"},
		{"UpdateGateway", func() map[string]any {
			p := gatewayBody(h, "x")
			delete(p, "tags")
			delete(p, "clientToken")
			p["gatewayIdentifier"] = missing
			return p
		}(), "ResourceNotFoundException"},
		{"DeleteGateway", map[string]any{"gatewayIdentifier": missing}, "ResourceNotFoundException"},
		{"CreateGatewayTarget", targetBody(missing, "t"), "ResourceNotFoundException"},
		{"GetGatewayTarget", map[string]any{"gatewayIdentifier": id, "targetId": "ABCDEFGHIJ"}, "ResourceNotFoundException"},
		{"DeleteGatewayTarget", map[string]any{"gatewayIdentifier": id, "targetId": "ABCDEFGHIJ"}, "ResourceNotFoundException"},
		{"ListGatewayTargets", map[string]any{"gatewayIdentifier": missing}, "ResourceNotFoundException"},
	}
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.code, func(t *testing.T) {
			modeltest.CheckRESTError(t, ctl, tc.op, tc.code, h.send(t, modeltest.Call{Op: tc.op, Params: tc.p}))
		})
	}
}

// TestRoutesRefuseOtherMethods checks, for every gateway URI template,
// that the methods the model does not give it are refused with an AWS
// error rather than served as some other operation.
func TestRoutesRefuseOtherMethods(t *testing.T) {
	h := newHarness(t)
	fill := strings.NewReplacer("{gatewayIdentifier}", "some-gateway-abcdefghij", "{targetId}", "ABCDEFGHIJ")
	methods := map[string][]string{}
	for _, name := range gatewayOps() {
		op := model.AgentCoreControl.Op(name)
		p := fill.Replace(op.HTTP.RequestURI)
		methods[p] = append(methods[p], op.HTTP.Method)
	}
	for p, allowed := range methods {
		for _, m := range []string{"GET", "PUT", "POST", "DELETE", "PATCH"} {
			if slices.Contains(allowed, m) {
				continue
			}
			resp := h.signed(m, p, "")
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || resp.Header.Get("X-Amzn-ErrorType") == "" {
				t.Errorf("%s %s (modelled: %v) answered %d %q", m, p, allowed, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
			}
		}
	}
}
