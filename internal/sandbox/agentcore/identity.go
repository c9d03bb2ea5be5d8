package agentcore

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// ---- workload identities ----

type workloadInput struct {
	Name       *string           `json:"name"`
	ReturnURLs []string          `json:"allowedResourceOauth2ReturnUrls"`
	Tags       map[string]string `json:"tags"`
}

// decodeWorkload reads and validates a workload identity operation's body.
func (s *Service) decodeWorkload(w http.ResponseWriter, r *http.Request, op string) (*workloadInput, bool) {
	var in workloadInput
	if e := readValid(r, model.AgentCoreControl, op, nil, &in); e != nil {
		writeErr(w, e)
		return nil, false
	}
	return &in, true
}

func workloadOut(wl *workloadRec, times bool) map[string]any {
	out := map[string]any{"name": wl.Name, "workloadIdentityArn": wl.ARN}
	if len(wl.ReturnURLs) > 0 {
		out["allowedResourceOauth2ReturnUrls"] = wl.ReturnURLs
	}
	if times {
		out["createdTime"], out["lastUpdatedTime"] = awswire.Epoch(wl.Created), awswire.Epoch(wl.Updated)
	}
	return out
}

func workloadNotFound(name string) *awswire.Error {
	return notFound("Workload identity not found: %s", name)
}

func (s *Service) createWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	in, ok := s.decodeWorkload(w, r, "CreateWorkloadIdentity")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.Workloads[*in.Name]; dup {
		writeErr(w, conflict("A workload identity with the name '%s' already exists.", *in.Name))
		return
	}
	now := s.now()
	wl := &workloadRec{Name: *in.Name, ARN: s.workloadARN(*in.Name), ReturnURLs: in.ReturnURLs, Created: now, Updated: now}
	s.st.Workloads[wl.Name] = wl
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusCreated, workloadOut(wl, false))
}

func (s *Service) getWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	in, ok := s.decodeWorkload(w, r, "GetWorkloadIdentity")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wl := s.st.Workloads[*in.Name]
	if wl == nil {
		writeErr(w, workloadNotFound(*in.Name))
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, workloadOut(wl, true))
}

func (s *Service) updateWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	in, ok := s.decodeWorkload(w, r, "UpdateWorkloadIdentity")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wl := s.st.Workloads[*in.Name]
	if wl == nil {
		writeErr(w, workloadNotFound(*in.Name))
		return
	}
	wl.ReturnURLs, wl.Updated = in.ReturnURLs, s.now()
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, workloadOut(wl, true))
}

func (s *Service) deleteWorkloadIdentity(w http.ResponseWriter, r *http.Request) {
	in, ok := s.decodeWorkload(w, r, "DeleteWorkloadIdentity")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Workloads[*in.Name] == nil {
		writeErr(w, workloadNotFound(*in.Name))
		return
	}
	delete(s.st.Workloads, *in.Name)
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	writeNoContent(w)
}

func writeNoContent(w http.ResponseWriter) {
	w.Header().Set("x-amzn-RequestId", awswire.RequestID())
	w.WriteHeader(http.StatusNoContent)
}

