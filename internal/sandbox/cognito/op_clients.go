package cognito

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ClientInput is the shared body of CreateUserPoolClient and
// UpdateUserPoolClient. Update replaces every setting, as on AWS: members
// left out go back to their defaults.
type ClientInput struct {
	UserPoolId                      string              `json:"UserPoolId"`
	ClientId                        string              `json:"ClientId"` // update only
	ClientName                      string              `json:"ClientName"`
	GenerateSecret                  bool                `json:"GenerateSecret"` // create only
	ExplicitAuthFlows               []string            `json:"ExplicitAuthFlows"`
	CallbackURLs                    []string            `json:"CallbackURLs"`
	LogoutURLs                      []string            `json:"LogoutURLs"`
	DefaultRedirectURI              string              `json:"DefaultRedirectURI"`
	AllowedOAuthFlows               []string            `json:"AllowedOAuthFlows"`
	AllowedOAuthScopes              []string            `json:"AllowedOAuthScopes"`
	AllowedOAuthFlowsUserPoolClient bool                `json:"AllowedOAuthFlowsUserPoolClient"`
	SupportedIdentityProviders      []string            `json:"SupportedIdentityProviders"`
	ReadAttributes                  []string            `json:"ReadAttributes"`
	WriteAttributes                 []string            `json:"WriteAttributes"`
	AccessTokenValidity             *int32              `json:"AccessTokenValidity"`
	IdTokenValidity                 *int32              `json:"IdTokenValidity"`
	RefreshTokenValidity            *int32              `json:"RefreshTokenValidity"`
	TokenValidityUnits              *TokenValidityUnits `json:"TokenValidityUnits"`
	AuthSessionValidity             *int32              `json:"AuthSessionValidity"`
	PreventUserExistenceErrors      string              `json:"PreventUserExistenceErrors"`
	EnableTokenRevocation           *bool               `json:"EnableTokenRevocation"`
}

// standardScopes are the OAuth scopes every pool has.
var standardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

