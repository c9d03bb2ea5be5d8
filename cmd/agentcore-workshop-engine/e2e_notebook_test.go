package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"agentcore-workshop/internal/e2etest"
)

// scrollTo pages the focused pane down until want is on screen, a bounded
// number of times; each page waits for the screen to change.
func (s *tmuxSession) scrollTo(what, want string) string {
	s.t.Helper()
	scr := s.screen()
	for range 12 {
		if strings.Contains(scr, want) {
			return scr
		}
		before := scr
		s.keys("PageDown")
		scr = s.waitFor("the pane to scroll to "+what, func(now string) bool {
			return now != before || strings.Contains(now, want)
		})
	}
	if !strings.Contains(scr, want) {
		s.t.Fatalf("%s: %q not found after paging down; screen:\n%s", what, want, scr)
	}
	return scr
}

// cursorLine is the stage list's line with the cursor.
func cursorLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "│› ") {
			return l
		}
	}
	return ""
}

// A learner runs stages 1–7 in the terminal UI, quits, and comes back: the
// cursor is on the stage after 7, and stage 6's entry still holds its
// refusal card and its log, which the first process wrote.
func TestEndToEndTUIResumeKeepsTheNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the built program in tmux")
	}
	e2etest.Tool(t, "tmux", "tmux")
	bin := workshopBinary(t)
	ws := filepath.Join(t.TempDir(), "ws")
	cmd := fmt.Sprintf("%s run --workspace %s --sandbox-addr 127.0.0.1:0 --pace instant", bin, ws)

	s := startTmux(t, cmd)
	s.waitFor("the stage list", func(scr string) bool { return strings.Contains(scr, "1 Provision Cognito") })
	for n := 1; n <= 7; n++ {
		s.keys("Enter")
		s.waitFor(fmt.Sprintf("stage %d to succeed", n), func(scr string) bool {
			l := cursorLine(scr)
			i := strings.Index(l, fmt.Sprintf(" %d ", n))
			return i > 0 && strings.Contains(l[:i], "✓")
		})
		if n < 7 {
			s.keys("Down")
		}
	}
	// Leave the cursor elsewhere: the restart must find the next stage itself.
	for range 7 {
		s.keys("Up")
	}
	s.waitFor("the cursor on stage 1", func(scr string) bool { return strings.Contains(cursorLine(scr), " 1 Provision Cognito") })
	s.keys("q")
	s.waitFor("the program to exit", func(scr string) bool { return !strings.Contains(scr, "1 Provision Cognito") })

	s2 := startTmux(t, fmt.Sprintf("%s run --workspace %s", bin, ws))
	scr := s2.waitFor("the resumed stage list", func(scr string) bool { return strings.Contains(scr, "1 Provision Cognito") })
	if l := cursorLine(scr); !strings.Contains(l, " 8 ") || !strings.Contains(l, "○") {
		t.Fatalf("after stages 1–7 the cursor is not on stage 8, not yet run: %q\n%s", l, scr)
	}
	if !strings.Contains(scr, "stage 8 of ") {
		t.Errorf("the progress line does not say stage 8:\n%s", scr)
	}
	s2.keys("Up")
	s2.keys("Up")
	scr = s2.waitFor("stage 6's entry", func(scr string) bool { return strings.Contains(cursorLine(scr), " 6 ") })
	scr = s2.waitFor("stage 6's card", func(scr string) bool { return strings.Contains(scr, "refused, as it should be") })
	if !strings.Contains(scr, "refused, as it should be: AccessDeniedException") {
		t.Errorf("stage 6's card does not name the refusal:\n%s", scr)
	}
	s2.keys("Tab")
	s2.scrollTo("stage 6's log", "refused at the authorizer, before the agent ran")
	s2.keys("q")
}
