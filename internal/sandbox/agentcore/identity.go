package agentcore

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/awswire"
)

// The identity control plane's operations (workload identities, OAuth2
// credential providers, the token vault), as plain methods: typed inputs,
// records out (copies), typed AWS errors.

func workloadNotFound(name string) *awswire.Error {
	return notFound("Workload identity not found: %s", name)
}

// CreateWorkloadIdentity creates a workload identity.
func (s *Service) CreateWorkloadIdentity(name string, returnURLs []string) (workloadRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.Workloads[name]; dup {
		return workloadRec{}, conflict("A workload identity with the name '%s' already exists.", name)
	}
	now := s.now()
	wl := &workloadRec{Name: name, ARN: s.workloadARN(name), ReturnURLs: returnURLs, Created: now, Updated: now}
	s.st.Workloads[name] = wl
	if err := s.save(); err != nil {
		return workloadRec{}, internalErr(err)
	}
	return *wl, nil
}

// GetWorkloadIdentity returns a workload identity.
func (s *Service) GetWorkloadIdentity(name string) (workloadRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wl := s.st.Workloads[name]
	if wl == nil {
		return workloadRec{}, workloadNotFound(name)
	}
	return *wl, nil
}

// UpdateWorkloadIdentity replaces a workload identity's return URLs.
func (s *Service) UpdateWorkloadIdentity(name string, returnURLs []string) (workloadRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wl := s.st.Workloads[name]
	if wl == nil {
		return workloadRec{}, workloadNotFound(name)
	}
	wl.ReturnURLs, wl.Updated = returnURLs, s.now()
	if err := s.save(); err != nil {
		return workloadRec{}, internalErr(err)
	}
	return *wl, nil
}

// DeleteWorkloadIdentity deletes a workload identity.
func (s *Service) DeleteWorkloadIdentity(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Workloads[name] == nil {
		return workloadNotFound(name)
	}
	if err := s.forgetWorkload(name); err != nil {
		return internalErr(err)
	}
	delete(s.st.Workloads, name)
	if err := s.save(); err != nil {
		return internalErr(err)
	}
	return nil
}

// forgetWorkload purges a workload identity's vault tokens and its 3LO
// sessions in flight, before the identity itself goes: a token outliving
// its workload identity would be handed to a namesake created later, and
// after the workshop's cleanup no token may remain. Tokens go first: if
// the identity's own deletion then fails, all that is lost is a consent.
func (s *Service) forgetWorkload(name string) error {
	n, err := s.oauth.vault.purge(func(t *vaultToken) bool { return t.Workload == name })
	if err != nil {
		return err
	}
	s.oauth.dropSessions(func(ss *session3LO) bool { return ss.workload == name })
	if n > 0 {
		s.log.Info("agentcore: vault tokens purged with their workload identity", "workload", name, "tokens", n)
	}
	return nil
}

// ListWorkloadIdentities returns a page of workload identities by name and
// the next token.
func (s *Service) ListWorkloadIdentities(max int, token string) ([]workloadRec, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return page(s.st.Workloads, max, token)
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

// providerNotFound answers a name no OAuth2 credential provider has, on the
// control plane (Get/Delete) and in GetResourceOauth2Token. The type and
// status are AWS's: ResourceNotFoundException, 404 (both models list it;
// the Python SDK's integration test test_get_nonexistent_oauth2_provider
// and its wait_until_deleted, tests_integ/identity/test_identity_client.py,
// expect it from GetOauth2CredentialProvider; the starter toolkit's
// identity cleanup catches it from DeleteOauth2CredentialProvider). The
// wording is not verified for these operations. The one AWS text seen for
// a missing provider is the data plane's GetResourceApiKey: "Resource
// Credential Provider not found", without the name (aws/agentcore-cli#163);
// until a report quotes GetResourceOauth2Token's or the control plane's,
// the sandbox keeps its own text, which names the provider.
func providerNotFound(name string) *awswire.Error {
	return notFound("Credential provider not found: %s", name)
}

// CreateOauth2CredentialProvider creates a provider from rec's name,
// vendor and configuration; the service assigns its callback URL, ARNs and
// times.
func (s *Service) CreateOauth2CredentialProvider(rec providerRec) (providerRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.Providers[rec.Name]; dup {
		return providerRec{}, conflict("An OAuth2 credential provider with the name '%s' already exists.", rec.Name)
	}
	now := s.now().UnixMilli()
	rec.Created, rec.Updated = now, now
	rec.CallbackURL = s.d.URL + callbackPrefix + uuid.NewString()
	rec.ARN = fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:token-vault/default/oauth2credentialprovider/%s", s.d.Region, s.d.AccountID, rec.Name)
	rec.SecretARN = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:bedrock-agentcore-identity!default/oauth2/%s-%s", s.d.Region, s.d.AccountID, rec.Name, randomAlnum(6))
	s.st.Providers[rec.Name] = &rec
	if err := s.save(); err != nil {
		return providerRec{}, internalErr(err)
	}
	return rec, nil
}

// GetOauth2CredentialProvider returns a provider.
func (s *Service) GetOauth2CredentialProvider(name string) (providerRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Providers[name]
	if p == nil {
		return providerRec{}, providerNotFound(name)
	}
	return *p, nil
}

// DeleteOauth2CredentialProvider deletes a provider.
func (s *Service) DeleteOauth2CredentialProvider(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Providers[name] == nil {
		return providerNotFound(name)
	}
	// The provider's tokens go with it (and its consents in flight): a
	// provider created again under the name starts with an empty vault.
	if _, err := s.oauth.vault.purge(func(t *vaultToken) bool { return t.Provider == name }); err != nil {
		return internalErr(err)
	}
	s.oauth.dropSessions(func(ss *session3LO) bool { return ss.provider == name })
	delete(s.st.Providers, name)
	if err := s.save(); err != nil {
		return internalErr(err)
	}
	return nil
}

// ListOauth2CredentialProviders returns a page of providers by name and
// the next token.
func (s *Service) ListOauth2CredentialProviders(max int, token string) ([]providerRec, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return page(s.st.Providers, max, token)
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

// GetTokenVault returns when the token vault was created; the sandbox has
// only the "default" vault.
func (s *Service) GetTokenVault(id string) (time.Time, error) {
	if id != "default" {
		return time.Time{}, notFound("Token vault not found: %s", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.VaultCreated, nil
}