// buildClient validates in against pool p and returns the client it
// describes; callers hold s.mu.
func (s *Service) buildClient(p *Pool, in *ClientInput) (*Client, *awsErr) {
	c := &Client{
		Name: in.ClientName, ExplicitAuthFlows: in.ExplicitAuthFlows, CallbackURLs: in.CallbackURLs, LogoutURLs: in.LogoutURLs,
		DefaultRedirectURI: in.DefaultRedirectURI, AllowedOAuthFlows: in.AllowedOAuthFlows, AllowedOAuthScopes: in.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient, SupportedIdentityProviders: in.SupportedIdentityProviders,
		ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes, AccessTokenValidity: in.AccessTokenValidity,
		IdTokenValidity: in.IdTokenValidity, RefreshTokenValidity: 30, TokenValidityUnits: in.TokenValidityUnits,
		AuthSessionValidity: 3, PreventUserExistenceErrors: in.PreventUserExistenceErrors, EnableTokenRevocation: true,
	}
	if in.RefreshTokenValidity != nil {
		c.RefreshTokenValidity = *in.RefreshTokenValidity
	}
	if in.AuthSessionValidity != nil {
		c.AuthSessionValidity = *in.AuthSessionValidity
	}
	if in.EnableTokenRevocation != nil {
		c.EnableTokenRevocation = *in.EnableTokenRevocation
	}
	if c.PreventUserExistenceErrors == "" {
		c.PreventUserExistenceErrors = "LEGACY"
	}
	for _, list := range [][]string{in.CallbackURLs, in.LogoutURLs, {in.DefaultRedirectURI}} {
		for _, u := range list {
			if u == "" && len(list) == 1 && list[0] == in.DefaultRedirectURI {
				continue
			}
			pu, err := url.Parse(u)
			if err != nil || pu.Scheme == "" || pu.Host == "" || pu.Fragment != "" {
				return nil, errInvalidParameter("Invalid URL provided: %s", u)
			}
		}
	}
	if in.DefaultRedirectURI != "" && !slices.Contains(in.CallbackURLs, in.DefaultRedirectURI) {
		return nil, errInvalidParameter("DefaultRedirectURI must be one of the CallbackURLs.")
	}
	for _, sc := range in.AllowedOAuthScopes {
		if !slices.Contains(standardScopes, sc) && !p.hasCustomScope(sc) {
			return nil, apiErr("ScopeDoesNotExistException", "Invalid scope requested: %s", sc)
		}
	}
	if in.AllowedOAuthFlowsUserPoolClient {
		if len(in.AllowedOAuthFlows) == 0 {
			return nil, errInvalidParameter("AllowedOAuthFlows are required when AllowedOAuthFlowsUserPoolClient is true.")
		}
		if len(in.AllowedOAuthScopes) == 0 {
			return nil, errInvalidParameter("AllowedOAuthScopes are required when AllowedOAuthFlowsUserPoolClient is true.")
		}
	}
	hasCC := slices.Contains(in.AllowedOAuthFlows, "client_credentials")
	if hasCC && (slices.Contains(in.AllowedOAuthFlows, "code") || slices.Contains(in.AllowedOAuthFlows, "implicit")) {
		return nil, errInvalidParameter("client_credentials flow can not be selected along with code flow or implicit flow.")
	}
	if (slices.Contains(in.AllowedOAuthFlows, "code") || slices.Contains(in.AllowedOAuthFlows, "implicit")) && in.AllowedOAuthFlowsUserPoolClient && len(in.CallbackURLs) == 0 {
		return nil, errInvalidParameter("CallbackURLs are required when the code or implicit flow is enabled.")
	}
	if d := c.accessTTL(); d < 5*time.Minute || d > 24*time.Hour {
		return nil, errInvalidParameter("Invalid range for token validity: AccessTokenValidity must be between 5 minutes and 1 day.")
	}
	if d := c.idTTL(); d < 5*time.Minute || d > 24*time.Hour {
		return nil, errInvalidParameter("Invalid range for token validity: IdTokenValidity must be between 5 minutes and 1 day.")
	}
	if d := c.refreshTTL(); d < time.Hour || d > 3650*24*time.Hour {
		return nil, errInvalidParameter("Invalid range for token validity: RefreshTokenValidity must be between 60 minutes and 10 years.")
	}
	if d := c.refreshTTL(); d <= c.accessTTL() || d <= c.idTTL() {
		return nil, errInvalidParameter("Invalid range for token validity: RefreshTokenValidity must be longer than AccessTokenValidity and IdTokenValidity.")
	}
	return c, nil
}

func unitDuration(unit, def string) time.Duration {
	if unit == "" {
		unit = def
	}
	switch unit {
	case "seconds":
		return time.Second
	case "minutes":
		return time.Minute
	case "hours":
		return time.Hour
	default:
		return 24 * time.Hour
	}
}

func (c *Client) units() TokenValidityUnits {
	if c.TokenValidityUnits == nil {
		return TokenValidityUnits{}
	}
	return *c.TokenValidityUnits
}

// accessTTL is the access-token lifetime: the client's setting in its unit
// (hours by default), else Cognito's default of one hour.
func (c *Client) accessTTL() time.Duration {
	if c.AccessTokenValidity == nil {
		return time.Hour
	}
	return time.Duration(*c.AccessTokenValidity) * unitDuration(c.units().AccessToken, "hours")
}

func (c *Client) idTTL() time.Duration {
	if c.IdTokenValidity == nil {
		return time.Hour
	}
	return time.Duration(*c.IdTokenValidity) * unitDuration(c.units().IdToken, "hours")
}

func (c *Client) refreshTTL() time.Duration {
	return time.Duration(c.RefreshTokenValidity) * unitDuration(c.units().RefreshToken, "days")
}

func (p *Pool) hasCustomScope(scope string) bool {
	// Identifiers may themselves contain '/', e.g. https://api.example.com/v1.
	i := strings.LastIndex(scope, "/")
	if i <= 0 {
		return false
	}
	id, name := scope[:i], scope[i+1:]
	rs, ok := p.ResourceServers[id]
	if !ok {
		return false
	}
	for _, sc := range rs.Scopes {
		if sc.ScopeName == name {
			return true
		}
	}
	return false
}

