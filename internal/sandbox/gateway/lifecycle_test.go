package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestTwoGatewaysTwoIdPs is the workshop's gateway stage against the
// service, driven by the real aws-sdk-go-v2 client: one gateway trusts the
// M2M client (allowedClients), the other the foreign IdP's audience
// (allowedAudience). Each lists and calls tools with its own IdP's token,
// refuses no token with a 401 and its WWW-Authenticate challenge, and
// refuses the other IdP's token.
func TestTwoGatewaysTwoIdPs(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	m2m := h.createGateway("WorkshopM2M", ctltypes.CustomJWTAuthorizerConfiguration{
		DiscoveryUrl: aws.String(h.cognito.DiscoveryURL()), AllowedClients: []string{m2mID}})
	foreign := h.createGateway("WorkshopForeign", ctltypes.CustomJWTAuthorizerConfiguration{
		DiscoveryUrl: aws.String(h.auth0.DiscoveryURL()), AllowedAudience: []string{audience}})
	if m2m.Status != ctltypes.GatewayStatusCreating || !strings.HasPrefix(*m2m.GatewayId, "workshopm2m-") || len(*m2m.GatewayId) != len("workshopm2m-")+10 {
		t.Fatalf("created: %s %s", m2m.Status, *m2m.GatewayId)
	}
	// Not READY yet: no targets, and the MCP endpoint is not serving.
	if _, err := h.ctl.CreateGatewayTarget(ctx, &ctl.CreateGatewayTargetInput{GatewayIdentifier: m2m.GatewayId, Name: aws.String("early"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{
			Value: ctltypes.McpLambdaTargetConfiguration{LambdaArn: aws.String(fnArn), ToolSchema: toolkitTools()}}}}); errCode(err) != "ConflictException" {
		t.Fatalf("target on a CREATING gateway: %v", err)
	}
	if r := h.mcp(*m2m.GatewayUrl, h.m2mToken(m2mID), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`); r.status != http.StatusServiceUnavailable {
		t.Fatalf("tools/list on a CREATING gateway: %d %s", r.status, r.raw)
	}
	h.clk.Advance(settle)
	for _, g := range []*ctl.CreateGatewayOutput{m2m, foreign} {
		got, err := h.ctl.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: g.GatewayId})
		if err != nil || got.Status != ctltypes.GatewayStatusReady {
			t.Fatalf("GetGateway %s: %v %v", *g.GatewayId, err, got)
		}
		jwt, ok := got.AuthorizerConfiguration.(*ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer)
		if !ok || got.AuthorizerType != ctltypes.AuthorizerTypeCustomJwt || got.ProtocolType != ctltypes.GatewayProtocolTypeMcp || *got.RoleArn != roleArn {
			t.Fatalf("GetGateway %s echoes %+v", *g.GatewayId, got)
		}
		if g == m2m && (len(jwt.Value.AllowedClients) != 1 || jwt.Value.AllowedAudience != nil) ||
			g == foreign && (len(jwt.Value.AllowedAudience) != 1 || jwt.Value.AllowedClients != nil) {
			t.Fatalf("authorizer of %s: %+v", *g.GatewayId, jwt.Value)
		}
	}
	mt := h.createTarget(*m2m.GatewayId, "WeatherTools")
	h.createTarget(*foreign.GatewayId, "WeatherTools")
	if _, err := h.ctl.CreateGatewayTarget(ctx, &ctl.CreateGatewayTargetInput{GatewayIdentifier: m2m.GatewayId, Name: aws.String("WeatherTools"),
		TargetConfiguration: mt.TargetConfiguration}); errCode(err) != "ConflictException" {
		t.Fatalf("duplicate target name: %v", err)
	}
	// A CREATING target lists no tools.
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`
	if r := h.mcp(*m2m.GatewayUrl, h.m2mToken(m2mID), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`); !strings.Contains(string(r.msg.Result), `"tools":[]`) {
		t.Fatalf("tools/list with the target CREATING: %s", r.raw)
	}
	h.clk.Advance(settle)

	good := map[*ctl.CreateGatewayOutput]string{m2m: h.m2mToken(m2mID), foreign: h.foreignToken(audience)}
	bad := map[*ctl.CreateGatewayOutput]string{m2m: good[foreign], foreign: good[m2m]}
	for _, g := range []*ctl.CreateGatewayOutput{m2m, foreign} {
		url := *g.GatewayUrl
		r := h.mcp(url, good[g], init)
		var ini struct {
			ProtocolVersion string         `json:"protocolVersion"`
			Capabilities    map[string]any `json:"capabilities"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.msg.Result, &ini) != nil || ini.ProtocolVersion != "2025-06-18" || ini.Capabilities["tools"] == nil {
			t.Fatalf("initialize at %s: %d %s", url, r.status, r.raw)
		}
		if r := h.mcp(url, good[g], `{"jsonrpc":"2.0","method":"notifications/initialized"}`); r.status != http.StatusAccepted || len(r.raw) != 0 {
			t.Fatalf("notifications/initialized: %d %q", r.status, r.raw)
		}
		r = h.mcp(url, good[g], `{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}`)
		var list struct {
			Tools []struct {
				Name        string          `json:"name"`
				InputSchema json.RawMessage `json:"inputSchema"`
			} `json:"tools"`
		}
		if json.Unmarshal(r.msg.Result, &list) != nil || len(list.Tools) != 2 || list.Tools[0].Name != "WeatherTools___get_weather" ||
			list.Tools[1].Name != "WeatherTools___get_time" || !strings.Contains(string(list.Tools[0].InputSchema), `"required":["location"]`) ||
			string(r.msg.ID) != `"list-1"` {
			t.Fatalf("tools/list at %s: %s", url, r.raw)
		}
		r = h.mcp(url, good[g], `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"WeatherTools___get_weather","arguments":{"location":"Seoul"}}}`)
		if r.msg.Error != nil || !strings.Contains(string(r.msg.Result), `Seoul`) || !strings.Contains(string(r.msg.Result), `"isError":false`) {
			t.Fatalf("tools/call at %s: %s", url, r.raw)
		}

		// No token: 401 with the challenge that points at the metadata.
		r = h.mcp(url, "", init)
		challenge := r.header.Get("WWW-Authenticate")
		meta := h.url + "/.well-known/oauth-protected-resource/gateways/" + *g.GatewayId + "/mcp"
		if r.status != http.StatusUnauthorized || !strings.HasPrefix(challenge, `Bearer error="invalid_token"`) ||
			!strings.Contains(challenge, `resource_metadata="`+meta+`"`) || r.msg.Error == nil {
			t.Fatalf("no token at %s: %d %q %s", url, r.status, challenge, r.raw)
		}
		resp, err := http.Get(meta)
		if err != nil {
			t.Fatal(err)
		}
		var md struct {
			Resource string   `json:"resource"`
			Servers  []string `json:"authorization_servers"`
		}
		json.NewDecoder(resp.Body).Decode(&md)
		resp.Body.Close()
		if md.Resource != url || len(md.Servers) != 1 || !strings.HasPrefix(md.Servers[0], "http://127.0.0.1:") {
			t.Fatalf("metadata of %s: %+v", url, md)
		}
		// The other IdP's token: signed by keys this gateway's discovery
		// does not publish, by an issuer it does not trust.
		if r := h.mcp(url, bad[g], `{"jsonrpc":"2.0","id":4,"method":"tools/list"}`); r.status != http.StatusUnauthorized || r.msg.Result != nil {
			t.Fatalf("the other IdP's token at %s: %d %s", url, r.status, r.raw)
		}
	}
	// The right IdP, the wrong client or audience: the claims miss the rule.
	if r := h.mcp(*m2m.GatewayUrl, h.m2mToken("otherclient"), init); r.status != http.StatusForbidden ||
		!strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
		t.Fatalf("a client not in allowedClients: %d %s", r.status, r.raw)
	}
	if r := h.mcp(*foreign.GatewayUrl, h.foreignToken("https://other.example.com"), init); r.status != http.StatusForbidden {
		t.Fatalf("an audience not in allowedAudience: %d %s", r.status, r.raw)
	}

	// Update keeps the name and authorizer type; the new rule applies.
	if _, err := h.ctl.UpdateGateway(ctx, &ctl.UpdateGatewayInput{GatewayIdentifier: m2m.GatewayId, Name: aws.String("Renamed"),
		RoleArn: aws.String(roleArn), AuthorizerType: ctltypes.AuthorizerTypeCustomJwt,
		AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(h.cognito.DiscoveryURL()), AllowedClients: []string{m2mID}}}}); errCode(err) != "ValidationException" {
		t.Fatalf("rename: %v", err)
	}
	up, err := h.ctl.UpdateGateway(ctx, &ctl.UpdateGatewayInput{GatewayIdentifier: m2m.GatewayId, Name: aws.String("WorkshopM2M"),
		RoleArn: aws.String(roleArn), AuthorizerType: ctltypes.AuthorizerTypeCustomJwt, ProtocolType: ctltypes.GatewayProtocolTypeMcp,
		AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(h.cognito.DiscoveryURL()), AllowedClients: []string{"otherclient"}}}})
	if err != nil || up.Status != ctltypes.GatewayStatusUpdating {
		t.Fatalf("UpdateGateway: %v %v", err, up)
	}
	h.clk.Advance(settle)
	if r := h.mcp(*m2m.GatewayUrl, h.m2mToken(m2mID), init); r.status != http.StatusForbidden {
		t.Fatalf("the old client after the update: %d", r.status)
	}

	// Lists, then cleanup in the toolkit's order: targets, then gateway.
	gl, err := h.ctl.ListGateways(ctx, &ctl.ListGatewaysInput{MaxResults: aws.Int32(1)})
	if err != nil || len(gl.Items) != 1 || gl.NextToken == nil {
		t.Fatalf("ListGateways page 1: %v %+v", err, gl)
	}
	if gl2, err := h.ctl.ListGateways(ctx, &ctl.ListGatewaysInput{NextToken: gl.NextToken}); err != nil || len(gl2.Items) != 1 || *gl2.Items[0].GatewayId == *gl.Items[0].GatewayId {
		t.Fatalf("ListGateways page 2: %v %+v", err, gl2)
	}
	if _, err := h.ctl.DeleteGateway(ctx, &ctl.DeleteGatewayInput{GatewayIdentifier: m2m.GatewayId}); errCode(err) != "ValidationException" ||
		!strings.Contains(err.Error(), "Gateway has targets associated") {
		t.Fatalf("delete with a target: %v", err)
	}
	tl, err := h.ctl.ListGatewayTargets(ctx, &ctl.ListGatewayTargetsInput{GatewayIdentifier: m2m.GatewayId})
	if err != nil || len(tl.Items) != 1 || *tl.Items[0].TargetId != *mt.TargetId || tl.Items[0].Status != ctltypes.TargetStatusReady {
		t.Fatalf("ListGatewayTargets: %v %+v", err, tl)
	}
	if got, err := h.ctl.GetGatewayTarget(ctx, &ctl.GetGatewayTargetInput{GatewayIdentifier: m2m.GatewayId, TargetId: mt.TargetId}); err != nil ||
		*got.Name != "WeatherTools" || got.CredentialProviderConfigurations[0].CredentialProviderType != ctltypes.CredentialProviderTypeGatewayIamRole {
		t.Fatalf("GetGatewayTarget: %v %+v", err, got)
	}
	if d, err := h.ctl.DeleteGatewayTarget(ctx, &ctl.DeleteGatewayTargetInput{GatewayIdentifier: m2m.GatewayId, TargetId: mt.TargetId}); err != nil || d.Status != ctltypes.TargetStatusDeleting {
		t.Fatalf("DeleteGatewayTarget: %v", err)
	}
	// A target still DELETING keeps the gateway: AWS deletes targets asynchronously.
	if _, err := h.ctl.DeleteGateway(ctx, &ctl.DeleteGatewayInput{GatewayIdentifier: m2m.GatewayId}); errCode(err) != "ValidationException" {
		t.Fatalf("delete while the target is DELETING: %v", err)
	}
	h.clk.Advance(settle)
	d, err := h.ctl.DeleteGateway(ctx, &ctl.DeleteGatewayInput{GatewayIdentifier: m2m.GatewayId})
	if err != nil || d.Status != ctltypes.GatewayStatusDeleting {
		t.Fatalf("DeleteGateway: %v", err)
	}
	h.clk.Advance(settle)
	if _, err := h.ctl.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: m2m.GatewayId}); errCode(err) != "ResourceNotFoundException" {
		t.Fatalf("GetGateway after delete: %v", err)
	}
	if r := h.mcp(*m2m.GatewayUrl, h.m2mToken("otherclient"), init); r.status != http.StatusNotFound {
		t.Fatalf("MCP of a deleted gateway: %d", r.status)
	}
	// Every answer the SDK read fits the model.
	modeltest.Check(t, model.AgentCoreControl, h.rec.Answers(), nil)
}
