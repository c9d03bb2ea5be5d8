package steps

import (
	"context"
	"strings"
	"time"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/jwtx"
)

// TryToken sends a token the learner brings (pasted in the UI, or given
// to `agentcore-workshop try-token`) to the runtime stage 4 launched, as
// a bearer, and says what the authorizer answered and why. It needs the
// launch and stage 1's values; it records nothing.
func TryToken(ctx context.Context, env *Env, token string) (Outcome, string, error) {
	lv, err := inputs(env, "launch", RuntimeARN)
	if err != nil {
		return Outcome{}, "", err
	}
	pv, err := inputs(env, "provision-cognito", RuntimePoolID, RuntimeClientID)
	if err != nil {
		return Outcome{}, "", err
	}
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bearer "))
	o, err := invokeBearer(ctx, env, lv[RuntimeARN], newSessionID(), token)
	if err != nil {
		return Outcome{}, "", err
	}
	rule := runtimeRule{issuer: env.Cloud.CognitoIssuer(pv[RuntimePoolID]), client: pv[RuntimeClientID]}
	return o, explain(env.tr(), o, token, rule, env.clock().Now()), nil
}

// runtimeRule is what the runtime's authorizer was configured with.
type runtimeRule struct{ issuer, client string }

// explain says, in one line and in tr's language, why the runtime
// answered o to token: the rule the token breaks, read off its own claims
// where they show it (AWS's messages for these refusals are not
// documented), else the authorizer's message. The accepted: and refused
// prefixes stay English, as in break-it's log.
func explain(tr i18n.Printer, o Outcome, token string, rule runtimeRule, now time.Time) string {
	if o.Accepted() {
		return tr.T("accepted: signature, issuer, expiry and client all check out")
	}
	why := diagnose(tr, token, rule, now)
	if why == "" {
		why = o.Message
	}
	return tr.Sprintf("refused %s: %s (%d %s)", o.Code, why, o.Status, o.Message)
}

// diagnose reads the broken rule off the token itself; "" when nothing
// visible is wrong (a bad signature does not show in the claims).
func diagnose(tr i18n.Printer, token string, rule runtimeRule, now time.Time) string {
	if token == "" {
		return tr.T("no token: a JWT runtime needs Authorization: Bearer <access token>")
	}
	tok, err := jwtx.Decode(token)
	if err != nil {
		return tr.Sprintf("not a JWT: %v", err)
	}
	if alg, _ := tok.Header["alg"].(string); alg != "RS256" {
		return tr.Sprintf("alg %q: only RS256-signed tokens are accepted", alg)
	}
	if iss := tok.String("iss"); iss != rule.issuer {
		return tr.Sprintf("issuer %s is not the runtime's pool %s: another pool or IdP signed it", iss, rule.issuer)
	}
	if exp, ok := tok.Expiry(); ok && now.After(exp) {
		return tr.Sprintf("expired at %s (%s)", exp.UTC().Format(time.RFC3339), jwtx.Remaining(tr, exp, now))
	}
	if tok.String("token_use") == "id" {
		return tr.T("an ID token: the runtime wants the access token (allowedClients checks client_id, which ID tokens lack)")
	}
	if c := tok.String("client_id"); c != rule.client {
		return tr.Sprintf("client_id %q is not in allowedClients [%s]", c, rule.client)
	}
	return ""
}
