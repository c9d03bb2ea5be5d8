package cloud

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// ForeignIdPSigningName is the SigV4 service name of the sandbox's
// foreign-IdP management API.
const ForeignIdPSigningName = "foreign-idp"

// maxForeignBody caps every answer read from an IdP or its management API.
const maxForeignBody = 1 << 20

// ForeignAdmin manages tenants of the sandbox's Auth0-like identity
// provider through its SigV4-signed management API, shaped like Auth0's
// Management API v2. Only the sandbox target has one: on AWS the learner
// brings their own IdP.
type ForeignAdmin struct {
	base   string // the sandbox edge URL, no trailing slash
	region string
	creds  aws.CredentialsProvider
	http   *http.Client
	signer *v4.Signer
}

// NewForeignAdmin returns the admin of the tenants on the sandbox at base.
func NewForeignAdmin(base, region string, creds aws.CredentialsProvider, hc *http.Client) *ForeignAdmin {
	return &ForeignAdmin{base: strings.TrimRight(base, "/"), region: region, creds: creds, http: hc, signer: v4.NewSigner()}
}

// ForeignTenant is a tenant as the management API describes it.
type ForeignTenant struct {
	Name         string `json:"name"`
	Issuer       string `json:"issuer"`
	DiscoveryURL string `json:"discovery_url"`
	TokenURL     string `json:"token_url"`
	JWKSURI      string `json:"jwks_uri"`
}

// ForeignAPI is an API ("resource server"); its identifier is the audience.
type ForeignAPI struct {
	ID            string         `json:"id,omitempty"`
	Name          string         `json:"name"`
	Identifier    string         `json:"identifier"`
	Scopes        []ForeignScope `json:"scopes"`
	TokenLifetime int            `json:"token_lifetime,omitempty"`
}

// ForeignScope is one scope an API defines.
type ForeignScope struct {
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// ForeignClient is a machine-to-machine application.
type ForeignClient struct {
	ClientID     string   `json:"client_id,omitempty"`
	ClientSecret string   `json:"client_secret,omitempty"`
	Name         string   `json:"name"`
	AppType      string   `json:"app_type,omitempty"`
	GrantTypes   []string `json:"grant_types,omitempty"`
}

// ForeignGrant lets a client get tokens for an audience.
type ForeignGrant struct {
	ID       string   `json:"id,omitempty"`
	ClientID string   `json:"client_id"`
	Audience string   `json:"audience"`
	Scope    []string `json:"scope"`
}

// ForeignError is a management API refusal, in Auth0's shape.
type ForeignError struct {
	StatusCode int    `json:"statusCode"`
	Err        string `json:"error"`
	Message    string `json:"message"`
	ErrorCode  string `json:"errorCode"`
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.StatusCode, e.Err, e.Message)
}

// NotFound reports whether the thing asked about does not exist.
func (e *ForeignError) NotFound() bool { return e.StatusCode == http.StatusNotFound }

func (a *ForeignAdmin) tenantPath(tenant string, rest string) string {
	return "/foreign-idp/" + url.PathEscape(tenant) + "/api/v2/" + rest
}

// CreateTenant makes a tenant; a 409 ForeignError means it exists.
func (a *ForeignAdmin) CreateTenant(ctx context.Context, name string) (ForeignTenant, error) {
	var t ForeignTenant
	return t, a.call(ctx, http.MethodPost, "/foreign-idp/tenants", map[string]string{"name": name}, &t)
}

// GetTenant describes a tenant.
func (a *ForeignAdmin) GetTenant(ctx context.Context, name string) (ForeignTenant, error) {
	var t ForeignTenant
	return t, a.call(ctx, http.MethodGet, "/foreign-idp/tenants/"+url.PathEscape(name), nil, &t)
}

// ListTenants lists every tenant of the sandbox.
func (a *ForeignAdmin) ListTenants(ctx context.Context) ([]ForeignTenant, error) {
	var ts []ForeignTenant
	return ts, a.call(ctx, http.MethodGet, "/foreign-idp/tenants", nil, &ts)
}

// DeleteTenant deletes a tenant with everything in it.
func (a *ForeignAdmin) DeleteTenant(ctx context.Context, name string) error {
	return a.call(ctx, http.MethodDelete, "/foreign-idp/tenants/"+url.PathEscape(name), nil, nil)
}

// CreateAPI adds an API to a tenant.
func (a *ForeignAdmin) CreateAPI(ctx context.Context, tenant string, in ForeignAPI) (ForeignAPI, error) {
	var out ForeignAPI
	return out, a.call(ctx, http.MethodPost, a.tenantPath(tenant, "resource-servers"), in, &out)
}

