package cognito

import "agentcore-workshop/internal/sandbox/awswire"

// The types here are the service model's output shapes, named after them
// (UserPoolType is userPoolType), and the functions turn service values
// into them. Dates are epoch seconds with a fraction, as awsJson1.1 sends
// them. TestOutputsMatchModel holds every answer to the model.

type signInPolicyType struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors"`
}

type userPoolPolicyType struct {
	PasswordPolicy PasswordPolicy   `json:"PasswordPolicy"`
	SignInPolicy   signInPolicyType `json:"SignInPolicy"`
}

type adminCreateUserConfigType struct {
	AllowAdminCreateUserOnly  bool  `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int32 `json:"UnusedAccountValidityDays"`
}

type recoveryOptionType struct {
	Name     string `json:"Name"`
	Priority int    `json:"Priority"`
}

type userPoolType struct {
	ID                     string                    `json:"Id"`
	Name                   string                    `json:"Name"`
	Arn                    string                    `json:"Arn"`
	CreationDate           float64                   `json:"CreationDate"`
	LastModifiedDate       float64                   `json:"LastModifiedDate"`
	Policies               userPoolPolicyType        `json:"Policies"`
	AdminCreateUserConfig  adminCreateUserConfigType `json:"AdminCreateUserConfig"`
	MfaConfiguration       string                    `json:"MfaConfiguration"`
	DeletionProtection     string                    `json:"DeletionProtection"`
	EstimatedNumberOfUsers int                       `json:"EstimatedNumberOfUsers"`
	LambdaConfig           struct{}                  `json:"LambdaConfig"`
	UserPoolTier           string                    `json:"UserPoolTier"`
	UsernameConfiguration  struct {
		CaseSensitive bool `json:"CaseSensitive"`
	} `json:"UsernameConfiguration"`
	AccountRecoverySetting struct {
		RecoveryMechanisms []recoveryOptionType `json:"RecoveryMechanisms"`
	} `json:"AccountRecoverySetting"`
	VerificationMessageTemplate struct {
		DefaultEmailOption string `json:"DefaultEmailOption"`
	} `json:"VerificationMessageTemplate"`
	EmailConfiguration struct {
		EmailSendingAccount string `json:"EmailSendingAccount"`
	} `json:"EmailConfiguration"`
	UsernameAttributes     []string          `json:"UsernameAttributes,omitempty"`
	AutoVerifiedAttributes []string          `json:"AutoVerifiedAttributes,omitempty"`
	UserPoolTags           map[string]string `json:"UserPoolTags,omitempty"`
	Domain                 string            `json:"Domain,omitempty"`
}

func poolOut(v PoolView) userPoolType {
	p := userPoolType{
		ID: v.ID, Name: v.Name, Arn: v.Arn,
		CreationDate: awswire.Epoch(v.Created), LastModifiedDate: awswire.Epoch(v.Modified),
		Policies:               userPoolPolicyType{PasswordPolicy: v.Policy, SignInPolicy: signInPolicyType{AllowedFirstAuthFactors: []string{"PASSWORD"}}},
		AdminCreateUserConfig:  adminCreateUserConfigType{AllowAdminCreateUserOnly: v.AdminCreateUserOnly, UnusedAccountValidityDays: v.Policy.TemporaryPasswordValidityDays},
		MfaConfiguration:       v.MfaConfiguration,
		DeletionProtection:     v.DeletionProtection,
		EstimatedNumberOfUsers: v.UserCount,
		UserPoolTier:           "ESSENTIALS",
		UsernameAttributes:     v.UsernameAttributes,
		AutoVerifiedAttributes: v.AutoVerifiedAttributes,
		UserPoolTags:           v.Tags,
		Domain:                 v.Domain,
	}
	p.UsernameConfiguration.CaseSensitive = true
	p.AccountRecoverySetting.RecoveryMechanisms = []recoveryOptionType{{Name: "verified_email", Priority: 1}}
	p.VerificationMessageTemplate.DefaultEmailOption = "CONFIRM_WITH_CODE"
	p.EmailConfiguration.EmailSendingAccount = "COGNITO_DEFAULT"
	return p
}

type userPoolDescriptionType struct {
	ID               string   `json:"Id"`
	Name             string   `json:"Name"`
	LambdaConfig     struct{} `json:"LambdaConfig"`
	CreationDate     float64  `json:"CreationDate"`
	LastModifiedDate float64  `json:"LastModifiedDate"`
}

func poolDescOut(v PoolView) userPoolDescriptionType {
	return userPoolDescriptionType{ID: v.ID, Name: v.Name, CreationDate: awswire.Epoch(v.Created), LastModifiedDate: awswire.Epoch(v.Modified)}
}

type userPoolClientType struct {
	UserPoolID                               string              `json:"UserPoolId"`
	ClientID                                 string              `json:"ClientId"`
	ClientName                               string              `json:"ClientName"`
	ClientSecret                             string              `json:"ClientSecret,omitempty"`
	CreationDate                             float64             `json:"CreationDate"`
	LastModifiedDate                         float64             `json:"LastModifiedDate"`
	RefreshTokenValidity                     int32               `json:"RefreshTokenValidity"`
	AccessTokenValidity                      *int32              `json:"AccessTokenValidity,omitempty"`
	IdTokenValidity                          *int32              `json:"IdTokenValidity,omitempty"`
	TokenValidityUnits                       *TokenValidityUnits `json:"TokenValidityUnits,omitempty"`
	AuthSessionValidity                      int32               `json:"AuthSessionValidity"`
	ExplicitAuthFlows                        []string            `json:"ExplicitAuthFlows,omitempty"`
	CallbackURLs                             []string            `json:"CallbackURLs,omitempty"`
	LogoutURLs                               []string            `json:"LogoutURLs,omitempty"`
	DefaultRedirectURI                       string              `json:"DefaultRedirectURI,omitempty"`
	AllowedOAuthFlows                        []string            `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes                       []string            `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient          bool                `json:"AllowedOAuthFlowsUserPoolClient"`
	SupportedIdentityProviders               []string            `json:"SupportedIdentityProviders,omitempty"`
	ReadAttributes                           []string            `json:"ReadAttributes,omitempty"`
	WriteAttributes                          []string            `json:"WriteAttributes,omitempty"`
	PreventUserExistenceErrors               string              `json:"PreventUserExistenceErrors"`
	EnableTokenRevocation                    bool                `json:"EnableTokenRevocation"`
	EnablePropagateAdditionalUserContextData bool                `json:"EnablePropagateAdditionalUserContextData"`
}

func clientOut(poolID string, c Client) userPoolClientType {
	return userPoolClientType{
		UserPoolID: poolID, ClientID: c.ID, ClientName: c.Name, ClientSecret: c.Secret,
		CreationDate: awswire.Epoch(c.Created), LastModifiedDate: awswire.Epoch(c.Modified),
		RefreshTokenValidity: c.RefreshTokenValidity, AccessTokenValidity: c.AccessTokenValidity, IdTokenValidity: c.IdTokenValidity,
		TokenValidityUnits: c.TokenValidityUnits, AuthSessionValidity: c.AuthSessionValidity,
		ExplicitAuthFlows: c.ExplicitAuthFlows, CallbackURLs: c.CallbackURLs, LogoutURLs: c.LogoutURLs, DefaultRedirectURI: c.DefaultRedirectURI,
		AllowedOAuthFlows: c.AllowedOAuthFlows, AllowedOAuthScopes: c.AllowedOAuthScopes, AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPoolClient,
		SupportedIdentityProviders: c.SupportedIdentityProviders, ReadAttributes: c.ReadAttributes, WriteAttributes: c.WriteAttributes,
		PreventUserExistenceErrors: c.PreventUserExistenceErrors, EnableTokenRevocation: c.EnableTokenRevocation,
	}
}

type userPoolClientDescription struct {
	ClientID   string `json:"ClientId"`
	UserPoolID string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

// userType is UserType (AdminCreateUser) and, with the attributes under
// UserAttributes, AdminGetUserResponse.
type userType struct {
	Username             string      `json:"Username"`
	Attributes           []Attribute `json:"Attributes,omitempty"`
	UserAttributes       []Attribute `json:"UserAttributes,omitempty"`
	Enabled              bool        `json:"Enabled"`
	UserStatus           string      `json:"UserStatus"`
	UserCreateDate       float64     `json:"UserCreateDate"`
	UserLastModifiedDate float64     `json:"UserLastModifiedDate"`
}

// userOut renders a user as UserType, or as AdminGetUserResponse when
// asGetUser is set (the attributes are then UserAttributes).
func userOut(u User, asGetUser bool) userType {
	out := userType{Username: u.Username, Enabled: u.Enabled, UserStatus: u.Status,
		UserCreateDate: awswire.Epoch(u.Created), UserLastModifiedDate: awswire.Epoch(u.Modified)}
	attrs := u.Attributes
	if attrs == nil {
		attrs = []Attribute{}
	}
	if asGetUser {
		out.UserAttributes = attrs
	} else {
		out.Attributes = attrs
	}
	return out
}

type resourceServerType struct {
	UserPoolID string  `json:"UserPoolId"`
	Identifier string  `json:"Identifier"`
	Name       string  `json:"Name"`
	Scopes     []Scope `json:"Scopes"`
}

func resourceServerOut(poolID string, rs ResourceServer) resourceServerType {
	scopes := rs.Scopes
	if scopes == nil {
		scopes = []Scope{}
	}
	return resourceServerType{UserPoolID: poolID, Identifier: rs.Identifier, Name: rs.Name, Scopes: scopes}
}

type authenticationResultType struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int32  `json:"ExpiresIn"`
	TokenType    string `json:"TokenType"`
	IdToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

// authResponse is InitiateAuthResponse and RespondToAuthChallengeResponse.
type authResponse struct {
	AuthenticationResult *authenticationResultType `json:"AuthenticationResult,omitempty"`
	ChallengeName        string                    `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string         `json:"ChallengeParameters"`
	Session              string                    `json:"Session,omitempty"`
}

