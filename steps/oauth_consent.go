package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
)

// promptExternal asks the agent for the tool that needs the user's consent.
const promptExternal = `{"prompt": "Please call the external service and show me my profile."}`

// consentTimeout is how long stage 8 waits for the learner to consent:
// the SDK's own polling gives up after 600 s too.
const consentTimeout = 10 * time.Minute

// authURLPattern finds AgentCore Identity's authorization URL in the
// agent's answer (on AWS and in the sandbox alike).
var authURLPattern = regexp.MustCompile(`https?://[^\s"'<>]+/identities/oauth2/authorize\?[^\s"'<>]+`)

// tokenEvidence is how the agent says its tool got a token: the sandbox's
// stand-in ("Authenticated to the external service.") and the workshop's
// agent.py on AWS ("Connected to the external service (token of N
// characters").
var tokenEvidence = regexp.MustCompile(`Authenticated to the external service\.|Connected to the external service \(token of \d+ characters`)

type oauthConsent struct{}

// OAuthConsent is stage 8: in the same session, the agent needs a token for
// an external service on the user's behalf. The first answer is an
// authorization URL; after the user signs in and consents, the next call
// gets the token from the vault and reaches the external API.
func OAuthConsent(env *Env) engine.Stage {
	return engine.Stage{ID: "oauth-consent", Title: "OAuth consent", Requires: []string{"invoke-with-token"}, Run: bind(env, oauthConsent{}.Run)}
}

func (s oauthConsent) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	lv, err := inputs(env, "launch", RuntimeARN)
	if err != nil {
		return Result{}, err
	}
	iv, err := inputs(env, "invoke-with-token", SessionID)
	if err != nil {
		return Result{}, err
	}
	cv, err := inputs(env, "provision-cognito", IdentityUsername, IdentityPassword)
	if err != nil {
		return Result{}, err
	}
	var res Result
	put := publisher(rep, &res)
	token, err := freshAccessToken(ctx, env, rep)
	if err != nil {
		return res, err
	}
	session := iv[SessionID]
	put(Value{Name: SessionID, Value: session})

	ask := func(ctx context.Context) (string, error) {
		out, err := env.Cloud.InvokeWithBearer(ctx, lv[RuntimeARN], "DEFAULT", session, token, []byte(promptExternal))
		if err != nil {
			return "", err
		}
		return agentAnswer(out.Body), nil
	}
	rep.Log("asking the agent (same session %s) to call the external service", session)
	answer, err := ask(ctx)
	if err != nil {
		return res, err
	}
	url := authURLPattern.FindString(answer)
	if url == "" {
		rep.Log("no consent needed: the vault already holds a token for this user and this agent")
	} else {
		rep.Log("the agent needs your consent to act on your behalf")
		put(Value{Name: "authorization URL", Value: url, Kind: KindURL})
		put(Value{Name: "sign in as", Value: cv[IdentityUsername]})
		put(Value{Name: "password", Value: cv[IdentityPassword], Secret: true})
		if env.Consent != nil {
			rep.Log("completing the consent over HTTP, as a browser would (headless run on the sandbox)")
			if err := env.Consent(ctx, url, cv[IdentityUsername], cv[IdentityPassword]); err != nil {
				return res, fmt.Errorf("complete the consent: %w", err)
			}
		} else {
			rep.Log("press o to open it in your browser, sign in as %s (v shows the password) and consent", cv[IdentityUsername])
		}
		answer, err = waitForConsent(ctx, env, rep, ask)
		if err != nil {
			return res, err
		}
	}
	if !tokenEvidence.MatchString(answer) {
		// No URL is not success: the tool may have failed (a provider
		// that does not exist, say), and the agent said so.
		return res, fmt.Errorf("the agent got no token for the external service; it answered: %s", answer)
	}
	rep.Log("%s", answer)
	put(Value{Name: "external API answer", Value: answer})
	if tok, err := jwtx.Decode(token); err == nil {
		if exp, ok := tok.Expiry(); ok {
			put(Value{Name: "inbound token", Value: "still only the runtime saw it (" + jwtx.Remaining(exp, env.clock().Now()) + ")"})
		}
	}
	return res, nil
}

// waitForConsent asks the agent again until its answer no longer needs
// consent, counting down to consentTimeout. Cancelling the stage stops it.
func waitForConsent(ctx context.Context, env *Env, rep Reporter, ask func(context.Context) (string, error)) (string, error) {
	var answer string
	err := poll(ctx, env, rep, wait{what: "your consent", first: 200 * time.Millisecond, max: 3 * time.Second, timeout: consentTimeout, countdown: true},
		func(ctx context.Context) (bool, string, error) {
			var err error
			answer, err = ask(ctx)
			return err == nil && !authURLPattern.MatchString(answer), "", err
		})
	var timedOut *waitTimeout
	if errors.As(err, &timedOut) {
		return "", fmt.Errorf("no consent after %s: open the authorization URL, sign in and consent, then run this stage again", consentTimeout)
	}
	if err != nil {
		return "", err
	}
	rep.Log("consent received: the agent got its token from the vault")
	return answer, nil
}
