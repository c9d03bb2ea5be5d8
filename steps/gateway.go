package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// The gateway stage's results.
const (
	M2MGatewayURL     = "M2M gateway URL"
	ForeignGatewayURL = "foreign gateway URL"
)

// The Lambda target, as the starter toolkit's gateway quickstart makes it
// (bedrock_agentcore_starter_toolkit/operations/gateway/create_lambda.py
// and client.py's create_mcp_gateway_target, toolkit commit 4f90432): the
// function AgentCoreLambdaTestFunction (here with the workspace's suffix,
// so learners sharing an account or a sandbox do not collide) with the
// inline tools get_weather and get_time, called with the gateway's own
// role (GATEWAY_IAM_ROLE). The sandbox runs a stand-in of that function.
const (
	gatewayFunction = "AgentCoreLambdaTestFunction"
	gatewayTarget   = "WeatherTools"
)

// Gateway is stage 12: two MCP gateways behind the same kind of inbound
// authorizer as the runtime, one trusting the M2M client (allowedClients),
// one the foreign IdP's audience (allowedAudience). Each lists and calls
// its tools with its own IdP's token, answers no token with 401 and a
// WWW-Authenticate challenge, and refuses the other IdP's token.
func Gateway(env *Env) engine.Stage {
	return outlined(outline.GatewayID, env, runGateway)
}

// gatewayTools is the quickstart's inline tool schema.
func gatewayTools() []ctltypes.ToolDefinition {
	obj, str := ctltypes.SchemaTypeObject, ctltypes.SchemaTypeString
	tool := func(name, desc, arg string) ctltypes.ToolDefinition {
		return ctltypes.ToolDefinition{Name: aws.String(name), Description: aws.String(desc), InputSchema: &ctltypes.SchemaDefinition{
			Type: obj, Properties: map[string]ctltypes.SchemaDefinition{arg: {Type: str}}, Required: []string{arg}}}
	}
	return []ctltypes.ToolDefinition{tool("get_weather", "Get weather for a location", "location"), tool("get_time", "Get time for a timezone", "timezone")}
}

// gatewayPolicy lets the gateway's role invoke the target's function (AWS's
// documented minimum for a Lambda target).
func gatewayPolicy(partition, region, account, function string) string {
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "InvokeTargetFunction", "Effect": "Allow", "Action": "lambda:InvokeFunction",
		"Resource":  fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", partition, region, account, function),
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": account}},
	}}})
}

// gatewayIdP is one gateway's side of the stage: its authorizer and the
// token its IdP gives.
type gatewayIdP struct {
	label, name, url, token string
	jwt                     ctltypes.CustomJWTAuthorizerConfiguration
}

