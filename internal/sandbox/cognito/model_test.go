package cognito_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// TestOutputsMatchModel drives every Cognito operation the sandbox serves
// through the real SDK and holds each answer to the model's output shape.
func TestOutputsMatchModel(t *testing.T) {
	e := start(t)
	rec := &modeltest.Recorder{}
	e.api = cip.New(cip.Options{Region: region, BaseEndpoint: aws.String(e.sb.URL), RetryMaxAttempts: 1, HTTPClient: rec,
		Credentials: credentials.NewStaticCredentialsProvider(e.sb.Credentials.AccessKeyID, e.sb.Credentials.SecretAccessKey, "")})
	f := e.fixture(t, &cip.CreateUserPoolClientInput{GenerateSecret: false, CallbackURLs: []string{"https://example.com/cb"},
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email"},
		AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}})
	tokens := e.signIn(t, f, nil)
	pool, client := &f.poolID, &f.clientID
	must(e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: client,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}}))
	must(e.api.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: pool}))
	must(e.api.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}))
	must(e.api.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: client}))
	must(e.api.UpdateUserPoolClient(e.ctx, &cip.UpdateUserPoolClientInput{UserPoolId: pool, ClientId: client, ClientName: aws.String("renamed"),
		ExplicitAuthFlows:   []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		AccessTokenValidity: aws.Int32(60), IdTokenValidity: aws.Int32(60),
		TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes}}))
	must(e.api.ListUserPoolClients(e.ctx, &cip.ListUserPoolClientsInput{UserPoolId: pool, MaxResults: aws.Int32(5)}))
	must(e.api.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("model-conformance")}))
	must(e.api.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("model-conformance")}))
	must(e.api.DescribeUserPoolDomain(e.ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("nobody-has-this")}))
	must(e.api.DeleteUserPoolDomain(e.ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("model-conformance")}))
	must(e.api.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com"),
		Name: aws.String("api"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read it")}}}))
	must(e.api.DescribeResourceServer(e.ctx, &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")}))
	// Two servers, one a page: the first page says where the second starts.
	must(e.api.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("agentcore-m2m"),
		Name: aws.String("m2m"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("write"), ScopeDescription: aws.String("write it")}}}))
	first := must(e.api.ListResourceServers(e.ctx, &cip.ListResourceServersInput{UserPoolId: pool, MaxResults: aws.Int32(1)}))
	second := must(e.api.ListResourceServers(e.ctx, &cip.ListResourceServersInput{UserPoolId: pool, MaxResults: aws.Int32(1), NextToken: first.NextToken}))
	if len(first.ResourceServers) != 1 || first.NextToken == nil || len(second.ResourceServers) != 1 || second.NextToken != nil ||
		aws.ToString(first.ResourceServers[0].Identifier) != "agentcore-m2m" || aws.ToString(second.ResourceServers[0].Identifier) != "https://api.example.com" ||
		aws.ToString(second.ResourceServers[0].Scopes[0].ScopeName) != "read" || aws.ToString(second.ResourceServers[0].UserPoolId) != *pool {
		t.Errorf("ListResourceServers pages: %+v then %+v", first, second)
	}
	must(e.api.DeleteResourceServer(e.ctx, &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("agentcore-m2m")}))
	must(e.api.DeleteResourceServer(e.ctx, &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")}))
	must(e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(f.username)}))
	// A user with a temporary password meets NEW_PASSWORD_REQUIRED.
	must(e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("newbie"),
		TemporaryPassword: aws.String("Temp1234!"), MessageAction: types.MessageActionTypeSuppress}))
	ch := must(e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: client,
		AuthParameters: map[string]string{"USERNAME": "newbie", "PASSWORD": "Temp1234!"}}))
	must(e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ch.ChallengeName, ClientId: client, Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "newbie", "NEW_PASSWORD": "Chosen123!"}}))
	must(e.api.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("newbie")}))
	must(e.api.DeleteUserPoolClient(e.ctx, &cip.DeleteUserPoolClientInput{UserPoolId: pool, ClientId: client}))
	must(e.api.DeleteUserPool(e.ctx, &cip.DeleteUserPoolInput{UserPoolId: pool}))
	modeltest.CheckAll(t, model.Cognito, rec.Answers(), nil)
}
