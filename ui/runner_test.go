package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// Small real stages for the real runner: no cloud, but real goroutines,
// real events, real cancellation, and a real session on disk.
var valuesStage = engine.Stage{ID: "make-values", Title: "Make values",
	Run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
		rep.Log("creating the pool")
		rep.Value(engine.Value{Name: "pool id", Value: "us-west-2_Runner42"})
		rep.Value(engine.Value{Name: "client secret", Value: "runner-secret-value", Secret: true})
		return engine.Result{}, nil
	}}

var blockingStage = engine.Stage{ID: "wait-forever", Title: "Wait forever",
	Run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
		rep.Log("waiting for the runtime")
		rep.Progress("polling", 1, 0)
		<-ctx.Done()
		return engine.Result{}, ctx.Err()
	}}

func TestWithRealRunner(t *testing.T) {
	sess, err := session.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := engine.NewRunner([]engine.Stage{valuesStage, blockingStage}, sess, engine.Options{})
	m := New(r, samplePage, testInfo, WithDarkBackground(true))
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(110, 32),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	wait := func(what string, cond func([]byte) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), cond, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	has := func(subs ...string) func([]byte) bool {
		return func(b []byte) bool {
			for _, s := range subs {
				if !bytes.Contains(b, []byte(s)) {
					return false
				}
			}
			return true
		}
	}
	wait("first frame", has("Make values", "Wait forever"))

	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("stage 1 done", has("✓", "us-west-2_Runner42", "••••••"))

	tm.Type("v")
	wait("secret shown", has("runner-secret-value"))

	tm.Type("a")
	wait("stage 2 running", has("waiting for the runtime", "polling"))

	tm.Type("c")
	wait("stage 2 cancelled", has("■ cancelled"))

	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if got := final.stages[1].Status; got != engine.Cancelled {
		t.Errorf("cancelled stage is %s in the UI, want cancelled", got)
	}
	if snap := r.Snapshot(); snap[0].Status != engine.Succeeded || snap[1].Status != engine.Cancelled {
		t.Errorf("runner states %s, %s", snap[0].Status, snap[1].Status)
	}
}
