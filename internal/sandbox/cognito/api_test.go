package cognito_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/sandbox/cognito"
)

func TestPoolClientDomainResourceServerLifecycle(t *testing.T) {
	e := start(t)
	created := must(e.api.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("AgentCorePool"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(8)}}}))
	p := created.UserPool
	if !regexp.MustCompile(`^us-west-2_[0-9A-Za-z]{9}$`).MatchString(*p.Id) {
		t.Fatalf("pool id %q", *p.Id)
	}
	if want := "arn:aws:cognito-idp:us-west-2:" + e.sb.Credentials.AccountID + ":userpool/" + *p.Id; *p.Arn != want {
		t.Fatalf("arn %q, want %q", *p.Arn, want)
	}
	if p.CreationDate == nil || time.Since(*p.CreationDate) > time.Minute || *p.Policies.PasswordPolicy.MinimumLength != 8 {
		t.Fatalf("bad pool: %+v", p)
	}
	desc := must(e.api.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id}))
	if *desc.UserPool.Name != "AgentCorePool" {
		t.Fatalf("describe name %q", *desc.UserPool.Name)
	}

	// Paging: three pools, two per page.
	for _, n := range []string{"B", "C"} {
		must(e.api.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String(n)}))
	}
	page1 := must(e.api.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2)}))
	if len(page1.UserPools) != 2 || page1.NextToken == nil {
		t.Fatalf("page1: %d pools, token %v", len(page1.UserPools), page1.NextToken)
	}
	page2 := must(e.api.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2), NextToken: page1.NextToken}))
	if len(page2.UserPools) != 1 || page2.NextToken != nil {
		t.Fatalf("page2: %d pools", len(page2.UserPools))
	}

	cl := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.Id, ClientName: aws.String("IdentityClient"),
		GenerateSecret: true, CallbackURLs: []string{"https://example.com/cb"}, AllowedOAuthFlows: []types.OAuthFlowType{"code"},
		AllowedOAuthScopes: []string{"openid", "profile", "email"}, AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}}))
	c := cl.UserPoolClient
	if !regexp.MustCompile(`^[a-z0-9]{26}$`).MatchString(*c.ClientId) || len(*c.ClientSecret) != 51 {
		t.Fatalf("client id %q secret len %d", *c.ClientId, len(*c.ClientSecret))
	}
	dc := must(e.api.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: p.Id, ClientId: c.ClientId}))
	if *dc.UserPoolClient.ClientSecret != *c.ClientSecret || dc.UserPoolClient.RefreshTokenValidity != 30 {
		t.Fatalf("describe client: %+v", dc.UserPoolClient)
	}
	up := must(e.api.UpdateUserPoolClient(e.ctx, &cip.UpdateUserPoolClientInput{UserPoolId: p.Id, ClientId: c.ClientId,
		CallbackURLs: append(dc.UserPoolClient.CallbackURLs, "http://localhost:8081/oauth2/callback"), AllowedOAuthFlows: dc.UserPoolClient.AllowedOAuthFlows,
		AllowedOAuthScopes: dc.UserPoolClient.AllowedOAuthScopes, AllowedOAuthFlowsUserPoolClient: true}))
	if len(up.UserPoolClient.CallbackURLs) != 2 || *up.UserPoolClient.ClientSecret != *c.ClientSecret || *up.UserPoolClient.ClientName != "IdentityClient" {
		t.Fatalf("update: %+v", up.UserPoolClient)
	}
	lc := must(e.api.ListUserPoolClients(e.ctx, &cip.ListUserPoolClientsInput{UserPoolId: p.Id}))
	if len(lc.UserPoolClients) != 1 || *lc.UserPoolClients[0].ClientId != *c.ClientId {
		t.Fatalf("list clients: %+v", lc.UserPoolClients)
	}
	_, err := e.api.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: p.Id, ClientId: aws.String("nosuchclient")})
	wantAPIError[*types.ResourceNotFoundException](t, err, "User pool client nosuchclient does not exist.")
	_, err = e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.Id, ClientName: aws.String("x"), AllowedOAuthScopes: []string{"api/read"}})
	wantAPIError[*types.ScopeDoesNotExistException](t, err, "Invalid scope requested: api/read")

	must(e.api.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("agentcore-identity-1a2b"), UserPoolId: p.Id}))
	dd := must(e.api.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("agentcore-identity-1a2b")}))
	if dd.DomainDescription.Status != types.DomainStatusTypeActive || *dd.DomainDescription.UserPoolId != *p.Id {
		t.Fatalf("domain: %+v", dd.DomainDescription)
	}
	none := must(e.api.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("unknown-domain")}))
	if none.DomainDescription == nil || none.DomainDescription.Domain != nil {
		t.Fatalf("unknown domain should give an empty description: %+v", none.DomainDescription)
	}
	_, err = e.api.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("agentcore-identity-1a2b"), UserPoolId: page2.UserPools[0].Id})
	wantAPIError[*types.InvalidParameterException](t, err, "Domain already associated with another user pool.")
	if desc := must(e.api.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})); *desc.UserPool.Domain != "agentcore-identity-1a2b" {
		t.Fatalf("pool domain %v", desc.UserPool.Domain)
	}

	rs := must(e.api.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: p.Id, Identifier: aws.String("agentcore-m2m"), Name: aws.String("m2m"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read")}}}))
	if *rs.ResourceServer.Identifier != "agentcore-m2m" || len(rs.ResourceServer.Scopes) != 1 {
		t.Fatalf("resource server: %+v", rs.ResourceServer)
	}
	drs := must(e.api.DescribeResourceServer(e.ctx, &cip.DescribeResourceServerInput{UserPoolId: p.Id, Identifier: aws.String("agentcore-m2m")}))
	if *drs.ResourceServer.Scopes[0].ScopeName != "read" {
		t.Fatalf("describe resource server: %+v", drs.ResourceServer)
	}
	must(e.api.DeleteResourceServer(e.ctx, &cip.DeleteResourceServerInput{UserPoolId: p.Id, Identifier: aws.String("agentcore-m2m")}))
	_, err = e.api.DescribeResourceServer(e.ctx, &cip.DescribeResourceServerInput{UserPoolId: p.Id, Identifier: aws.String("agentcore-m2m")})
	wantAPIError[*types.ResourceNotFoundException](t, err, "")

	_, err = e.api.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: p.Id})
	wantAPIError[*types.InvalidParameterException](t, err, "User pool cannot be deleted. It has a domain configured that should be deleted first.")
	must(e.api.DeleteUserPoolDomain(e.ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String("agentcore-identity-1a2b"), UserPoolId: p.Id}))
	must(e.api.DeleteUserPoolClient(e.ctx, &cip.DeleteUserPoolClientInput{UserPoolId: p.Id, ClientId: c.ClientId}))
	must(e.api.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: p.Id}))
	_, err = e.api.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})
	wantAPIError[*types.ResourceNotFoundException](t, err, "User pool "+*p.Id+" does not exist.")
}

