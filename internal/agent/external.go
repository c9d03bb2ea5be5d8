package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// TokenRequest is what the external-service tool knows when it asks AgentCore
// Identity for an outbound OAuth2 token on the caller's behalf. The fields
// come from the headers the runtime hands every invocation.
type TokenRequest struct {
	WorkloadToken string // X-Amz-Bedrock-AgentCore-Identity-WAT, else WorkloadAccessToken
	SessionID     string // X-Amzn-Bedrock-AgentCore-Runtime-Session-Id
	CallbackURL   string // OAuth2CallbackUrl: the default resourceOauth2ReturnUrl for 3LO
}

// TokenResult is either a token from the vault or, when the user has not yet
// consented, the authorization URL to send them to (3LO, USER_FEDERATION).
type TokenResult struct {
	AccessToken      string
	AuthorizationURL string
}

// TokenSource obtains outbound tokens, the way requires_access_token calls
// GetResourceOauth2Token in the tutorial's agent. The identity data plane
// plugs in here; until it does, the agent uses a source that reports
// ErrNotConnected.
type TokenSource interface {
	ResourceToken(ctx context.Context, req TokenRequest) (TokenResult, error)
}

// ErrNotConnected is returned by the default TokenSource: this build of the
// sandbox has no identity data plane wired to the stand-in agent.
var ErrNotConnected = errors.New("the external service is not connected in this version of the sandbox")

type notConnected struct{}

func (notConnected) ResourceToken(context.Context, TokenRequest) (TokenResult, error) {
	return TokenResult{}, ErrNotConnected
}

// externalService runs the tutorial's check_external_service tool. Like the
// tutorial's tool it reports failures as answers (not HTTP errors): the agent
// worked, the outbound call did not. A cancelled context is the one failure
// returned as an error, because then nobody is waiting for the answer.
func externalService(ctx context.Context, src TokenSource, req TokenRequest) (string, error) {
	if req.WorkloadToken == "" {
		return "I can't reach the external service: the runtime gave me no workload access token, " +
			"so I have nothing to exchange for an OAuth token on your behalf. " +
			"Invoke with a bearer token (JWT inbound auth), or with SigV4 plus the " +
			"X-Amzn-Bedrock-AgentCore-Runtime-User-Id header.", nil
	}
	res, err := src.ResourceToken(ctx, req)
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("external service tool: %w", ctx.Err())
	case errors.Is(err, ErrNotConnected):
		return fmt.Sprintf("I received a workload access token for session %s, but %s, "+
			"so I did not call it.", orNone(req.SessionID), ErrNotConnected), nil
	case err != nil:
		return "Failed to authenticate to the external service: " + err.Error(), nil
	case res.AccessToken != "":
		text := fmt.Sprintf("Authenticated to the external service.\nToken length: %d characters\n"+
			"Status: active and cached for session %s", len(res.AccessToken), orNone(req.SessionID))
		if c, ok := src.(ExternalCaller); ok {
			reply, err := c.CallExternal(ctx, res.AccessToken)
			if ctx.Err() != nil {
				return "", fmt.Errorf("external service tool: %w", ctx.Err())
			}
			if err != nil {
				return text + "\n\nThe external service refused the call: " + err.Error(), nil
			}
			text += "\n\nExternal service response:\n" + indentJSON(reply)
		}
		return text, nil
	case res.AuthorizationURL != "":
		return "Authorization required.\n\nPlease open this URL in your browser to authorize:\n" +
			res.AuthorizationURL + "\n\nAfter authorizing, invoke me again with the same session ID (" +
			orNone(req.SessionID) + ").", nil
	default:
		// The SDK's wording for a reply with neither field.
		return "Failed to authenticate to the external service: Identity service did not return a token or an authorization URL.", nil
	}
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// indentJSON lays a JSON reply out one member per line, so a person can
// read it in a terminal; anything that is not JSON is returned as is.
func indentJSON(reply string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(reply), "", "  "); err != nil {
		return reply
	}
	return b.String()
}
