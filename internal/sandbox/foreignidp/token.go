package foreignidp

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// maxTokenRequestBytes bounds a token request body: client credentials,
// an audience and a few scopes are well under a KiB.
const maxTokenRequestBytes = 16 << 10

// tokenRequest is a client_credentials request's parameters.
type tokenRequest struct {
	GrantType, ClientID, ClientSecret, Audience, Scope string
}

// TokenResponse is /oauth/token's answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope,omitempty"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// accessClaims are the default ("Auth0") profile's access-token claims.
type accessClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	IssuedAt int64  `json:"iat"`
	Expiry   int64  `json:"exp"`
	Scope    string `json:"scope,omitempty"`
	GTY      string `json:"gty"`
	AZP      string `json:"azp"`
}

// Token issues an access token for the client_credentials grant, refusing
// as Auth0 refuses: the client must authenticate, the audience must be an
// API of the tenant, the client must hold a grant for it, and any scope
// asked for must be granted.
func (s *Service) Token(tenant string, req tokenRequest) (TokenResponse, *oauthError) {
	switch {
	case req.GrantType == "":
		return TokenResponse{}, oauthErr(http.StatusBadRequest, "invalid_request", "Missing required parameter: grant_type")
	case req.GrantType != "client_credentials":
		return TokenResponse{}, oauthErr(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: %s", trunc(req.GrantType, 60))
	case req.ClientID == "":
		return TokenResponse{}, oauthErr(http.StatusBadRequest, "invalid_request", "Missing required parameter: client_id")
	}
	s.mu.RLock()
	t, ok := s.tenants[tenant]
	if !ok {
		s.mu.RUnlock()
		return TokenResponse{}, oauthErr(http.StatusNotFound, "not_found", "Unknown tenant: %s", trunc(tenant, 100))
	}
	c := t.client(req.ClientID)
	if c == nil || subtle.ConstantTimeCompare([]byte(c.ClientSecret), []byte(req.ClientSecret)) != 1 {
		s.mu.RUnlock()
		return TokenResponse{}, oauthErr(http.StatusUnauthorized, "access_denied", "Unauthorized")
	}
	if !slices.Contains(c.GrantTypes, "client_credentials") {
		s.mu.RUnlock()
		return TokenResponse{}, oauthErr(http.StatusForbidden, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.")
	}
	if req.Audience == "" {
		s.mu.RUnlock()
		return TokenResponse{}, oauthErr(http.StatusForbidden, "access_denied", "No audience parameter was provided, and no default audience has been configured")
	}
	api := t.api(req.Audience)
	if api == nil {
		s.mu.RUnlock()
		return TokenResponse{}, oauthErr(http.StatusForbidden, "access_denied", "Service not found: %s", trunc(req.Audience, maxIdentifierLen))
	}
	g := t.grant(c.ClientID, api.Identifier)
	if g == nil {
		s.mu.RUnlock()
		return TokenResponse{}, oauthErr(http.StatusForbidden, "access_denied",
			`Client is not authorized to access "%s". You might probably want to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
			trunc(api.Identifier, maxIdentifierLen))
	}
	scopes := slices.Clone(g.Scope)
	lifetime, key, iss := api.TokenLifetime, &t.Key, s.issuer(t.Name)
	s.mu.RUnlock()

	// No scope asked for: every granted scope, as Auth0 does.
	if asked := strings.Fields(req.Scope); len(asked) > 0 {
		var missing []string
		for _, sc := range asked {
			if !slices.Contains(scopes, sc) {
				missing = append(missing, sc)
			}
		}
		if len(missing) > 0 {
			return TokenResponse{}, oauthErr(http.StatusForbidden, "access_denied", "Client has not been granted scopes: %s", trunc(strings.Join(missing, ","), 600))
		}
		scopes = asked
	}
	now := s.clock.Now()
	claims := accessClaims{
		Issuer: iss, Subject: c.ClientID + "@clients", Audience: api.Identifier,
		IssuedAt: now.Unix(), Expiry: now.Unix() + int64(lifetime),
		Scope: strings.Join(scopes, " "), GTY: "client-credentials", AZP: c.ClientID,
	}
	tok, err := key.Sign(claims)
	if err != nil {
		s.log.Error("foreign IdP: sign token", "err", err)
		return TokenResponse{}, oauthErr(http.StatusInternalServerError, "server_error", "could not sign the token")
	}
	return TokenResponse{AccessToken: tok, Scope: claims.Scope, ExpiresIn: lifetime, TokenType: "Bearer"}, nil
}

// parseTokenRequest reads a token request sent as a form (the docs' way)
// or as JSON (as many clients send it), with the client's credentials in
// the body or in HTTP Basic.
func parseTokenRequest(r *http.Request) (tokenRequest, *oauthError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenRequestBytes+1))
	if err != nil {
		return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "could not read the request body")
	}
	if len(body) > maxTokenRequestBytes {
		return tokenRequest{}, oauthErr(http.StatusRequestEntityTooLarge, "invalid_request", "the request body is over %d bytes", maxTokenRequestBytes)
	}
	params := map[string]string{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "the body is not a JSON object")
		}
		for k, v := range doc {
			s, ok := v.(string)
			if !ok {
				return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "parameter %s must be a string", trunc(k, 40))
			}
			params[k] = s
		}
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "the body is not a valid form")
		}
		for k, vs := range vals {
			// RFC 6749 §3.2: parameters must not be sent more than once.
			if len(vs) > 1 {
				return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "parameter %s is given more than once", trunc(k, 40))
			}
			params[k] = vs[0]
		}
	default:
		return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request",
			"Content-Type must be application/x-www-form-urlencoded or application/json")
	}
	req := tokenRequest{GrantType: params["grant_type"], ClientID: params["client_id"], ClientSecret: params["client_secret"],
		Audience: params["audience"], Scope: params["scope"]}
	if id, secret, ok := r.BasicAuth(); ok {
		if req.ClientID != "" && req.ClientID != id {
			return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "client_id in the body and in the Authorization header differ")
		}
		// client_secret_basic: RFC 6749 §2.3.1 form-encodes both parts.
		var e1, e2 error
		req.ClientID, e1 = url.QueryUnescape(id)
		req.ClientSecret, e2 = url.QueryUnescape(secret)
		if e1 != nil || e2 != nil {
			return tokenRequest{}, oauthErr(http.StatusBadRequest, "invalid_request", "malformed Basic credentials")
		}
	}
	return req, nil
}

func (s *Service) serveToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	req, e := parseTokenRequest(r)
	if e == nil {
		var resp TokenResponse
		if resp, e = s.Token(r.PathValue("tenant"), req); e == nil {
			writeJSON(w, http.StatusOK, resp)
			return
		}
	}
	s.log.Info("foreign IdP: token refused", "tenant", r.PathValue("tenant"), "error", e.Code, "reason", e.Desc)
	writeJSON(w, e.status, e)
}

// discovery is a tenant's OpenID configuration. It lists what this tenant
// serves (a machine-to-machine IdP: no authorize or userinfo endpoint),
// with Auth0's names and layout.
func (s *Service) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("tenant")
	s.mu.RLock()
	_, ok := s.tenants[name]
	s.mu.RUnlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, oauthErr(http.StatusNotFound, "not_found", "Unknown tenant: %s", trunc(name, 100)))
		return
	}
	iss := s.issuer(name)
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"token_endpoint":                        iss + "oauth/token",
		"jwks_uri":                              iss + ".well-known/jwks.json",
		"grant_types_supported":                 []string{"client_credentials"},
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"claims_supported":                      []string{"aud", "azp", "exp", "gty", "iat", "iss", "scope", "sub"},
	})
}

func (s *Service) serveJWKS(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("tenant")
	s.mu.RLock()
	t, ok := s.tenants[name]
	var doc map[string]any
	if ok {
		doc = map[string]any{"keys": []any{t.Key.JWK()}}
	}
	s.mu.RUnlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, oauthErr(http.StatusNotFound, "not_found", "Unknown tenant: %s", trunc(name, 100)))
		return
	}
	writeJSON(w, http.StatusOK, doc)
}
