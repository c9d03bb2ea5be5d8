package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// promptExternal asks the agent for the tool that needs the user's consent.
const promptExternal = `{"prompt": "Please call the external service and show me my profile."}`

// consentTimeout is how long the stage waits for the learner to consent:
// the SDK's own polling gives up after 600 s too.
const consentTimeout = 10 * time.Minute

// maxConsentInvocations bounds the agent calls of one run of the stage:
// one to learn that consent is needed, one after the session is bound.
// The stage never polls the model: each call is a full model run on AWS.
const maxConsentInvocations = 2

// Names of the values the consent stage records.
const (
	AuthorizationURL  = "authorization URL"
	ExternalAnswer    = "external API answer"
	OutboundClaims    = "outbound token (as the agent saw it)"
	WorkloadToken     = "workload access token"
	BoundSession      = "bound session"
	InboundToken      = "inbound access token"
	DelegationChain   = "delegation chain"
	consentReturnURL  = "return URL"
	consentInvocation = "agent invocations"
)

type oauthConsent struct{}

// OAuthConsent is the consent stage: in the same session, the agent needs
// a token for an external service on the user's behalf. Its tool answers
// with an authorization URL; the user signs in and consents; AgentCore
// Identity sends the browser to the workshop's return URL with a
// session_id; the workshop binds that session to the user
// (CompleteResourceTokenAuth) and asks the agent once more, and the tool
// gets the token from the vault and reaches the external service.
func OAuthConsent(env *Env) engine.Stage {
	return outlined(OAuthConsentID, env, oauthConsent{}.Run)
}

// OAuthConsentID is the consent stage's id.
const OAuthConsentID = outline.OAuthConsentID

// AskFreshConsent asks that the consent stage's next run show the consent
// again although the vault holds the user's token. AgentCore Identity has
// no API that deletes a vaulted token; GetResourceOauth2Token's
// forceAuthentication ("always initiate a new 3LO flow, regardless of any
// existing session") is the one that makes it ask again, and agent.py
// passes it when the invocation's payload says force_consent. withdraw
// takes the request back, for a run that could not start.
func (e *Env) AskFreshConsent() (withdraw func()) {
	e.freshConsent.Store(true)
	return func() { e.freshConsent.Store(false) }
}

// takeFreshConsent reports whether a fresh consent was asked for, and
// clears the request: it holds for one run.
func (e *Env) takeFreshConsent() bool { return e.freshConsent.Swap(false) }

// consentPayload is the consent stage's invocation: promptExternal, plus
// agent.py's force_consent when the learner asked for a fresh consent.
func consentPayload(fresh bool) []byte {
	if !fresh {
		return []byte(promptExternal)
	}
	return []byte(strings.TrimSuffix(promptExternal, "}") + `, "` + agentpy.FreshConsentKey + `": true}`)
}

// toolOutcome is the external-service tool's structured result, as the
// workshop's agent.py returns it under "external_service" (the sandbox's
// stand-in returns the same object): internal/agent.Outcome's fields.
type toolOutcome struct {
	Status           string          `json:"status"`
	Provider         string          `json:"provider"`
	TokenSource      string          `json:"token_source"`
	TokenLength      int             `json:"token_length"`
	TokenClaims      map[string]any  `json:"token_claims"`
	AuthorizationURL string          `json:"authorization_url"`
	Error            string          `json:"error"`
	ExternalAPI      json.RawMessage `json:"external_api"`
}

