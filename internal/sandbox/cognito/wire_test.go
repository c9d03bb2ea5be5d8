package cognito_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func TestRawWireErrors(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)
	cases := []struct {
		name, target, body string
		signed             bool
		code, msgPart      string
	}{
		{"malformed json", "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":`, false, "SerializationException", ""},
		{"not an object", "AWSCognitoIdentityProviderService.InitiateAuth", `[1,2]`, false, "SerializationException", ""},
		{"wrong type", "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":7,"ClientId":"x"}`, false, "SerializationException", "AuthFlow"},
		{"wrong map type", "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"x","AuthParameters":{"USERNAME":1}}`, false, "SerializationException", ""},
		{"unknown target", "AWSCognitoIdentityProviderService.NoSuchOp", `{}`, false, "UnknownOperationException", ""},
		{"unknown prefix", "SomethingElse.Op", `{}`, false, "UnknownOperationException", ""},
		{"missing required", "AWSCognitoIdentityProviderService.CreateUserPool", `{}`, true, "InvalidParameterException", "Member must not be null"},
		{"empty body", "AWSCognitoIdentityProviderService.ListUserPools", ``, true, "InvalidParameterException", "maxResults"},
		{"oversized", "AWSCognitoIdentityProviderService.CreateUserPool", `{"PoolName":"` + strings.Repeat("a", 129) + `"}`, true, "InvalidParameterException", "less than or equal to 128"},
		{"bad enum", "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"MAGIC","ClientId":"` + f.clientID + `"}`, false, "InvalidParameterException", "enum value set"},
		{"missing password", "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + f.clientID + `","AuthParameters":{"USERNAME":"testuser"}}`, false, "InvalidParameterException", "Missing required parameter PASSWORD"},
		{"unsigned admin", "AWSCognitoIdentityProviderService.AdminGetUser", `{}`, false, "MissingAuthenticationTokenException", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := e.rawCall(t, c.target, []byte(c.body), c.signed)
			defer resp.Body.Close()
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("decode error body: %v", err)
			}
			if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != c.code || body["__type"] != c.code {
				t.Fatalf("got %d %s %v, want 400 %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, c.code)
			}
			msg, ok := body["message"].(string)
			if !ok || !strings.Contains(msg, c.msgPart) {
				t.Fatalf("message %v should be a string containing %q", body["message"], c.msgPart)
			}
			if resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
				t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
	// Nothing above created a pool beyond the fixture's.
	if out := must(e.api.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})); len(out.UserPools) != 1 {
		t.Fatalf("%d pools after failed calls, want 1", len(out.UserPools))
	}
	// InitiateAuth works signed, too.
	resp := e.rawCall(t, "AWSCognitoIdentityProviderService.InitiateAuth",
		[]byte(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"`+f.clientID+`","AuthParameters":{"USERNAME":"testuser","PASSWORD":"MyPassword123!"}}`), true)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"AccessToken"`)) {
		t.Fatalf("signed InitiateAuth: %d %s", resp.StatusCode, b)
	}
}

// FuzzCognitoRequest feeds arbitrary operations and bodies, signed and
// unsigned, through the real edge: never a panic, never a 5xx, always an
// AWS-shaped answer.
func FuzzCognitoRequest(f *testing.F) {
	e := start(f)
	fx := e.fixture(f, nil)
	f.Add("InitiateAuth", []byte(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"`+fx.clientID+`","AuthParameters":{"USERNAME":"testuser","PASSWORD":"MyPassword123!"}}`), false)
	f.Add("RespondToAuthChallenge", []byte(`{"ChallengeName":"NEW_PASSWORD_REQUIRED","ClientId":"`+fx.clientID+`","Session":"a.b.c.d.e"}`), false)
	f.Add("AdminCreateUser", []byte(`{"UserPoolId":"`+fx.poolID+`","Username":"u1","TemporaryPassword":"Temp123!"}`), true)
	f.Add("CreateUserPoolClient", []byte(`{"UserPoolId":"`+fx.poolID+`","ClientName":"c","AccessTokenValidity":1e99}`), true)
	f.Add("DescribeUserPool", []byte(`{"UserPoolId":null}`), true)
	f.Add("ListUserPools", []byte(`{"MaxResults":60,"NextToken":"!!"}`), true)
	f.Add("", []byte(``), false)
	f.Fuzz(func(t *testing.T, op string, body []byte, signed bool) {
		req := httptest.NewRequest(http.MethodPost, e.sb.URL+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
		if signed {
			signRequest(t, req, body, e.sb.Credentials.AccessKeyID, e.sb.Credentials.SecretAccessKey)
		}
		rec := httptest.NewRecorder()
		e.sb.Edge.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q → %d %s", op, body, rec.Code, rec.Body.String())
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s → non-JSON answer %q", op, rec.Body.String())
		}
		if rec.Code != 200 {
			if _, ok := out["message"].(string); !ok || rec.Header().Get("X-Amzn-ErrorType") == "" {
				t.Fatalf("%s → error without string message or header: %s", op, rec.Body.String())
			}
		}
	})
}
