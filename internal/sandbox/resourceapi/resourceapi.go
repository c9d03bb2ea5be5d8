// Package resourceapi is the sandbox's "external service": a small HTTP API
// that an agent calls with the outbound OAuth2 token AgentCore Identity got
// for the user, so the consent stage ends in a real delegated call.
//
// It is a plain OAuth2 resource server: it reads the bearer's issuer, asks
// the injected TrustedIssuer whether that issuer may call it (the sandbox
// trusts the issuers of its OAuth2 credential providers, that is the
// outbound pools, and not the inbound pool), then verifies the token the
// way any relying party would (the sandbox's jwtverify: OIDC discovery and
// JWKS fetched over HTTP), and insists on an access token (token_use=access).
package resourceapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

// ProfilePath is the API's one resource.
const ProfilePath = "/external-api/profile"

// ServiceName is how the API names itself in answers.
const ServiceName = "external profile API"

// Options configure the API.
type Options struct {
	// TrustedIssuer decides which token issuers may call the API. Nil trusts
	// none: every call is refused.
	TrustedIssuer func(iss string) bool
	// HTTPClient fetches discovery documents and key sets; nil: a client
	// with jwtverify's default timeout.
	HTTPClient *http.Client
}

// Service is the external resource API.
type Service struct {
	trusted func(string) bool
	tokens  *jwtverify.Verifier
	log     *slog.Logger
}

// New returns the API.
func New(d edge.Deps, opt Options) *Service {
	s := &Service{trusted: opt.TrustedIssuer, log: d.Log}
	if s.trusted == nil {
		s.trusted = func(string) bool { return false }
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.tokens = jwtverify.New(jwtverify.Options{HTTPClient: opt.HTTPClient, Clock: d.Clock, Log: s.log})
	return s
}

// Register serves the API on the edge (unsigned: callers bring a bearer).
func (s *Service) Register(e *edge.Edge) {
	e.HandlePath("GET "+ProfilePath, s)
}

// Profile is the API's answer.
type Profile struct {
	Service  string   `json:"service"`
	User     string   `json:"user"`
	Subject  string   `json:"sub"`
	Issuer   string   `json:"issuer"`
	ClientID string   `json:"client_id,omitempty"`
	Scopes   []string `json:"scopes"`
	Message  string   `json:"message"`
}

// cognitoAccess are the claims the API reads from a Cognito access token.
type cognitoAccess struct {
	TokenUse string `json:"token_use"`
	Username string `json:"username"`
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
}

// ServeHTTP implements http.Handler.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, ok := authorizer.BearerToken(r.Header.Get("Authorization"))
	if !ok || raw == "" {
		// RFC 6750 §3.1: no credentials, so no error code.
		w.Header().Set("WWW-Authenticate", `Bearer realm="external-api"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized", "error_description": "An access token is required: send Authorization: Bearer <token>."})
		return
	}
	p, err := s.verify(r.Context(), raw)
	if err != nil {
		s.log.Info("resourceapi: token refused", "err", err)
		desc := strings.ReplaceAll(err.Error(), `"`, "'")
		w.Header().Set("WWW-Authenticate", `Bearer realm="external-api", error="invalid_token", error_description="`+desc+`"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// verify checks the token and builds the profile it stands for.
func (s *Service) verify(ctx context.Context, raw string) (Profile, error) {
	iss, err := unverifiedIssuer(raw)
	if err != nil {
		return Profile{}, err
	}
	if !s.trusted(iss) {
		return Profile{}, fmt.Errorf("tokens from issuer %s are not accepted by this API", iss)
	}
	var c cognitoAccess
	tok, err := s.tokens.Verify(ctx, jwtverify.DiscoveryURL(iss), raw, &c)
	if err != nil {
		return Profile{}, fmt.Errorf("token verification failed: %w", err)
	}
	if c.TokenUse != "access" {
		return Profile{}, fmt.Errorf("an access token is required, got token_use %q", c.TokenUse)
	}
	user := c.Username
	if user == "" {
		user = tok.Subject
	}
	scopes := strings.Fields(c.Scope)
	if scopes == nil {
		scopes = []string{}
	}
	return Profile{
		Service: ServiceName, User: user, Subject: tok.Subject, Issuer: tok.Issuer, ClientID: c.ClientID, Scopes: scopes,
		Message: fmt.Sprintf("Hello %s: this answer came from the external service, called with a token delegated by AgentCore Identity.", user),
	}, nil
}

var algs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// unverifiedIssuer reads iss before verification, only to pick the
// verifier; nothing else of the token is trusted yet.
func unverifiedIssuer(raw string) (string, error) {
	t, err := jwt.ParseSigned(raw, algs)
	if err != nil {
		return "", errors.New("the bearer is not a signed JWT")
	}
	var c jwt.Claims
	if err := t.UnsafeClaimsWithoutVerification(&c); err != nil || c.Issuer == "" {
		return "", errors.New("the token names no issuer")
	}
	return c.Issuer, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
