package agent

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// TokenRequest is what the external-service tool knows when it asks AgentCore
// Identity for an outbound OAuth2 token on the caller's behalf. The fields
// come from the headers the runtime hands every invocation.
type TokenRequest struct {
	WorkloadToken string // X-Amz-Bedrock-AgentCore-Identity-WAT, else WorkloadAccessToken
	SessionID     string // X-Amzn-Bedrock-AgentCore-Runtime-Session-Id
	CallbackURL   string // OAuth2CallbackUrl: the default resourceOauth2ReturnUrl for 3LO
	// ForceAuthentication asks for a new consent although the vault may
	// hold a token: agent.py's force_authentication for this invocation.
	ForceAuthentication bool
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

// Outcome is the external-service tool's structured result. The
// workshop's agent.py returns the same object beside the model's text (as
// "external_service"), so the consent stage reads what the tool did rather
// than what a model said about it.
type Outcome struct {
	// Status is StatusConnected, StatusConsentRequired or StatusFailed.
	Status   string `json:"status"`
	Provider string `json:"provider,omitempty"`
	// TokenSource names where the token came from; set when connected.
	TokenSource string `json:"token_source,omitempty"`
	TokenLength int    `json:"token_length,omitempty"`
	// TokenClaims are the outbound token's non-secret claims, read
	// without verifying it (the tool is not the token's audience): they
	// show whose token the vault handed out, never the token itself.
	TokenClaims      map[string]any `json:"token_claims,omitempty"`
	AuthorizationURL string         `json:"authorization_url,omitempty"`
	Error            string         `json:"error,omitempty"`
	// ExternalAPI is the external service's answer (the sandbox's
	// external API); the tutorial's agent.py has no such API to call.
	ExternalAPI json.RawMessage `json:"external_api,omitempty"`
}

// Outcome statuses.
const (
	StatusConnected       = "connected"
	StatusConsentRequired = "consent_required"
	StatusFailed          = "failed"
)

// VaultSource is Outcome.TokenSource for a token GetResourceOauth2Token
// returned.
const VaultSource = "AgentCore Identity token vault"

// shownClaims are the claims an Outcome carries: who the token is for and
// who issued it, nothing that would let anyone use it.
var shownClaims = []string{"iss", "sub", "username", "cognito:username", "client_id", "token_use", "scope", "aud", "exp"}

// TokenClaims reads a JWT's payload without verifying it and keeps
// shownClaims; nil when the token is not a JWT.
func TokenClaims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var all map[string]any
	if json.Unmarshal(raw, &all) != nil {
		return nil
	}
	out := map[string]any{}
	for _, k := range shownClaims {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out
}

// externalService runs the tutorial's check_external_service tool. Like the
// tutorial's tool it reports failures as answers (not HTTP errors): the agent
// worked, the outbound call did not. A cancelled context is the one failure
// returned as an error, because then nobody is waiting for the answer.
func externalService(ctx context.Context, src TokenSource, req TokenRequest) (string, *Outcome, error) {
	out := &Outcome{Status: StatusFailed}
	if p, ok := src.(interface{ ProviderName() string }); ok {
		out.Provider = p.ProviderName()
	}
	if req.WorkloadToken == "" {
		out.Error = "no workload access token"
		return "I can't reach the external service: the runtime gave me no workload access token, " +
			"so I have nothing to exchange for an OAuth token on your behalf. " +
			"Invoke with a bearer token (JWT inbound auth), or with SigV4 plus the " +
			"X-Amzn-Bedrock-AgentCore-Runtime-User-Id header.", out, nil
	}
	res, err := src.ResourceToken(ctx, req)
	switch {
	case ctx.Err() != nil:
		return "", nil, fmt.Errorf("external service tool: %w", ctx.Err())
	case errors.Is(err, ErrNotConnected):
		out.Error = ErrNotConnected.Error()
		return fmt.Sprintf("I received a workload access token for session %s, but %s, "+
			"so I did not call it.", orNone(req.SessionID), ErrNotConnected), out, nil
	case err != nil:
		out.Error = asPython(err)
		return "Failed to authenticate to the external service: " + err.Error(), out, nil
	case res.AccessToken != "":
		out.Status, out.TokenSource, out.TokenLength = StatusConnected, VaultSource, len(res.AccessToken)
		out.TokenClaims = TokenClaims(res.AccessToken)
		text := fmt.Sprintf("Authenticated to the external service.\nToken length: %d characters\n"+
			"Status: active and cached for session %s", len(res.AccessToken), orNone(req.SessionID))
		if c, ok := src.(ExternalCaller); ok {
			reply, err := c.CallExternal(ctx, res.AccessToken)
			if ctx.Err() != nil {
				return "", nil, fmt.Errorf("external service tool: %w", ctx.Err())
			}
			if err != nil {
				out.Status, out.Error = StatusFailed, "the external service refused the call: "+err.Error()
				return text + "\n\nThe external service refused the call: " + err.Error(), out, nil
			}
			if json.Valid([]byte(reply)) {
				out.ExternalAPI = json.RawMessage(reply)
			} else {
				out.ExternalAPI, _ = json.Marshal(reply)
			}
			text += "\n\nExternal service response:\n" + indentJSON(reply)
		}
		return text, out, nil
	case res.AuthorizationURL != "":
		out.Status, out.AuthorizationURL = StatusConsentRequired, res.AuthorizationURL
		return "Authorization required.\n\nPlease open this URL in your browser to authorize:\n" +
			res.AuthorizationURL + "\n\nAfter authorizing, invoke me again with the same session ID (" +
			orNone(req.SessionID) + ").", out, nil
	default:
		// The SDK's wording for a reply with neither field.
		out.Error = "Identity service did not return a token or an authorization URL."
		return "Failed to authenticate to the external service: Identity service did not return a token or an authorization URL.", out, nil
	}
}

// asPython words err as agent.py's tool reports an exception,
// f"{type(e).__name__}: {e}": an AWS error as botocore's ClientError words
// it, so the stand-in's result reads as the learner's agent's does on AWS
// (compared with the AgentCore Python SDK in steps,
// TestAgentPyIdentityPathWithThePythonSDK). Other errors keep their text.
func asPython(err error) string {
	var api smithy.APIError
	var op *smithy.OperationError
	if errors.As(err, &api) && errors.As(err, &op) {
		// botocore/exceptions.py, ClientError.MSG_TEMPLATE (no retries).
		return fmt.Sprintf("%s: An error occurred (%s) when calling the %s operation: %s",
			api.ErrorCode(), api.ErrorCode(), op.Operation(), api.ErrorMessage())
	}
	return err.Error()
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
