// Package foreignidp is the sandbox's OIDC identity provider that is not
// Cognito: tenants shaped like Auth0's, for the workshop's foreign-idp
// stage and the gateway behind allowedAudience.
//
// A tenant has its own issuer, http://HOST/foreign-idp/<tenant>/ (with the
// trailing slash Auth0's issuers have; never a Cognito pool path), its
// discovery document and JWKS under it, its own RS256 key, and
// /oauth/token for the client_credentials grant with an `audience`
// parameter. Access tokens carry Auth0's default-profile claims: iss, sub
// "<client_id>@clients", aud (the API identifier), iat, exp, azp, gty
// "client-credentials" and, when the client's grant has scopes, scope.
// There is no client_id claim, which is why AgentCore checks such tokens
// with allowedAudience rather than allowedClients.
//
// Tenants, their APIs ("resource servers", whose identifier is the
// audience), clients and client grants are made through a small,
// SigV4-signed management API shaped like Auth0's Management API v2 (see
// handler.go for why SigV4). Like moto's split: handler.go is the wire,
// this file and token.go are the rules and state, errors.go the answers.
package foreignidp

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/signkeys"
	"agentcore-workshop/internal/sandbox/store"
)

// PathPrefix is where every tenant lives on the sandbox edge.
const PathPrefix = "/foreign-idp/"

// SigningName is the SigV4 service name of the management API.
const SigningName = "foreign-idp"

// storeDoc is the state document's name in the sandbox store.
const storeDoc = "foreignidp"

// tokenType is the "typ" header of the tenants' tokens, as Auth0's carry.
const tokenType = "JWT"

// Caps for the whole sandbox: a room shares one, and each tenant holds an
// RSA key and a few records on disk. Auth0's own quotas are larger; these
// are ours, sized for a room of learners making one tenant each.
const (
	MaxTenants          = 200
	MaxAPIsPerTenant    = 20
	MaxClientsPerTenant = 50
	MaxGrantsPerTenant  = 100
	MaxScopesPerAPI     = 50
)

// Input bounds, checked before anything is stored.
const (
	maxNameLen       = 200 // an API's or a client's display name
	maxIdentifierLen = 600 // an API identifier (the audience)
	maxScopeLen      = 280 // one scope value
	maxDescLen       = 500 // a scope's description
	// DefaultTokenLifetime is Auth0's default access-token lifetime for
	// an API (expires_in 86400).
	DefaultTokenLifetime = 86400
	maxTokenLifetime     = 2592000 // Auth0's limit: 30 days
)

// tenantName is a tenant's name: lowercase letters, digits and hyphens,
// starting with a letter, as Auth0 tenant names are.
var tenantName = regexp.MustCompile(`^[a-z][a-z0-9-]{2,62}$`)

// Tenant is one identity provider.
type Tenant struct {
	Name      string           `json:"name"`
	Key       signkeys.KeyPair `json:"key"` // its own: a token of one tenant never verifies under another's keys, nor a pool's
	CreatedAt time.Time        `json:"createdAt"`
	APIs      []*API           `json:"apis"`
	Clients   []*Client        `json:"clients"`
	Grants    []*Grant         `json:"grants"`
}

// API is an Auth0 "resource server": its identifier is the audience a
// client asks a token for.
type API struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Identifier    string  `json:"identifier"`
	Scopes        []Scope `json:"scopes"`
	SigningAlg    string  `json:"signing_alg"`
	TokenLifetime int     `json:"token_lifetime"`
}

// Scope is one permission an API defines.
type Scope struct {
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// Client is an application; only machine-to-machine ones
// (app_type "non_interactive") are served.
type Client struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	Name         string   `json:"name"`
	AppType      string   `json:"app_type"`
	GrantTypes   []string `json:"grant_types"`
}

// Grant lets a client ask for tokens for one API, with some of its scopes.
type Grant struct {
	ID       string   `json:"id"`
	ClientID string   `json:"client_id"`
	Audience string   `json:"audience"`
	Scope    []string `json:"scope"`
}