// toolResult finds the "external_service" object in the agent's reply
// (JSON, or the last SSE frame that has one); nil when there is none.
func toolResult(body []byte) *toolOutcome {
	text := strings.TrimSpace(string(body))
	if strings.HasPrefix(text, "data:") {
		var last *toolOutcome
		for _, line := range strings.Split(text, "\n") {
			if d, ok := strings.CutPrefix(line, "data:"); ok {
				if o := toolResult([]byte(strings.TrimSpace(d))); o != nil {
					last = o
				}
			}
		}
		return last
	}
	var doc struct {
		ExternalService *toolOutcome `json:"external_service"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.ExternalService == nil || doc.ExternalService.Status == "" {
		return nil
	}
	return doc.ExternalService
}

func (s oauthConsent) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	lv, err := inputs(env, "launch", RuntimeID, RuntimeARN)
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
	put(Value{Name: InboundToken, Value: token, Secret: true, Kind: KindToken})

	// Where the browser comes back: the URL the runtime gives agent.py as
	// OAUTH2_RETURN_URL, which must be on the runtime's own workload
	// identity's list (the WAT the agent presents names that identity,
	// not the one configure made for local runs).
	rt, err := env.Cloud.Control.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(lv[RuntimeID])})
	if err != nil {
		return res, fmt.Errorf("read runtime %s: %w", lv[RuntimeID], err)
	}
	returnURL := rt.EnvironmentVariables[ReturnURLName]
	if returnURL == "" {
		returnURL = configuredReturnURL(env)
	}
	if rt.WorkloadIdentityDetails == nil || aws.ToString(rt.WorkloadIdentityDetails.WorkloadIdentityArn) == "" {
		return res, fmt.Errorf("runtime %s names no workload identity", lv[RuntimeID])
	}
	workload := workloadNameOf(aws.ToString(rt.WorkloadIdentityDetails.WorkloadIdentityArn))
	if err := allowReturnURL(ctx, env, rep, workload, returnURL); err != nil {
		return res, err
	}
	put(Value{Name: consentReturnURL, Value: returnURL})

	// The one-shot return-URL server binds the session with the very
	// token that invoked the agent: the runtime minted the agent's
	// workload access token from it, and CompleteResourceTokenAuth wants
	// the original artifact (bedrock-agentcore model: "The OAuth2.0 token
	// or user ID that was used to generate the workload access token").
	cb, err := consent.Listen(ctx, returnURL, func(ctx context.Context, sessionURI string) error {
		_, err := env.Cloud.Data.CompleteResourceTokenAuth(ctx, &dp.CompleteResourceTokenAuthInput{
			SessionUri: aws.String(sessionURI), UserIdentifier: &dptypes.UserIdentifierMemberUserToken{Value: token}})
		return err
	})
	if err != nil {
		return res, err
	}
	defer cb.Close()
	rep.Log("serving the return URL %s (one consent, then it closes)", returnURL)

	calls := 0
	ask := func(ctx context.Context, fresh bool) (*toolOutcome, string, error) {
		if calls == maxConsentInvocations {
			return nil, "", fmt.Errorf("the agent was asked %d times already", calls)
		}
		calls++
		out, err := env.Cloud.InvokeWithBearer(ctx, lv[RuntimeARN], "DEFAULT", session, token, consentPayload(fresh))
		if err != nil {
			return nil, "", err
		}
		return toolResult(out.Body), agentAnswer(out.Body), nil
	}
	fresh := env.takeFreshConsent()
	if fresh {
		rep.Log("you asked to see the consent again: the payload carries %s: true, so the agent's tool asks AgentCore Identity for a new consent (GetResourceOauth2Token with forceAuthentication), although the vault may hold your token", agentpy.FreshConsentKey)
	}
	rep.Log("asking the agent (same session %s) to call the external service", session)
	outcome, answer, err := ask(ctx, fresh)
	if err != nil {
		return res, err
	}
	if fresh && outcome != nil && outcome.Status == "connected" {
		return res, fmt.Errorf("asked for a fresh consent, the agent's tool still answered with the vault's token: its agent.py does not pass %s to force_authentication (run write-agent and launch again for the workshop's current agent.py)", agentpy.FreshConsentKey)
	}
	if outcome != nil && outcome.Status == "consent_required" {
		bound, err := s.consent(ctx, env, rep, put, cb, outcome.AuthorizationURL, cv)
		if err != nil {
			return res, err
		}
		put(Value{Name: BoundSession, Value: bound})
		rep.Log("asking the agent once more: the vault now holds your token for it")
		if outcome, answer, err = ask(ctx, false); err != nil {
			return res, err
		}
	} else if outcome != nil && outcome.Status == "connected" {
		rep.Log("no consent needed: the vault already holds a token for this user and this agent")
		rep.Log("to see the consent again, ask for a fresh one: n on this stage in the terminal UI, or run --headless --force-consent")
	}
	put(Value{Name: consentInvocation, Value: fmt.Sprint(calls)})
	if err := tokenEvidence(outcome, answer, cv[IdentityUsername]); err != nil {
		return res, withReturnURLHint(err, returnURL, workload)
	}
	s.showChain(ctx, env, rep, put, outcome, token, workload)
	return res, nil
}

// consent sends the learner (or, headless on the sandbox, the consent
// driver) to the authorization URL and waits for the browser to come back
// to the return URL and the session to be bound. It returns the session.
func (oauthConsent) consent(ctx context.Context, env *Env, rep Reporter, put func(Value), cb *consent.Callback, url string, cv map[string]string) (string, error) {
	if url == "" {
		return "", errors.New("the agent's tool needs consent but gave no authorization URL")
	}
	cb.Expect(consent.SessionOf(url))
	rep.Log("the agent needs your consent to act on your behalf")
	put(Value{Name: AuthorizationURL, Value: url, Kind: KindURL})
	put(Value{Name: "sign in as", Value: cv[IdentityUsername]})
	put(Value{Name: "password", Value: cv[IdentityPassword], Secret: true})
	if env.Consent != nil {
		rep.Log("completing the consent over HTTP, as a browser would (headless run on the sandbox)")
		if err := env.Consent(ctx, url, cv[IdentityUsername], cv[IdentityPassword]); err != nil {
			return "", fmt.Errorf("complete the consent: %w", err)
		}
	} else {
		rep.Log("press o to open it in your browser, sign in as %s (v shows the password) and consent", cv[IdentityUsername])
	}
	if err := waitForCallback(ctx, env, rep, cb.Done()); err != nil {
		return "", err
	}
	bound, err := cb.Result()
	if err != nil {
		return "", fmt.Errorf("bind the session to you (CompleteResourceTokenAuth): %w", err)
	}
	rep.Log("the browser came back with session %s; CompleteResourceTokenAuth bound it to you", bound)
	return bound, nil
}

// waitForCallback waits, counting down to consentTimeout, until the
// browser has come back to the return URL. It looks at a local channel
// only: the agent is not asked again while the learner consents.
func waitForCallback(ctx context.Context, env *Env, rep Reporter, done <-chan struct{}) error {
	err := poll(ctx, env, rep, wait{what: i18n.M("your consent"), first: 200 * time.Millisecond, max: time.Second, timeout: consentTimeout, countdown: true},
		func(context.Context) (bool, string, error) {
			select {
			case <-done:
				return true, "", nil
			default:
				return false, "", nil
			}
		})
	var timedOut *waitTimeout
	if errors.As(err, &timedOut) {
		return fmt.Errorf("no consent after %s: open the authorization URL, sign in and consent, then run this stage again", i18n.Printer{}.Duration(consentTimeout))
	}
	return err
}

// tokenEvidence is the stage's success rule: the agent's tool says it got
// a token from the vault, and the token is the outbound user's (its
// claims name them). When the tool reached an external service (the
// sandbox's external API), its answer must name the user too. The absence
// of an authorization URL proves nothing: the tool may have failed.
func tokenEvidence(o *toolOutcome, answer, outboundUser string) error {
	switch {
	case o == nil:
		return fmt.Errorf("the agent's reply carries no external_service result, so there is no evidence the tool ran (an agent.py older than this workshop? run write-agent and launch again); it answered: %s", answer)
	case o.Status == "failed":
		return fmt.Errorf("the agent's external-service tool failed: %s", o.Error)
	case o.Status != "connected":
		return fmt.Errorf("the agent got no token for the external service (tool status %q); it answered: %s", o.Status, answer)
	case o.TokenLength == 0:
		return errors.New("the agent's tool reports a connection but no token")
	}
	if user := claimString(o.TokenClaims, "username", "cognito:username"); user != outboundUser {
		return fmt.Errorf("the token the vault gave the agent is for %q, not the outbound user %s", user, outboundUser)
	}
	if len(o.ExternalAPI) > 0 {
		var api struct {
			User string `json:"user"`
		}
		if json.Unmarshal(o.ExternalAPI, &api) != nil || api.User != outboundUser {
			return fmt.Errorf("the external service answered for %q, not the outbound user %s: %s", api.User, outboundUser, o.ExternalAPI)
		}
	}
	return nil
}

func claimString(claims map[string]any, names ...string) string {
	for _, n := range names {
		if s, ok := claims[n].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// showChain records the delegation the agent walked, hop by hop: which
// token each hop carried, and which it never saw.
func (oauthConsent) showChain(ctx context.Context, env *Env, rep Reporter, put func(Value), o *toolOutcome, inbound, workload string) {
	tr := env.tr()
	inTok, _ := jwtx.Decode(inbound)
	put(Value{Name: DelegationChain, Value: strings.Join([]string{
		tr.Sprintf("1. you → runtime: your access token (sub %s, client_id %s) checked by the customJWTAuthorizer; it stops there",
			inTok.String("sub"), inTok.String("client_id")),
		tr.Sprintf("2. runtime → agent: a workload access token for (workload %s, you), minted from that JWT; the agent never gets your JWT", workload),
		tr.Sprintf("3. agent → token vault: the workload access token plus provider %s; the vault answered with your outbound token (%d characters)",
			o.Provider, o.TokenLength),
		tr.T("4. agent → external service: the outbound token only; the external service never sees your inbound token or the workload access token"),
	}, "\n")})

	// The workshop asks for a workload access token the way the runtime
	// did, so the learner can look at one: on AWS it is opaque.
	wat, err := env.Cloud.Data.GetWorkloadAccessTokenForJWT(ctx, &dp.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workload), UserToken: aws.String(inbound)})
	if err != nil {
		rep.Log("GetWorkloadAccessTokenForJWT (to show you one): %v", err)
	} else {
		put(Value{Name: WorkloadToken, Value: aws.ToString(wat.WorkloadAccessToken), Secret: true})
		rep.Log("a workload access token is opaque: no claims to decode, only AgentCore Identity can read it")
	}
	if b, err := json.Marshal(o.TokenClaims); err == nil && len(o.TokenClaims) > 0 {
		put(Value{Name: OutboundClaims, Value: string(b)})
	}
	if len(o.ExternalAPI) > 0 {
		put(Value{Name: ExternalAnswer, Value: string(o.ExternalAPI)})
		rep.Log("external API: %s", o.ExternalAPI)
	}
	if exp, ok := inTok.Expiry(); ok {
		put(Value{Name: "inbound token", Value: tr.Sprintf("only the runtime saw it (%s)", jwtx.Remaining(tr, exp, env.clock().Now()))})
	}
}