func authOut(r AuthResult) authResponse {
	if r.Tokens != nil {
		return authResponse{ChallengeParameters: map[string]string{}, AuthenticationResult: &authenticationResultType{
			AccessToken: r.Tokens.AccessToken, ExpiresIn: r.Tokens.ExpiresIn, TokenType: "Bearer", IdToken: r.Tokens.IDToken, RefreshToken: r.Tokens.RefreshToken}}
	}
	return authResponse{ChallengeName: r.ChallengeName, ChallengeParameters: r.ChallengeParameters, Session: r.Session}
}

// The operations' output envelopes.

type userPoolResponse struct {
	UserPool userPoolType `json:"UserPool"`
}

type listUserPoolsResponse struct {
	UserPools []userPoolDescriptionType `json:"UserPools"`
	NextToken string                    `json:"NextToken,omitempty"`
}

type userPoolClientResponse struct {
	UserPoolClient userPoolClientType `json:"UserPoolClient"`
}

type listResourceServersResponse struct {
	ResourceServers []resourceServerType `json:"ResourceServers"`
	NextToken       string               `json:"NextToken,omitempty"`
}

type listUserPoolClientsResponse struct {
	UserPoolClients []userPoolClientDescription `json:"UserPoolClients"`
	NextToken       string                      `json:"NextToken,omitempty"`
}

