package cognito_test

// Conformance of the sandbox's awsJson1.1 answers with the output types of
// the Go SDK (cognitoidentityprovider v1.61.0), which mirror the cognito-idp
// service model member for member. Each raw answer is walked alongside the
// SDK type: every JSON member must be a field of that type, with the JSON
// type the SDK's deserializer expects (dates as epoch-second numbers,
// integers, booleans, strings, arrays, objects), and enum values must be in
// the enum's Values(). The SDK itself ignores unknown members and some type
// mismatches; a real AWS answer has neither, so the sandbox must not either.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var timeType = reflect.TypeOf(time.Time{})

// sdkChecker compares decoded JSON with an SDK type.
type sdkChecker struct{ problems []string }

func (c *sdkChecker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

// enumValues returns the SDK enum's Values() as strings, or nil when t is
// a plain string.
func enumValues(t reflect.Type) []string {
	m, ok := reflect.New(t).Elem().Type().MethodByName("Values")
	if !ok {
		return nil
	}
	out := m.Func.Call([]reflect.Value{reflect.New(t).Elem()})[0]
	vals := make([]string, out.Len())
	for i := range vals {
		vals[i] = out.Index(i).String()
	}
	return vals
}

func (c *sdkChecker) check(path string, t reflect.Type, v any) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		c.fail(path, "null (AWS omits absent members)")
		return
	}
	if t == timeType {
		if _, ok := v.(float64); !ok {
			c.fail(path, "want epoch seconds (number), got %T %v", v, v)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "want an object for %s, got %T", t.Name(), v)
			return
		}
		for k, e := range obj {
			f, ok := t.FieldByName(k)
			if !ok || !f.IsExported() || k == "ResultMetadata" {
				c.fail(path, "member %q is not in the SDK's %s", k, t.Name())
				continue
			}
			c.check(path+"."+k, f.Type, e)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // blob
			if _, ok := v.(string); !ok {
				c.fail(path, "want a base64 string, got %T", v)
			}
			return
		}
		arr, ok := v.([]any)
		if !ok {
			c.fail(path, "want an array, got %T", v)
			return
		}
		for i, e := range arr {
			c.check(path+"["+strconv.Itoa(i)+"]", t.Elem(), e)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "want an object (map), got %T", v)
			return
		}
		for k, e := range obj {
			c.check(path+"."+k, t.Elem(), e)
		}
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			c.fail(path, "want a string, got %T %v", v, v)
			return
		}
		if vals := enumValues(t); vals != nil && !slices.Contains(vals, s) {
			c.fail(path, "%q is not a %s value %v", s, t.Name(), vals)
		}
	case reflect.Int32, reflect.Int64, reflect.Int:
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			c.fail(path, "want an integer, got %T %v", v, v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			c.fail(path, "want a boolean, got %T %v", v, v)
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(float64); !ok {
			c.fail(path, "want a number, got %T", v)
		}
	case reflect.Interface:
		// documents and unions: not used by these operations
	default:
		c.fail(path, "unhandled SDK kind %s", t.Kind())
	}
}

// rawOK sends an operation's raw JSON and checks the answer against the
// SDK output type of the same operation; it returns the decoded body.
func rawOK(t *testing.T, e *env, op string, in any, out any, signed bool, required ...string) map[string]any {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	resp := e.rawCall(t, "AWSCognitoIdentityProviderService."+op, body, signed)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", op, resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("%s: Content-Type %q", op, ct)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Errorf("%s: no x-amzn-RequestId", op)
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatalf("%s: %v: %s", op, err, b)
	}
	c := &sdkChecker{}
	c.check(op, reflect.TypeOf(out), obj)
	for _, p := range c.problems {
		t.Errorf("%s", p)
	}
	for _, r := range required {
		if !hasPath(obj, r) {
			t.Errorf("%s: model-required member %s missing: %s", op, r, b)
		}
	}
	return obj
}

