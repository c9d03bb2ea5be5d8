// Package sandboxtest is the fixture tests share to sign a user in on a
// real sandbox: a sandbox on loopback, a Cognito client for it, a user pool
// with a password client, a confirmed user, and that user's tokens. Every
// call goes through the real aws-sdk-go-v2 client, as a learner's would.
package sandboxtest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox"
)

// Start runs a sandbox for the test and closes it when the test ends. A
// zero cfg.Addr means a free port on 127.0.0.1; a zero cfg.StateDir means a
// fresh temporary directory.
func Start(t testing.TB, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	sb, err := sandbox.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sb.Close(ctx); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	return sb
}

// Cognito is a Cognito client for the sandbox, with its credentials and
// region. It makes one attempt per call, so a test sees each error as the
// sandbox answered it. optFns adjust the options (an HTTP client, say).
func Cognito(sb *sandbox.Sandbox, optFns ...func(*cip.Options)) *cip.Client {
	return cip.New(cip.Options{Region: sb.Region, BaseEndpoint: aws.String(sb.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")},
		optFns...)
}

// User is a user a test signs in as.
type User struct{ Name, Password string }

// TestUser is the tutorial's test user.
func TestUser() User { return User{Name: "testuser", Password: "MyPassword123!"} }

// Pool is a user pool and the client a test signs in through.
type Pool struct{ ID, ClientID string }

// NewPool creates a user pool named name and a client for it. With a nil
// client the client is public and allows USER_PASSWORD_AUTH and refresh;
// a given client input is used as is, except that its pool is set and an
// unset name or auth-flow list gets those defaults.
func NewPool(t testing.TB, ctx context.Context, api *cip.Client, name string, client *cip.CreateUserPoolClientInput) Pool {
	t.Helper()
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateUserPool %s: %v", name, err)
	}
	if client == nil {
		client = &cip.CreateUserPoolClientInput{}
	}
	client.UserPoolId = pool.UserPool.Id
	if client.ClientName == nil {
		client.ClientName = aws.String(name + "Client")
	}
	if client.ExplicitAuthFlows == nil {
		client.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	}
	cl, err := api.CreateUserPoolClient(ctx, client)
	if err != nil {
		t.Fatalf("CreateUserPoolClient in %s: %v", name, err)
	}
	return Pool{ID: aws.ToString(pool.UserPool.Id), ClientID: aws.ToString(cl.UserPoolClient.ClientId)}
}

// AddUser creates a confirmed user, the way the tutorial does: created by
// an admin with no invitation message, then given a permanent password.
func AddUser(t testing.TB, ctx context.Context, api *cip.Client, poolID string, u User, attrs ...types.AttributeType) {
	t.Helper()
	if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(u.Name),
		TemporaryPassword: aws.String("Temp123!x"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs}); err != nil {
		t.Fatalf("AdminCreateUser %s: %v", u.Name, err)
	}
	if _, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(u.Name),
		Password: aws.String(u.Password), Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword %s: %v", u.Name, err)
	}
}

// SignIn signs u in through clientID with USER_PASSWORD_AUTH, adding the
// extra auth parameters (a SECRET_HASH, say), and returns the tokens. A
// challenge instead of tokens fails the test.
func SignIn(t testing.TB, ctx context.Context, api *cip.Client, clientID string, u User, extra map[string]string) *types.AuthenticationResultType {
	t.Helper()
	params := map[string]string{"USERNAME": u.Name, "PASSWORD": u.Password}
	for k, v := range extra {
		params[k] = v
	}
	out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(clientID), AuthParameters: params})
	if err != nil {
		t.Fatalf("sign %s in: %v", u.Name, err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("sign %s in: a %s challenge instead of tokens", u.Name, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// SignedIn is the whole fixture: a new pool named poolName with a password
// client, the confirmed user u in it, and u's tokens.
func SignedIn(t testing.TB, ctx context.Context, api *cip.Client, poolName string, u User) (Pool, *types.AuthenticationResultType) {
	t.Helper()
	p := NewPool(t, ctx, api, poolName, nil)
	AddUser(t, ctx, api, p.ID, u)
	return p, SignIn(t, ctx, api, p.ClientID, u, nil)
}
