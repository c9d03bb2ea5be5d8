package resourceapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/resourceapi"
)

// userToken signs a user in on a fresh pool of a real sandbox and returns
// the pool's issuer and the user's access token.
func userToken(t *testing.T) (string, string) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sb.Close(ctx)
	})
	api := cip.New(cip.Options{Region: sb.Region, BaseEndpoint: aws.String(sb.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")})
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("c"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("ext"),
		TemporaryPassword: aws.String("Temp123!x"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id, Username: aws.String("ext"),
		Password: aws.String("Ext!pass123"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: cl.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": "ext", "PASSWORD": "Ext!pass123"}})
	if err != nil {
		t.Fatal(err)
	}
	return cognito.Issuer(sb.URL, *pool.UserPool.Id), *out.AuthenticationResult.AccessToken
}

func call(t *testing.T, h http.Handler, token string) (int, string, map[string]any) {
	req := httptest.NewRequest(http.MethodGet, resourceapi.ProfilePath, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, rec.Header().Get("WWW-Authenticate"), m
}

func TestProfileAcceptsOnlyTrustedIssuers(t *testing.T) {
	iss, tok := userToken(t)
	trusting := resourceapi.New(edge.Deps{}, resourceapi.Options{TrustedIssuer: func(s string) bool { return s == iss }})
	code, _, body := call(t, trusting, tok)
	if code != http.StatusOK || body["user"] != "ext" || body["issuer"] != iss || body["service"] != resourceapi.ServiceName {
		t.Fatalf("trusted: %d %v", code, body)
	}
	// Default: trusts nobody.
	code, wa, _ := call(t, resourceapi.New(edge.Deps{}, resourceapi.Options{}), tok)
	if code != http.StatusUnauthorized || !strings.Contains(wa, "not accepted") {
		t.Fatalf("untrusted: %d %q", code, wa)
	}
	// A token altered after signing fails verification even from a trusted issuer.
	parts := strings.Split(tok, ".")
	code, wa, _ = call(t, trusting, parts[0]+"."+parts[1]+"x."+parts[2])
	if code != http.StatusUnauthorized || !strings.Contains(wa, `error="invalid_token"`) {
		t.Fatalf("tampered: %d %q", code, wa)
	}
	code, wa, _ = call(t, trusting, "")
	if code != http.StatusUnauthorized || wa != `Bearer realm="external-api"` {
		t.Fatalf("missing: %d %q", code, wa)
	}
}
