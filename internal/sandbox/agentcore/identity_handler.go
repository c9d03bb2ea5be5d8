package agentcore

import (
	"fmt"
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The identity control plane's wire: decode and validate each operation's
// body, call the service, encode its output shape.

type workloadInput struct {
	Name       *string           `json:"name"`
	ReturnURLs []string          `json:"allowedResourceOauth2ReturnUrls"`
	Tags       map[string]string `json:"tags"`
}

// decodeWorkload reads and validates a workload identity operation's body.
func decodeWorkload(w http.ResponseWriter, r *http.Request, op string) (*workloadInput, bool) {
	var in workloadInput
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, op, &in); e != nil {
		writeErr(w, e)
		return nil, false
	}
	return &in, true
}

func (s *Service) createWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	if in, ok := decodeWorkload(w, r, "CreateWorkloadIdentity"); ok {
		wl, err := s.CreateWorkloadIdentity(*in.Name, in.ReturnURLs)
		answer(w, http.StatusCreated, func() any { return workloadAnswer(wl, false) }, err)
	}
}

func (s *Service) getWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	if in, ok := decodeWorkload(w, r, "GetWorkloadIdentity"); ok {
		wl, err := s.GetWorkloadIdentity(*in.Name)
		answer(w, http.StatusOK, func() any { return workloadAnswer(wl, true) }, err)
	}
}

func (s *Service) updateWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	if in, ok := decodeWorkload(w, r, "UpdateWorkloadIdentity"); ok {
		wl, err := s.UpdateWorkloadIdentity(*in.Name, in.ReturnURLs)
		answer(w, http.StatusOK, func() any { return workloadAnswer(wl, true) }, err)
	}
}

func (s *Service) deleteWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	if in, ok := decodeWorkload(w, r, "DeleteWorkloadIdentity"); ok {
		answerNoContent(w, s.DeleteWorkloadIdentity(*in.Name))
	}
}

