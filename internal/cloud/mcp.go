package cloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// MCPProtocolVersion is the MCP version the workshop's client asks for.
const MCPProtocolVersion = "2025-06-18"

// MCPReply is a gateway's answer to one MCP message.
type MCPReply struct {
	Status    int
	Challenge string          // the WWW-Authenticate header of a refusal
	Result    json.RawMessage // the JSON-RPC result, when there is one
	Error     *MCPError       // the JSON-RPC error, when there is one
	Body      []byte
}

// MCPError is a JSON-RPC error object.
type MCPError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// MCP sends one JSON-RPC message to an AgentCore Gateway's MCP endpoint
// over streamable HTTP (a POST, answered with JSON), with the bearer token
// when token is not empty. id 0 sends a notification. A refusal is not an
// error: the reply carries the status and the challenge.
func (c *Clients) MCP(ctx context.Context, url, token string, id int, method string, params any) (*MCPReply, error) {
	msg := map[string]any{"jsonrpc": "2.0", "method": method}
	if id != 0 {
		msg["id"] = id
	}
	if params != nil {
		msg["params"] = params
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encode MCP %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build MCP %s request: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", MCPProtocolVersion)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("MCP %s: %w", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("read MCP %s answer: %w", method, err)
	}
	r := &MCPReply{Status: resp.StatusCode, Challenge: resp.Header.Get("WWW-Authenticate"), Body: b}
	var doc struct {
		Result json.RawMessage `json:"result"`
		Error  *MCPError       `json:"error"`
	}
	if len(bytes.TrimSpace(b)) > 0 && json.Unmarshal(b, &doc) == nil {
		r.Result, r.Error = doc.Result, doc.Error
	}
	return r, nil
}