func runGateway(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	m, err := inputs(env, outline.MachineToMachineID, M2MClientID, M2MClientSecret, M2MTokenURL, M2MScope)
	if err != nil {
		return Result{}, err
	}
	f, err := inputs(env, outline.ForeignIdPID, ForeignDiscoveryURL, ForeignClientID, ForeignClientSecret, ForeignTokenURL, ForeignAudience)
	if err != nil {
		return Result{}, err
	}
	var res Result
	put := publisher(rep, &res)
	const steps = 6
	suffix, region := env.Session.Settings().Suffix, env.Cloud.Region

	rep.Progress("tokens from both IdPs", 1, steps)
	m2mToken, err := clientCredentials(ctx, env.Cloud, m[M2MTokenURL], url.Values{"client_id": {m[M2MClientID]},
		"client_secret": {m[M2MClientSecret]}, "scope": {m[M2MScope]}})
	if err != nil {
		return res, fmt.Errorf("M2M token: %w", err)
	}
	foreignToken, err := clientCredentials(ctx, env.Cloud, f[ForeignTokenURL], url.Values{"client_id": {f[ForeignClientID]},
		"client_secret": {f[ForeignClientSecret]}, "audience": {f[ForeignAudience]}})
	if err != nil {
		return res, fmt.Errorf("foreign IdP token: %w", err)
	}
	// The M2M pool's discovery URL is its tokens' issuer's.
	tok, err := jwtx.Decode(m2mToken)
	if err != nil || tok.String("iss") == "" {
		return res, fmt.Errorf("the M2M token has no issuer: %v", err)
	}
	m2mDiscovery := strings.TrimRight(tok.String("iss"), "/") + "/.well-known/openid-configuration"
	put(Value{Name: "M2M token", Value: m2mToken, Secret: true, Kind: KindToken})
	put(Value{Name: "foreign token", Value: foreignToken, Secret: true, Kind: KindToken})

	rep.Progress("roles and the target's function", 2, steps)
	who, err := env.Cloud.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return res, fmt.Errorf("get caller identity: %w", err)
	}
	account := aws.ToString(who.Account)
	function := gatewayFunction + "-" + suffix
	role, _, err := ensureRole(ctx, env, rep, "gateway", "AgentCoreWorkshopGateway-"+suffix, trustPolicy("bedrock-agentcore.amazonaws.com", account, ""),
		"AgentCoreWorkshopGatewayInvoke", gatewayPolicy(env.Cloud.Partition, region, account, function))
	if err != nil {
		return res, err
	}
	fnRole, _, err := ensureRole(ctx, env, rep, "gateway", "AgentCoreWorkshopGatewayFn-"+suffix, lambdaTrust,
		"AgentCoreWorkshopGatewayFnLogs", lambdaPolicy(env.Cloud.Partition, region, account, function))
	if err != nil {
		return res, err
	}
	if _, err := logGroups.ensure(ctx, env, rep, "gateway", logGroupSpec{functionLogGroup(function)}); err != nil {
		return res, err
	}
	fn, err := functions.ensure(ctx, env, rep, "gateway", functionSpec{name: function, role: fnRole, caller: role})
	if err != nil {
		return res, err
	}

	sides := []*gatewayIdP{
		{label: "M2M", name: "WorkshopM2M-" + suffix, token: m2mToken,
			jwt: ctltypes.CustomJWTAuthorizerConfiguration{DiscoveryUrl: aws.String(m2mDiscovery), AllowedClients: []string{m[M2MClientID]}}},
		{label: "foreign", name: "WorkshopForeign-" + suffix, token: foreignToken,
			jwt: ctltypes.CustomJWTAuthorizerConfiguration{DiscoveryUrl: aws.String(f[ForeignDiscoveryURL]), AllowedAudience: []string{f[ForeignAudience]}}},
	}
	rep.Progress("gateways until READY", 3, steps)
	for _, s := range sides {
		g, err := gateways.ensure(ctx, env, rep, "gateway", gatewaySpec{name: s.name, role: role, jwt: s.jwt})
		if err != nil {
			return res, err
		}
		s.url = g.URL
		rep.Log("gateway %s READY at %s", s.name, g.URL)
	}
	put(Value{Name: M2MGatewayURL, Value: sides[0].url, Kind: KindURL})
	put(Value{Name: ForeignGatewayURL, Value: sides[1].url, Kind: KindURL})

	rep.Progress("targets until READY", 4, steps)
	for _, s := range sides {
		if _, err := gatewayTargets.ensure(ctx, env, rep, "gateway", targetSpec{gateway: s.name, name: gatewayTarget, lambdaARN: fn.ARN, tools: gatewayTools()}); err != nil {
			return res, err
		}
	}

	rep.Progress("MCP with the right token", 5, steps)
	for _, s := range sides {
		tools, answer, err := useGateway(ctx, env, rep, s)
		if err != nil {
			return res, err
		}
		put(Value{Name: s.label + " tools", Value: strings.Join(tools, ", ")})
		put(Value{Name: s.label + " tools/call", Value: answer, Kind: KindCode})
	}

	rep.Progress("refusals", 6, steps)
	for i, s := range sides {
		other := sides[1-i]
		r, err := env.Cloud.MCP(ctx, s.url, "", 1, "tools/list", nil)
		if err != nil {
			return res, err
		}
		if r.Status != http.StatusUnauthorized || r.Challenge == "" {
			return res, fmt.Errorf("%s gateway without a token answered %d (WWW-Authenticate %q), want 401 with a challenge", s.label, r.Status, r.Challenge)
		}
		rep.Log("%s gateway, no token: ← %d WWW-Authenticate: %s", s.label, r.Status, r.Challenge)
		put(Value{Name: s.label + " gateway, no token", Value: fmt.Sprintf("%d WWW-Authenticate: %s", r.Status, r.Challenge)})
		r, err = env.Cloud.MCP(ctx, s.url, other.token, 1, "tools/list", nil)
		if err != nil {
			return res, err
		}
		if r.Status/100 != 4 || r.Result != nil {
			return res, fmt.Errorf("%s gateway took the %s IdP's token (%d)", s.label, other.label, r.Status)
		}
		why := ""
		if r.Error != nil {
			why = r.Error.Message
		}
		rep.Log("%s gateway, the %s IdP's token: ← %d %s", s.label, other.label, r.Status, why)
		put(Value{Name: fmt.Sprintf("%s gateway, %s token", s.label, other.label), Value: fmt.Sprintf("refused %d: %s", r.Status, why)})
	}
	return res, nil
}

