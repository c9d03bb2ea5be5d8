package steps

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Names of break-it's results besides the experiments' own.
const (
	BreakItRefusals = "refusals" // "8 of 8 refused as they should be", say
)

// promptBreakIt is what every experiment asks the agent: it only answers
// when the authorizer lets the request through.
const promptBreakIt = `{"prompt": "What is 2 + 2?"}`

// sandboxExpiredTokenPath is the sandbox's endpoint (under a pool's
// issuer) that copies a valid access token into one that expired minutes
// ago, signed with the pool's real key: cognito.ExpiredTokenPath. Spelled
// out here so the stages do not import the emulator; the break-it test
// fails if the two drift apart (no expired token, no fifth refusal).
const sandboxExpiredTokenPath = "/_sandbox/expired-access-token"

type breakIt struct{}

// BreakIt is stage 8: requests against the live runtime, each with one
// thing wrong, and then the right one. Each refusal is shown beside the
// rule it broke. On AWS the experiments that send a forged token are
// skipped (they are the sandbox's), and the expired token is one saved
// from earlier, or skipped until one has expired.
func BreakIt(env *Env) engine.Stage {
	return outlined(outline.BreakItID, env, breakIt{}.Run)
}

// Outcome is the runtime's answer to one invoke: a refusal's status, AWS
// error code and message, or the agent's answer.
type Outcome struct {
	Status  int
	Code    string // "" when accepted
	Message string
	Answer  string // the agent's answer, when accepted
}

// Accepted reports whether the request reached the agent.
func (o Outcome) Accepted() bool { return o.Status/100 == 2 }

// refusal reports whether the answer is the authorizer's: 401 for a
// token that is not good, 403 for a good one the rule does not allow.
func (o Outcome) refusal() bool {
	return o.Status == http.StatusUnauthorized || o.Status == http.StatusForbidden
}

func (o Outcome) String() string { return o.text(i18n.Printer{}) }

// text is String in tr's language: the outcome's words translated, AWS's
// code and message and the agent's answer as they came.
func (o Outcome) text(tr i18n.Printer) string {
	if o.Accepted() {
		return tr.Sprintf("accepted · %d · %s", o.Status, o.Answer)
	}
	return tr.Sprintf("refused · %d %s · %s", o.Status, o.Code, o.Message)
}

// attempt is what one experiment sends: a bearer token ("" sends no
// Authorization header), or a SigV4-signed call.
type attempt struct {
	token string
	sigv4 bool
	skip  string // not run, and why
}

// experiment is one request with one thing wrong (or, last, nothing).
// Its title and rule are English messages (i18n.M), shown in the
// learner's language.
type experiment struct {
	title  string
	rule   string // the rule it breaks, in the learner's words
	forged bool   // sends a token nobody issued: the sandbox only
	accept bool   // the right token: must reach the agent
	make   func(ctx context.Context, k *breakKit) (attempt, error)
}

// breakKit is what the experiments build their requests from.
type breakKit struct {
	env     *Env
	rep     Reporter
	stageID string
	pool    map[string]string // stage 1's values
	access  string            // a fresh access token from the runtime's client
	idToken string            // and its ID token
}

