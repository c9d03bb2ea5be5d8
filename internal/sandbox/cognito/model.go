package cognito

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"time"
)

// Pool is one user pool with everything that belongs to it.
type Pool struct {
	ID                     string            `json:"id"`
	Name                   string            `json:"name"`
	Arn                    string            `json:"arn"`
	Created                time.Time         `json:"created"`
	Modified               time.Time         `json:"modified"`
	Policy                 PasswordPolicy    `json:"passwordPolicy"`
	AdminCreateUserOnly    bool              `json:"adminCreateUserOnly"`
	UsernameAttributes     []string          `json:"usernameAttributes,omitempty"`
	AutoVerifiedAttributes []string          `json:"autoVerifiedAttributes,omitempty"`
	MfaConfiguration       string            `json:"mfaConfiguration"`
	DeletionProtection     string            `json:"deletionProtection"`
	Tags                   map[string]string `json:"tags,omitempty"`

	Domain        string    `json:"domain,omitempty"`
	DomainCreated time.Time `json:"domainCreated"`

	Clients         map[string]*Client         `json:"clients"`
	Users           map[string]*User           `json:"users"`
	ResourceServers map[string]*ResourceServer `json:"resourceServers"`
	Keys            PoolKeys                   `json:"keys"`

	ver uint64 // changes handed to the writer; s.mu guards it (persist.go)
}

func (p *Pool) init() {
	if p.Clients == nil {
		p.Clients = map[string]*Client{}
	}
	if p.Users == nil {
		p.Users = map[string]*User{}
	}
	if p.ResourceServers == nil {
		p.ResourceServers = map[string]*ResourceServer{}
	}
}

// PasswordPolicy is the pool's password policy, in the service model's names.
type PasswordPolicy struct {
	MinimumLength                 int32 `json:"MinimumLength"`
	RequireUppercase              bool  `json:"RequireUppercase"`
	RequireLowercase              bool  `json:"RequireLowercase"`
	RequireNumbers                bool  `json:"RequireNumbers"`
	RequireSymbols                bool  `json:"RequireSymbols"`
	TemporaryPasswordValidityDays int32 `json:"TemporaryPasswordValidityDays"`
}

// defaultPolicy is what Cognito applies when CreateUserPool names none.
var defaultPolicy = PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7}

// TokenValidityUnits are the units of a client's token validities.
type TokenValidityUnits struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

// Client is an app client, its settings named as in the service model.
type Client struct {
	ID                              string              `json:"id"`
	Name                            string              `json:"name"`
	Secret                          string              `json:"secret,omitempty"`
	Created                         time.Time           `json:"created"`
	Modified                        time.Time           `json:"modified"`
	ExplicitAuthFlows               []string            `json:"explicitAuthFlows,omitempty"`
	CallbackURLs                    []string            `json:"callbackURLs,omitempty"`
	LogoutURLs                      []string            `json:"logoutURLs,omitempty"`
	DefaultRedirectURI              string              `json:"defaultRedirectURI,omitempty"`
	AllowedOAuthFlows               []string            `json:"allowedOAuthFlows,omitempty"`
	AllowedOAuthScopes              []string            `json:"allowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient bool                `json:"allowedOAuthFlowsUserPoolClient"`
	SupportedIdentityProviders      []string            `json:"supportedIdentityProviders,omitempty"`
	ReadAttributes                  []string            `json:"readAttributes,omitempty"`
	WriteAttributes                 []string            `json:"writeAttributes,omitempty"`
	AccessTokenValidity             *int32              `json:"accessTokenValidity,omitempty"`
	IdTokenValidity                 *int32              `json:"idTokenValidity,omitempty"`
	RefreshTokenValidity            int32               `json:"refreshTokenValidity"`
	TokenValidityUnits              *TokenValidityUnits `json:"tokenValidityUnits,omitempty"`
	AuthSessionValidity             int32               `json:"authSessionValidity"`
	PreventUserExistenceErrors      string              `json:"preventUserExistenceErrors,omitempty"`
	EnableTokenRevocation           bool                `json:"enableTokenRevocation"`
}

// allowsFlow reports whether ExplicitAuthFlows enables flow (an InitiateAuth
// AuthFlow). Cognito accepts both the ALLOW_ names and the legacy ones; with
// no list at all it enables SRP, custom auth and refresh.
func (c *Client) allowsFlow(flow string) bool {
	flows := c.ExplicitAuthFlows
	if len(flows) == 0 {
		flows = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	}
	want := map[string][]string{
		"USER_PASSWORD_AUTH":       {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
		"REFRESH_TOKEN_AUTH":       {"ALLOW_REFRESH_TOKEN_AUTH"},
		"ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
		"USER_SRP_AUTH":            {"ALLOW_USER_SRP_AUTH"},
		"CUSTOM_AUTH":              {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
		"USER_AUTH":                {"ALLOW_USER_AUTH"},
	}[flow]
	for _, f := range flows {
		for _, w := range want {
			if f == w {
				return true
			}
		}
	}
	return false
}

// User is one user of a pool.
type User struct {
	Username   string      `json:"username"`
	Sub        string      `json:"sub"`
	Attributes []Attribute `json:"attributes"` // sub first, then as given
	Status     string      `json:"status"`
	Enabled    bool        `json:"enabled"`
	Created    time.Time   `json:"created"`
	Modified   time.Time   `json:"modified"`
	// Passwords are stored as HMAC-SHA256(salt, password). This is an
	// offline teaching sandbox: a deliberately slow hash (bcrypt, scrypt)
	// would dominate the sign-in hot path and buy nothing here, since the
	// state file also holds the signing keys in the clear.
	Salt        []byte    `json:"salt"`
	Hash        []byte    `json:"hash"`
	PasswordSet time.Time `json:"passwordSet"`
}

// Attribute is a user attribute as the service model names it.
type Attribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// userCopy returns a copy of p's user name, for use after s.mu is
// released; callers hold s.mu.
func userCopy(p *Pool, name string) (User, bool) {
	u, ok := p.Users[name]
	if !ok {
		return User{}, false
	}
	return *u, true
}

func (u *User) attr(name string) (string, bool) {
	for _, a := range u.Attributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

func (u *User) setPassword(pw string, now time.Time) {
	salt := make([]byte, 16)
	rand.Read(salt)
	u.Salt, u.Hash, u.PasswordSet = salt, hashPassword(salt, pw), now
}

func (u *User) passwordMatches(pw string) bool {
	return subtle.ConstantTimeCompare(hashPassword(u.Salt, pw), u.Hash) == 1
}

func hashPassword(salt []byte, pw string) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(pw))
	return m.Sum(nil)
}

// ResourceServer is a resource server with its custom scopes.
type ResourceServer struct {
	Identifier string  `json:"Identifier"`
	Name       string  `json:"Name"`
	Scopes     []Scope `json:"Scopes"`
}

// Scope is one resource-server scope.
type Scope struct {
	ScopeName        string `json:"ScopeName"`
	ScopeDescription string `json:"ScopeDescription"`
}