// useGateway is an MCP client's session with a gateway: initialize,
// notifications/initialized, tools/list, then a tools/call of the first
// tool. It returns the tool names and the call's answer.
func useGateway(ctx context.Context, env *Env, rep Reporter, s *gatewayIdP) ([]string, string, error) {
	call := func(id int, method string, params any) (*cloud.MCPReply, error) {
		r, err := env.Cloud.MCP(ctx, s.url, s.token, id, method, params)
		if err != nil {
			return nil, err
		}
		ok := r.Status == http.StatusOK && r.Error == nil || id == 0 && r.Status/100 == 2
		if !ok {
			return nil, fmt.Errorf("%s gateway %s: HTTP %d %s", s.label, method, r.Status, strings.TrimSpace(string(r.Body)))
		}
		rep.Log("%s gateway %s: ← %d", s.label, method, r.Status)
		return r, nil
	}
	if _, err := call(1, "initialize", map[string]any{"protocolVersion": cloud.MCPProtocolVersion, "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "agentcore-workshop", "version": "1"}}); err != nil {
		return nil, "", err
	}
	if _, err := call(0, "notifications/initialized", nil); err != nil {
		return nil, "", err
	}
	r, err := call(2, "tools/list", nil)
	if err != nil {
		return nil, "", err
	}
	var list struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(r.Result, &list); err != nil || len(list.Tools) == 0 {
		return nil, "", fmt.Errorf("%s gateway listed no tools: %s", s.label, r.Result)
	}
	var names []string
	for _, t := range list.Tools {
		names = append(names, t.Name)
	}
	weather := gatewayTarget + "___get_weather"
	r, err = call(3, "tools/call", map[string]any{"name": weather, "arguments": map[string]any{"location": "Seoul"}})
	if err != nil {
		return nil, "", err
	}
	return names, string(r.Result), nil
}

// clientCredentials asks a token endpoint for a client_credentials access
// token, with the client's secret in the form (as the toolkit does for
// Cognito; Auth0 takes the same form with its audience).
func clientCredentials(ctx context.Context, c *cloud.Clients, tokenURL string, form url.Values) (string, error) {
	form.Set("grant_type", "client_credentials")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("POST %s: %w", tokenURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil || out.AccessToken == "" {
		return "", fmt.Errorf("POST %s: HTTP %d %s", tokenURL, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return out.AccessToken, nil
}
