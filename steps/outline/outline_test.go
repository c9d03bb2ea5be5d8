package outline

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A front end links the outline to draw the stage list before any cloud
// client exists; it must not bring the AWS SDK (whose init alone is most
// of a first frame's budget), the sandbox or the app with it.
func TestOutlineNeedsNoCloud(t *testing.T) {
	if testing.Short() {
		t.Skip("go list loads the module's package graph; not part of -short")
	}
	out, err := exec.Command("go", "list", "-deps", "agentcore-workshop/steps/outline").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 2 {
		t.Fatalf("go list -deps printed %q: not a package list", out)
	}
	for _, p := range deps {
		switch {
		case strings.HasPrefix(p, "github.com/aws/aws-sdk-go-v2/"),
			p == "agentcore-workshop/steps",
			strings.HasPrefix(p, "agentcore-workshop/internal/sandbox"),
			strings.HasPrefix(p, "agentcore-workshop/internal/cloud"),
			strings.HasPrefix(p, "agentcore-workshop/internal/app"):
			t.Errorf("the outline depends on %s", p)
		}
	}
}

func TestStagesAreTheTutorialsThirteenInOrder(t *testing.T) {
	want := []string{ProvisionCognitoID, WriteAgentID, ConfigureID, LaunchID, WaitReadyID,
		InvokeUnauthenticatedID, InvokeWithTokenID, BreakItID, OAuthConsentID,
		MachineToMachineID, ForeignIdPID, GatewayID, CleanupID}
	got := Stages()
	if len(got) != len(want) {
		t.Fatalf("%d stages, want %d", len(got), len(want))
	}
	seen := map[string]bool{}
	for i, s := range got {
		if s.ID != want[i] {
			t.Errorf("stage %d is %s, want %s", i+1, s.ID, want[i])
		}
		if s.Title == "" {
			t.Errorf("%s has no title", s.ID)
		}
		for _, need := range s.Requires {
			if !seen[need] {
				t.Errorf("%s requires %q, which is not an earlier stage", s.ID, need)
			}
		}
		if s.Manual != (s.ID == CleanupID) {
			t.Errorf("%s manual = %t: only cleanup is left out of running everything", s.ID, s.Manual)
		}
		seen[s.ID] = true
	}
}

// Each call builds its own list: one caller changing what it got (the
// runner keeps the slice) cannot change another's.
func TestStagesIsAFreshListEachCall(t *testing.T) {
	a := Stages()
	a[2].Title = "changed"
	a[2].Requires[0] = "changed"
	b := Stages()
	if b[2].Title != "Configure" || b[2].Requires[0] != ProvisionCognitoID {
		t.Errorf("a second call sees the first caller's change: %s %q requires %v", b[2].ID, b[2].Title, b[2].Requires)
	}
}

func TestStageFindsEachStage(t *testing.T) {
	for _, s := range Stages() {
		got := Stage(s.ID)
		if got.ID != s.ID || got.Title != s.Title || got.Manual != s.Manual || strings.Join(got.Requires, ",") != strings.Join(s.Requires, ",") {
			t.Errorf("Stage(%q) = %+v, want %+v", s.ID, got, s)
		}
	}
}

func TestStagePanicsOnAnUnknownID(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), `"no-such-stage"`) {
			t.Errorf("Stage of an unknown id recovered %v, want a panic naming it", r)
		}
	}()
	Stage("no-such-stage")
}

func TestTypicalOnAWSNamesOnlyStages(t *testing.T) {
	ids := map[string]bool{}
	for _, s := range Stages() {
		ids[s.ID] = true
	}
	for id := range typicalOnAWS {
		if !ids[id] {
			t.Errorf("a typical time for %q, which is no stage", id)
		}
	}
	if d, ok := TypicalOnAWS(LaunchID); !ok || d != 6*time.Minute {
		t.Errorf("TypicalOnAWS(launch) = %v, %t; want 6m0s (the CodeBuild build)", d, ok)
	}
	if _, ok := TypicalOnAWS(GatewayID); ok {
		t.Error("the gateway stage has a typical time on AWS; the facilitator notes give none, so it must be estimated")
	}
}