// Service is the foreign IdP of one sandbox.
type Service struct {
	url   string
	store *store.Store
	clock clock.Clock
	log   *slog.Logger
	keys  *signkeys.Spare // signing keys made ahead; nil makes each on demand

	maxTenants int // MaxTenants; lowered by tests
	mux        *http.ServeMux

	mu      sync.RWMutex
	tenants map[string]*Tenant
}

type persisted struct {
	Tenants []*Tenant `json:"tenants"`
}

// New builds the service and loads its persisted tenants.
func New(d edge.Deps) (*Service, error) {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{url: d.URL, store: d.Store, clock: d.Clock, log: d.Log, keys: d.Keys, tenants: map[string]*Tenant{}, maxTenants: MaxTenants}
	s.mux = s.routes()
	if s.store == nil {
		return s, nil
	}
	var st persisted
	ok, err := s.store.Load(storeDoc, &st)
	if err != nil {
		return nil, fmt.Errorf("load foreign IdP state: %w", err)
	}
	if ok {
		for _, t := range st.Tenants {
			if err := t.Key.Load(tokenType); err != nil {
				return nil, fmt.Errorf("load the key of tenant %s: %w", t.Name, err)
			}
			s.tenants[t.Name] = t
		}
	}
	return s, nil
}

// Issuer is a tenant's issuer on a sandbox reached at baseURL: with a
// trailing slash, as Auth0's are ("https://<tenant>/").
func Issuer(baseURL, tenant string) string { return baseURL + PathPrefix + tenant + "/" }

// DiscoveryURL is a tenant's OpenID configuration URL: the value a
// customJWTAuthorizer's discoveryUrl takes.
func DiscoveryURL(baseURL, tenant string) string {
	return Issuer(baseURL, tenant) + ".well-known/openid-configuration"
}

// TokenURL is a tenant's token endpoint.
func TokenURL(baseURL, tenant string) string { return Issuer(baseURL, tenant) + "oauth/token" }

func (s *Service) issuer(tenant string) string { return Issuer(s.url, tenant) }

// save persists every tenant; callers hold s.mu for writing and undo
// their change when it fails, so memory never runs ahead of the disk.
func (s *Service) save() error {
	if s.store == nil {
		return nil
	}
	st := persisted{Tenants: slices.Collect(maps.Values(s.tenants))}
	sort.Slice(st.Tenants, func(i, j int) bool { return st.Tenants[i].Name < st.Tenants[j].Name })
	if err := s.store.Save(storeDoc, st); err != nil {
		s.log.Error("persist foreign IdP state", "err", err)
		return err
	}
	return nil
}

// commit saves, running undo when the save fails.
func (s *Service) commit(undo func()) *mgmtError {
	if err := s.save(); err != nil {
		undo()
		return errInternal("could not persist the change: %v", err)
	}
	return nil
}

