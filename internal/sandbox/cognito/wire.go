package cognito

import "agentcore-workshop/internal/sandbox/awswire"

// The functions here turn service values into the service model's output
// shapes. Dates are epoch seconds with a fraction, as awsJson1.1 sends them.

func poolOut(v PoolView, s *Service) map[string]any {
	m := map[string]any{
		"Id": v.ID, "Name": v.Name, "Arn": v.Arn,
		"CreationDate": awswire.Epoch(v.Created), "LastModifiedDate": awswire.Epoch(v.Modified),
		"Policies": map[string]any{
			"PasswordPolicy": v.Policy,
			"SignInPolicy":   map[string]any{"AllowedFirstAuthFactors": []string{"PASSWORD"}},
		},
		"AdminCreateUserConfig":       map[string]any{"AllowAdminCreateUserOnly": v.AdminCreateUserOnly, "UnusedAccountValidityDays": v.Policy.TemporaryPasswordValidityDays},
		"MfaConfiguration":            v.MfaConfiguration,
		"DeletionProtection":          v.DeletionProtection,
		"EstimatedNumberOfUsers":      v.UserCount,
		"LambdaConfig":                map[string]any{},
		"UserPoolTier":                "ESSENTIALS",
		"UsernameConfiguration":       map[string]any{"CaseSensitive": true},
		"AccountRecoverySetting":      map[string]any{"RecoveryMechanisms": []map[string]any{{"Name": "verified_email", "Priority": 1}}},
		"VerificationMessageTemplate": map[string]any{"DefaultEmailOption": "CONFIRM_WITH_CODE"},
		"EmailConfiguration":          map[string]any{"EmailSendingAccount": "COGNITO_DEFAULT"},
	}
	if len(v.UsernameAttributes) > 0 {
		m["UsernameAttributes"] = v.UsernameAttributes
	}
	if len(v.AutoVerifiedAttributes) > 0 {
		m["AutoVerifiedAttributes"] = v.AutoVerifiedAttributes
	}
	if v.Tags != nil {
		m["UserPoolTags"] = v.Tags
	}
	if v.Domain != "" {
		m["Domain"] = v.Domain
	}
	return m
}

func poolDescOut(v PoolView) map[string]any {
	return map[string]any{"Id": v.ID, "Name": v.Name, "LambdaConfig": map[string]any{},
		"CreationDate": awswire.Epoch(v.Created), "LastModifiedDate": awswire.Epoch(v.Modified)}
}

func clientOut(poolID string, c Client) map[string]any {
	m := map[string]any{
		"UserPoolId": poolID, "ClientId": c.ID, "ClientName": c.Name,
		"CreationDate": awswire.Epoch(c.Created), "LastModifiedDate": awswire.Epoch(c.Modified),
		"RefreshTokenValidity": c.RefreshTokenValidity, "AuthSessionValidity": c.AuthSessionValidity,
		"AllowedOAuthFlowsUserPoolClient":          c.AllowedOAuthFlowsUserPoolClient,
		"PreventUserExistenceErrors":               c.PreventUserExistenceErrors,
		"EnableTokenRevocation":                    c.EnableTokenRevocation,
		"EnablePropagateAdditionalUserContextData": false,
	}
	set := func(k string, v []string) {
		if len(v) > 0 {
			m[k] = v
		}
	}
	set("ExplicitAuthFlows", c.ExplicitAuthFlows)
	set("CallbackURLs", c.CallbackURLs)
	set("LogoutURLs", c.LogoutURLs)
	set("AllowedOAuthFlows", c.AllowedOAuthFlows)
	set("AllowedOAuthScopes", c.AllowedOAuthScopes)
	set("SupportedIdentityProviders", c.SupportedIdentityProviders)
	set("ReadAttributes", c.ReadAttributes)
	set("WriteAttributes", c.WriteAttributes)
	if c.Secret != "" {
		m["ClientSecret"] = c.Secret
	}
	if c.DefaultRedirectURI != "" {
		m["DefaultRedirectURI"] = c.DefaultRedirectURI
	}
	if c.AccessTokenValidity != nil {
		m["AccessTokenValidity"] = *c.AccessTokenValidity
	}
	if c.IdTokenValidity != nil {
		m["IdTokenValidity"] = *c.IdTokenValidity
	}
	if c.TokenValidityUnits != nil {
		m["TokenValidityUnits"] = c.TokenValidityUnits
	}
	return m
}

// userOut renders a user; attrKey is "Attributes" (UserType) or
// "UserAttributes" (AdminGetUser).
func userOut(u User, attrKey string) map[string]any {
	attrs := u.Attributes
	if attrs == nil {
		attrs = []Attribute{}
	}
	return map[string]any{
		"Username": u.Username, attrKey: attrs, "Enabled": u.Enabled, "UserStatus": u.Status,
		"UserCreateDate": awswire.Epoch(u.Created), "UserLastModifiedDate": awswire.Epoch(u.Modified),
	}
}

func resourceServerOut(poolID string, rs ResourceServer) map[string]any {
	scopes := rs.Scopes
	if scopes == nil {
		scopes = []Scope{}
	}
	return map[string]any{"UserPoolId": poolID, "Identifier": rs.Identifier, "Name": rs.Name, "Scopes": scopes}
}

func authOut(r AuthResult) map[string]any {
	if r.Tokens != nil {
		ar := map[string]any{"AccessToken": r.Tokens.AccessToken, "ExpiresIn": r.Tokens.ExpiresIn, "TokenType": "Bearer", "IdToken": r.Tokens.IDToken}
		if r.Tokens.RefreshToken != "" {
			ar["RefreshToken"] = r.Tokens.RefreshToken
		}
		return map[string]any{"AuthenticationResult": ar, "ChallengeParameters": map[string]string{}}
	}
	return map[string]any{"ChallengeName": r.ChallengeName, "ChallengeParameters": r.ChallengeParameters, "Session": r.Session}
}
