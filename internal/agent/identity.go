package agent

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"

	"agentcore-workshop/internal/sandbox/resourceapi"
)

// DefaultCredentialProvider is the provider name the tutorial's agent uses.
const DefaultCredentialProvider = "ExternalServiceProvider"

// ExternalCaller is implemented by token sources that can also call the
// external service with the token they obtained. The external-service tool
// uses it when present, so its answer shows a real delegated call.
type ExternalCaller interface {
	CallExternal(ctx context.Context, accessToken string) (string, error)
}

// IdentityConfig configures an IdentityClient.
type IdentityConfig struct {
	Endpoint    string // identity data plane base URL (the sandbox edge)
	Region      string
	Credentials aws.CredentialsProvider
	Provider    string   // credential provider name; empty: DefaultCredentialProvider
	Scopes      []string // empty: ["openid"], as in the tutorial
	Flow        string   // USER_FEDERATION (empty) or M2M
	// ExternalAPIURL is the resource the token is for; empty: the sandbox's
	// external API on Endpoint (Endpoint + resourceapi.ProfilePath).
	ExternalAPIURL string
	// ReturnURL is agent.py's callback_url: sent as resourceOauth2ReturnUrl
	// in preference to the runtime's OAuth2CallbackUrl header, as the SDK
	// does. Empty: the header's value, if any.
	ReturnURL  string
	HTTPClient *http.Client // nil: a client with a 15 s timeout
	Log        *slog.Logger
}

// IdentityClient is the stand-in agent's requires_access_token: it asks
// AgentCore Identity for the caller's token with the real SDK client
// (GetResourceOauth2Token, SigV4-signed), and calls the external API with it.
type IdentityClient struct {
	api      *bedrockagentcore.Client
	http     *http.Client
	provider string
	scopes   []string
	flow     types.Oauth2FlowType
	extURL   string
	retURL   string
	log      *slog.Logger
}

// NewIdentityClient returns a client for cfg.
func NewIdentityClient(cfg IdentityConfig) *IdentityClient {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	c := &IdentityClient{
		api: bedrockagentcore.New(bedrockagentcore.Options{
			Region: cfg.Region, BaseEndpoint: aws.String(cfg.Endpoint), Credentials: cfg.Credentials, HTTPClient: hc,
		}),
		http: hc, provider: cfg.Provider, scopes: cfg.Scopes, extURL: cfg.ExternalAPIURL, retURL: cfg.ReturnURL, log: cfg.Log,
		flow: types.Oauth2FlowType(cfg.Flow),
	}
	if c.flow == "" {
		c.flow = types.Oauth2FlowTypeUserFederation
	}
	if c.provider == "" {
		c.provider = DefaultCredentialProvider
	}
	if len(c.scopes) == 0 {
		c.scopes = []string{"openid"}
	}
	if c.extURL == "" {
		c.extURL = strings.TrimSuffix(cfg.Endpoint, "/") + resourceapi.ProfilePath
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// ResourceToken implements TokenSource: the configured flow (USER_FEDERATION
// by default) with the runtime's workload access token, and
// forceAuthentication as the invocation asked (agent.py's
// force_authentication). agent.py's
// callback_url, else the OAuth2CallbackUrl header when the runtime sent
// one, becomes resourceOauth2ReturnUrl (as the Python SDK does).
func (c *IdentityClient) ResourceToken(ctx context.Context, req TokenRequest) (TokenResult, error) {
	in := &bedrockagentcore.GetResourceOauth2TokenInput{
		WorkloadIdentityToken:          aws.String(req.WorkloadToken),
		ResourceCredentialProviderName: aws.String(c.provider),
		Scopes:                         c.scopes,
		Oauth2Flow:                     c.flow,
		ForceAuthentication:            aws.Bool(req.ForceAuthentication),
	}
	if ret := firstNonEmpty(c.retURL, req.CallbackURL); ret != "" {
		in.ResourceOauth2ReturnUrl = aws.String(ret)
	}
	out, err := c.api.GetResourceOauth2Token(ctx, in)
	if err != nil {
		return TokenResult{}, fmt.Errorf("GetResourceOauth2Token for %s: %w", c.provider, err)
	}
	res := TokenResult{AccessToken: aws.ToString(out.AccessToken), AuthorizationURL: aws.ToString(out.AuthorizationUrl)}
	if res.AccessToken == "" && res.AuthorizationURL == "" && out.SessionStatus == types.SessionStatusFailed {
		return TokenResult{}, fmt.Errorf("the authorization session %s failed; ask again to start a new one", aws.ToString(out.SessionUri))
	}
	c.log.Info("agent: resource token", "provider", c.provider, "force", req.ForceAuthentication,
		"token", res.AccessToken != "", "consent_needed", res.AuthorizationURL != "")
	return res, nil
}

// ProviderName is the credential provider the client asks.
func (c *IdentityClient) ProviderName() string { return c.provider }

// CallExternal implements ExternalCaller: GET the external API with the
// token as a bearer and return its answer.
func (c *IdentityClient) CallExternal(ctx context.Context, accessToken string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.extURL, nil)
	if err != nil {
		return "", fmt.Errorf("build external API request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("call external API: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read external API answer: %w", err)
	}
	text := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		if wa := resp.Header.Get("WWW-Authenticate"); wa != "" {
			return "", fmt.Errorf("HTTP %d (%s): %s", resp.StatusCode, wa, text)
		}
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, text)
	}
	return text, nil
}
