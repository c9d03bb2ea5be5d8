package steps_test

import (
	"context"
	"strings"
	"testing"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// consentRun is what one run of the consent stage showed.
type consentRun struct {
	url  string // the authorization URL shown, "" for none
	log  string // the run's kept log
	asks string // how many times the agent was invoked
}

func runConsent(t *testing.T, a *app.App) consentRun {
	t.Helper()
	if err := a.Runner.Run(context.Background(), steps.OAuthConsentID); err != nil {
		t.Fatal(err)
	}
	st := stageState(t, a, steps.OAuthConsentID)
	if st.Status != engine.Succeeded {
		t.Fatalf("consent %s: %s", st.Status, st.Err)
	}
	var r consentRun
	if v, ok := st.Result.Get(steps.AuthorizationURL); ok {
		r.url = v.Value
	}
	lines, err := a.Runner.LastLog(steps.OAuthConsentID)
	if err != nil {
		t.Fatal(err)
	}
	r.log = strings.Join(lines, "\n")
	r.asks = resultValue(t, st, "agent invocations")
	return r
}

// Consent can be shown again. Once the vault holds the user's token, a
// plain re-run of the consent stage reuses it and shows no authorization
// URL; asking for a fresh consent sends force_consent, agent.py's tool
// passes forceAuthentication to GetResourceOauth2Token, and AgentCore
// Identity starts a new 3LO flow: a second authorization URL, a second
// consent. The request holds for one run only.
func TestFreshConsentShowsTheConsentAgain(t *testing.T) {
	a := openWith(t, app.Options{AutoConsent: true})
	if err := a.Runner.RunUntil(context.Background(), "invoke-with-token"); err != nil {
		t.Fatal(err)
	}
	first := runConsent(t, a)
	if first.url == "" || first.asks != "2" {
		t.Fatalf("first consent: URL %q, %s invocations", first.url, first.asks)
	}

	again := runConsent(t, a)
	if again.url != "" || again.asks != "1" || !strings.Contains(again.log, "no consent needed: the vault already holds a token") ||
		!strings.Contains(again.log, "--force-consent") {
		t.Fatalf("re-run without the flag: URL %q, %s invocations, log:\n%s", again.url, again.asks, again.log)
	}
	if strings.Contains(again.log, "you asked to see the consent again") {
		t.Errorf("a plain re-run says it asked for a fresh consent:\n%s", again.log)
	}

	a.Env.AskFreshConsent()
	fresh := runConsent(t, a)
	if fresh.url == "" || fresh.url == first.url || fresh.asks != "2" {
		t.Fatalf("fresh consent: URL %q (first was %q), %s invocations, log:\n%s", fresh.url, first.url, fresh.asks, fresh.log)
	}
	for _, want := range []string{"force_consent: true", "forceAuthentication", "the agent needs your consent", "CompleteResourceTokenAuth bound it to you"} {
		if !strings.Contains(fresh.log, want) {
			t.Errorf("fresh consent's log lacks %q:\n%s", want, fresh.log)
		}
	}

	after := runConsent(t, a)
	if after.url != "" || after.asks != "1" {
		t.Errorf("the run after the fresh consent: URL %q, %s invocations (the request should hold for one run)", after.url, after.asks)
	}
}

// A withdrawn request (its run could not start) asks for nothing.
func TestFreshConsentWithdrawn(t *testing.T) {
	a := openWith(t, app.Options{AutoConsent: true})
	if err := a.Runner.RunUntil(context.Background(), steps.OAuthConsentID); err != nil {
		t.Fatal(err)
	}
	withdraw := a.Env.AskFreshConsent()
	withdraw()
	if r := runConsent(t, a); r.url != "" {
		t.Errorf("a withdrawn request still showed consent: %q", r.url)
	}
}