// hasPath reports whether a dotted path of object members exists.
func hasPath(obj map[string]any, path string) bool {
	var cur any = obj
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[k]; !ok {
			return false
		}
	}
	return true
}

func TestWireMatchesSDKTypes(t *testing.T) {
	e := start(t)
	str := func(m map[string]any, path string) string {
		var cur any = m
		for _, k := range strings.Split(path, ".") {
			cur = cur.(map[string]any)[k]
		}
		s, _ := cur.(string)
		return s
	}
	pool := rawOK(t, e, "CreateUserPool", map[string]any{
		"PoolName": "AgentCorePool", "Policies": map[string]any{"PasswordPolicy": map[string]any{"MinimumLength": 8}},
		"AdminCreateUserConfig": map[string]any{"AllowAdminCreateUserOnly": true}, "UserPoolTags": map[string]string{"k": "v"},
	}, cip.CreateUserPoolOutput{}, true, "UserPool.Id", "UserPool.Arn", "UserPool.Name", "UserPool.CreationDate")
	poolID := str(pool, "UserPool.Id")
	rawOK(t, e, "CreateUserPoolDomain", map[string]any{"UserPoolId": poolID, "Domain": "agentcore-identity-1a2b3c4d"}, cip.CreateUserPoolDomainOutput{}, true)
	rawOK(t, e, "DescribeUserPoolDomain", map[string]any{"Domain": "agentcore-identity-1a2b3c4d"}, cip.DescribeUserPoolDomainOutput{}, true, "DomainDescription.Status")
	rawOK(t, e, "DescribeUserPoolDomain", map[string]any{"Domain": "no-such-domain"}, cip.DescribeUserPoolDomainOutput{}, true, "DomainDescription")
	rawOK(t, e, "DescribeUserPool", map[string]any{"UserPoolId": poolID}, cip.DescribeUserPoolOutput{}, true, "UserPool.Id", "UserPool.Domain")
	rawOK(t, e, "ListUserPools", map[string]any{"MaxResults": 10}, cip.ListUserPoolsOutput{}, true, "UserPools")
	rawOK(t, e, "CreateResourceServer", map[string]any{"UserPoolId": poolID, "Identifier": "agentcore-m2m", "Name": "m2m",
		"Scopes": []map[string]string{{"ScopeName": "read", "ScopeDescription": "Read"}}}, cip.CreateResourceServerOutput{}, true, "ResourceServer.Scopes")
	rawOK(t, e, "DescribeResourceServer", map[string]any{"UserPoolId": poolID, "Identifier": "agentcore-m2m"}, cip.DescribeResourceServerOutput{}, true, "ResourceServer.Identifier")
	rawOK(t, e, "ListResourceServers", map[string]any{"UserPoolId": poolID, "MaxResults": 50}, cip.ListResourceServersOutput{}, true, "ResourceServers")

	// A public client, as the runtime tutorial makes it.
	pub := rawOK(t, e, "CreateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientName": "AgentCorePoolClient",
		"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, cip.CreateUserPoolClientOutput{}, true,
		"UserPoolClient.ClientId", "UserPoolClient.UserPoolId", "UserPoolClient.ClientName", "UserPoolClient.CreationDate")
	clientID := str(pub, "UserPoolClient.ClientId")
	// A confidential code-flow client, as the identity tutorial makes it.
	conf := rawOK(t, e, "CreateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientName": "IdentityClient", "GenerateSecret": true,
		"CallbackURLs": []string{"https://bedrock-agentcore.us-west-2.amazonaws.com/identities/oauth2/callback"}, "AllowedOAuthFlows": []string{"code"},
		"AllowedOAuthScopes": []string{"openid", "profile", "email"}, "AllowedOAuthFlowsUserPoolClient": true, "SupportedIdentityProviders": []string{"COGNITO"},
		"AccessTokenValidity": 60, "IdTokenValidity": 60, "RefreshTokenValidity": 30,
		"TokenValidityUnits": map[string]string{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}}, cip.CreateUserPoolClientOutput{}, true,
		"UserPoolClient.ClientSecret")
	confID := str(conf, "UserPoolClient.ClientId")
	rawOK(t, e, "DescribeUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientId": confID}, cip.DescribeUserPoolClientOutput{}, true, "UserPoolClient.ClientSecret")
	rawOK(t, e, "UpdateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientId": clientID, "ClientName": "AgentCorePoolClient",
		"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, cip.UpdateUserPoolClientOutput{}, true, "UserPoolClient.ClientId")
	rawOK(t, e, "ListUserPoolClients", map[string]any{"UserPoolId": poolID, "MaxResults": 10}, cip.ListUserPoolClientsOutput{}, true, "UserPoolClients")

	// Users and sign-in.
	rawOK(t, e, "AdminCreateUser", map[string]any{"UserPoolId": poolID, "Username": "testuser1", "TemporaryPassword": "Temp123!", "MessageAction": "SUPPRESS",
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "t@example.com"}}}, cip.AdminCreateUserOutput{}, true, "User.Username", "User.UserStatus")
	rawOK(t, e, "AdminGetUser", map[string]any{"UserPoolId": poolID, "Username": "testuser1"}, cip.AdminGetUserOutput{}, true, "Username", "UserStatus")
	ch := rawOK(t, e, "InitiateAuth", map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": clientID,
		"AuthParameters": map[string]string{"USERNAME": "testuser1", "PASSWORD": "Temp123!"}}, cip.InitiateAuthOutput{}, false, "ChallengeName", "Session", "ChallengeParameters")
	if ch["ChallengeName"] != "NEW_PASSWORD_REQUIRED" {
		t.Errorf("challenge %v", ch["ChallengeName"])
	}
	rawOK(t, e, "RespondToAuthChallenge", map[string]any{"ClientId": clientID, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": ch["Session"],
		"ChallengeResponses": map[string]string{"USERNAME": "testuser1", "NEW_PASSWORD": "MyPassword123!"}}, cip.RespondToAuthChallengeOutput{}, false,
		"AuthenticationResult.AccessToken")
	rawOK(t, e, "AdminSetUserPassword", map[string]any{"UserPoolId": poolID, "Username": "testuser1", "Password": "MyPassword123!x", "Permanent": true}, cip.AdminSetUserPasswordOutput{}, true)
	auth := rawOK(t, e, "InitiateAuth", map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": clientID,
		"AuthParameters": map[string]string{"USERNAME": "testuser1", "PASSWORD": "MyPassword123!x"}}, cip.InitiateAuthOutput{}, false,
		"AuthenticationResult.AccessToken", "AuthenticationResult.IdToken", "AuthenticationResult.RefreshToken", "AuthenticationResult.ExpiresIn", "AuthenticationResult.TokenType")
	rawOK(t, e, "InitiateAuth", map[string]any{"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": clientID,
		"AuthParameters": map[string]string{"REFRESH_TOKEN": str(auth, "AuthenticationResult.RefreshToken")}}, cip.InitiateAuthOutput{}, false, "AuthenticationResult.AccessToken")

	// Deletes answer {} (empty output shapes).
	rawOK(t, e, "AdminDeleteUser", map[string]any{"UserPoolId": poolID, "Username": "testuser1"}, cip.AdminDeleteUserOutput{}, true)
	rawOK(t, e, "DeleteResourceServer", map[string]any{"UserPoolId": poolID, "Identifier": "agentcore-m2m"}, cip.DeleteResourceServerOutput{}, true)
	rawOK(t, e, "DeleteUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientId": confID}, cip.DeleteUserPoolClientOutput{}, true)
	rawOK(t, e, "DeleteUserPoolDomain", map[string]any{"UserPoolId": poolID, "Domain": "agentcore-identity-1a2b3c4d"}, cip.DeleteUserPoolDomainOutput{}, true)
	rawOK(t, e, "DeleteUserPool", map[string]any{"UserPoolId": poolID}, cip.DeleteUserPoolOutput{}, true)
}

