package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"agentcore-workshop/steps/engine"
)

// scriptedEngine emits a stage's first events as soon as Start is called,
// as the runner does from its own goroutine.
type scriptedEngine struct{ *fakeEngine }

func (s scriptedEngine) Start(id string) error {
	if err := s.fakeEngine.Start(id); err != nil {
		return err
	}
	s.setBusy(true)
	s.set(id, func(st *engine.StageState) { st.Status, st.StartedAt = engine.Running, time.Now() })
	s.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: 7, Time: time.Now()})
	s.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 7, Line: "calling CreateUserPool"})
	return nil
}

func TestProgramRunsStageEndToEnd(t *testing.T) {
	eng := scriptedEngine{newFakeEngine()}
	m := New(eng, samplePage, testInfo, WithDarkBackground(true))
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))

	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("Provision Cognito")) && bytes.Contains(b, []byte("not run yet"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))

	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("running")) && bytes.Contains(b, []byte("calling CreateUserPool")) &&
			bytes.ContainsAny(b, "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))

	res := engine.Result{Values: []engine.Value{{Name: "user pool id", Value: "us-west-2_Teatest1"}}}
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status, s.Elapsed, s.Result = engine.Succeeded, 2*time.Second, res
	})
	eng.setBusy(false)
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 7, Status: engine.Succeeded, Elapsed: 2 * time.Second, Result: &res})
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: "provision-cognito", RunID: 7, Status: engine.Succeeded})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("✓")) && bytes.Contains(b, []byte("us-west-2_Teatest1"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))

	tm.Type("q")
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a ui.Model")
	}
	if s := final.stages[0]; s.Status != engine.Succeeded {
		t.Errorf("stage 1 ended %s, want succeeded", s.Status)
	}
	if got := eng.startCalls(); len(got) != 1 || got[0] != "provision-cognito" {
		t.Errorf("Start calls = %v", got)
	}
}
