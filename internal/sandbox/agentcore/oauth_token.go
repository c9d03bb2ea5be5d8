package agentcore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

// Model patterns of the identity data plane (bedrock-agentcore 2024-02-28).
const (
	tokenPath      = "/identities/oauth2/token"
	authorizePath  = "/identities/oauth2/authorize"
	callbackPrefix = "/identities/oauth2/callback/"
	flowUser       = "USER_FEDERATION"
	flowM2M        = "M2M"
	flowOnBehalfOf = "ON_BEHALF_OF_TOKEN_EXCHANGE"
	invalidSession = "Invalid or expired session"
	noReturnURLs   = "You must register and use at least one ResourceOauth2ReturnUrl on your workload identity to use this flow"
	noReturnURL    = "You must provide a ResourceOauth2ReturnUrl to proceed with this flow"
)

// resourceTokenRequest is a validated GetResourceOauth2Token.
type resourceTokenRequest struct {
	WorkloadToken    string
	Provider         string
	Scopes           []string
	Flow             string
	SessionURI       string // "" when not polling a session
	ReturnURL        string
	Force            bool
	CustomParameters map[string]string
	CustomState      string
}

// resourceToken is GetResourceOauth2Token's answer: a token, or a 3LO
// session to poll (with where the user consents while it is in progress).
type resourceToken struct {
	AccessToken      string `json:"accessToken,omitempty"`
	AuthorizationURL string `json:"authorizationUrl,omitempty"`
	SessionURI       string `json:"sessionUri,omitempty"`
	SessionStatus    string `json:"sessionStatus,omitempty"`
}

// GetResourceOauth2Token gets an OAuth2 token from a credential provider
// for the workload (and user) a workload access token names: M2M through a
// client_credentials grant, USER_FEDERATION from the vault or through a 3LO
// session the user completes in a browser.
func (s *Service) GetResourceOauth2Token(ctx context.Context, in resourceTokenRequest) (resourceToken, error) {
	workload, user, ok := s.ResolveWorkloadToken(in.WorkloadToken)
	if !ok {
		return resourceToken{}, accessDenied("The workload access token is invalid or has expired.")
	}
	returnURLs, ok := s.LookupWorkloadIdentity(workload)
	if !ok {
		return resourceToken{}, workloadNotFound(workload)
	}
	prov, ok := s.LookupOauth2Provider(in.Provider)
	if !ok {
		return resourceToken{}, providerNotFound(in.Provider)
	}
	scopes := slices.Clone(in.Scopes)
	now := s.now()

	switch in.Flow {
	case flowOnBehalfOf:
		return resourceToken{}, fieldErr("oauth2Flow", "The offline sandbox does not implement ON_BEHALF_OF_TOKEN_EXCHANGE; use USER_FEDERATION or M2M.")
	case flowM2M:
		return s.m2mToken(ctx, workload, prov, scopes, now)
	}

	if user == "" {
		return resourceToken{}, fieldErr("workloadIdentityToken", "USER_FEDERATION needs a workload access token issued for a user (GetWorkloadAccessTokenForJWT or GetWorkloadAccessTokenForUserId); this one names no user.")
	}
	// Since AgentCore Identity's general availability, USER_FEDERATION
	// needs session binding: a workload identity without return URLs gets
	// this ValidationException, worded as AWS words it (reported from a
	// runtime agent in awslabs/agentcore-samples#528, 2025-10-21).
	if len(returnURLs) == 0 {
		return resourceToken{}, awswire.Errorf(http.StatusBadRequest, "ValidationException", "%s", noReturnURLs)
	}
	// A request that names no return URL gets a ValidationException of its
	// own, on every USER_FEDERATION request, a session's polls included
	// (the "use" half of the rule above); the Python SDK omits the member
	// when neither callback_url nor the runtime's OAuth2CallbackUrl header
	// gives one (services/identity.py get_token: "if callback_url:
	// req["resourceOauth2ReturnUrl"] = callback_url"). The wording and type
	// are as reported against AWS: "You must provide a
	// ResourceOauth2ReturnUrl to proceed with this flow", a
	// ValidationException (https://github.com/enechange/collmbo/pull/742,
	// 2026-01-27, whose polls lacked it: "AWS has since enforced this
	// parameter for all requests in the OAuth flow"). Public notes of other
	// projects quote the same ValidationException for workload identities
	// that had the URL registered, so this check follows the one above.
	returnURL := in.ReturnURL
	if returnURL == "" {
		return resourceToken{}, awswire.Errorf(http.StatusBadRequest, "ValidationException", "%s", noReturnURL)
	}
	// A return URL the request names must be one of the workload
	// identity's (bedrock-agentcore model,
	// GetResourceOauth2TokenRequest.resourceOauth2ReturnUrl: "This URL
	// must be one of the provided URLs configured for the workload
	// identity"). No public report quotes AWS's answer to an unlisted URL;
	// the one answer AWS is known to give for this rule (#528 above) names
	// both halves, "register and use", so the sandbox gives that same
	// ValidationException.
	if !slices.Contains(returnURLs, returnURL) {
		s.log.Info("agentcore: return URL not allowed", "workload", workload, "returnUrl", truncate(returnURL, 200))
		return resourceToken{}, awswire.Errorf(http.StatusBadRequest, "ValidationException", "%s", noReturnURLs)
	}
	force := in.Force

	if in.SessionURI != "" {
		// Polling an existing session: it must be this caller's.
		s.oauth.mu.Lock()
		ss := s.oauth.sessionByURI(in.SessionURI, now)
		var st sessionStatus
		var authURL string
		if ss != nil && ss.workload == workload && ss.user == user && ss.provider == prov.Name {
			st, authURL = ss.status, s.authorizationURL(ss)
		} else {
			ss = nil
		}
		s.oauth.mu.Unlock()
		if ss == nil {
			return resourceToken{}, accessDenied("%s", invalidSession)
		}
		if !force {
			if t, ok := s.oauth.vault.get(flowUser, workload, user, prov, scopes, now); ok {
				return resourceToken{AccessToken: t.AccessToken}, nil
			}
		}
		switch st {
		case sessionFailed:
			return resourceToken{SessionURI: in.SessionURI, SessionStatus: "FAILED"}, nil
		case sessionInProgress, sessionAwaitingUser:
			return resourceToken{AuthorizationURL: authURL, SessionURI: in.SessionURI, SessionStatus: "IN_PROGRESS"}, nil
		}
		// Complete, but the token no longer satisfies the request (expired,
		// or other scopes): a new consent is needed.
	}

	if !force {
		if t, ok := s.oauth.vault.get(flowUser, workload, user, prov, scopes, now); ok {
			return resourceToken{AccessToken: t.AccessToken}, nil
		}
	}
	ss := s.oauth.newSession(session3LO{
		workload: workload, user: user, provider: prov.Name, providerCallback: prov.CallbackURL,
		scopes: scopes, returnURL: returnURL, customState: in.CustomState, customParams: in.CustomParameters,
	}, force, now)
	s.log.Info("agentcore: 3LO session", "session", ss.id, "workload", workload, "provider", prov.Name)
	return resourceToken{AuthorizationURL: s.authorizationURL(ss), SessionURI: ss.uri(), SessionStatus: "IN_PROGRESS"}, nil
}

