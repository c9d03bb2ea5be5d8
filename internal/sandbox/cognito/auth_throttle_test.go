package cognito_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func (e *env) passwordAuth(clientID, username, password string) error {
	_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
	return err
}

// The brute force of issue 9 through the API instead of the login page:
// after five wrong passwords InitiateAuth answers "Password attempts
// exceeded", even for the right password, until the lockout passes.
func TestInitiateAuthThrottlesFailures(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)
	exceeded := 0
	for i := range 100 {
		err := e.passwordAuth(f.clientID, f.username, "Wrong-password-1!")
		nae := wantAPIError[*types.NotAuthorizedException](t, err, "")
		switch nae.ErrorMessage() {
		case "Password attempts exceeded":
			exceeded++
		case "Incorrect username or password.":
			if exceeded > 0 {
				t.Fatalf("attempt %d: a wrong password was judged during the lockout", i)
			}
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if exceeded != 95 {
		t.Errorf("%d of 100 attempts refused as exceeded, want all after the first 5", exceeded)
	}
	wantAPIError[*types.NotAuthorizedException](t, e.passwordAuth(f.clientID, f.username, f.password), "Password attempts exceeded")

	// The user name is matched as Cognito matches it, case-insensitively:
	// changing its case does not dodge the lockout.
	wantAPIError[*types.NotAuthorizedException](t, e.passwordAuth(f.clientID, strings.ToUpper(f.username), f.password), "Password attempts exceeded")

	e.clock.Advance(1100 * time.Millisecond)
	if err := e.passwordAuth(f.clientID, f.username, f.password); err != nil {
		t.Fatalf("right password after the lockout: %v", err)
	}
	// The success reset the count: the next failure is judged, not locked.
	wantAPIError[*types.NotAuthorizedException](t, e.passwordAuth(f.clientID, f.username, "Wrong-password-1!"), "Incorrect username or password.")
}

// One count per user, whichever door the attempts come through: failures
// at InitiateAuth lock the hosted login too.
func TestLockoutIsSharedWithHostedLogin(t *testing.T) {
	e := start(t)
	h := e.hostedFixture(t)
	api := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &h.poolID, ClientName: aws.String("cli"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}}))
	for range 5 {
		wantAPIError[*types.NotAuthorizedException](t, e.passwordAuth(*api.UserPoolClient.ClientId, h.username, "Wrong-password-1!"), "Incorrect username or password.")
	}
	q := authorizeQuery(h)
	csrf, cookies, _ := h.loginForm(t, q)
	if _, loc, page := h.post(t, q, h.password, csrf, cookies); loc != "" || !strings.Contains(page, "Password attempts exceeded") {
		t.Fatalf("hosted login after five API failures: Location %q", loc)
	}
}

// With PreventUserExistenceErrors, a made-up user name is locked out like
// a real one, so the lockout cannot tell them apart.
func TestLockoutHidesUnknownUsers(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)
	hide := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("hide"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled}))
	for _, name := range []string{f.username, "ghost"} {
		for range 5 {
			wantAPIError[*types.NotAuthorizedException](t, e.passwordAuth(*hide.UserPoolClient.ClientId, name, "Wrong-password-1!"), "Incorrect username or password.")
		}
		wantAPIError[*types.NotAuthorizedException](t, e.passwordAuth(*hide.UserPoolClient.ClientId, name, "Wrong-password-1!"), "Password attempts exceeded")
	}
}
