// Package authorizer is the sandbox's inbound JWT authorizer: the check an
// AgentCore runtime with a customJWTAuthorizer applies to every bearer token
// before the request may reach the agent. It knows nothing about HTTP routing;
// callers hand it the rule (from the runtime's configuration) and the raw
// token, and get back either the verified claims or a *Denial that says which
// HTTP status and AWS error code to answer with.
//
// Signature, issuer and lifetime are checked by the sandbox's one verifier,
// jwtverify (keys from the rule's discovery URL, cached per URL, refetched
// for an unknown kid at most once per RefetchInterval, fail closed); this
// package adds the rule's client, audience and scope checks and words every
// refusal the way the data plane answers it.
package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

// Defaults for Options left zero (the verifier's).
const (
	DefaultLeeway          = jwtverify.DefaultLeeway
	DefaultRefetchInterval = jwtverify.DefaultRefetchInterval
	DefaultMaxTokenBytes   = jwtverify.DefaultMaxTokenBytes
)

// Rule is a runtime's customJWTAuthorizer configuration. Empty lists mean
// "not checked", as in AWS, where each list is optional.
type Rule struct {
	DiscoveryURL    string   `json:"discoveryUrl"`
	AllowedClients  []string `json:"allowedClients,omitempty"`
	AllowedAudience []string `json:"allowedAudience,omitempty"`
	AllowedScopes   []string `json:"allowedScopes,omitempty"`
}

// Claims are the verified token claims the runtime needs downstream.
type Claims struct {
	Issuer   string
	Subject  string
	ClientID string
	Username string
	Scope    []string
	Expiry   time.Time
}

// Denial is why a token was refused, in the shape the data plane answers.
//
// What AWS is known to use (agentcore-facts §6–§7): 403 AccessDeniedException
// for an authorization-method mismatch (quoted text); the model describes
// UnauthorizedException (401) as the error for an invalid or absent bearer;
// a third-party report shows 401 for expiring tokens; claim mismatches are
// reported (third-party only) as 403 with texts like "Claim 'client_id'
// mismatch". Our choice, following the facts file's sandbox default: every
// problem with the token itself (absent, unparsable, wrong algorithm, bad
// signature, unknown key, wrong issuer, expired, not yet valid, too large,
// IdP unreachable) is 401 UnauthorizedException; a well-formed, correctly
// signed token whose claims do not satisfy the rule is 403
// AccessDeniedException.
type Denial struct {
	Status  int
	Code    string
	Message string
}

func (d *Denial) Error() string { return d.Code + ": " + d.Message }

func unauthorized(format string, args ...any) *Denial {
	return &Denial{Status: http.StatusUnauthorized, Code: "UnauthorizedException", Message: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *Denial {
	return &Denial{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...)}
}

// Options configure an Authorizer; zero fields take jwtverify's defaults.
type Options struct {
	HTTPClient      *http.Client // fetches discovery and JWKS
	Clock           clock.Clock  // default: system clock
	Leeway          time.Duration
	RefetchInterval time.Duration
	MaxTokenBytes   int
	MaxSources      int
	MaxKeys         int
	Log             *slog.Logger
}

// Authorizer checks bearer tokens. It is safe for concurrent use.
type Authorizer struct {
	v *jwtverify.Verifier
}

// New returns an Authorizer.
func New(opt Options) *Authorizer {
	return &Authorizer{v: jwtverify.New(jwtverify.Options(opt))}
}

// BearerToken extracts the token from an Authorization header value. It
// reports false when the header is not a Bearer credential.
func BearerToken(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// tokenClaims are the claims beyond the registered ones (which the
// verifier checks and returns): scope is Cognito's space-separated string,
// scp the list form some IdPs use.
type tokenClaims struct {
	ClientID string   `json:"client_id"`
	Username string   `json:"username"`
	CogUser  string   `json:"cognito:username"`
	Scope    string   `json:"scope"`
	Scp      []string `json:"scp"`
}

// Check verifies token against rule. On success it returns the claims; on
// refusal the error is a *Denial.
func (a *Authorizer) Check(ctx context.Context, rule Rule, token string) (*Claims, error) {
	if token == "" {
		return nil, unauthorized("Missing bearer token in the Authorization header.")
	}
	var c tokenClaims
	reg, err := a.v.Verify(ctx, rule.DiscoveryURL, token, &c)
	if err != nil {
		return nil, a.denial(token, err)
	}
	scopes := c.Scp
	if c.Scope != "" {
		scopes = strings.Fields(c.Scope)
	}
	if len(rule.AllowedClients) > 0 && (c.ClientID == "" || !slices.Contains(rule.AllowedClients, c.ClientID)) {
		// The text reported for AWS (agentcore-facts §7, "Claim mismatch":
		// `Claim 'client_id' mismatch`, third-party), without a period.
		return nil, forbidden("Claim 'client_id' mismatch")
	}
	if len(rule.AllowedAudience) > 0 && !intersects(reg.Audience, rule.AllowedAudience) {
		return nil, forbidden("Claim 'aud' value mismatch.")
	}
	if len(rule.AllowedScopes) > 0 && !intersects(scopes, rule.AllowedScopes) {
		return nil, forbidden("Claim 'scope' mismatch: the token carries none of the allowed scopes.")
	}
	user := c.Username
	if user == "" {
		user = c.CogUser
	}
	return &Claims{
		Issuer: reg.Issuer, Subject: reg.Subject, ClientID: c.ClientID, Username: user,
		Scope: scopes, Expiry: reg.Expiry.Time(),
	}, nil
}

// denial words a verifier refusal. Every problem with the token itself is
// 401 UnauthorizedException.
func (a *Authorizer) denial(token string, err error) *Denial {
	var ve *jwtverify.Error
	if !errors.As(err, &ve) {
		return unauthorized("Unable to verify the bearer token.")
	}
	switch ve.Reason {
	case jwtverify.TooLarge:
		return unauthorized("Bearer token is too large (%d bytes, limit %d).", len(token), a.v.MaxTokenBytes())
	case jwtverify.NotJWT:
		return unauthorized("Bearer token is not a JWT (expected three dot-separated parts).")
	case jwtverify.Malformed:
		return unauthorized("Bearer token is malformed or uses an unsupported algorithm (only RS256 is accepted).")
	case jwtverify.NoKeyID:
		return unauthorized("Bearer token header has no key id (kid).")
	case jwtverify.KeysUnavailable:
		return unauthorized("Unable to verify the bearer token: the identity provider's keys could not be retrieved.")
	case jwtverify.UnknownKey:
		return unauthorized("Bearer token is signed with an unknown key (kid %q).", ve.KeyID)
	case jwtverify.BadSignature:
		return unauthorized("Bearer token signature is invalid.")
	case jwtverify.WrongIssuer:
		return unauthorized("Bearer token issuer %q does not match the discovery document's issuer.", ve.Issuer)
	case jwtverify.NoExpiry:
		return unauthorized("Bearer token has no expiry (exp).")
	case jwtverify.Expired:
		return unauthorized("Bearer token has expired.")
	case jwtverify.NotYetValid:
		return unauthorized("Bearer token is not valid yet (nbf).")
	case jwtverify.IssuedInFuture:
		return unauthorized("Bearer token was issued in the future (iat).")
	}
	return unauthorized("Bearer token claims are malformed.")
}

func intersects(have, allowed []string) bool {
	for _, h := range have {
		if slices.Contains(allowed, h) {
			return true
		}
	}
	return false
}
