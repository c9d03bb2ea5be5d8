package agentcore

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The identity data plane's wire (bedrock-agentcore 2024-02-28): decode
// and validate each request, call the service, encode its output shape.

type watInput struct {
	WorkloadName *string `json:"workloadName"`
	UserToken    *string `json:"userToken"`
	UserID       *string `json:"userId"`
}

type workloadAccessTokenOut struct {
	WorkloadAccessToken string `json:"workloadAccessToken"`
}

// workloadAccessToken serves GetWorkloadAccessToken, …ForJWT and …ForUserId.
func (s *Service) workloadAccessToken(w http.ResponseWriter, r *http.Request, op string) {
	var in watInput
	if e := awswire.RESTReadValid(r, model.AgentCoreData, op, &in); e != nil {
		writeErr(w, e)
		return
	}
	var tok string
	var err error
	if op == "GetWorkloadAccessTokenForJWT" {
		tok, err = s.GetWorkloadAccessTokenForJWT(r.Context(), *in.WorkloadName, *in.UserToken)
	} else {
		tok, err = s.GetWorkloadAccessToken(*in.WorkloadName, IDUser(deref(in.UserID)))
	}
	answer(w, http.StatusOK, func() any { return workloadAccessTokenOut{tok} }, err)
}

type resourceTokenInput struct {
	WAT              *string           `json:"workloadIdentityToken"`
	Provider         *string           `json:"resourceCredentialProviderName"`
	Scopes           []string          `json:"scopes"`
	Flow             *string           `json:"oauth2Flow"`
	SessionURI       *string           `json:"sessionUri"`
	ReturnURL        *string           `json:"resourceOauth2ReturnUrl"`
	Force            *bool             `json:"forceAuthentication"`
	CustomParameters map[string]string `json:"customParameters"`
	CustomState      *string           `json:"customState"`
}

// getResourceOauth2Token serves GetResourceOauth2Token.
func (s *Service) getResourceOauth2Token(w http.ResponseWriter, r *http.Request) {
	var in resourceTokenInput
	if e := awswire.RESTReadValid(r, model.AgentCoreData, "GetResourceOauth2Token", &in); e != nil {
		writeErr(w, e)
		return
	}
	out, err := s.GetResourceOauth2Token(r.Context(), resourceTokenRequest{
		WorkloadToken: *in.WAT, Provider: *in.Provider, Scopes: in.Scopes, Flow: *in.Flow,
		SessionURI: deref(in.SessionURI), ReturnURL: deref(in.ReturnURL), Force: in.Force != nil && *in.Force,
		CustomParameters: in.CustomParameters, CustomState: deref(in.CustomState),
	})
	answer(w, http.StatusOK, func() any { return out }, err)
}

type completeInput struct {
	UserIdentifier *struct {
		UserToken *string `json:"userToken"`
		UserID    *string `json:"userId"`
	} `json:"userIdentifier"`
	SessionURI *string `json:"sessionUri"`
}

// completeResourceTokenAuthOut is CompleteResourceTokenAuth's empty
// output structure.
type completeResourceTokenAuthOut struct{}

// completeResourceTokenAuth serves CompleteResourceTokenAuth.
func (s *Service) completeResourceTokenAuth(w http.ResponseWriter, r *http.Request) {
	var in completeInput
	if e := awswire.RESTReadValid(r, model.AgentCoreData, "CompleteResourceTokenAuth", &in); e != nil {
		writeErr(w, e)
		return
	}
	err := s.CompleteResourceTokenAuth(r.Context(), *in.SessionURI, deref(in.UserIdentifier.UserID), deref(in.UserIdentifier.UserToken))
	answer(w, http.StatusOK, func() any { return completeResourceTokenAuthOut{} }, err)
}
