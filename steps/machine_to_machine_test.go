package steps_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"agentcore-workshop/internal/sandbox/jwtverify"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// The M2M token is a real Cognito client_credentials token: signed by the
// inbound pool's key, its subject the client itself, the scope it asked
// for, and no user in it. The four credentials-file variables the gateway
// stage reads get another token with the same recipe.
func TestMachineToMachineTokenHasNoUser(t *testing.T) {
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.Run(ctx, "provision-cognito"); err != nil {
		t.Fatal(err)
	}
	if err := a.Runner.Run(ctx, "machine-to-machine"); err != nil {
		t.Fatal(err)
	}
	st := stageState(t, a, "machine-to-machine")
	if st.Status != engine.Succeeded {
		t.Fatalf("machine-to-machine %s: %s", st.Status, st.Err)
	}
	clientID := resultValue(t, st, steps.M2MClientID)
	scope := resultValue(t, st, steps.M2MScope)
	tokenURL := resultValue(t, st, steps.M2MTokenURL)
	pool := value(t, a, "provision-cognito", steps.RuntimePoolID)
	secret := secretOf(t, a.Session, "machine-to-machine", steps.M2MClientSecret)
	token := secretOf(t, a.Session, "machine-to-machine", steps.M2MToken)

	var claims struct {
		ClientID string `json:"client_id"`
		Scope    string `json:"scope"`
		TokenUse string `json:"token_use"`
		Username *string
		CogUser  *string `json:"cognito:username"`
	}
	discovery := a.Cloud.CognitoDiscoveryURL(pool)
	reg, err := jwtverify.New(jwtverify.Options{}).Verify(ctx, discovery, token, &claims)
	if err != nil {
		t.Fatalf("the M2M token does not verify against the inbound pool's keys: %v", err)
	}
	if reg.Subject != clientID || claims.ClientID != clientID || claims.TokenUse != "access" || claims.Scope != scope ||
		claims.Username != nil || claims.CogUser != nil || len(reg.Audience) != 0 {
		t.Errorf("claims sub %q %+v aud %v; want sub = client_id = %s, scope %s, no username, no aud", reg.Subject, claims, reg.Audience, clientID, scope)
	}
	if !strings.HasPrefix(scope, resultValue(t, st, steps.M2MResourceServer)+"/") || resultValue(t, st, steps.M2MDiscoveryURL) != discovery {
		t.Errorf("scope %s, discovery %s", scope, resultValue(t, st, steps.M2MDiscoveryURL))
	}
	if table := resultValue(t, st, steps.M2MTokenClaims); !strings.Contains(table, "sub = client_id") || !strings.Contains(table, "no username") {
		t.Errorf("the claims table does not say it is a machine token:\n%s", table)
	}

	// The credentials file carries the four variables, exactly.
	env, err := os.ReadFile(filepath.Join(a.Session.Dir(), steps.EnvFileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"M2M_CLIENT_ID=" + clientID, "M2M_CLIENT_SECRET=" + secret, "M2M_TOKEN_URL=" + tokenURL, "M2M_SCOPE=" + scope} {
		if !strings.Contains(string(env), "\n"+line+"\n") {
			t.Errorf("%s lacks %s:\n%s", steps.EnvFileName, line, env)
		}
	}

	// What the gateway stage will do with them: the write scope too, but
	// not a scope the client was never given.
	write := strings.TrimSuffix(scope, "/read") + "/write"
	if status, body := ask(t, tokenURL, clientID, secret, write); status != http.StatusOK || !strings.Contains(body, "access_token") {
		t.Errorf("write scope: %d %s", status, body)
	}
	if status, body := ask(t, tokenURL, clientID, secret, "openid"); status != http.StatusBadRequest || !strings.Contains(body, "invalid_scope") {
		t.Errorf("openid scope: %d %s, want 400 invalid_scope", status, body)
	}
	if status, body := ask(t, tokenURL, clientID, secret+"x", scope); status != http.StatusUnauthorized || !strings.Contains(body, "invalid_client") {
		t.Errorf("wrong secret: %d %s, want 401 invalid_client", status, body)
	}

	// Running it again reuses the client and the resource server.
	if err := a.Runner.Run(ctx, "machine-to-machine"); err != nil {
		t.Fatal(err)
	}
	cls, err := a.Cloud.Cognito.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cls.UserPoolClients) != 2 {
		t.Errorf("%d clients in the inbound pool after a re-run, want 2 (runtime, M2M)", len(cls.UserPoolClients))
	}
	if got := value(t, a, "machine-to-machine", steps.M2MClientID); got != clientID {
		t.Errorf("the re-run made client %s, want the same %s", got, clientID)
	}
}

func secretOf(t *testing.T, s interface {
	Secret(string, string) (string, bool)
}, stage, name string) string {
	t.Helper()
	v, ok := s.Secret(stage, name)
	if !ok {
		t.Fatalf("no secret %s of %s", name, stage)
	}
	return v
}

// ask posts a client_credentials request with the form credentials of
// seed 004's curl.
func ask(t *testing.T, tokenURL, clientID, secret, scope string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {scope}}
	resp, err := http.PostForm(tokenURL, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
