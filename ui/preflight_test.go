package ui

import (
	"strings"
	"testing"
)

// The preflight's answer shows above stage 1's page, also when it comes
// after the page was drawn, and on no other stage's.
func TestPreflightShowsAboveStageOne(t *testing.T) {
	h := newHarness(t, newFakeEngine(), 120, 40)
	if v := plain(h); !strings.Contains(v, "user pool") || strings.Contains(v, "Before you start") {
		t.Fatalf("stage 1 without a preflight:\n%s", v)
	}
	h.send(preflightMsg{md: "## Before you start\n\n- ✓ **Credentials**: account 123456789012\n\n---\n\n"})
	v := plain(h)
	if !strings.Contains(v, "Before you start") || !strings.Contains(v, "account 123456789012") || !strings.Contains(v, "user pool") {
		t.Fatalf("stage 1 after the preflight answered:\n%s", v)
	}
	if strings.Index(v, "Before you start") > strings.Index(v, "user pool") {
		t.Errorf("the preflight is below the page:\n%s", v)
	}
	h.press(keyRune('j'))
	if v := plain(h); strings.Contains(v, "Before you start") || !strings.Contains(v, "ordinary code") {
		t.Errorf("stage 2 shows the preflight:\n%s", v)
	}
}

// WithPreflight runs the check once, at start; without one nothing runs.
func TestPreflightRunsOnceAtStart(t *testing.T) {
	calls := 0
	h := newHarness(t, newFakeEngine(), 120, 40, WithPreflight(func() string {
		calls++
		return "## Before you start\n\n- ✗ **Model**: not served here\n\n"
	}))
	if calls != 1 {
		t.Fatalf("check ran %d times, want once", calls)
	}
	if v := plain(h); !strings.Contains(v, "not served here") {
		t.Errorf("stage 1:\n%s", v)
	}
	if newHarness(t, newFakeEngine(), 120, 40, WithPreflight(nil)).m.preflightCmd() != nil {
		t.Error("a nil check makes a Cmd")
	}
}