func experiments() []experiment {
	return []experiment{
		{title: i18n.M("no token"), rule: i18n.M("a JWT runtime needs `Authorization: Bearer <access token>` on every call"),
			make: func(context.Context, *breakKit) (attempt, error) { return attempt{}, nil }},
		{title: i18n.M("SigV4 (AWS credentials)"), rule: i18n.M("one inbound method per runtime: this one takes bearer JWTs, not IAM signatures, however powerful the keys"),
			make: func(context.Context, *breakKit) (attempt, error) { return attempt{sigv4: true}, nil }},
		{title: i18n.M("the ID token"), rule: i18n.M("the runtime wants the access token: an ID token has `aud` and no `client_id`, and allowedClients checks `client_id`"),
			make: func(_ context.Context, k *breakKit) (attempt, error) { return attempt{token: k.idToken}, nil }},
		{title: i18n.M("a client not in allowedClients"), rule: i18n.M("allowedClients names only RUNTIME_CLIENT_ID; this token's `client_id` is another app client of the same pool"),
			make: func(ctx context.Context, k *breakKit) (attempt, error) {
				tok, err := k.otherClientToken(ctx)
				return attempt{token: tok}, err
			}},
		{title: i18n.M("an expired token"), rule: i18n.M("every token has an `exp`; after it, the signature still verifies but the token is dead"),
			make: func(ctx context.Context, k *breakKit) (attempt, error) { return k.expiredToken(ctx) }},
		{title: i18n.M("a tampered payload"), forged: true, rule: i18n.M("the signature covers header and payload: change one claim (username → admin) and it no longer verifies"),
			make: func(_ context.Context, k *breakKit) (attempt, error) {
				tok, err := tamper(k.access)
				return attempt{token: tok}, err
			}},
		{title: i18n.M("a token from the other pool"), rule: i18n.M("the runtime trusts one issuer, the pool at its discovery URL; this token is signed by the outbound pool's key"),
			make: func(ctx context.Context, k *breakKit) (attempt, error) {
				tok, err := k.otherPoolToken(ctx)
				return attempt{token: tok}, err
			}},
		{title: i18n.M("alg=none"), forged: true, rule: i18n.M("only RS256-signed tokens count: an unsigned token (alg none) proves nothing"),
			make: func(_ context.Context, k *breakKit) (attempt, error) {
				tok, err := unsigned(k.access)
				return attempt{token: tok}, err
			}},
		{title: i18n.M("the right token"), accept: true, rule: i18n.M("a fresh access token from RUNTIME_CLIENT_ID: signature, issuer, expiry and client all check out"),
			make: func(_ context.Context, k *breakKit) (attempt, error) { return attempt{token: k.access}, nil }},
	}
}

func (s breakIt) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	lv, err := inputs(env, "launch", RuntimeARN)
	if err != nil {
		return Result{}, err
	}
	pv, err := inputs(env, "provision-cognito", RuntimePoolID, RuntimeClientID, RuntimeUsername, RuntimePassword,
		IdentityPoolID, IdentityUsername, IdentityPassword)
	if err != nil {
		return Result{}, err
	}
	var res Result
	put := publisher(rep, &res)
	auth, err := signIn(ctx, env, pv[RuntimeClientID], pv[RuntimeUsername], pv[RuntimePassword])
	if err != nil {
		return res, err
	}
	k := &breakKit{env: env, rep: rep, stageID: "break-it", pool: pv,
		access: aws.ToString(auth.AccessToken), idToken: aws.ToString(auth.IdToken)}
	session := newSessionID()
	sandbox := env.Cloud.Target == cloud.Sandbox
	list := experiments()
	refused, tried := 0, 0 // refusals seen, of the wrong requests sent
	var failures []string
	tr := env.tr()
	for i, x := range list {
		n := i + 1
		// The learner's language throughout: the result names too, which
		// nothing reads back (the runner translates the progress label).
		title, rule := tr.T(x.title), "\n"+tr.Sprintf("rule: %s", tr.T(x.rule))
		label := fmt.Sprintf("%d. %s", n, title)
		rep.Progress(x.title, i, len(list))
		if x.forged && !sandbox {
			put(Value{Name: label, Value: tr.T("skipped: sandbox only (it sends a forged token, which the workshop does not send to AWS)") + rule})
			rep.Log("skipped: %s: sandbox only (a forged token)", title)
			continue
		}
		a, err := x.make(ctx, k)
		if err != nil {
			return res, fmt.Errorf("experiment %q: %w", x.title, err)
		}
		if a.skip != "" {
			put(Value{Name: label, Value: tr.Sprintf("skipped: %s", a.skip) + rule})
			rep.Log("skipped: %s: %s", title, a.skip)
			continue
		}
		if a.token != "" {
			put(Value{Name: label + " · " + tr.T("token"), Value: a.token, Secret: true, Kind: KindToken})
		}
		var o Outcome
		if a.sigv4 {
			o, err = invokeSigV4(ctx, env, lv[RuntimeARN])
		} else {
			o, err = invokeBearer(ctx, env, lv[RuntimeARN], session, a.token)
		}
		if err != nil {
			return res, fmt.Errorf("experiment %q: %w", x.title, err)
		}
		if !x.accept {
			tried++
		}
		put(Value{Name: label, Value: o.text(tr) + rule})
		switch {
		case x.accept && o.Accepted():
			rep.Log("accepted: %s: %s", title, o.Answer)
		case x.accept:
			rep.Log("refused %s: %s was refused (%d %s)", o.Code, title, o.Status, o.Message)
			failures = append(failures, fmt.Sprintf("%s was refused: %d %s %s", x.title, o.Status, o.Code, o.Message))
		case o.refusal():
			refused++
			rep.Log("refused %s: %s: %s (%d %s)", o.Code, title, tr.T(x.rule), o.Status, o.Message)
		case o.Accepted():
			rep.Log("accepted: %s: the authorizer let it through!", title)
			failures = append(failures, fmt.Sprintf("%s was accepted: the runtime's authorizer did not refuse it", x.title))
		default:
			rep.Log("answered %d %s: %s: not the authorizer's refusal (%s)", o.Status, o.Code, title, o.Message)
			failures = append(failures, fmt.Sprintf("%s: %d %s %s, not a 401 or 403 from the authorizer", x.title, o.Status, o.Code, o.Message))
		}
	}
	rep.Progress("done", len(list), len(list))
	put(Value{Name: BreakItRefusals, Value: tr.Sprintf("%d of %d refused as they should be", refused, tried)})
	if len(failures) > 0 {
		return res, fmt.Errorf("break-it: %s", strings.Join(failures, "; "))
	}
	return res, nil
}

