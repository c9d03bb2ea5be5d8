package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/internal/app/apptest"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Stages 1–6 run for real against the embedded sandbox; then a fresh
// runner and UI over the same workspace (a restarted workshop) show stage
// 6's log, the refusal that teaches, not just its results.
func TestStageSixLogSurvivesARestart(t *testing.T) {
	ws := apptest.RanUntil(t, "invoke-unauthenticated")

	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	r := engine.NewRunner(outline.Stages(), sess, engine.Options{ReadOnly: true})
	m := New(r, nil, testInfo, WithDarkBackground(true))
	send := func(msg tea.Msg) {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	send(tea.WindowSizeMsg{Width: 200, Height: 60})
	for range len(m.stages) {
		send(keyUp)
	}
	for range 5 {
		send(keyDown)
	}
	if s, _ := m.selected(); s.ID != "invoke-unauthenticated" {
		t.Fatalf("selected %q, want stage 6", s.ID)
	}
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "refused at the authorizer, before the agent ran") {
		t.Errorf("stage 6's log is not on screen after a restart:\n%s", v)
	}
}