// CreateTenant makes a tenant with a fresh signing key.
func (s *Service) CreateTenant(name string) (*Tenant, *mgmtError) {
	if !tenantName.MatchString(name) {
		return nil, errBody("name must be 3 to 63 lowercase letters, digits or hyphens, starting with a letter")
	}
	// The key is made before taking the lock: RSA generation is slow.
	key, err := s.keys.Generate(randomString(22, alnum+"-_"), tokenType) // Auth0's kids are opaque random strings
	if err != nil {
		return nil, errInternal("%v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tenants[name]; ok {
		return nil, errConflict("A tenant named %s already exists", name)
	}
	if len(s.tenants) >= s.maxTenants {
		return nil, errQuota("This sandbox holds %d tenants, its limit: delete one first", s.maxTenants)
	}
	t := &Tenant{Name: name, Key: key, CreatedAt: s.clock.Now().UTC()}
	s.tenants[name] = t
	if e := s.commit(func() { delete(s.tenants, name) }); e != nil {
		return nil, e
	}
	s.log.Info("foreign IdP: tenant created", "tenant", name)
	return t, nil
}

// DeleteTenant removes a tenant with its APIs, clients and grants.
func (s *Service) DeleteTenant(name string) *mgmtError {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tenants[name]
	if !ok {
		return errTenantNotFound(name)
	}
	delete(s.tenants, name)
	return s.commit(func() { s.tenants[name] = t })
}

// tenantView is a tenant as the management API shows it.
type tenantView struct {
	Name         string    `json:"name"`
	Issuer       string    `json:"issuer"`
	DiscoveryURL string    `json:"discovery_url"`
	TokenURL     string    `json:"token_url"`
	JWKSURI      string    `json:"jwks_uri"`
	CreatedAt    time.Time `json:"created_at"`
}

func (s *Service) view(t *Tenant) tenantView {
	iss := s.issuer(t.Name)
	return tenantView{Name: t.Name, Issuer: iss, DiscoveryURL: DiscoveryURL(s.url, t.Name), TokenURL: TokenURL(s.url, t.Name),
		JWKSURI: iss + ".well-known/jwks.json", CreatedAt: t.CreatedAt}
}

// GetTenant describes a tenant.
func (s *Service) GetTenant(name string) (tenantView, *mgmtError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[name]
	if !ok {
		return tenantView{}, errTenantNotFound(name)
	}
	return s.view(t), nil
}

// ListTenants describes every tenant, by name.
func (s *Service) ListTenants() []tenantView {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]tenantView, 0, len(s.tenants))
	for _, t := range s.tenants {
		out = append(out, s.view(t))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// withTenant runs fn on tenant name under the write lock and persists
// what it changed; fn returns the undo of its change.
func (s *Service) withTenant(name string, fn func(t *Tenant) (undo func(), err *mgmtError)) *mgmtError {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tenants[name]
	if !ok {
		return errTenantNotFound(name)
	}
	undo, err := fn(t)
	if err != nil {
		return err
	}
	return s.commit(undo)
}

// readTenant runs fn on tenant name under the read lock; fn copies out
// what it keeps.
func (s *Service) readTenant(name string, fn func(t *Tenant)) *mgmtError {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[name]
	if !ok {
		return errTenantNotFound(name)
	}
	fn(t)
	return nil
}

// CreateAPI adds an API (resource server) to a tenant.
func (s *Service) CreateAPI(tenant string, in API) (API, *mgmtError) {
	if e := checkAPI(&in); e != nil {
		return API{}, e
	}
	var out API
	err := s.withTenant(tenant, func(t *Tenant) (func(), *mgmtError) {
		if t.api(in.Identifier) != nil {
			return nil, errConflict("A resource server with the same identifier already exists")
		}
		if len(t.APIs) >= MaxAPIsPerTenant {
			return nil, errQuota("This tenant holds %d APIs, the sandbox's limit", MaxAPIsPerTenant)
		}
		in.ID = randomID(24)
		in.SigningAlg = "RS256"
		t.APIs = append(t.APIs, &in)
		out = cloneAPI(&in)
		return func() { t.APIs = t.APIs[:len(t.APIs)-1] }, nil
	})
	return out, err
}

func checkAPI(in *API) *mgmtError {
	switch {
	case in.Identifier == "":
		return errBody("Missing required property: identifier")
	case len(in.Identifier) > maxIdentifierLen || !printable(in.Identifier):
		return errBody("identifier must be 1 to %d printable characters without spaces", maxIdentifierLen)
	case len(in.Name) > maxNameLen || !displayable(in.Name):
		return errBody("name must be at most %d printable characters", maxNameLen)
	case len(in.Scopes) > MaxScopesPerAPI:
		return errBody("an API defines at most %d scopes in this sandbox", MaxScopesPerAPI)
	case in.SigningAlg != "" && in.SigningAlg != "RS256":
		return errBody("signing_alg must be RS256 in this sandbox")
	case in.TokenLifetime < 0 || in.TokenLifetime > maxTokenLifetime:
		return errBody("token_lifetime must be between 1 and %d seconds", maxTokenLifetime)
	}
	if in.Name == "" {
		in.Name = in.Identifier
	}
	if in.TokenLifetime == 0 {
		in.TokenLifetime = DefaultTokenLifetime
	}
	seen := map[string]bool{}
	for _, sc := range in.Scopes {
		if sc.Value == "" || len(sc.Value) > maxScopeLen || !printable(sc.Value) {
			return errBody("each scope value must be 1 to %d printable characters without spaces", maxScopeLen)
		}
		if len(sc.Description) > maxDescLen || !displayable(sc.Description) {
			return errBody("a scope description must be at most %d printable characters", maxDescLen)
		}
		if seen[sc.Value] {
			return errBody("scope %s is defined twice", sc.Value)
		}
		seen[sc.Value] = true
	}
	return nil
}

// ListAPIs lists a tenant's APIs.
func (s *Service) ListAPIs(tenant string) ([]API, *mgmtError) {
	var out []API
	err := s.readTenant(tenant, func(t *Tenant) {
		out = make([]API, 0, len(t.APIs))
		for _, a := range t.APIs {
			out = append(out, cloneAPI(a))
		}
	})
	return out, err
}

// DeleteAPI removes an API by id, and the grants for it.
func (s *Service) DeleteAPI(tenant, id string) *mgmtError {
	return s.withTenant(tenant, func(t *Tenant) (func(), *mgmtError) {
		i := slices.IndexFunc(t.APIs, func(a *API) bool { return a.ID == id })
		if i < 0 {
			return nil, errNotFound("inexistent_resource_server", "The resource server does not exist")
		}
		apis, grants := t.APIs, t.Grants
		gone := t.APIs[i].Identifier
		t.APIs = slices.Delete(slices.Clone(t.APIs), i, i+1)
		t.Grants = slices.DeleteFunc(slices.Clone(t.Grants), func(g *Grant) bool { return g.Audience == gone })
		return func() { t.APIs, t.Grants = apis, grants }, nil
	})
}

// CreateClient adds a machine-to-machine application with a fresh secret.
func (s *Service) CreateClient(tenant string, in Client) (Client, *mgmtError) {
	switch {
	case in.Name == "":
		return Client{}, errBody("Missing required property: name")
	case len(in.Name) > maxNameLen || !displayable(in.Name):
		return Client{}, errBody("name must be at most %d printable characters", maxNameLen)
	case in.AppType != "" && in.AppType != "non_interactive":
		return Client{}, errBody("app_type must be non_interactive: this sandbox serves machine-to-machine applications only")
	case len(in.GrantTypes) > 8:
		return Client{}, errBody("grant_types lists at most 8 grant types")
	}
	for _, g := range in.GrantTypes {
		if g != "client_credentials" {
			return Client{}, errBody("grant type %q is not served by this sandbox (only client_credentials)", trunc(g, 60))
		}
	}
	in.AppType = "non_interactive"
	if len(in.GrantTypes) == 0 {
		in.GrantTypes = []string{"client_credentials"}
	}
	in.ClientID = randomString(32, alnum)
	in.ClientSecret = randomString(64, alnum+"-_")
	var out Client
	err := s.withTenant(tenant, func(t *Tenant) (func(), *mgmtError) {
		if len(t.Clients) >= MaxClientsPerTenant {
			return nil, errQuota("This tenant holds %d applications, the sandbox's limit", MaxClientsPerTenant)
		}
		t.Clients = append(t.Clients, &in)
		out = cloneClient(&in)
		return func() { t.Clients = t.Clients[:len(t.Clients)-1] }, nil
	})
	return out, err
}

// ListClients lists a tenant's applications, secrets included (as Auth0
// does for a caller allowed read:client_keys).
func (s *Service) ListClients(tenant string) ([]Client, *mgmtError) {
	var out []Client
	err := s.readTenant(tenant, func(t *Tenant) {
		out = make([]Client, 0, len(t.Clients))
		for _, c := range t.Clients {
			out = append(out, cloneClient(c))
		}
	})
	return out, err
}

// DeleteClient removes an application and its grants.
func (s *Service) DeleteClient(tenant, id string) *mgmtError {
	return s.withTenant(tenant, func(t *Tenant) (func(), *mgmtError) {
		i := slices.IndexFunc(t.Clients, func(c *Client) bool { return c.ClientID == id })
		if i < 0 {
			return nil, errNotFound("inexistent_client", "The client does not exist")
		}
		clients, grants := t.Clients, t.Grants
		t.Clients = slices.Delete(slices.Clone(t.Clients), i, i+1)
		t.Grants = slices.DeleteFunc(slices.Clone(t.Grants), func(g *Grant) bool { return g.ClientID == id })
		return func() { t.Clients, t.Grants = clients, grants }, nil
	})
}

// CreateGrant lets a client get tokens for an API, with scopes the API
// defines.
func (s *Service) CreateGrant(tenant string, in Grant) (Grant, *mgmtError) {
	switch {
	case in.ClientID == "" || len(in.ClientID) > 64:
		return Grant{}, errBody("Missing required property: client_id")
	case in.Audience == "" || len(in.Audience) > maxIdentifierLen:
		return Grant{}, errBody("Missing required property: audience")
	case len(in.Scope) > MaxScopesPerAPI:
		return Grant{}, errBody("scope lists at most %d scopes", MaxScopesPerAPI)
	}
	var out Grant
	err := s.withTenant(tenant, func(t *Tenant) (func(), *mgmtError) {
		if t.client(in.ClientID) == nil {
			return nil, errNotFound("inexistent_client", "Client not found")
		}
		api := t.api(in.Audience)
		if api == nil {
			return nil, errNotFound("inexistent_resource_server", "No resource server found for the given audience")
		}
		for _, sc := range in.Scope {
			if !slices.ContainsFunc(api.Scopes, func(d Scope) bool { return d.Value == sc }) {
				return nil, errBody("scope %q is not defined by the API %s", trunc(sc, 60), trunc(api.Identifier, 100))
			}
		}
		if t.grant(in.ClientID, in.Audience) != nil {
			return nil, errConflict("A client grant for this client and audience already exists")
		}
		if len(t.Grants) >= MaxGrantsPerTenant {
			return nil, errQuota("This tenant holds %d client grants, the sandbox's limit", MaxGrantsPerTenant)
		}
		in.ID = "cgr_" + randomString(16, alnum)
		in.Scope = slices.Clone(in.Scope)
		if in.Scope == nil {
			in.Scope = []string{}
		}
		t.Grants = append(t.Grants, &in)
		out = in
		out.Scope = slices.Clone(in.Scope)
		return func() { t.Grants = t.Grants[:len(t.Grants)-1] }, nil
	})
	return out, err
}

// ListGrants lists a tenant's client grants.
func (s *Service) ListGrants(tenant string) ([]Grant, *mgmtError) {
	var out []Grant
	err := s.readTenant(tenant, func(t *Tenant) {
		out = make([]Grant, 0, len(t.Grants))
		for _, g := range t.Grants {
			c := *g
			c.Scope = slices.Clone(g.Scope)
			out = append(out, c)
		}
	})
	return out, err
}

func (t *Tenant) api(identifier string) *API {
	for _, a := range t.APIs {
		if a.Identifier == identifier {
			return a
		}
	}
	return nil
}

func (t *Tenant) client(id string) *Client {
	for _, c := range t.Clients {
		if c.ClientID == id {
			return c
		}
	}
	return nil
}

func (t *Tenant) grant(clientID, audience string) *Grant {
	for _, g := range t.Grants {
		if g.ClientID == clientID && g.Audience == audience {
			return g
		}
	}
	return nil
}

func cloneAPI(a *API) API {
	c := *a
	c.Scopes = slices.Clone(a.Scopes)
	if c.Scopes == nil {
		c.Scopes = []Scope{}
	}
	return c
}

func cloneClient(c *Client) Client {
	o := *c
	o.GrantTypes = slices.Clone(c.GrantTypes)
	return o
}

// printable: visible ASCII, no spaces (identifiers, scope values).
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// displayable: no control characters (names, descriptions).
func displayable(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return false
		}
	}
	return true
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString draws n characters from alphabet without modulo bias.
func randomString(n int, alphabet string) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	var buf [64]byte
	for len(out) < n {
		rand.Read(buf[:])
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

func randomID(n int) string { return randomString(n, "abcdef0123456789") }
