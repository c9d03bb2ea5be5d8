package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"

	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// The prompts the invoke stages send.
const (
	promptUnauthenticated = `{"prompt": "What is 2 + 2?"}`
	promptWithToken       = `{"prompt": "What is 12 * 7 + 3?"}`
)

type invokeUnauthenticated struct{}

// InvokeUnauthenticated is stage 6: call the runtime with the learner's
// AWS credentials (SigV4). A JWT runtime must refuse it.
func InvokeUnauthenticated(env *Env) engine.Stage {
	s := outlined(outline.InvokeUnauthenticatedID, env, invokeUnauthenticated{}.Run)
	s.Expect = &engine.Expectation{What: `AccessDeniedException "Authorization method mismatch…"`, Matches: isAuthMismatch}
	return s
}

// isAuthMismatch accepts the refusal a JWT runtime gives a SigV4 caller, in
// AWS's current wording or the older one.
func isAuthMismatch(err error) bool {
	var denied *dptypes.AccessDeniedException
	if !errors.As(err, &denied) {
		return false
	}
	m := denied.ErrorMessage()
	return strings.Contains(m, "Authorization method mismatch") || strings.Contains(m, "different authorization token type")
}

func (s invokeUnauthenticated) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	v, err := inputs(env, "launch", RuntimeARN)
	if err != nil {
		return Result{}, err
	}
	rep.Log("InvokeAgentRuntime (SigV4, signed with your AWS credentials) %s", v[RuntimeARN])
	out, err := env.Cloud.Data.InvokeAgentRuntime(ctx, &dp.InvokeAgentRuntimeInput{
		AgentRuntimeArn:  aws.String(v[RuntimeARN]),
		Qualifier:        aws.String("DEFAULT"),
		RuntimeSessionId: aws.String(newSessionID()),
		ContentType:      aws.String("application/json"),
		Accept:           aws.String("application/json"),
		Payload:          []byte(promptUnauthenticated),
	})
	if err == nil {
		body, _ := io.ReadAll(io.LimitReader(out.Response, 4096))
		out.Response.Close()
		rep.Log("← 200 %s", body)
		rep.Log("the runtime accepted SigV4: its inbound auth is not the JWT authorizer (was it launched by stage 4?)")
		return Result{}, nil
	}
	var res Result
	var denied *dptypes.AccessDeniedException
	if errors.As(err, &denied) {
		rep.Log("← 403 AccessDeniedException")
		rep.Log("  %s", denied.ErrorMessage())
		rep.Log("refused at the authorizer, before the agent ran: this runtime accepts only bearer JWTs")
		put := publisher(rep, &res)
		put(Value{Name: "refused with", Value: "403 AccessDeniedException"})
		put(Value{Name: "message", Value: denied.ErrorMessage()})
	} else {
		rep.Log("← %v", err)
	}
	return res, err
}

type invokeWithToken struct{}

// InvokeWithToken is stage 7: sign in again for a fresh access token and
// call the runtime with it as a bearer.
func InvokeWithToken(env *Env) engine.Stage {
	return outlined(outline.InvokeWithTokenID, env, invokeWithToken{}.Run)
}

func (s invokeWithToken) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	lv, err := inputs(env, "launch", RuntimeARN)
	if err != nil {
		return Result{}, err
	}
	var res Result
	put := publisher(rep, &res)
	token, err := freshAccessToken(ctx, env, rep)
	if err != nil {
		return res, err
	}
	put(Value{Name: AccessToken, Value: token, Secret: true, Kind: KindToken})
	tok, err := jwtx.Decode(token)
	if err != nil {
		return res, fmt.Errorf("decode the access token: %w", err)
	}
	exp, _ := tok.Expiry()

	// One session id for this stage and the next: stage 8 continues the
	// same conversation.
	session := newSessionID()
	inv, err := env.Cloud.InvokeWithBearer(ctx, lv[RuntimeARN], "DEFAULT", session, token, []byte(promptWithToken))
	if inv != nil {
		rep.Log("POST %s", inv.URL)
		rep.Log("  Authorization: Bearer %s", jwtx.Redact(token))
		rep.Log("← %d %s", inv.Status, inv.ContentType)
	}
	if err != nil {
		return res, err
	}
	answer := agentAnswer(inv.Body)
	rep.Log("%s", answer)
	echoed := inv.SessionID
	if echoed == "" {
		echoed = session
	}
	put(Value{Name: SessionID, Value: echoed})
	put(Value{Name: Response, Value: answer})
	put(Value{Name: "token expires", Value: exp.UTC().Format(time.RFC3339) + " (" + jwtx.Remaining(env.tr(), exp, env.clock().Now()) + ")"})
	put(Value{Name: "token client_id", Value: tok.String("client_id")})
	// The pages' CLI snippets continue this conversation with this token.
	_, err = updateEnvFile(env, rep, map[string]string{EnvToken: token, SessionID: echoed})
	return res, err
}

// freshAccessToken signs the test user in again: tokens expire, and a new
// one is the normal way to carry on.
func freshAccessToken(ctx context.Context, env *Env, rep Reporter) (string, error) {
	v, err := inputs(env, "provision-cognito", RuntimeClientID, RuntimeUsername, RuntimePassword)
	if err != nil {
		return "", err
	}
	rep.Log("InitiateAuth USER_PASSWORD_AUTH as %s (a fresh access token)", v[RuntimeUsername])
	out, err := env.Cloud.Cognito.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       ciptypes.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(v[RuntimeClientID]),
		AuthParameters: map[string]string{"USERNAME": v[RuntimeUsername], "PASSWORD": v[RuntimePassword]},
	})
	if err != nil {
		return "", fmt.Errorf("sign in as %s: %w", v[RuntimeUsername], err)
	}
	if out.AuthenticationResult == nil {
		return "", fmt.Errorf("sign in as %s: Cognito asked for challenge %s", v[RuntimeUsername], out.ChallengeName)
	}
	return aws.ToString(out.AuthenticationResult.AccessToken), nil
}

// newSessionID makes a runtime session id (AWS wants at least 33 chars).
func newSessionID() string {
	return "workshop-session-" + strings.ReplaceAll(uuid.NewString(), "-", "")
}

// agentAnswer pulls the text out of the agent's reply: {"response": …} in
// JSON, or the data frames of an event stream; anything else as is.
func agentAnswer(body []byte) string {
	text := strings.TrimSpace(string(body))
	if strings.HasPrefix(text, "data:") {
		var parts []string
		for _, line := range strings.Split(text, "\n") {
			if d, ok := strings.CutPrefix(line, "data:"); ok {
				parts = append(parts, agentAnswer([]byte(strings.TrimSpace(d))))
			}
		}
		return strings.Join(parts, "")
	}
	var doc struct {
		Response json.RawMessage `json:"response"`
	}
	if json.Unmarshal(body, &doc) == nil && len(doc.Response) > 0 {
		var s string
		if json.Unmarshal(doc.Response, &s) == nil {
			return s
		}
		return string(doc.Response)
	}
	var s string
	if json.Unmarshal(body, &s) == nil {
		return s
	}
	return text
}