// CreateUserPoolClient adds an app client, with a secret when asked.
func (s *Service) CreateUserPoolClient(in *ClientInput) (Client, *awsErr) {
	var out Client
	if err := s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(in.UserPoolId)
		if err != nil {
			return nil, err
		}
		c, err := s.buildClient(p, in)
		if err != nil {
			return nil, err
		}
		if slices.Contains(in.AllowedOAuthFlows, "client_credentials") && !in.GenerateSecret {
			return nil, errInvalidParameter("client_credentials flow can not be selected if client does not have a client secret.")
		}
		for {
			c.ID = newClientID()
			if _, dup := s.clients[c.ID]; !dup {
				break
			}
		}
		if in.GenerateSecret {
			c.Secret = newClientSecret()
		}
		c.Created = s.now()
		c.Modified = c.Created
		p.Clients[c.ID] = c
		s.clients[c.ID] = p.ID
		out = *c
		return p, nil
	}); err != nil {
		return Client{}, err
	}
	return out, nil
}

// clientIn finds a client that must belong to poolID; callers hold s.mu.
func (s *Service) clientIn(poolID, clientID string) (*Pool, *Client, *awsErr) {
	p, err := s.pool(poolID)
	if err != nil {
		return nil, nil, err
	}
	if clientID == "" {
		return nil, nil, errRequired("clientId")
	}
	c, ok := p.Clients[clientID]
	if !ok {
		return nil, nil, errClientNotFound(clientID)
	}
	return p, c, nil
}

// DescribeUserPoolClient returns one client, secret included.
func (s *Service) DescribeUserPoolClient(poolID, clientID string) (Client, *awsErr) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, c, err := s.clientIn(poolID, clientID)
	if err != nil {
		return Client{}, err
	}
	return *c, nil
}

// UpdateUserPoolClient replaces a client's settings, keeping its id and secret.
func (s *Service) UpdateUserPoolClient(in *ClientInput) (Client, *awsErr) {
	var out Client
	if err := s.write(func() (*Pool, *awsErr) {
		p, old, err := s.clientIn(in.UserPoolId, in.ClientId)
		if err != nil {
			return nil, err
		}
		if in.ClientName == "" {
			in.ClientName = old.Name // ClientName is optional on update
		}
		c, err := s.buildClient(p, in)
		if err != nil {
			return nil, err
		}
		if slices.Contains(in.AllowedOAuthFlows, "client_credentials") && old.Secret == "" {
			return nil, errInvalidParameter("client_credentials flow can not be selected if client does not have a client secret.")
		}
		c.ID, c.Secret, c.Created, c.Modified = old.ID, old.Secret, old.Created, s.now()
		p.Clients[c.ID] = c
		out = *c
		return p, nil
	}); err != nil {
		return Client{}, err
	}
	return out, nil
}

// DeleteUserPoolClient removes a client.
func (s *Service) DeleteUserPoolClient(poolID, clientID string) *awsErr {
	return s.write(func() (*Pool, *awsErr) {
		p, c, err := s.clientIn(poolID, clientID)
		if err != nil {
			return nil, err
		}
		delete(p.Clients, c.ID)
		delete(s.clients, c.ID)
		return p, nil
	})
}

// ListUserPoolClients pages through a pool's clients in creation order.
func (s *Service) ListUserPoolClients(poolID string, maxResults *int32, nextToken string) ([]Client, string, *awsErr) {
	limit := 60
	if maxResults != nil {
		limit = int(*maxResults)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.pool(poolID)
	if err != nil {
		return nil, "", err
	}
	all := slices.Collect(maps.Values(p.Clients))
	keys := sortByCreation(all, func(c *Client) string { return createdKey(c.Created, c.ID) })
	cs, next, err := page(all, keys, limit, nextToken)
	if err != nil {
		return nil, "", err
	}
	out := make([]Client, len(cs))
	for i, c := range cs {
		out[i] = *c
	}
	return out, next, nil
}
