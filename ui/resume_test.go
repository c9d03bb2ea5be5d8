package ui

import (
	"testing"

	"agentcore-workshop/steps/engine"
)

// A learner coming back lands on the next stage to run, or on the one that
// failed or was interrupted, and the quit message names it.
func TestResumeSelectsWhereTheLearnerLeftOff(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status map[string]engine.Status
		want   string
		next   string
	}{
		{"fresh", nil, "provision-cognito", "next: stage 1 Provision Cognito"},
		{"two done", map[string]engine.Status{"provision-cognito": engine.Succeeded, "write-agent": engine.Succeeded},
			"configure", "next: stage 3 Configure"},
		{"one failed", map[string]engine.Status{"provision-cognito": engine.Succeeded, "write-agent": engine.Succeeded,
			"invoke-with-token": engine.Failed}, "invoke-with-token", "next: stage 4 Invoke with token (it failed: run it again)"},
		{"all done", map[string]engine.Status{"provision-cognito": engine.Succeeded, "write-agent": engine.Succeeded,
			"configure": engine.Succeeded, "invoke-with-token": engine.Succeeded}, "provision-cognito", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newFakeEngine()
			for id, st := range tc.status {
				eng.set(id, func(s *engine.StageState) { s.Status = st })
			}
			h := newHarness(t, eng, 100, 30)
			if s, _ := h.m.selected(); s.ID != tc.want {
				t.Errorf("cursor on %q, want %q", s.ID, tc.want)
			}
			if got := h.m.Next(eng.Snapshot()); got != tc.next {
				t.Errorf("quit message %q, want %q", got, tc.next)
			}
		})
	}
}
