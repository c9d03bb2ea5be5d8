package cognito_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestModelValidation sends inputs Cognito's model refuses and expects
// Cognito's answer word for word: InvalidParameterException with AWS's
// validation message, and no state change.
func TestModelValidation(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)
	pool := `"UserPoolId":"` + f.poolID + `"`
	cases := []struct {
		name, op, body, msg string
	}{
		{"pool name missing", "CreateUserPool", `{}`,
			"1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"},
		{"pool name pattern", "CreateUserPool", `{"PoolName":"my/pool"}`,
			`1 validation error detected: Value 'my/pool' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+`},
		{"password length below range", "CreateUserPool", `{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":5}}}`,
			"1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"},
		{"mfa enum", "CreateUserPool", `{"PoolName":"p","MfaConfiguration":"SOMETIMES"}`,
			"1 validation error detected: Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"},
		{"tag key empty", "CreateUserPool", `{"PoolName":"p","UserPoolTags":{"":"v"}}`,
			"1 validation error detected: Value at 'userPoolTags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 1]"},
		{"two errors", "ListUserPools", `{"MaxResults":0,"NextToken":""}`,
			"2 validation errors detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"pool id pattern", "DescribeUserPool", `{"UserPoolId":"nounderscore"}`,
			`1 validation error detected: Value 'nounderscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`},
		{"auth flow list item", "CreateUserPoolClient", `{` + pool + `,"ClientName":"c","ExplicitAuthFlows":["ALLOW_USER_PASSWORD_AUTH","ALLOW_MAGIC"]}`,
			"1 validation error detected: Value '[ALLOW_USER_PASSWORD_AUTH, ALLOW_MAGIC]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_AUTH]]"},
		{"too many callback urls", "CreateUserPoolClient", `{` + pool + `,"ClientName":"c","CallbackURLs":[` + strings.Repeat(`"https://e.com/cb",`, 100) + `"https://e.com/cb"]}`,
			"1 validation error detected: Value at 'callbackURLs' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"session validity range", "CreateUserPoolClient", `{` + pool + `,"ClientName":"c","AuthSessionValidity":16}`,
			"1 validation error detected: Value '16' at 'authSessionValidity' failed to satisfy constraint: Member must have value less than or equal to 15"},
		{"token unit enum", "UpdateUserPoolClient", `{` + pool + `,"ClientId":"` + f.clientID + `","TokenValidityUnits":{"AccessToken":"weeks"}}`,
			"1 validation error detected: Value 'weeks' at 'tokenValidityUnits.accessToken' failed to satisfy constraint: Member must satisfy enum value set: [seconds, minutes, hours, days]"},
		{"domain pattern", "CreateUserPoolDomain", `{` + pool + `,"Domain":"Upper-Case"}`,
			"1 validation error detected: Value 'Upper-Case' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"},
		{"scope name with slash", "CreateResourceServer", `{` + pool + `,"Identifier":"api","Name":"api","Scopes":[{"ScopeName":"a/b","ScopeDescription":"d"}]}`,
			`1 validation error detected: Value 'a/b' at 'scopes.1.member.scopeName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+`},
		{"attribute name missing", "AdminCreateUser", `{` + pool + `,"Username":"u2","UserAttributes":[{"Value":"x"}]}`,
			"1 validation error detected: Value null at 'userAttributes.1.member.name' failed to satisfy constraint: Member must not be null"},
		{"username too long, not echoed", "AdminGetUser", `{` + pool + `,"Username":"` + strings.Repeat("u", 129) + `"}`,
			"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"password with a space, not echoed", "AdminSetUserPassword", `{` + pool + `,"Username":"testuser","Password":"has space"}`,
			`1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+`},
		{"auth flow enum", "InitiateAuth", `{"AuthFlow":"MAGIC","ClientId":"` + f.clientID + `"}`,
			"1 validation error detected: Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"},
		{"challenge name missing", "RespondToAuthChallenge", `{"ClientId":"` + f.clientID + `"}`,
			"1 validation error detected: Value null at 'challengeName' failed to satisfy constraint: Member must not be null"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := e.rawCall(t, "AWSCognitoIdentityProviderService."+c.op, []byte(c.body), true)
			defer resp.Body.Close()
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 400 || body.Type != "InvalidParameterException" || body.Message != c.msg {
				t.Errorf("got %d %s %q\nwant 400 InvalidParameterException %q", resp.StatusCode, body.Type, body.Message, c.msg)
			}
		})
	}
	// None of it changed anything.
	if out := must(e.api.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})); len(out.UserPools) != 1 {
		t.Errorf("%d pools after refused input, want 1", len(out.UserPools))
	}
	if out := must(e.api.ListUserPoolClients(e.ctx, &cip.ListUserPoolClientsInput{UserPoolId: &f.poolID})); len(out.UserPoolClients) != 1 {
		t.Errorf("%d clients after refused input, want 1", len(out.UserPoolClients))
	}
}
