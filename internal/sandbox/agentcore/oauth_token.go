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
	"agentcore-workshop/internal/sandbox/jwtverify"
	"agentcore-workshop/internal/sandbox/model"
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
)

type resourceTokenInput struct {
	WAT              *string           `json:"workloadIdentityToken"`
	Provider         *string           `json:"resourceCredentialProviderName"`
	Scopes           *[]string         `json:"scopes"`
	Flow             *string           `json:"oauth2Flow"`
	SessionURI       *string           `json:"sessionUri"`
	ReturnURL        *string           `json:"resourceOauth2ReturnUrl"`
	Force            *bool             `json:"forceAuthentication"`
	CustomParameters map[string]string `json:"customParameters"`
	CustomState      *string           `json:"customState"`
	Resources        []string          `json:"resources"`
	Audiences        []string          `json:"audiences"`
}

// getResourceOauth2Token serves GetResourceOauth2Token.
func (s *Service) getResourceOauth2Token(w http.ResponseWriter, r *http.Request) {
	var in resourceTokenInput
	if e := readValid(r, model.AgentCoreData, "GetResourceOauth2Token", &in); e != nil {
		writeErr(w, e)
		return
	}
	out, e := s.resourceToken(r.Context(), &in)
	if e != nil {
		writeErr(w, e)
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, out)
}

// resourceToken is GetResourceOauth2Token's rules, after validation.
func (s *Service) resourceToken(ctx context.Context, in *resourceTokenInput) (map[string]string, *awswire.Error) {
	workload, user, ok := s.ResolveWorkloadToken(*in.WAT)
	if !ok {
		return nil, accessDenied("The workload access token is invalid or has expired.")
	}
	returnURLs, ok := s.LookupWorkloadIdentity(workload)
	if !ok {
		return nil, workloadNotFound(workload)
	}
	prov, ok := s.LookupOauth2Provider(*in.Provider)
	if !ok {
		return nil, notFound("Credential provider not found: %s", *in.Provider)
	}
	scopes := slices.Clone(*in.Scopes)
	now := s.now()

	switch *in.Flow {
	case flowOnBehalfOf:
		return nil, fieldErr("oauth2Flow", "The offline sandbox does not implement ON_BEHALF_OF_TOKEN_EXCHANGE; use USER_FEDERATION or M2M.")
	case flowM2M:
		return s.m2mToken(ctx, workload, prov, scopes, now)
	}

	if user == "" {
		return nil, fieldErr("workloadIdentityToken", "USER_FEDERATION needs a workload access token issued for a user (GetWorkloadAccessTokenForJWT or GetWorkloadAccessTokenForUserId); this one names no user.")
	}
	returnURL := ""
	if in.ReturnURL != nil {
		returnURL = *in.ReturnURL
		if !slices.Contains(returnURLs, returnURL) {
			return nil, fieldErr("resourceOauth2ReturnUrl", fmt.Sprintf("Value '%s' at 'resourceOauth2ReturnUrl' is not one of the allowedResourceOauth2ReturnUrls of workload identity %s.", truncate(returnURL, 200), workload))
		}
	}
	force := in.Force != nil && *in.Force

	if in.SessionURI != nil {
		// Polling an existing session: it must be this caller's.
		s.oauth.mu.Lock()
		ss := s.oauth.sessionByURI(*in.SessionURI, now)
		var st sessionStatus
		var authURL string
		if ss != nil && ss.workload == workload && ss.user == user && ss.provider == prov.Name {
			st, authURL = ss.status, s.authorizationURL(ss)
		} else {
			ss = nil
		}
		s.oauth.mu.Unlock()
		if ss == nil {
			return nil, accessDenied("%s", invalidSession)
		}
		if !force {
			if t, ok := s.oauth.vault.get(flowUser, workload, user, prov, scopes, now); ok {
				return map[string]string{"accessToken": t.AccessToken}, nil
			}
		}
		switch st {
		case sessionFailed:
			return map[string]string{"sessionUri": *in.SessionURI, "sessionStatus": "FAILED"}, nil
		case sessionInProgress, sessionAwaitingUser:
			return map[string]string{"authorizationUrl": authURL, "sessionUri": *in.SessionURI, "sessionStatus": "IN_PROGRESS"}, nil
		}
		// Complete, but the token no longer satisfies the request (expired,
		// or other scopes): a new consent is needed.
	}

	if !force {
		if t, ok := s.oauth.vault.get(flowUser, workload, user, prov, scopes, now); ok {
			return map[string]string{"accessToken": t.AccessToken}, nil
		}
	}
	ss := s.oauth.newSession(session3LO{
		workload: workload, user: user, provider: prov.Name, providerCallback: prov.CallbackURL,
		scopes: scopes, returnURL: returnURL, customState: deref(in.CustomState), customParams: in.CustomParameters,
	}, force, now)
	s.log.Info("agentcore: 3LO session", "session", ss.id, "workload", workload, "provider", prov.Name)
	return map[string]string{"authorizationUrl": s.authorizationURL(ss), "sessionUri": ss.uri(), "sessionStatus": "IN_PROGRESS"}, nil
}