// TestAuthErrorsAsTheFactsList checks the sign-in errors' types, statuses
// and exact messages (agentcore-facts §10), through the SDK's typed errors
// and on the wire.
func TestAuthErrorsAsTheFactsList(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)
	secretClient := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("confidential"),
		GenerateSecret: true, ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}))
	sid := *secretClient.UserPoolClient.ClientId
	srpOnly := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("srp"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}))
	auth := func(client, user, pw string, extra map[string]string) error {
		p := map[string]string{"USERNAME": user, "PASSWORD": pw}
		for k, v := range extra {
			p[k] = v
		}
		_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &client, AuthParameters: p})
		return err
	}
	wantAPIError[*types.NotAuthorizedException](t, auth(f.clientID, f.username, "wrong-Password1!", nil), "Incorrect username or password.")
	wantAPIError[*types.UserNotFoundException](t, auth(f.clientID, "nobody", "whatever-1A!", nil), "User does not exist.")
	wantAPIError[*types.NotAuthorizedException](t, auth(sid, f.username, f.password, nil), "Client "+sid+" is configured with secret but SECRET_HASH was not received")
	wantAPIError[*types.NotAuthorizedException](t, auth(sid, f.username, f.password, map[string]string{"SECRET_HASH": "AAAA"}), "Unable to verify secret hash for client "+sid)
	wantAPIError[*types.InvalidParameterException](t, auth(*srpOnly.UserPoolClient.ClientId, f.username, f.password, nil), "USER_PASSWORD_AUTH flow not enabled for this client")

	// The toolkit's m2m path sends CLIENT_CREDENTIALS, which is not an
	// AuthFlow: an enum validation error, values listed AWS-style.
	_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: "CLIENT_CREDENTIALS", ClientId: &f.clientID, AuthParameters: map[string]string{}})
	ipe := wantAPIError[*types.InvalidParameterException](t, err, "")
	if !strings.Contains(ipe.ErrorMessage(), "Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, ") {
		t.Errorf("enum message %q", ipe.ErrorMessage())
	}

	// On the wire: 400, the type in both the header and __type, a string message.
	resp := e.rawCall(t, "AWSCognitoIdentityProviderService.InitiateAuth",
		[]byte(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"`+f.clientID+`","AuthParameters":{"USERNAME":"nobody","PASSWORD":"x"}}`), false)
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "UserNotFoundException" || body["__type"] != "UserNotFoundException" {
		t.Errorf("wire error: %d %q %v", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body)
	}
	if _, ok := body["message"].(string); !ok {
		t.Errorf("message is not a string: %v", body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("error Content-Type %q", ct)
	}
}

// TestSDKCheckerCatchesDrift makes sure the checker fails on the drift it
// exists to catch.
func TestSDKCheckerCatchesDrift(t *testing.T) {
	cases := map[string]string{
		"ISO date":          `{"UserPool":{"Id":"us-west-2_abc","CreationDate":"2000-01-01T00:00:00Z"}}`,
		"unknown member":    `{"UserPool":{"Id":"us-west-2_abc","Bogus":1}}`,
		"enum outside set":  `{"UserPool":{"Id":"us-west-2_abc","MfaConfiguration":"MAYBE"}}`,
		"string for number": `{"UserPool":{"Id":"us-west-2_abc","EstimatedNumberOfUsers":"3"}}`,
		"null member":       `{"UserPool":{"Id":null}}`,
	}
	for name, body := range cases {
		var obj map[string]any
		if err := json.Unmarshal([]byte(body), &obj); err != nil {
			t.Fatal(err)
		}
		c := &sdkChecker{}
		c.check("DescribeUserPool", reflect.TypeOf(cip.DescribeUserPoolOutput{}), obj)
		if len(c.problems) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
}
