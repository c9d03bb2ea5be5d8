package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps/engine"
)

// ranThrough marks the fake's first n stages succeeded in run 1, as a
// workshop that has run them.
func ranThrough(eng *fakeEngine, n int) {
	for i, s := range eng.stages[:n] {
		eng.set(s.ID, func(st *engine.StageState) {
			st.Status, st.RunID = engine.Succeeded, 1
			st.StartedAt = t0.Add(time.Duration(i) * time.Minute)
			st.Elapsed = time.Second
		})
	}
}

// r names the stage and every stage that depends on it, says cloud
// resources stay, and resets only after y; n and esc keep everything.
func TestResetAsksNamingDependentsThenResets(t *testing.T) {
	eng := newFakeEngine()
	ranThrough(eng, 3)
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyDown) // 2 write-agent

	for _, no := range []tea.KeyPressMsg{keyRune('n'), keyEsc()} {
		h.press(keyRune('r'))
		v := plain(h)
		for _, want := range []string{"Reset 2 write-agent and its dependents 3 configure, 4 invoke-with-token?", "Cloud resources are left as they are", "y resets them"} {
			if !strings.Contains(v, want) {
				t.Errorf("confirmation lacks %q:\n%s", want, v)
			}
		}
		h.press(no)
		if len(eng.resets) != 0 {
			t.Fatalf("%q reset %v", no.String(), eng.resets)
		}
		if h.m.note.open || h.m.resetID != "" || h.m.status != resetKept {
			t.Errorf("after %q: box open %v, asking for %q, status %q", no.String(), h.m.note.open, h.m.resetID, h.m.status)
		}
	}

	h.press(keyRune('r'), keyRune('y'))
	if len(eng.resets) != 1 || eng.resets[0] != "write-agent" {
		t.Fatalf("Reset calls = %v, want [write-agent]", eng.resets)
	}
	h.pump()
	want := map[string]engine.Status{"provision-cognito": engine.Succeeded, "write-agent": engine.Pending, "configure": engine.Pending, "invoke-with-token": engine.Pending}
	for _, s := range h.m.stages {
		if s.Status != want[s.ID] {
			t.Errorf("after the reset %s is %v, want %v", s.ID, s.Status, want[s.ID])
		}
	}
	if h.m.status != "reset: 2 write-agent and its dependents 3 configure, 4 invoke-with-token" {
		t.Errorf("status = %q", h.m.status)
	}
	if v := plain(h); !strings.Contains(v, statusNotRun) || !strings.Contains(v, "✓  1 Provision Cognito") {
		t.Errorf("view after the reset does not show stage 2 as not run and stage 1 as done:\n%s", v)
	}
}

// While a stage runs, r refuses and asks nothing.
func TestResetRefusedWhileRunning(t *testing.T) {
	eng := newFakeEngine()
	ranThrough(eng, 1)
	h := onFirst(newHarness(t, eng, 120, 34))
	h.startRun("write-agent", 2)
	h.press(keyRune('r'))
	if h.m.note.open || h.m.resetID != "" || h.m.status != resetBusy {
		t.Errorf("r while running: box open %v, asking for %q, status %q", h.m.note.open, h.m.resetID, h.m.status)
	}
	if len(eng.resets) != 0 {
		t.Errorf("Reset called while running: %v", eng.resets)
	}
}

// A run that starts while the box is open wins: y then resets nothing.
func TestResetConfirmedAfterARunStartedDoesNothing(t *testing.T) {
	eng := newFakeEngine()
	ranThrough(eng, 2)
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('r'))
	h.startRun("configure", 2)
	h.press(keyRune('y'))
	if len(eng.resets) != 0 || h.m.status != resetBusy {
		t.Errorf("Reset calls %v, status %q: a reset confirmed during a run must not reach the engine", eng.resets, h.m.status)
	}
}