func TestUsersChallengeAndPasswordAuth(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)

	_, err := e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &f.poolID, Username: &f.username})
	wantAPIError[*types.UsernameExistsException](t, err, "User account already exists")
	_, err = e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &f.poolID, Username: aws.String("weak"), TemporaryPassword: aws.String("short")})
	wantAPIError[*types.InvalidPasswordException](t, err, "Password does not conform to policy: Password not long enough")
	if _, err := e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("weak")}); err == nil {
		t.Fatal("a rejected AdminCreateUser must not create the user")
	}

	// A generated temporary password, then the NEW_PASSWORD_REQUIRED challenge.
	nu := must(e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &f.poolID, Username: aws.String("newbie"), MessageAction: types.MessageActionTypeSuppress}))
	if nu.User.UserStatus != types.UserStatusTypeForceChangePassword || !nu.User.Enabled || len(nu.User.Attributes) == 0 || *nu.User.Attributes[0].Name != "sub" {
		t.Fatalf("new user: %+v", nu.User)
	}
	must(e.api.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &f.poolID, Username: aws.String("newbie"), Password: aws.String("Temp1234!"), Permanent: false}))
	g := must(e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("newbie")}))
	if g.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("status %s", g.UserStatus)
	}
	ch := must(e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": "newbie", "PASSWORD": "Temp1234!"}}))
	if ch.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || ch.Session == nil || ch.ChallengeParameters["USER_ID_FOR_SRP"] != "newbie" || ch.AuthenticationResult != nil {
		t.Fatalf("challenge: %+v", ch)
	}
	_, err = e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: &f.clientID,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "newbie", "NEW_PASSWORD": "nouppercase1!"}})
	wantAPIError[*types.InvalidPasswordException](t, err, "Password does not conform to policy: Password must have uppercase characters")
	_, err = e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: &f.clientID,
		Session: aws.String("bogus"), ChallengeResponses: map[string]string{"USERNAME": "newbie", "NEW_PASSWORD": "Chosen123!"}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
	res := must(e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: &f.clientID,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "newbie", "NEW_PASSWORD": "Chosen123!"}}))
	if res.AuthenticationResult == nil || *res.AuthenticationResult.TokenType != "Bearer" || res.AuthenticationResult.ExpiresIn != 3600 {
		t.Fatalf("challenge answer: %+v", res)
	}
	g = must(e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("newbie")}))
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status after challenge %s", g.UserStatus)
	}

	// Password sign-in and its errors.
	tok := e.signIn(t, f, nil)
	if tok.AccessToken == nil || tok.IdToken == nil || tok.RefreshToken == nil {
		t.Fatalf("tokens: %+v", tok)
	}
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": f.username, "PASSWORD": "Wrong123!"}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": "ghost", "PASSWORD": "Wrong123!"}})
	wantAPIError[*types.UserNotFoundException](t, err, "User does not exist.")
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("nosuchclient"),
		AuthParameters: map[string]string{"USERNAME": "x", "PASSWORD": "y"}})
	wantAPIError[*types.ResourceNotFoundException](t, err, "")
	_, err = e.api.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &f.poolID, Username: &f.username, Password: aws.String("nonumbers!A"), Permanent: true})
	wantAPIError[*types.InvalidPasswordException](t, err, "Password does not conform to policy: Password must have numeric characters")
	e.signIn(t, f, nil) // the rejected change left the old password in place

	// ExplicitAuthFlows is enforced.
	srpOnly := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("srp"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}))
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: srpOnly.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": f.username, "PASSWORD": f.password}})
	wantAPIError[*types.InvalidParameterException](t, err, "USER_PASSWORD_AUTH flow not enabled for this client")

	// PreventUserExistenceErrors hides unknown users.
	hide := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("hide"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled}))
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: hide.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": "ghost", "PASSWORD": "x"}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")

	must(e.api.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: &f.poolID, Username: aws.String("newbie")}))
	_, err = e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("newbie")})
	wantAPIError[*types.UserNotFoundException](t, err, "User does not exist.")
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *res.AuthenticationResult.RefreshToken}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has been revoked")
}

