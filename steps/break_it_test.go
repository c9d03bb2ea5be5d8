package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// breakItAnswers is what each experiment must draw from the sandbox's
// runtime: the authorizer's own table (TestBreakItExperiments in
// internal/sandbox/authorizer) plus the data plane's method check.
var breakItAnswers = []struct{ name, answer string }{
	{"1. no token", "refused · 401 UnauthorizedException · Missing bearer token in the Authorization header."},
	{"2. SigV4 (AWS credentials)", "refused · 403 AccessDeniedException · Authorization method mismatch. The agent is configured for a different authorization method than what was used in your request."},
	{"3. the ID token", "refused · 403 AccessDeniedException · Claim 'client_id' mismatch"},
	{"4. a client not in allowedClients", "refused · 403 AccessDeniedException · Claim 'client_id' mismatch"},
	{"5. an expired token", "refused · 401 UnauthorizedException · Bearer token has expired."},
	{"6. a tampered payload", "refused · 401 UnauthorizedException · Bearer token signature is invalid."},
	{"7. a token from the other pool", "refused · 401 UnauthorizedException · Bearer token is signed with an unknown key (kid "},
	{"8. alg=none", "refused · 401 UnauthorizedException · Bearer token is malformed or uses an unsupported algorithm (only RS256 is accepted)."},
	{"9. the right token", "accepted · 200 · 2 + 2 = 4"},
}

func TestBreakItRefusesEachMistakeAndAcceptsTheRightToken(t *testing.T) {
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "break-it"); err != nil {
		t.Fatal(err)
	}
	st := stageState(t, a, "break-it")
	if st.Status != engine.Succeeded {
		t.Fatalf("break-it %s: %s", st.Status, st.Err)
	}
	for _, w := range breakItAnswers {
		got := resultValue(t, st, w.name)
		if !strings.HasPrefix(got, w.answer) || !strings.Contains(got, "\nrule: ") {
			t.Errorf("%s = %q, want it to start %q and name its rule", w.name, got, w.answer)
		}
	}
	if got := resultValue(t, st, steps.BreakItRefusals); got != "8 of 8 refused as they should be" {
		t.Errorf("refusals = %q", got)
	}

	// Each token sent is recorded for the inspector, and is what its
	// experiment says it is.
	tok := func(name string) jwtx.Token {
		t.Helper()
		raw, ok := a.Session.Secret("break-it", name+" · token")
		if !ok {
			t.Fatalf("no token recorded for %s", name)
		}
		tk, err := jwtx.Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return tk
	}
	runtimeClient := value(t, a, "provision-cognito", steps.RuntimeClientID)
	issuer := a.Cloud.CognitoIssuer(value(t, a, "provision-cognito", steps.RuntimePoolID))
	if id := tok("3. the ID token"); id.String("token_use") != "id" || id.String("aud") != runtimeClient {
		t.Errorf("ID token claims %v", id.Claims)
	}
	if other := tok("4. a client not in allowedClients"); other.String("client_id") == runtimeClient || other.String("iss") != issuer {
		t.Errorf("other client's token claims %v", other.Claims)
	}
	exp, _ := tok("5. an expired token").Expiry()
	if !exp.Before(time.Now().Add(-time.Minute)) {
		t.Errorf("the expired token expires at %v", exp)
	}
	if tok("6. a tampered payload").String("username") != "admin" {
		t.Error("the tampered token does not carry the tampered claim")
	}
	if iss := tok("7. a token from the other pool").String("iss"); iss == issuer || iss != a.Cloud.CognitoIssuer(value(t, a, "provision-cognito", steps.IdentityPoolID)) {
		t.Errorf("other pool's token issuer %s", iss)
	}
	if alg := tok("8. alg=none").Header["alg"]; alg != "none" {
		t.Errorf("alg = %v", alg)
	}

	// The learner's own tokens, through try-token.
	for _, c := range []struct{ token, want string }{
		{"", "refused UnauthorizedException: no token"},
		{tok("3. the ID token").String("jti"), "refused UnauthorizedException: not a JWT"},
		{secretOf(t, a.Session, "break-it", "3. the ID token · token"), "refused AccessDeniedException: an ID token"},
		{secretOf(t, a.Session, "break-it", "4. a client not in allowedClients · token"), "is not in allowedClients"},
		{secretOf(t, a.Session, "break-it", "5. an expired token · token"), "refused UnauthorizedException: expired at "},
		{secretOf(t, a.Session, "break-it", "6. a tampered payload · token"), "refused UnauthorizedException: Bearer token signature is invalid."},
		{secretOf(t, a.Session, "break-it", "7. a token from the other pool · token"), "is not the runtime's pool"},
		{"Bearer " + secretOf(t, a.Session, "break-it", "9. the right token · token"), "accepted: "},
	} {
		_, why, err := steps.TryToken(ctx, a.Env, c.token)
		if err != nil || !strings.Contains(why, c.want) {
			t.Errorf("TryToken(%.20q…) = %q, %v; want %q", c.token, why, err, c.want)
		}
	}
}