type createUserPoolDomainResponse struct {
	ManagedLoginVersion int `json:"ManagedLoginVersion"`
}

type resourceServerResponse struct {
	ResourceServer resourceServerType `json:"ResourceServer"`
}

type adminCreateUserResponse struct {
	User userType `json:"User"`
}

// domainDescriptionType is empty ({}) for a domain nobody has, as Cognito
// answers.
type domainDescriptionType struct {
	Domain                 string `json:"Domain,omitempty"`
	UserPoolID             string `json:"UserPoolId,omitempty"`
	Status                 string `json:"Status,omitempty"`
	AWSAccountID           string `json:"AWSAccountId,omitempty"`
	CloudFrontDistribution string `json:"CloudFrontDistribution,omitempty"`
	Version                string `json:"Version,omitempty"`
	ManagedLoginVersion    int    `json:"ManagedLoginVersion,omitempty"`
}

type describeUserPoolDomainResponse struct {
	DomainDescription domainDescriptionType `json:"DomainDescription"`
}

func domainOut(d DomainView, accountID string) describeUserPoolDomainResponse {
	if d.Domain == "" {
		return describeUserPoolDomainResponse{}
	}
	return describeUserPoolDomainResponse{domainDescriptionType{
		Domain: d.Domain, UserPoolID: d.UserPoolId, Status: d.Status, AWSAccountID: accountID,
		CloudFrontDistribution: d.Domain + ".cloudfront.sandbox.invalid", Version: "20260101000000", ManagedLoginVersion: 1,
	}}
}
