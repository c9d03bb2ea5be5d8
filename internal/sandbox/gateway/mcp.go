package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

// The gateway's MCP endpoint: JSON-RPC 2.0 over streamable HTTP (a POST
// per message, answered with plain JSON: the sandbox's gateways keep no
// sessions and stream nothing, as a gateway without sessionConfiguration
// does), behind the gateway's inbound authorizer.

// ProtocolVersions are the MCP versions the Gateway speaks (gateway-using.html);
// the last is offered to a client asking for another.
var ProtocolVersions = []string{"2025-03-26", "2025-06-18", "2025-11-25"}

// ToolSeparator joins a target's name and its tool's (gateway-tool-naming.html).
const ToolSeparator = "___"

// metadataPrefix is where a protected resource's metadata lives (RFC 9728).
// AWS serves it at the root of each gateway's own host; the sandbox's
// gateways share one host, so the resource's path follows, as RFC 9728
// places metadata for a resource with a path.
const metadataPrefix = "/.well-known/oauth-protected-resource"

// functionTimeout bounds one tool call's function.
const functionTimeout = 30 * time.Second

// JSON-RPC error codes.
const (
	rpcParseError     = -32700
	rpcInvalidRequest = -32600
	rpcMethodNotFound = -32601
	rpcInvalidParams  = -32602
	rpcUnauthorized   = -32001 // the sandbox's code for a refused token (AWS's body is unverified)
)

// mcpTarget is a READY target as the endpoint needs it.
type mcpTarget struct {
	id, name, lambdaARN string
	tools               []Tool
}

// mcpView is what one MCP request needs of its gateway, copied under s.mu.
type mcpView struct {
	id, name, status, authType string
	jwt                        *authorizer.Rule
	instructions               string
	targets                    []mcpTarget
}

func (s *Service) mcpView(id string) (mcpView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.gateway(id)
	if err != nil {
		return mcpView{}, false
	}
	v := mcpView{id: g.ID, name: g.Name, status: g.Status, authType: g.Config.AuthorizerType, jwt: g.JWT}
	var pc struct {
		MCP struct {
			Instructions string `json:"instructions"`
		} `json:"mcp"`
	}
	if present(g.Config.Protocol) && json.Unmarshal(g.Config.Protocol, &pc) == nil {
		v.instructions = pc.MCP.Instructions
	}
	for _, t := range g.Targets {
		if t.Status == statusReady {
			v.targets = append(v.targets, mcpTarget{id: t.ID, name: t.Name, lambdaARN: t.LambdaARN, tools: slices.Clone(t.Tools)})
		}
	}
	slices.SortFunc(v.targets, func(a, b mcpTarget) int { return strings.Compare(a.name, b.name) })
	return v, true
}

type rpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// writeRPC writes one JSON-RPC answer: a result, or an error.
func writeRPC(w http.ResponseWriter, status int, id json.RawMessage, result any, e *rpcError) {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	msg := map[string]any{"jsonrpc": "2.0", "id": id}
	if e != nil {
		msg["error"] = e
	} else {
		msg["result"] = result
	}
	b, _ := json.Marshal(msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// serveMCP answers one message to a gateway's MCP endpoint. signed says
// whether the edge verified a SigV4 signature.
func (s *Service) serveMCP(w http.ResponseWriter, r *http.Request, id string, signed bool) {
	if r.Method != http.MethodPost {
		// No server-to-client stream (GET) and no sessions to end (DELETE).
		w.Header().Set("Allow", http.MethodPost)
		writeRPC(w, http.StatusMethodNotAllowed, nil, nil, &rpcError{rpcInvalidRequest, "Method not allowed: the MCP endpoint takes POST"})
		return
	}
	g, ok := s.mcpView(id)
	if !ok {
		writeRPC(w, http.StatusNotFound, nil, nil, &rpcError{rpcInvalidRequest, "Gateway not found: " + id})
		return
	}
	if !s.admit(w, r, g, signed) {
		return
	}
	if g.status != statusReady {
		writeRPC(w, http.StatusServiceUnavailable, nil, nil, &rpcError{rpcInvalidRequest, fmt.Sprintf("Gateway %s is %s, not READY", g.id, g.status)})
		return
	}
	if v := r.Header.Get("MCP-Protocol-Version"); v != "" && !slices.Contains(ProtocolVersions, v) {
		writeRPC(w, http.StatusBadRequest, nil, nil, &rpcError{rpcInvalidRequest, "Unsupported MCP-Protocol-Version: " + v})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeRPC(w, http.StatusRequestEntityTooLarge, nil, nil, &rpcError{rpcParseError, "Request body is too large"})
		return
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		writeRPC(w, http.StatusBadRequest, nil, nil, &rpcError{rpcInvalidRequest, "Batched JSON-RPC messages are not supported"})
		return
	}
	var msg rpcMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		writeRPC(w, http.StatusBadRequest, nil, nil, &rpcError{rpcParseError, "Parse error: the body is not a JSON-RPC message"})
		return
	}
	if msg.JSONRPC != "2.0" || msg.Method == "" {
		writeRPC(w, http.StatusBadRequest, msg.ID, nil, &rpcError{rpcInvalidRequest, `Invalid request: a JSON-RPC 2.0 message needs "jsonrpc":"2.0" and a method`})
		return
	}
	if len(msg.ID) == 0 || string(msg.ID) == "null" {
		// A notification (notifications/initialized and the like): accepted, no answer.
		w.WriteHeader(http.StatusAccepted)
		return
	}
	result, e := s.call(r.Context(), g, msg)
	writeRPC(w, http.StatusOK, msg.ID, result, e)
}

// admit applies the gateway's inbound authorizer; on refusal it answers
// and reports false.
func (s *Service) admit(w http.ResponseWriter, r *http.Request, g mcpView, signed bool) bool {
	switch g.authType {
	case "NONE":
		return true
	case "AWS_IAM":
		if !signed {
			edge.RequireSigned(w, r, awswire.RestJSON)
		}
		return signed
	}
	if g.jwt == nil {
		writeRPC(w, http.StatusInternalServerError, nil, nil, &rpcError{rpcInvalidRequest, "Gateway has no authorizer configuration"})
		return false
	}
	token, _ := authorizer.BearerToken(r.Header.Get("Authorization"))
	_, err := s.authz.Check(r.Context(), *g.jwt, token)
	if err == nil {
		return true
	}
	var d *authorizer.Denial
	if !errors.As(err, &d) {
		writeRPC(w, http.StatusInternalServerError, nil, nil, &rpcError{rpcInvalidRequest, err.Error()})
		return false
	}
	s.log.Info("gateway: bearer refused", "gateway", g.id, "status", d.Status, "reason", d.Message)
	// As the Gateway answers (captured in an AWS sample, facts §2): the
	// challenge names the scopes and where the resource's metadata is, so
	// an MCP client can find the authorization server. A token whose
	// claims miss the rule is 403 insufficient_scope, as RFC 6750 words it.
	code := "invalid_token"
	if d.Status == http.StatusForbidden {
		code = "insufficient_scope"
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error=%q, scope=%q, resource_metadata=%q`,
		code, strings.Join(g.jwt.AllowedScopes, " "), s.d.URL+metadataPrefix+"/gateways/"+g.id+"/mcp"))
	writeRPC(w, d.Status, nil, nil, &rpcError{rpcUnauthorized, d.Message})
	return false
}

// call runs one JSON-RPC request.
func (s *Service) call(ctx context.Context, g mcpView, msg rpcMessage) (any, *rpcError) {
	switch msg.Method {
	case "initialize":
		var p struct {
			ProtocolVersion string `json:"protocolVersion"`
		}
		_ = json.Unmarshal(msg.Params, &p)
		v := ProtocolVersions[len(ProtocolVersions)-1]
		if slices.Contains(ProtocolVersions, p.ProtocolVersion) {
			v = p.ProtocolVersion
		}
		out := map[string]any{
			"protocolVersion": v,
			"capabilities":    map[string]any{"tools": map[string]any{"listChanged": false}},
			"serverInfo":      map[string]any{"name": g.name, "version": "1.0.0"},
		}
		if g.instructions != "" {
			out["instructions"] = g.instructions
		}
		return out, nil
	case "ping":
		return map[string]any{}, nil
	case "tools/list":
		tools := []map[string]any{}
		for _, t := range g.targets {
			for _, tool := range t.tools {
				m := map[string]any{"name": t.name + ToolSeparator + tool.Name, "description": tool.Description, "inputSchema": tool.InputSchema}
				if len(tool.OutputSchema) > 0 {
					m["outputSchema"] = tool.OutputSchema
				}
				tools = append(tools, m)
			}
		}
		return map[string]any{"tools": tools}, nil
	case "tools/call":
		return s.callTool(ctx, g, msg)
	}
	return nil, &rpcError{rpcMethodNotFound, "Method not found: " + msg.Method}
}

// callTool runs tools/call: the prefix picks the target, whose function
// gets the arguments as its event.
func (s *Service) callTool(ctx context.Context, g mcpView, msg rpcMessage) (any, *rpcError) {
	var p struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if err := json.Unmarshal(msg.Params, &p); err != nil || p.Name == "" {
		return nil, &rpcError{rpcInvalidParams, "Invalid params: tools/call needs a tool name"}
	}
	args := p.Arguments
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage("{}")
	}
	if args[0] != '{' {
		return nil, &rpcError{rpcInvalidParams, "Invalid params: arguments must be an object"}
	}
	targetName, toolName, _ := strings.Cut(p.Name, ToolSeparator)
	for _, t := range g.targets {
		if t.name != targetName || !slices.ContainsFunc(t.tools, func(x Tool) bool { return x.Name == toolName }) {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, functionTimeout)
		defer cancel()
		out, err := s.fn.Invoke(ctx, FunctionCall{FunctionARN: t.lambdaARN, Event: args, Custom: map[string]string{
			"bedrockAgentCoreToolName": p.Name, "bedrockAgentCoreMessageVersion": "1.0", "bedrockAgentCoreGatewayId": g.id,
			"bedrockAgentCoreTargetId": t.id, "bedrockAgentCoreMcpMessageId": string(msg.ID), "bedrockAgentCoreAwsRequestId": awswire.RequestID(),
		}})
		if err != nil {
			return map[string]any{"isError": true, "content": []map[string]any{{"type": "text", "text": "The target's function failed: " + err.Error()}}}, nil
		}
		return map[string]any{"isError": false, "content": []map[string]any{{"type": "text", "text": string(out)}}}, nil
	}
	return nil, &rpcError{rpcInvalidParams, "Unknown tool: " + p.Name}
}

// serveMetadata answers a gateway's protected-resource metadata (RFC
// 9728): where its tokens come from, so an MCP client told 401 can go and
// get one. The issuer is the discovery URL's base, as OIDC discovery
// places it.
func (s *Service) serveMetadata(w http.ResponseWriter, r *http.Request) {
	g, ok := s.mcpView(r.PathValue("id"))
	if !ok || g.jwt == nil {
		http.NotFound(w, r)
		return
	}
	scopes := g.jwt.AllowedScopes
	if scopes == nil {
		scopes = []string{}
	}
	b, _ := json.Marshal(map[string]any{
		"resource":              s.URL(g.id),
		"authorization_servers": []string{strings.TrimSuffix(g.jwt.DiscoveryURL, "/.well-known/openid-configuration")},
		"scopes_supported":      scopes,
	})
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