// signIn signs a user in through an app client with USER_PASSWORD_AUTH.
func signIn(ctx context.Context, env *Env, clientID, username, password string) (*ciptypes.AuthenticationResultType, error) {
	out, err := env.Cloud.Cognito.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       ciptypes.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", username, err)
	}
	if out.AuthenticationResult == nil {
		return nil, fmt.Errorf("sign in as %s: Cognito asked for challenge %s", username, out.ChallengeName)
	}
	return out.AuthenticationResult, nil
}

// breakClient makes (through the ledger) a public app client that signs
// users in with a password, in pool, and signs username in with it.
func (k *breakKit) breakClient(ctx context.Context, pool, name, username, password string) (string, error) {
	c, err := poolClients.ensure(ctx, k.env, k.rep, k.stageID, clientSpec{&cip.CreateUserPoolClientInput{
		UserPoolId:        aws.String(pool),
		ClientName:        aws.String(name),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{ciptypes.ExplicitAuthFlowsTypeAllowUserPasswordAuth, ciptypes.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	}})
	if err != nil {
		return "", err
	}
	auth, err := signIn(ctx, k.env, c.ID, username, password)
	if err != nil {
		return "", err
	}
	return aws.ToString(auth.AccessToken), nil
}

// otherClientToken is the test user's access token from a second app
// client of the inbound pool: same issuer, same user, another client_id.
func (k *breakKit) otherClientToken(ctx context.Context) (string, error) {
	return k.breakClient(ctx, k.pool[RuntimePoolID], "BreakItClient-"+k.env.Session.Settings().Suffix,
		k.pool[RuntimeUsername], k.pool[RuntimePassword])
}

// otherPoolToken is the outbound pool's user's access token: a real
// token, signed by a real Cognito key, from the wrong issuer.
func (k *breakKit) otherPoolToken(ctx context.Context) (string, error) {
	return k.breakClient(ctx, k.pool[IdentityPoolID], "BreakItOtherPoolClient-"+k.env.Session.Settings().Suffix,
		k.pool[IdentityUsername], k.pool[IdentityPassword])
}

// expiredToken is an access token whose exp has passed: one saved by an
// earlier stage if any has expired, else (in the sandbox) a copy of the
// fresh one that the sandbox re-signs with the pool's real key and an exp
// in the past. On AWS, with no saved token expired yet, it is skipped.
func (k *breakKit) expiredToken(ctx context.Context) (attempt, error) {
	now := k.env.clock().Now()
	var soonest time.Time
	for _, stage := range []string{"provision-cognito", "invoke-with-token"} {
		res, err := prior(k.env, stage)
		if err != nil {
			continue
		}
		v, ok := res.Get(AccessToken)
		if !ok {
			continue
		}
		tok, err := jwtx.Decode(v.Value)
		if err != nil {
			continue
		}
		exp, ok := tok.Expiry()
		if !ok {
			continue
		}
		// A minute past exp is beyond any authorizer's clock leeway.
		if now.After(exp.Add(time.Minute)) {
			k.rep.Log("the access token stage %s saved expired at %s", stage, exp.UTC().Format(time.RFC3339))
			return attempt{token: v.Value}, nil
		}
		if soonest.IsZero() || exp.Before(soonest) {
			soonest = exp
		}
	}
	if k.env.Cloud.Target == cloud.Sandbox {
		tok, err := k.sandboxExpiredCopy(ctx)
		return attempt{token: tok}, err
	}
	tr := k.env.tr()
	why := tr.T("no token saved by an earlier stage has expired yet")
	if !soonest.IsZero() {
		why = tr.Sprintf("no saved token has expired yet: stage 1's expires at %s (%s); run break-it again after that",
			soonest.UTC().Format(time.RFC3339), jwtx.Remaining(tr, soonest, now))
	}
	return attempt{skip: why}, nil
}

// sandboxExpiredCopy asks the sandbox for an expired copy of the fresh
// access token (see sandboxExpiredTokenPath).
func (k *breakKit) sandboxExpiredCopy(ctx context.Context) (string, error) {
	u := k.env.Cloud.CognitoIssuer(k.pool[RuntimePoolID]) + sandboxExpiredTokenPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return "", fmt.Errorf("build the expired-token request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+k.access)
	resp, err := k.env.Cloud.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask the sandbox for an expired token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read the expired token: %w", err)
	}
	var doc struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &doc) != nil || doc.AccessToken == "" {
		return "", fmt.Errorf("the sandbox gave no expired token: %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	k.rep.Log("the sandbox re-signed a copy of the access token with the pool's own key, its exp minutes in the past")
	return doc.AccessToken, nil
}

// tamper changes one claim of a signed token and keeps its signature.
func tamper(token string) (string, error) {
	parts := strings.Split(token, ".")
	tok, err := jwtx.Decode(token)
	if err != nil || len(parts) != 3 {
		return "", fmt.Errorf("decode the access token: %w", err)
	}
	tok.Claims["username"] = "admin"
	payload, err := json.Marshal(tok.Claims)
	if err != nil {
		return "", fmt.Errorf("encode the tampered claims: %w", err)
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2], nil
}

// unsigned is the token's payload under an alg=none header, with no
// signature.
func unsigned(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("the access token is not a signed JWT")
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return header + "." + parts[1] + ".", nil
}

// invokeBearer sends one bearer invoke ("" sends no token) and returns
// the answer, refusal or not; err is for calls that got no answer.
func invokeBearer(ctx context.Context, env *Env, arn, session, token string) (Outcome, error) {
	inv, err := env.Cloud.InvokeWithBearer(ctx, arn, "DEFAULT", session, token, []byte(promptBreakIt))
	var ie *cloud.InvokeError
	if errors.As(err, &ie) {
		return Outcome{Status: ie.Status, Code: ie.Code, Message: ie.Message}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Status: inv.Status, Answer: oneLine(agentAnswer(inv.Body))}, nil
}

// oneLine joins an answer's lines, so each experiment stays one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// invokeSigV4 sends one invoke signed with the learner's AWS credentials.
func invokeSigV4(ctx context.Context, env *Env, arn string) (Outcome, error) {
	out, err := env.Cloud.Data.InvokeAgentRuntime(ctx, &dp.InvokeAgentRuntimeInput{
		AgentRuntimeArn:  aws.String(arn),
		Qualifier:        aws.String("DEFAULT"),
		RuntimeSessionId: aws.String(newSessionID()),
		ContentType:      aws.String("application/json"),
		Accept:           aws.String("application/json"),
		Payload:          []byte(promptBreakIt),
	})
	if err == nil {
		body, _ := io.ReadAll(io.LimitReader(out.Response, 4096))
		out.Response.Close()
		return Outcome{Status: http.StatusOK, Answer: oneLine(agentAnswer(body))}, nil
	}
	var api smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &api) || !errors.As(err, &re) {
		return Outcome{}, err
	}
	return Outcome{Status: re.HTTPStatusCode(), Code: api.ErrorCode(), Message: api.ErrorMessage()}, nil
}