type listInput struct {
	MaxResults *int    `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

// decodeList reads and validates a List operation's body: page size
// (default 10) and token.
func decodeList(w http.ResponseWriter, r *http.Request, op string) (int, string, bool) {
	var in listInput
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, op, &in); e != nil {
		writeErr(w, e)
		return 0, "", false
	}
	max := 10
	if in.MaxResults != nil {
		max = *in.MaxResults
	}
	return max, deref(in.NextToken), true
}

func (s *Service) listWorkloadIdentities(w http.ResponseWriter, r *http.Request) {
	max, tok, ok := decodeList(w, r, "ListWorkloadIdentities")
	if !ok {
		return
	}
	wls, next, err := s.ListWorkloadIdentities(max, tok)
	answer(w, http.StatusOK, func() any {
		out := listWorkloadsOut{WorkloadIdentities: make([]workloadItem, 0, len(wls)), NextToken: next}
		for _, wl := range wls {
			out.WorkloadIdentities = append(out.WorkloadIdentities, workloadItem{wl.Name, wl.ARN})
		}
		return out
	}, err)
}

type discoveryIn struct {
	DiscoveryURL *string             `json:"discoveryUrl"`
	Metadata     *AuthServerMetadata `json:"authorizationServerMetadata"`
}

type providerConfigIn struct {
	OauthDiscovery *discoveryIn `json:"oauthDiscovery"`
	ClientID       *string      `json:"clientId"`
	ClientSecret   *string      `json:"clientSecret"`
	// includedOauth2ProviderConfig members
	Issuer                *string `json:"issuer"`
	AuthorizationEndpoint *string `json:"authorizationEndpoint"`
	TokenEndpoint         *string `json:"tokenEndpoint"`
}

type providerInput struct {
	Name   *string                      `json:"name"`
	Vendor *string                      `json:"credentialProviderVendor"`
	Config map[string]*providerConfigIn `json:"oauth2ProviderConfigInput"`
	Tags   map[string]string            `json:"tags"`
}

// providerRecOf turns a create body the model accepted into a provider
// record, refusing what the sandbox cannot serve: vendor presets (Google,
// GitHub, …) would need those vendors' real endpoints, which the offline
// sandbox cannot reach.
func providerRecOf(in *providerInput) (providerRec, model.Violations) {
	rec := providerRec{Name: deref(in.Name), Vendor: deref(in.Vendor)}
	var vs model.Violations
	for m, c := range in.Config {
		if c == nil {
			continue
		}
		rec.ConfigMember = m
		switch m {
		case "customOauth2ProviderConfig":
			if d := c.OauthDiscovery; d != nil {
				rec.DiscoveryURL, rec.Metadata = deref(d.DiscoveryURL), d.Metadata
			}
		case "includedOauth2ProviderConfig":
			if c.Issuer != nil || c.AuthorizationEndpoint != nil || c.TokenEndpoint != nil {
				rec.Metadata = &AuthServerMetadata{Issuer: deref(c.Issuer), AuthorizationEndpoint: deref(c.AuthorizationEndpoint), TokenEndpoint: deref(c.TokenEndpoint)}
			}
		default:
			vs = append(vs, model.Violation{Path: "oauth2ProviderConfigInput." + m,
				Message: fmt.Sprintf("%s is not supported by the offline sandbox; use customOauth2ProviderConfig or includedOauth2ProviderConfig", m)})
		}
		rec.ClientID, rec.ClientSecret = deref(c.ClientID), deref(c.ClientSecret)
	}
	return rec, vs
}

func (s *Service) createOauth2Provider(w http.ResponseWriter, r *http.Request) {
	var in providerInput
	vs, e := readInput(r, model.AgentCoreControl, "CreateOauth2CredentialProvider", &in)
	if e != nil {
		writeErr(w, e)
		return
	}
	rec, extra := providerRecOf(&in)
	if e := awswire.RESTInvalid(append(vs, extra...)); e != nil {
		writeErr(w, e)
		return
	}
	p, err := s.CreateOauth2CredentialProvider(rec)
	answer(w, http.StatusCreated, func() any { return providerAnswer(p, false) }, err)
}

type nameInput struct {
	Name *string `json:"name"`
}

// decodeName reads and validates a body that names a provider.
func decodeName(w http.ResponseWriter, r *http.Request, op string) (string, bool) {
	var in nameInput
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, op, &in); e != nil {
		writeErr(w, e)
		return "", false
	}
	return *in.Name, true
}

func (s *Service) getOauth2Provider(w http.ResponseWriter, r *http.Request) {
	if name, ok := decodeName(w, r, "GetOauth2CredentialProvider"); ok {
		p, err := s.GetOauth2CredentialProvider(name)
		answer(w, http.StatusOK, func() any { return providerAnswer(p, true) }, err)
	}
}

func (s *Service) deleteOauth2Provider(w http.ResponseWriter, r *http.Request) {
	if name, ok := decodeName(w, r, "DeleteOauth2CredentialProvider"); ok {
		answerNoContent(w, s.DeleteOauth2CredentialProvider(name))
	}
}

func (s *Service) listOauth2Providers(w http.ResponseWriter, r *http.Request) {
	max, tok, ok := decodeList(w, r, "ListOauth2CredentialProviders")
	if !ok {
		return
	}
	ps, next, err := s.ListOauth2CredentialProviders(max, tok)
	answer(w, http.StatusOK, func() any {
		out := listProvidersOut{CredentialProviders: make([]providerItem, 0, len(ps)), NextToken: next}
		for _, p := range ps {
			out.CredentialProviders = append(out.CredentialProviders, providerItem{p.Name, p.Vendor, p.ARN, epochMillis(p.Created), epochMillis(p.Updated)})
		}
		return out
	}, err)
}

func (s *Service) getTokenVault(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID *string `json:"tokenVaultId"`
	}
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "GetTokenVault", &in); e != nil {
		writeErr(w, e)
		return
	}
	id := "default"
	if in.ID != nil {
		id = *in.ID
	}
	created, err := s.GetTokenVault(id)
	answer(w, http.StatusOK, func() any {
		return tokenVaultOut{TokenVaultID: "default", KmsConfiguration: kmsConfigurationOut{"ServiceManagedKey"}, LastModifiedDate: awswire.Epoch(created)}
	}, err)
}
