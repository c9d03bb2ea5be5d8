package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/chromedp/chromedp"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/internal/sandbox/sandboxtest"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// signIn fills the hosted login page the way a person would, submits it,
// waits for the page that answers (the element landing names) and returns
// that page's text.
func signIn(t *testing.T, ctx context.Context, url, username, password, landing string) string {
	t.Helper()
	var text string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", username, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible(landing, chromedp.ByQuery),
		chromedp.Text("body", &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser sign-in (waiting for %s): %v", landing, err)
	}
	return text
}

func TestOAuthConsentInRealBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("short: drives a real Chromium through the tutorial")
	}
	e2etest.Tool(t, "chromium", "chromium") // skip before the stages run, not after
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatal(err)
	}
	username := value(t, a, "provision-cognito", steps.IdentityUsername)
	password, err := a.Runner.Secret("provision-cognito", steps.IdentityPassword)
	if err != nil {
		t.Fatal(err)
	}

	// Stage 8 runs as in the TUI: no consent driver, it waits for a person.
	events, stop := a.Runner.Subscribe()
	defer stop()
	if err := a.Runner.Start("oauth-consent"); err != nil {
		t.Fatal(err)
	}
	url := awaitValue(t, events, "authorization URL")
	bctx := e2etest.Chromium(t, 60*time.Second)

	// A wrong password shows an error on the page and stores no token.
	page := signIn(t, bctx, url, username, password+"-wrong", "#error")
	if !strings.Contains(page, "Incorrect username or password") {
		t.Fatalf("wrong password page:\n%s", page)
	}
	if answer := askExternal(t, a); !strings.Contains(answer, "/identities/oauth2/authorize?") {
		t.Fatalf("after a failed sign-in the agent got a token anyway: %q", answer)
	}

	// The right password goes through AgentCore Identity's callback to
	// the workshop's return URL, which binds the session
	// (CompleteResourceTokenAuth) and says so.
	page = signIn(t, bctx, url, username, password, "body:not(:has(#username))")
	if !strings.Contains(page, "Consent complete") || !strings.Contains(page, "CompleteResourceTokenAuth") {
		t.Fatalf("after signing in the browser shows:\n%s", page)
	}
	var landed string
	if err := chromedp.Run(bctx, chromedp.Location(&landed)); err != nil {
		t.Fatal(err)
	}
	returnURL := value(t, a, "configure", steps.ReturnURLName)
	if !strings.HasPrefix(landed, returnURL+"?session_id=") {
		t.Fatalf("the browser ended at %s, not the return URL %s", landed, returnURL)
	}
	a.Runner.Wait()
	st := stageState(t, a, "oauth-consent")
	if st.Status != engine.Succeeded {
		t.Fatalf("oauth-consent: %s %s", st.Status, st.Err)
	}
	answer, _ := st.Result.Get("external API answer")
	if !strings.Contains(answer.Value, username) {
		t.Fatalf("the external API's answer does not name the outbound user %s: %q", username, answer.Value)
	}
}

// awaitValue waits for a stage to publish the named value.
func awaitValue(t *testing.T, events <-chan engine.Event, name string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Kind == engine.EventValue && e.Value != nil && e.Value.Name == name {
				return e.Value.Value
			}
			if e.Kind == engine.EventFinished {
				t.Fatalf("stage %s finished (%s: %s) before publishing %s", e.StepID, e.Status, e.Err, name)
			}
		case <-timeout:
			t.Fatalf("no %s published", name)
		}
	}
}

// askExternal asks the agent for the external service in the same session,
// as stage 8 does.
func askExternal(t *testing.T, a *app.App) string {
	t.Helper()
	token := freshToken(t, a)
	inv, err := a.Cloud.InvokeWithBearer(context.Background(), value(t, a, "launch", steps.RuntimeARN), "DEFAULT",
		value(t, a, "invoke-with-token", steps.SessionID), token, []byte(`{"prompt": "call the external service"}`))
	if err != nil {
		t.Fatal(err)
	}
	return string(inv.Body)
}

// freshToken signs the inbound test user in, as the learner's app would.
func freshToken(t *testing.T, a *app.App) string {
	t.Helper()
	password, err := a.Runner.Secret("provision-cognito", steps.RuntimePassword)
	if err != nil {
		t.Fatal(err)
	}
	user := sandboxtest.User{Name: value(t, a, "provision-cognito", steps.RuntimeUsername), Password: password}
	tokens := sandboxtest.SignIn(t, context.Background(), a.Cloud.Cognito, value(t, a, "provision-cognito", steps.RuntimeClientID), user, nil)
	return aws.ToString(tokens.AccessToken)
}