// authorizationURL is where the user starts a session's consent.
func (s *Service) authorizationURL(ss *session3LO) string {
	return s.d.URL + authorizePath + "?request_uri=" + url.QueryEscape(ss.uri())
}

// m2mToken serves the M2M flow: a client_credentials grant at the
// provider's token endpoint, cached in the vault for the workload.
func (s *Service) m2mToken(ctx context.Context, workload string, prov Oauth2Provider, scopes []string, now time.Time) (resourceToken, error) {
	if t, ok := s.oauth.vault.get(flowM2M, workload, "", prov, scopes, now); ok {
		return resourceToken{AccessToken: t.AccessToken}, nil
	}
	ep, err := s.oauth.providerEndpoints(ctx, prov)
	if err != nil {
		return resourceToken{}, fieldErr("resourceCredentialProviderName", fmt.Sprintf("The credential provider %s cannot be used: %v", prov.Name, err))
	}
	cc := clientcredentials.Config{ClientID: prov.ClientID, ClientSecret: prov.ClientSecret, TokenURL: ep.Token, Scopes: scopes}
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, s.oauth.http))
	if err != nil {
		return resourceToken{}, providerRefusal(prov.Name, "client_credentials grant", err)
	}
	vt := s.vaultTokenFrom(tok, flowM2M, workload, "", prov, scopes, now)
	if err := s.oauth.vault.put(vt); err != nil {
		return resourceToken{}, internalErr(err)
	}
	return resourceToken{AccessToken: vt.AccessToken}, nil
}

// providerRefusal turns a failed token-endpoint call into an AWS error that
// names the OAuth2 error code the provider gave.
func providerRefusal(provider, what string, err error) *awswire.Error {
	return accessDenied("Credential provider %s %s", provider, tokenEndpointFailure(what, err))
}

// tokenEndpointFailure words a failed token-endpoint call without
// anything the endpoint sent but its OAuth2 error code (RFC 6749 §5.2's
// short ASCII code) or HTTP status: oauth2's own error text quotes the
// whole response body, and nothing fetched is ever echoed.
func tokenEndpointFailure(what string, err error) string {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode != "" && oauthCode(re.ErrorCode):
		return fmt.Sprintf("refused the %s: %s", what, re.ErrorCode)
	case errors.As(err, &re) && re.Response != nil:
		return fmt.Sprintf("could not complete the %s: the token endpoint answered HTTP %d", what, re.Response.StatusCode)
	case errors.Is(err, egress.ErrNotAllowed):
		return fmt.Sprintf("could not complete the %s: its token endpoint is not a host this sandbox may call", what)
	}
	return fmt.Sprintf("could not complete the %s: the token endpoint could not be reached or sent no token", what)
}

