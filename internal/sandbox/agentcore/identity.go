package agentcore

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/awswire"
)

// ---- workload identities ----

type workloadInput struct {
	Name       *string           `json:"name"`
	ReturnURLs []string          `json:"allowedResourceOauth2ReturnUrls"`
	Tags       map[string]string `json:"tags"`
}

func validateWorkloadName(v *validator, name *string) {
	if v.required("name", name != nil) && v.length("name", *name, 3, 255) {
		v.pattern("name", *name, reWorkloadName, patWorkloadName)
	}
}

func (s *Service) decodeWorkload(w http.ResponseWriter, r *http.Request, withURLs bool) (*workloadInput, bool) {
	var in workloadInput
	if e := decodeBody(r, &in); e != nil {
		writeErr(w, e)
		return nil, false
	}
	var v validator
	validateWorkloadName(&v, in.Name)
	v.tags("tags", in.Tags)
	if withURLs {
		for _, u := range in.ReturnURLs {
			if v.length("allowedResourceOauth2ReturnUrls.member", u, 1, 2048) {
				v.pattern("allowedResourceOauth2ReturnUrls.member", u, reReturnURL, patReturnURL)
			}
		}
	}
	if e := v.err(); e != nil {
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
	in, ok := s.decodeWorkload(w, r, true)
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
	in, ok := s.decodeWorkload(w, r, false)
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
	in, ok := s.decodeWorkload(w, r, true)
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
	in, ok := s.decodeWorkload(w, r, false)
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

func decodeList(w http.ResponseWriter, r *http.Request) (int, string, bool) {
	var in listInput
	if e := decodeBody(r, &in); e != nil {
		writeErr(w, e)
		return 0, "", false
	}
	max := 10
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 20 {
			var v validator
			v.addValue("maxResults", fmt.Sprint(*in.MaxResults), "Member must have value between 1 and 20, inclusive")
			writeErr(w, v.err())
			return 0, "", false
		}
		max = *in.MaxResults
	}
	tok := ""
	if in.NextToken != nil {
		tok = *in.NextToken
	}
	return max, tok, true
}

func (s *Service) listWorkloadIdentities(w http.ResponseWriter, r *http.Request) {
	max, tok, ok := decodeList(w, r)
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

var vendors = []string{"GoogleOauth2", "GithubOauth2", "SlackOauth2", "SalesforceOauth2", "MicrosoftOauth2", "CustomOauth2", "AtlassianOauth2", "LinkedinOauth2", "XOauth2", "OktaOauth2", "OneLoginOauth2", "PingOneOauth2", "FacebookOauth2", "YandexOauth2", "RedditOauth2", "ZoomOauth2", "TwitchOauth2", "SpotifyOauth2", "DropboxOauth2", "NotionOauth2", "HubspotOauth2", "CyberArkOauth2", "FusionAuthOauth2", "Auth0Oauth2", "CognitoOauth2"}

func validateProviderName(v *validator, name *string) {
	if v.required("name", name != nil) && v.length("name", *name, 1, 128) {
		v.pattern("name", *name, reProviderName, patProviderName)
	}
}

func (s *Service) createOauth2Provider(w http.ResponseWriter, r *http.Request) {
	var in providerInput
	if e := decodeBody(r, &in); e != nil {
		writeErr(w, e)
		return
	}
	var v validator
	validateProviderName(&v, in.Name)
	v.tags("tags", in.Tags)
	if v.required("credentialProviderVendor", in.Vendor != nil) {
		v.oneOf("credentialProviderVendor", *in.Vendor, vendors...)
	}
	rec := &providerRec{}
	if v.required("oauth2ProviderConfigInput", in.Config != nil) {
		var members []string
		for k, c := range in.Config {
			if c != nil {
				members = append(members, k)
			}
		}
		if len(members) != 1 {
			v.add("oauth2ProviderConfigInput", "Value at 'oauth2ProviderConfigInput' failed to satisfy constraint: Member must have exactly one provider configuration set")
		} else {
			m := members[0]
			c := in.Config[m]
			rec.ConfigMember = m
			f := "oauth2ProviderConfigInput." + m
			switch m {
			case "customOauth2ProviderConfig":
				if v.required(f+".oauthDiscovery", c.OauthDiscovery != nil) {
					d := c.OauthDiscovery
					switch {
					case (d.DiscoveryURL == nil) == (d.Metadata == nil):
						v.add(f+".oauthDiscovery", "Value at '"+f+".oauthDiscovery' failed to satisfy constraint: Member must have exactly one of discoveryUrl, authorizationServerMetadata set")
					case d.DiscoveryURL != nil:
						v.pattern(f+".oauthDiscovery.discoveryUrl", *d.DiscoveryURL, reOAuthDiscURL, patOAuthDiscURL)
						rec.DiscoveryURL = *d.DiscoveryURL
					default:
						md := d.Metadata
						mf := f + ".oauthDiscovery.authorizationServerMetadata"
						v.required(mf+".issuer", md.Issuer != "")
						v.required(mf+".authorizationEndpoint", md.AuthorizationEndpoint != "")
						v.required(mf+".tokenEndpoint", md.TokenEndpoint != "")
						if md.TokenEndpointAuthMethods != nil {
							v.count(mf+".tokenEndpointAuthMethods", len(md.TokenEndpointAuthMethods), 1, 2)
							for _, m := range md.TokenEndpointAuthMethods {
								v.pattern(mf+".tokenEndpointAuthMethods.member", m, reTokenAuth, patTokenAuth)
							}
						}
						rec.Metadata = md
					}
				}
			case "includedOauth2ProviderConfig":
				v.required(f+".clientId", c.ClientID != nil)
				if c.Issuer != nil || c.AuthorizationEndpoint != nil || c.TokenEndpoint != nil {
					rec.Metadata = &AuthServerMetadata{Issuer: deref(c.Issuer), AuthorizationEndpoint: deref(c.AuthorizationEndpoint), TokenEndpoint: deref(c.TokenEndpoint)}
				}
			default:
				// Vendor presets (Google, GitHub, …) would need those vendors'
				// real endpoints; the offline sandbox cannot reach them.
				v.add(f, fmt.Sprintf("%s is not supported by the offline sandbox; use customOauth2ProviderConfig or includedOauth2ProviderConfig", m))
			}
			if c.ClientID != nil {
				// The custom config's DefaultClientIdType allows an empty
				// id (0..256); the vendor configs' ClientIdType needs 1..256.
				lo := 1
				if m == "customOauth2ProviderConfig" {
					lo = 0
				}
				v.length(f+".clientId", *c.ClientID, lo, 256)
				rec.ClientID = *c.ClientID
			}
			if c.SecretSource != nil {
				v.oneOf(f+".clientSecretSource", *c.SecretSource, "MANAGED", "EXTERNAL")
			}
			if c.ClientAuth != nil {
				v.oneOf(f+".clientAuthenticationMethod", *c.ClientAuth, "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "AWS_IAM_ID_TOKEN_JWT", "PRIVATE_KEY_JWT")
			}
			if c.ClientSecret != nil {
				v.lengthSensitive(f+".clientSecret", *c.ClientSecret, 0, 2048)
				rec.ClientSecret = *c.ClientSecret
			}
		}
	}
	if e := v.err(); e != nil {
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

func (s *Service) providerByName(w http.ResponseWriter, r *http.Request) (*providerRec, bool) {
	var in nameInput
	if e := decodeBody(r, &in); e != nil {
		writeErr(w, e)
		return nil, false
	}
	var v validator
	validateProviderName(&v, in.Name)
	if e := v.err(); e != nil {
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
	if p, ok := s.providerByName(w, r); ok {
		awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, providerOut(p, true))
	}
}

func (s *Service) deleteOauth2Provider(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.providerByName(w, r)
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
	max, tok, ok := decodeList(w, r)
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
	if e := decodeBody(r, &in); e != nil {
		writeErr(w, e)
		return
	}
	id := "default"
	if in.ID != nil {
		var v validator
		if v.length("tokenVaultId", *in.ID, 1, 64) {
			v.pattern("tokenVaultId", *in.ID, reTokenVaultID, patTokenVaultID)
		}
		if e := v.err(); e != nil {
			writeErr(w, e)
			return
		}
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
