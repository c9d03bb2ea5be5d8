package ui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps/engine"
)

// freshHarness offers n on stage 3 ("configure" in the fake engine) and
// counts the starts it asks for; refuse is what the start answers.
func freshHarness(t *testing.T, eng *fakeEngine, refuse error) (*harness, *int) {
	t.Helper()
	starts := new(int)
	h := newHarness(t, eng, 120, 34, WithFreshConsent("configure", func() error {
		*starts++
		return refuse
	}))
	return onFirst(h), starts
}

// n on the consent stage starts it with a fresh consent asked for, from a
// Cmd; elsewhere, while a stage runs, or without a runtime it says why not
// and starts nothing.
func TestFreshConsentKey(t *testing.T) {
	t.Run("on its stage", func(t *testing.T) {
		h, starts := freshHarness(t, newFakeEngine(), nil)
		h.press(keyDown, keyDown)
		if v := plain(h); !strings.Contains(v, "n consent again") {
			t.Errorf("the bar on the consent stage does not offer n:\n%s", v)
		}
		nm, cmd := h.m.Update(keyRune('n'))
		h.m = nm.(Model)
		if *starts != 0 {
			t.Fatal("the stage was started inside Update")
		}
		h.exec(cmd)
		if *starts != 1 || !h.m.follow {
			t.Errorf("%d starts (follow %v), want 1 that the UI follows", *starts, h.m.follow)
		}
		if want := "asking AgentCore Identity for a fresh consent (forceAuthentication)"; !strings.Contains(h.m.status, want) {
			t.Errorf("status %q, want %q", h.m.status, want)
		}
	})
	t.Run("refused", func(t *testing.T) {
		h, _ := freshHarness(t, newFakeEngine(), errors.New("stage 7 must succeed first"))
		h.press(keyDown, keyDown, keyRune('n'))
		if want := "can't ask for a fresh consent on 3 Configure: stage 7 must succeed first"; h.m.status != want {
			t.Errorf("status %q, want %q", h.m.status, want)
		}
	})
	for _, c := range []struct {
		name  string
		setup func(*fakeEngine)
		keys  []tea.KeyPressMsg
		want  string
	}{
		{"another stage", nil, []tea.KeyPressMsg{keyRune('n')}, "n asks for a fresh consent on stage 3 Configure: select it first"},
		{"while a stage runs", func(e *fakeEngine) {
			e.set("provision-cognito", func(s *engine.StageState) { s.Status, s.StartedAt = engine.Running, t0 })
		}, []tea.KeyPressMsg{keyDown, keyDown, keyRune('n')}, "a stage is running: wait for it, or press c to cancel it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			eng := newFakeEngine()
			if c.setup != nil {
				c.setup(eng)
			}
			h, starts := freshHarness(t, eng, nil)
			h.press(c.keys...)
			if h.m.status != c.want || *starts != 0 {
				t.Errorf("status %q with %d starts, want %q and none", h.m.status, *starts, c.want)
			}
			if strings.Contains(plain(h), "n consent again") {
				t.Errorf("n is offered where it does not act:\n%s", plain(h))
			}
		})
	}
	t.Run("no runtime", func(t *testing.T) {
		h := onFirst(newHarness(t, newFakeEngine(), 120, 34))
		h.press(keyDown, keyDown, keyRune('n'))
		if !strings.HasPrefix(h.m.status, "asking for a fresh consent needs the workshop's runtime") {
			t.Errorf("status %q", h.m.status)
		}
	})
	t.Run("full help", func(t *testing.T) {
		h := newHarness(t, newFakeEngine(), 120, 34)
		h.press(keyRune('?'))
		if v := plain(h); !strings.Contains(v, "n") || !strings.Contains(v, "consent again") {
			t.Errorf("full help lacks n:\n%s", v)
		}
	})
}
