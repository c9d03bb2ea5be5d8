package steps

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

func TestAllHasTheStagesInOrder(t *testing.T) {
	want := []struct{ id, title string }{
		{"provision-cognito", "Provision Cognito"},
		{"write-agent", "Write the agent"},
		{"configure", "Configure"},
		{"launch", "Launch"},
		{"wait-ready", "Wait until READY"},
		{"invoke-unauthenticated", "Invoke without a token"},
		{"invoke-with-token", "Invoke with a token"},
		{"break-it", "Break it"},
		{"oauth-consent", "OAuth consent"},
		{"machine-to-machine", "Machine to machine"},
		{"foreign-idp", "Foreign identity provider"},
		{"gateway", "Gateway"},
		{"cleanup", "Clean up"},
	}
	all := All(nil)
	if len(all) != len(want) {
		t.Fatalf("%d stages, want %d", len(all), len(want))
	}
	for i, w := range want {
		if all[i].ID != w.id || all[i].Title != w.title {
			t.Errorf("stage %d = %s %q, want %s %q", i+1, all[i].ID, all[i].Title, w.id, w.title)
		}
	}
}

// The stages All binds are the outline's, in its order, each with
// something to run: a front end that draws outline.Stages() shows the
// stages the engine runs.
func TestAllIsTheOutlineBound(t *testing.T) {
	all, want := All(&Env{}), outline.Stages()
	if len(all) != len(want) {
		t.Fatalf("All has %d stages, the outline %d", len(all), len(want))
	}
	for i, s := range all {
		w := want[i]
		if s.ID != w.ID || s.Title != w.Title || !slices.Equal(s.Requires, w.Requires) || s.Manual != w.Manual {
			t.Errorf("stage %d: All has %s %q requires %v manual %t, the outline %s %q requires %v manual %t",
				i+1, s.ID, s.Title, s.Requires, s.Manual, w.ID, w.Title, w.Requires, w.Manual)
		}
		if s.Run == nil {
			t.Errorf("stage %d (%s) has no Run", i+1, s.ID)
		}
		if w.Run != nil || w.Expect != nil {
			t.Errorf("the outline's stage %d (%s) runs or expects something: it must stay free of the cloud", i+1, w.ID)
		}
	}
}

func TestAllRequirements(t *testing.T) {
	want := map[string][]string{
		"configure":              {"provision-cognito", "write-agent"},
		"launch":                 {"configure"},
		"wait-ready":             {"launch"},
		"invoke-unauthenticated": {"wait-ready"},
		"invoke-with-token":      {"wait-ready"},
		"break-it":               {"invoke-with-token"},
		"oauth-consent":          {"invoke-with-token"},
		"machine-to-machine":     {"provision-cognito"},
		"foreign-idp":            {"wait-ready"},
		"cleanup":                nil,
	}
	for _, s := range All(nil) {
		w, listed := want[s.ID]
		if !listed {
			continue // stages 1-2 need nothing earlier
		}
		if got := s.Requires; !slices.Equal(got, w) {
			t.Errorf("%s requires %v, want %v", s.ID, got, w)
		}
	}
	// Every requirement names an earlier stage.
	seen := map[string]bool{}
	for _, s := range All(nil) {
		for _, need := range s.Requires {
			if !seen[need] {
				t.Errorf("%s requires %q, which is not an earlier stage", s.ID, need)
			}
		}
		seen[s.ID] = true
	}
}

func TestStageSixExpectsTheRefusal(t *testing.T) {
	exp := All(nil)[5].Expect
	if exp == nil {
		t.Fatal("stage 6 expects no error")
	}
	if exp.Matches(errors.New("boom")) || exp.Matches(nil) {
		t.Error("stage 6 accepts an arbitrary error or nil")
	}
	if exp.Matches(errors.New("operation error: ThrottlingException")) {
		t.Error("stage 6 accepts an unrelated error")
	}
	if exp.Matches(errors.New("AccessDeniedException: Authorization method mismatch.")) {
		t.Error("stage 6 accepts an untyped error that only looks like the refusal")
	}
	if exp.Matches(fmt.Errorf("wrapped: %w", &dptypes.AccessDeniedException{Message: aws.String("User is not authorized")})) {
		t.Error("stage 6 accepts an unrelated AccessDeniedException")
	}
	refusal := &dptypes.AccessDeniedException{Message: aws.String("Authorization method mismatch. The agent is configured for a different authorization method")}
	if !exp.Matches(fmt.Errorf("operation error Bedrock AgentCore: InvokeAgentRuntime: %w", refusal)) {
		t.Error("stage 6 rejects the refusal it teaches")
	}
}

func TestFreshWorkshopRefusesLaterStages(t *testing.T) {
	sess, err := session.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Session: sess, Dir: sess.Dir()}
	r := NewRunner(env, All(env))
	want := `stage 3 "Configure" needs stage 1 "Provision Cognito" to succeed first`
	if err := r.Start("configure"); err == nil || err.Error() != want {
		t.Errorf("Start(configure) = %v, want %q", err, want)
	}
	if c := All(nil)[len(All(nil))-1]; c.ID != "cleanup" || len(c.Requires) != 0 {
		t.Errorf("cleanup should always be runnable: it requires %v", c.Requires)
	}
	snap := r.Snapshot()
	for i, s := range snap {
		if s.Index != i+1 || s.Status != engine.Pending {
			t.Errorf("stage %d = %+v", i+1, s)
		}
	}
}