// oauthCodes are the error codes of RFC 6749 §4.1.2.1 and §5.2: the only
// words of a provider's error answer the sandbox repeats.
var oauthCodes = map[string]bool{"invalid_request": true, "invalid_client": true, "invalid_grant": true,
	"unauthorized_client": true, "unsupported_grant_type": true, "invalid_scope": true, "access_denied": true,
	"unsupported_response_type": true, "server_error": true, "temporarily_unavailable": true}

// oauthCode reports whether c is a registered OAuth2 error code (and not
// text a server chose to smuggle into the field).
func oauthCode(c string) bool { return oauthCodes[c] }

// vaultTokenFrom records a token with an expiry on the sandbox clock
// (expires_in counts from now; oauth2's own Expiry uses the wall clock).
func (s *Service) vaultTokenFrom(tok *oauth2.Token, flow, workload, user string, prov Oauth2Provider, scopes []string, now time.Time) vaultToken {
	vt := vaultToken{Flow: flow, Workload: workload, User: user, Provider: prov.Name, ProviderCallback: prov.CallbackURL,
		AccessToken: tok.AccessToken, Scopes: scopes}
	if granted, ok := tok.Extra("scope").(string); ok && granted != "" {
		vt.Scopes = strings.Fields(granted)
	}
	switch {
	case tok.ExpiresIn > 0:
		vt.Expiry = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	case !tok.Expiry.IsZero():
		vt.Expiry = tok.Expiry
	}
	return vt
}

// ---- CompleteResourceTokenAuth ----

// CompleteResourceTokenAuth binds a session that returned through
// resourceOauth2ReturnUrl to the user who started it, and only then puts
// its token in the vault. The user is userID, or the subject of userToken,
// which is verified.
func (s *Service) CompleteResourceTokenAuth(ctx context.Context, sessionURI, userID, userToken string) error {
	user := IDUser(userID)
	if userToken != "" {
		// Only the issuer of the session's own user is ever contacted: the
		// token names its issuer before anything is verified, and letting
		// any caller-chosen URL drive a discovery fetch (and a cached
		// verifier per issuer) would be a request forger and a memory leak.
		if iss, sub, ok := decodeUserToken(userToken); ok && !s.sessionIsFor(sessionURI, JWTUser(iss, sub)) {
			return accessDenied("%s", invalidSession)
		}
		iss, sub, err := s.verifyUserToken(ctx, userToken)
		if err != nil {
			s.log.Info("agentcore: CompleteResourceTokenAuth userToken refused", "err", err)
			return accessDenied("The userToken could not be verified: %s", refusalReason(err))
		}
		user = JWTUser(iss, sub)
	}
	if e := s.bindSession(sessionURI, user); e != nil {
		return e
	}
	return nil
}

// sessionIsFor reports whether uri names a live session of user.
func (s *Service) sessionIsFor(uri, user string) bool {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	ss := s.oauth.sessionByURI(uri, s.now())
	return ss != nil && ss.user == user
}

// bindSession stores the session's held token once user proves to be the
// session's user. Another user's session looks exactly like an unknown one.
func (s *Service) bindSession(uri, user string) *awswire.Error {
	now := s.now()
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	ss := s.oauth.sessionByURI(uri, now)
	if ss == nil || ss.user != user {
		return accessDenied("%s", invalidSession)
	}
	switch ss.status {
	case sessionComplete:
		return nil // already bound: completing twice is harmless
	case sessionFailed:
		return accessDenied("%s", invalidSession)
	case sessionInProgress:
		return fieldErr("sessionUri", "The user has not finished authorizing at the provider for this session yet.")
	}
	if err := s.oauth.vault.put(*ss.token); err != nil {
		return internalErr(err)
	}
	ss.status, ss.token = sessionComplete, nil
	s.log.Info("agentcore: 3LO session bound to its user", "session", ss.id)
	return nil
}

// verifyUserToken checks a user's JWT the way a relying party would: OIDC
// discovery at its issuer, signature against the JWKS, issuer and expiry on
// the sandbox clock (jwtverify). The audience is not checked (Cognito
// access tokens carry client_id instead of aud).
func (s *Service) verifyUserToken(ctx context.Context, raw string) (iss, sub string, err error) {
	iss, _, ok := decodeUserToken(raw)
	if !ok {
		return "", "", errors.New("not a signed JWT with iss and sub claims")
	}
	// The issuer is the caller's word until verified: only issuers the
	// egress policy allows are ever asked for their keys.
	disc := jwtverify.DiscoveryURL(iss)
	if !s.opt.Egress.Allows(disc) {
		return "", "", &notAllowedError{s.opt.Egress.Refusal("userToken's issuer", iss)}
	}
	c, err := s.oauth.userTokens.Verify(ctx, disc, raw, nil)
	if err != nil {
		return "", "", err
	}
	return c.Issuer, c.Subject, nil
}
