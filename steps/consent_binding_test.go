package steps_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/sandbox/sandboxtest"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// countingTransport counts the agent invocations that pass through it.
type countingTransport struct {
	next        http.RoundTripper
	invocations atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/invocations") {
		c.invocations.Add(1)
	}
	return c.next.RoundTrip(r)
}

// refuseHost is a browser that cannot reach one host:port: the consent
// stops in front of the workshop's return URL, as if the learner closed
// the tab there, so the test can play the other parties.
type refuseHost struct {
	next http.RoundTripper
	host string
}

func (r refuseHost) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == r.host {
		return nil, errors.New("test: the browser never reaches the return URL")
	}
	return r.next.RoundTrip(req)
}

// TestConsentStageBindsTheSession runs the consent stage as in the TUI
// (a person consents) and plays every party of AgentCore Identity's
// session binding against the sandbox: after consent the token waits for
// CompleteResourceTokenAuth; another user's completion is refused with
// AWS's error; a session the workshop did not start is not completed by
// its return URL; the stage asks the agent once before consent and once
// after, however long the learner takes.
func TestConsentStageBindsTheSession(t *testing.T) {
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatal(err)
	}
	counter := &countingTransport{next: a.Cloud.HTTP.Transport}
	if counter.next == nil {
		counter.next = http.DefaultTransport
	}
	a.Cloud.HTTP.Transport = counter

	events, stop := a.Runner.Subscribe()
	defer stop()
	if err := a.Runner.Start("oauth-consent"); err != nil {
		t.Fatal(err)
	}
	authURL := awaitValue(t, events, steps.AuthorizationURL)
	returnURL := value(t, a, "configure", steps.ReturnURLName)
	ret, err := url.Parse(returnURL)
	if err != nil {
		t.Fatal(err)
	}

	// The learner consents; the browser is sent to the return URL with the
	// session, but never gets there.
	browserClient := &http.Client{Transport: refuseHost{next: http.DefaultTransport, host: ret.Host}, Timeout: time.Minute}
	res, err := consent.Run(ctx, browserClient, authURL, value(t, a, "provision-cognito", steps.IdentityUsername),
		runnerSecret(t, a, "provision-cognito", steps.IdentityPassword))
	if err != nil {
		t.Fatal(err)
	}
	sessionURI := res.FinalURL.Query().Get("session_id")
	if !strings.HasPrefix(res.FinalURL.String(), returnURL+"?") || sessionURI == "" || sessionURI != consent.SessionOf(authURL) {
		t.Fatalf("the browser was sent to %s", res.FinalURL)
	}

	// Consent alone stores nothing: the agent still needs consent.
	before := counter.invocations.Load()
	if answer := askExternal(t, a); !strings.Contains(answer, "/identities/oauth2/authorize?") {
		t.Fatalf("the agent got a token before CompleteResourceTokenAuth: %s", answer)
	}

	// Another user cannot complete it: one signed in to the same inbound
	// pool with their own JWT, and a bare user id.
	mallory := sandboxtest.User{Name: "mallory", Password: "Mallory-Passw0rd!"}
	sandboxtest.AddUser(t, ctx, a.Cloud.Cognito, value(t, a, "provision-cognito", steps.RuntimePoolID), mallory)
	malloryJWT := aws.ToString(sandboxtest.SignIn(t, ctx, a.Cloud.Cognito, value(t, a, "provision-cognito", steps.RuntimeClientID), mallory, nil).AccessToken)
	for _, who := range []dptypes.UserIdentifier{
		&dptypes.UserIdentifierMemberUserToken{Value: malloryJWT},
		&dptypes.UserIdentifierMemberUserId{Value: "mallory"},
	} {
		_, err := a.Cloud.Data.CompleteResourceTokenAuth(ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
			SessionUri: aws.String(sessionURI), UserIdentifier: who})
		var denied *dptypes.AccessDeniedException
		if !errors.As(err, &denied) || denied.ErrorMessage() != "Invalid or expired session" {
			t.Fatalf("another user's CompleteResourceTokenAuth (%T): %v", who, err)
		}
	}
	if answer := askExternal(t, a); !strings.Contains(answer, "/identities/oauth2/authorize?") {
		t.Fatalf("the agent got a token after another user's completion: %s", answer)
	}
	ownCalls := counter.invocations.Load() - before

	// The stage waits without asking the agent: several rounds of its
	// countdown pass with no invocation of its own.
	for rounds := 0; rounds < 3; {
		select {
		case e := <-events:
			if e.Kind == engine.EventProgress {
				rounds++
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the stage shows no countdown while waiting for consent")
		}
	}
	if n := counter.invocations.Load() - ownCalls; n != 1 {
		t.Fatalf("the stage invoked the agent %d times while waiting for consent, want 1", n)
	}

	// A session the workshop did not start is not completed at its return
	// URL; the missing parameter gets the toolkit's answer.
	for _, tc := range []struct {
		query string
		code  int
	}{{"", http.StatusBadRequest}, {"?session_id=" + url.QueryEscape("urn:ietf:params:oauth:request_uri:someone-else"), http.StatusBadRequest}} {
		resp, err := http.Get(returnURL + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Fatalf("return URL%s answered %d, want %d", tc.query, resp.StatusCode, tc.code)
		}
	}

	// The browser gets there after all: the stage binds the session and
	// asks the agent once more.
	resp, err := http.Get(res.FinalURL.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("return URL with the session answered %d", resp.StatusCode)
	}
	a.Runner.Wait()
	st := stageState(t, a, "oauth-consent")
	if st.Status != engine.Succeeded {
		t.Fatalf("oauth-consent: %s %s", st.Status, st.Err)
	}
	if n := counter.invocations.Load() - ownCalls; n != 2 {
		t.Fatalf("the stage invoked the agent %d times, want 2 (one before consent, one after binding)", n)
	}
	if v, _ := st.Result.Get("agent invocations"); v.Value != "2" {
		t.Errorf("agent invocations recorded: %q", v.Value)
	}
	if v, _ := st.Result.Get(steps.BoundSession); v.Value != sessionURI {
		t.Errorf("bound session %q, want %q", v.Value, sessionURI)
	}
	outbound := value(t, a, "provision-cognito", steps.IdentityUsername)
	if v, _ := st.Result.Get(steps.ExternalAnswer); !strings.Contains(v.Value, fmt.Sprintf("%q", outbound)) {
		t.Errorf("external API answer %q does not name %s", v.Value, outbound)
	}
	chain, _ := st.Result.Get(steps.DelegationChain)
	for _, want := range []string{"customJWTAuthorizer", "workload access token", "token vault", "never sees your inbound token"} {
		if !strings.Contains(chain.Value, want) {
			t.Errorf("delegation chain lacks %q:\n%s", want, chain.Value)
		}
	}
	// Its return URL is one-shot: a replay finds nobody listening.
	if resp, err := http.Get(res.FinalURL.String()); err == nil {
		resp.Body.Close()
		t.Fatalf("return URL still served after the stage: %d", resp.StatusCode)
	}
}

// runnerSecret reads a stage's secret value through the runner.
func runnerSecret(tb testing.TB, a *app.App, stage, name string) string {
	tb.Helper()
	s, err := a.Runner.Secret(stage, name)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