func TestSecretHashEnforced(t *testing.T) {
	e := start(t)
	f := e.fixture(t, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	secret := *must(e.api.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &f.poolID, ClientId: &f.clientID})).UserPoolClient.ClientSecret

	_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": f.username, "PASSWORD": f.password}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Client "+f.clientID+" is configured with secret but SECRET_HASH was not received")
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": f.username, "PASSWORD": f.password, "SECRET_HASH": cognito.SecretHash("wrong", f.username, f.clientID)}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Unable to verify secret hash for client "+f.clientID)

	tok := e.signIn(t, f, map[string]string{"SECRET_HASH": cognito.SecretHash(secret, f.username, f.clientID)})
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Client "+f.clientID+" is configured with secret but SECRET_HASH was not received")
	r := must(e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshToken, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken, "SECRET_HASH": cognito.SecretHash(secret, f.username, f.clientID)}}))
	if r.AuthenticationResult == nil || r.AuthenticationResult.AccessToken == nil || r.AuthenticationResult.RefreshToken != nil {
		t.Fatalf("refresh result: %+v", r.AuthenticationResult)
	}
}

func TestSigV4FailuresThroughTheSDK(t *testing.T) {
	e := start(t)
	creds := e.sb.Credentials
	in := &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}

	wrongSecret := apiClient(e.sb.URL, credentials.NewStaticCredentialsProvider(creds.AccessKeyID, "not-the-secret", ""))
	_, err := wrongSecret.ListUserPools(e.ctx, in)
	wantCode(t, err, "InvalidSignatureException")

	unknownKey := apiClient(e.sb.URL, credentials.NewStaticCredentialsProvider("AKIAUNKNOWNKEY000000", creds.SecretAccessKey, ""))
	_, err = unknownKey.ListUserPools(e.ctx, in)
	wantCode(t, err, "UnrecognizedClientException")

	anon := apiClient(e.sb.URL, aws.AnonymousCredentials{})
	_, err = anon.ListUserPools(e.ctx, in)
	wantCode(t, err, "MissingAuthenticationTokenException")
	_, err = anon.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("nope")})
	wantCode(t, err, "MissingAuthenticationTokenException")
	if out := must(e.api.ListUserPools(e.ctx, in)); len(out.UserPools) != 0 {
		t.Fatalf("an unsigned CreateUserPool created a pool")
	}

	// InitiateAuth is unsigned on AWS: it works with anonymous credentials.
	f := e.fixture(t, nil)
	if out := must(anon.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": f.username, "PASSWORD": f.password}})); out.AuthenticationResult == nil {
		t.Fatal("anonymous InitiateAuth returned no tokens")
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if err == nil || !strings.Contains(err.Error(), code) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("want API error %s, got %v", code, err)
	}
}