// authorizationURL is where the user starts a session's consent.
func (s *Service) authorizationURL(ss *session3LO) string {
	return s.d.URL + authorizePath + "?request_uri=" + url.QueryEscape(ss.uri())
}

// m2mToken serves the M2M flow: a client_credentials grant at the
// provider's token endpoint, cached in the vault for the workload.
func (s *Service) m2mToken(ctx context.Context, workload string, prov Oauth2Provider, scopes []string, now time.Time) (map[string]string, *awswire.Error) {
	if t, ok := s.oauth.vault.get(flowM2M, workload, "", prov, scopes, now); ok {
		return map[string]string{"accessToken": t.AccessToken}, nil
	}
	ep, err := s.oauth.providerEndpoints(ctx, prov)
	if err != nil {
		return nil, fieldErr("resourceCredentialProviderName", fmt.Sprintf("The credential provider %s cannot be used: %v", prov.Name, err))
	}
	cc := clientcredentials.Config{ClientID: prov.ClientID, ClientSecret: prov.ClientSecret, TokenURL: ep.Token, Scopes: scopes}
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, s.oauth.http))
	if err != nil {
		return nil, providerRefusal(prov.Name, "client_credentials grant", err)
	}
	vt := s.vaultTokenFrom(tok, flowM2M, workload, "", prov, scopes, now)
	if err := s.oauth.vault.put(vt); err != nil {
		return nil, internalErr(err)
	}
	return map[string]string{"accessToken": vt.AccessToken}, nil
}

// providerRefusal turns a failed token-endpoint call into an AWS error that
// names the OAuth2 error code the provider gave.
func providerRefusal(provider, what string, err error) *awswire.Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		return accessDenied("Credential provider %s refused the %s: %s", provider, what, re.ErrorCode)
	}
	return accessDenied("Credential provider %s could not complete the %s: %v", provider, what, err)
}

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

type completeInput struct {
	UserIdentifier *struct {
		UserToken *string `json:"userToken"`
		UserID    *string `json:"userId"`
	} `json:"userIdentifier"`
	SessionURI *string `json:"sessionUri"`
}

// completeResourceTokenAuth serves CompleteResourceTokenAuth: it binds a
// session that returned through resourceOauth2ReturnUrl to the user who
// started it, and only then puts the token in the vault.
func (s *Service) completeResourceTokenAuth(w http.ResponseWriter, r *http.Request) {
	var in completeInput
	if e := readValid(r, model.AgentCoreData, "CompleteResourceTokenAuth", &in); e != nil {
		writeErr(w, e)
		return
	}
	user := ""
	if in.UserIdentifier.UserID != nil {
		user = *in.UserIdentifier.UserID
	} else {
		// Only the issuer of the session's own user is ever contacted: the
		// token names its issuer before anything is verified, and letting
		// any caller-chosen URL drive a discovery fetch (and a cached
		// verifier per issuer) would be a request forger and a memory leak.
		if iss, sub, ok := decodeUserToken(*in.UserIdentifier.UserToken); ok && !s.sessionIsFor(*in.SessionURI, JWTUser(iss, sub)) {
			writeErr(w, accessDenied("%s", invalidSession))
			return
		}
		iss, sub, err := s.verifyUserToken(r.Context(), *in.UserIdentifier.UserToken)
		if err != nil {
			s.log.Info("agentcore: CompleteResourceTokenAuth userToken refused", "err", err)
			writeErr(w, accessDenied("The userToken could not be verified: %v", err))
			return
		}
		user = JWTUser(iss, sub)
	}
	if e := s.bindSession(*in.SessionURI, user); e != nil {
		writeErr(w, e)
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{})
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
	c, err := s.oauth.userTokens.Verify(ctx, jwtverify.DiscoveryURL(iss), raw, nil)
	if err != nil {
		return "", "", err
	}
	return c.Issuer, c.Subject, nil
}