// ListAPIs lists a tenant's APIs.
func (a *ForeignAdmin) ListAPIs(ctx context.Context, tenant string) ([]ForeignAPI, error) {
	var out []ForeignAPI
	return out, a.call(ctx, http.MethodGet, a.tenantPath(tenant, "resource-servers"), nil, &out)
}

// CreateClient adds a machine-to-machine application to a tenant.
func (a *ForeignAdmin) CreateClient(ctx context.Context, tenant string, in ForeignClient) (ForeignClient, error) {
	var out ForeignClient
	return out, a.call(ctx, http.MethodPost, a.tenantPath(tenant, "clients"), in, &out)
}

// ListClients lists a tenant's applications with their secrets.
func (a *ForeignAdmin) ListClients(ctx context.Context, tenant string) ([]ForeignClient, error) {
	var out []ForeignClient
	return out, a.call(ctx, http.MethodGet, a.tenantPath(tenant, "clients"), nil, &out)
}

// CreateGrant lets a client ask for tokens for an audience.
func (a *ForeignAdmin) CreateGrant(ctx context.Context, tenant string, in ForeignGrant) (ForeignGrant, error) {
	var out ForeignGrant
	return out, a.call(ctx, http.MethodPost, a.tenantPath(tenant, "client-grants"), in, &out)
}

// ListGrants lists a tenant's client grants.
func (a *ForeignAdmin) ListGrants(ctx context.Context, tenant string) ([]ForeignGrant, error) {
	var out []ForeignGrant
	return out, a.call(ctx, http.MethodGet, a.tenantPath(tenant, "client-grants"), nil, &out)
}

// call sends one signed request and decodes the answer into out.
func (a *ForeignAdmin) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build %s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	creds, err := a.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials for the foreign IdP's management API: %w", err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := a.signer.SignHTTP(ctx, creds, req, hash, ForeignIdPSigningName, a.region, time.Now()); err != nil {
		return fmt.Errorf("sign %s %s: %w", method, path, err)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxForeignBody))
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		fe := &ForeignError{}
		if json.Unmarshal(b, fe) != nil || fe.StatusCode == 0 {
			fe = &ForeignError{StatusCode: resp.StatusCode, Err: http.StatusText(resp.StatusCode), Message: strings.TrimSpace(string(b))}
		}
		return fmt.Errorf("%s %s: %w", method, path, fe)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

// OIDCConfig is what a relying party reads from a discovery document.
type OIDCConfig struct {
	Issuer        string `json:"issuer"`
	TokenEndpoint string `json:"token_endpoint"`
	JWKSURI       string `json:"jwks_uri"`
}

// Discover fetches an OpenID provider's discovery document.
func (c *Clients) Discover(ctx context.Context, discoveryURL string) (OIDCConfig, error) {
	var cfg OIDCConfig
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discoveryURL, nil)
	if err != nil {
		return cfg, fmt.Errorf("discovery URL %q: %w", discoveryURL, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return cfg, fmt.Errorf("fetch discovery document: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxForeignBody))
	if err != nil {
		return cfg, fmt.Errorf("read discovery document: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return cfg, fmt.Errorf("discovery document %s: HTTP %d", discoveryURL, resp.StatusCode)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return cfg, fmt.Errorf("discovery document %s is not JSON: %w", discoveryURL, err)
	}
	if cfg.Issuer == "" || cfg.JWKSURI == "" {
		return cfg, fmt.Errorf("discovery document %s names no issuer or jwks_uri", discoveryURL)
	}
	return cfg, nil
}

// TokenResponse is an OAuth 2.0 token endpoint's answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// OAuthError is a token endpoint's refusal (RFC 6749 §5.2), with the
// HTTP status it came with.
type OAuthError struct {
	Status      int
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

func (e *OAuthError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Description)
}

// ClientCredentials asks tokenURL for an access token with the
// client_credentials grant, the client authenticating in the body
// (client_secret_post) as Auth0's examples do. audience and scope are sent
// when not empty.
func (c *Clients) ClientCredentials(ctx context.Context, tokenURL, clientID, secret, audience, scope string) (TokenResponse, error) {
	var out TokenResponse
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	if audience != "" {
		form.Set("audience", audience)
	}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return out, fmt.Errorf("token URL %q: %w", tokenURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return out, fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxForeignBody))
	if err != nil {
		return out, fmt.Errorf("read the token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		oe := &OAuthError{Status: resp.StatusCode}
		if json.Unmarshal(b, oe) != nil || oe.Code == "" {
			oe.Code, oe.Description = http.StatusText(resp.StatusCode), strings.TrimSpace(string(b))
		}
		return out, oe
	}
	if err := json.Unmarshal(b, &out); err != nil || out.AccessToken == "" {
		return out, fmt.Errorf("the token endpoint answered 200 without an access_token")
	}
	return out, nil
}