type listInput struct {
	MaxResults *int    `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

// decodeList reads and validates a List operation's body: page size
// (default 10) and token.
func decodeList(w http.ResponseWriter, r *http.Request, op string) (int, string, bool) {
	var in listInput
	if e := readValid(r, model.AgentCoreControl, op, nil, &in); e != nil {
		writeErr(w, e)
		return 0, "", false
	}
	max := 10
	if in.MaxResults != nil {
		max = *in.MaxResults
	}
	tok := ""
	if in.NextToken != nil {
		tok = *in.NextToken
	}
	return max, tok, true
}

func (s *Service) listWorkloadIdentities(w http.ResponseWriter, r *http.Request) {
	max, tok, ok := decodeList(w, r, "ListWorkloadIdentities")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeList(w, s.st.Workloads, max, tok, "workloadIdentities", func(wl *workloadRec) map[string]any {
		// WorkloadIdentityType has only name and ARN: the return URLs are
		// Get's business, and AWS's list items carry nothing else.
		return map[string]any{"name": wl.Name, "workloadIdentityArn": wl.ARN}
	})
}

// ---- OAuth2 credential providers ----

// providerRec is one OAuth2 credential provider. The client secret is kept
// for the token vault's later use (the sandbox has no Secrets Manager).
type providerRec struct {
	Name         string              `json:"name"`
	Vendor       string              `json:"vendor"`
	ConfigMember string              `json:"configMember"` // customOauth2ProviderConfig | includedOauth2ProviderConfig
	ClientID     string              `json:"clientId"`
	ClientSecret string              `json:"clientSecret"`
	DiscoveryURL string              `json:"discoveryUrl,omitempty"`
	Metadata     *AuthServerMetadata `json:"metadata,omitempty"`
	CallbackURL  string              `json:"callbackUrl"`
	ARN          string              `json:"arn"`
	SecretARN    string              `json:"secretArn"`
	Created      int64               `json:"created"` // unix ms
	Updated      int64               `json:"updated"`
}

// AuthServerMetadata is Oauth2AuthorizationServerMetadata.
type AuthServerMetadata struct {
	Issuer                   string   `json:"issuer"`
	AuthorizationEndpoint    string   `json:"authorizationEndpoint"`
	TokenEndpoint            string   `json:"tokenEndpoint"`
	ResponseTypes            []string `json:"responseTypes,omitempty"`
	TokenEndpointAuthMethods []string `json:"tokenEndpointAuthMethods,omitempty"`
}

// Oauth2Provider is what the token vault needs to know about a provider.
type Oauth2Provider struct {
	Name, Vendor, ClientID, ClientSecret, CallbackURL, ARN string
	DiscoveryURL                                           string              // set when configured by discovery
	Metadata                                               *AuthServerMetadata // set when configured explicitly
}

// LookupOauth2Provider returns the named credential provider.
func (s *Service) LookupOauth2Provider(name string) (Oauth2Provider, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Providers[name]
	if p == nil {
		return Oauth2Provider{}, false
	}
	return Oauth2Provider{Name: p.Name, Vendor: p.Vendor, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		CallbackURL: p.CallbackURL, ARN: p.ARN, DiscoveryURL: p.DiscoveryURL, Metadata: p.Metadata}, true
}

// LookupWorkloadIdentity returns a workload identity's allowed return URLs.
func (s *Service) LookupWorkloadIdentity(name string) (returnURLs []string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wl := s.st.Workloads[name]
	if wl == nil {
		return nil, false
	}
	return slices.Clone(wl.ReturnURLs), true
}

type discoveryIn struct {
	DiscoveryURL *string             `json:"discoveryUrl"`
	Metadata     *AuthServerMetadata `json:"authorizationServerMetadata"`
}

type providerConfigIn struct {
	OauthDiscovery *discoveryIn `json:"oauthDiscovery"`
	ClientID       *string      `json:"clientId"`
	ClientSecret   *string      `json:"clientSecret"`
	SecretSource   *string      `json:"clientSecretSource"`
	ClientAuth     *string      `json:"clientAuthenticationMethod"`
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
func providerRecOf(in *providerInput) (*providerRec, model.Violations) {
	rec := &providerRec{}
	var vs model.Violations
	for m, c := range in.Config {
		if c == nil {
			continue
		}
		rec.ConfigMember = m
		f := "oauth2ProviderConfigInput." + m
		switch m {
		case "customOauth2ProviderConfig":
			if d := c.OauthDiscovery; d != nil {
				if d.DiscoveryURL != nil {
					rec.DiscoveryURL = *d.DiscoveryURL
				} else {
					rec.Metadata = d.Metadata
				}
			}
		case "includedOauth2ProviderConfig":
			if c.Issuer != nil || c.AuthorizationEndpoint != nil || c.TokenEndpoint != nil {
				rec.Metadata = &AuthServerMetadata{Issuer: deref(c.Issuer), AuthorizationEndpoint: deref(c.AuthorizationEndpoint), TokenEndpoint: deref(c.TokenEndpoint)}
			}
		default:
			vs = append(vs, model.Violation{Path: f, Message: fmt.Sprintf("%s is not supported by the offline sandbox; use customOauth2ProviderConfig or includedOauth2ProviderConfig", m)})
		}
		rec.ClientID, rec.ClientSecret = deref(c.ClientID), deref(c.ClientSecret)
	}
	return rec, vs
}

func (s *Service) createOauth2Provider(w http.ResponseWriter, r *http.Request) {
	var in providerInput
	vs, e := readInput(r, model.AgentCoreControl, "CreateOauth2CredentialProvider", nil, &in)
	if e != nil {
		writeErr(w, e)
		return
	}
	rec, extra := providerRecOf(&in)
	if e := validationErr(append(vs, extra...)); e != nil {
		writeErr(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.Providers[*in.Name]; dup {
		writeErr(w, conflict("An OAuth2 credential provider with the name '%s' already exists.", *in.Name))
		return
	}
	now := s.now().UnixMilli()
	rec.Name, rec.Vendor, rec.Created, rec.Updated = *in.Name, *in.Vendor, now, now
	rec.CallbackURL = s.d.URL + "/identities/oauth2/callback/" + uuid.NewString()
	rec.ARN = fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:token-vault/default/oauth2credentialprovider/%s", s.d.Region, s.d.AccountID, rec.Name)
	rec.SecretARN = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:bedrock-agentcore-identity!default/oauth2/%s-%s", s.d.Region, s.d.AccountID, rec.Name, randomAlnum(6))
	s.st.Providers[rec.Name] = rec
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusCreated, providerOut(rec, false))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func providerOut(p *providerRec, full bool) map[string]any {
	disc := map[string]any{}
	if p.DiscoveryURL != "" {
		disc["discoveryUrl"] = p.DiscoveryURL
	} else if p.Metadata != nil {
		disc["authorizationServerMetadata"] = p.Metadata
	}
	cfg := map[string]any{"oauthDiscovery": disc}
	if p.ClientID != "" {
		cfg["clientId"] = p.ClientID
	}
	out := map[string]any{
		"clientSecretArn":            map[string]string{"secretArn": p.SecretARN},
		"name":                       p.Name,
		"credentialProviderArn":      p.ARN,
		"callbackUrl":                p.CallbackURL,
		"oauth2ProviderConfigOutput": map[string]any{p.ConfigMember: cfg},
		"status":                     "READY",
	}
	if full {
		out["credentialProviderVendor"] = p.Vendor
		out["createdTime"], out["lastUpdatedTime"] = float64(p.Created)/1000, float64(p.Updated)/1000
	}
	return out
}

type nameInput struct {
	Name *string `json:"name"`
}

func (s *Service) providerByName(w http.ResponseWriter, r *http.Request, op string) (*providerRec, bool) {
	var in nameInput
	if e := readValid(r, model.AgentCoreControl, op, nil, &in); e != nil {
		writeErr(w, e)
		return nil, false
	}
	p := s.st.Providers[*in.Name]
	if p == nil {
		writeErr(w, notFound("Credential provider not found: %s", *in.Name))
		return nil, false
	}
	return p, true
}

func (s *Service) getOauth2Provider(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.providerByName(w, r, "GetOauth2CredentialProvider"); ok {
		awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, providerOut(p, true))
	}
}

func (s *Service) deleteOauth2Provider(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.providerByName(w, r, "DeleteOauth2CredentialProvider")
	if !ok {
		return
	}
	delete(s.st.Providers, p.Name)
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	writeNoContent(w)
}

func (s *Service) listOauth2Providers(w http.ResponseWriter, r *http.Request) {
	max, tok, ok := decodeList(w, r, "ListOauth2CredentialProviders")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeList(w, s.st.Providers, max, tok, "credentialProviders", func(p *providerRec) map[string]any {
		return map[string]any{
			"name": p.Name, "credentialProviderVendor": p.Vendor, "credentialProviderArn": p.ARN,
			"createdTime": float64(p.Created) / 1000, "lastUpdatedTime": float64(p.Updated) / 1000,
		}
	})
}

// ---- token vault ----

func (s *Service) getTokenVault(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID *string `json:"tokenVaultId"`
	}
	if e := readValid(r, model.AgentCoreControl, "GetTokenVault", nil, &in); e != nil {
		writeErr(w, e)
		return
	}
	id := "default"
	if in.ID != nil {
		id = *in.ID
	}
	if id != "default" {
		writeErr(w, notFound("Token vault not found: %s", id))
		return
	}
	s.mu.Lock()
	created := s.st.VaultCreated
	s.mu.Unlock()
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{
		"tokenVaultId": "default", "kmsConfiguration": map[string]string{"keyType": "ServiceManagedKey"},
		"lastModifiedDate": awswire.Epoch(created),
	})
}
