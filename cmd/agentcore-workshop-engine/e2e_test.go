package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/steps/outline"
)

// tmuxSession drives the real binary in a real terminal.
type tmuxSession struct {
	t    *testing.T
	name string
}

func startTmux(t *testing.T, cmd string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, name: fmt.Sprintf("acw-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	// Each session gets a tmux server of its own (-L): a server whose last
	// session just ended is still shutting down, and a new session on it
	// can fail with "server exited unexpectedly".
	out, err := s.tmux("new-session", "-d", "-s", s.name, "-x", "120", "-y", "34", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { s.tmux("kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", s.name}, args...)...)
}

func (s *tmuxSession) screen() string {
	out, err := s.tmux("capture-pane", "-p", "-t", s.name).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	if out, err := s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys %v: %v\n%s", keys, err, out)
	}
}

// waitFor polls the screen until cond holds; it is a wait for a condition,
// bounded by a deadline, not a sleep standing in for one.
func (s *tmuxSession) waitFor(what string, cond func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		scr := s.screen()
		if cond(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stageLine returns the stage list's line for stage n.
func stageLine(screen string, n int, title string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, fmt.Sprintf("%d %s", n, title)) {
			return l
		}
	}
	return ""
}

func succeeded(screen string, n int, title string) bool {
	l := stageLine(screen, n, title)
	i := strings.Index(l, fmt.Sprintf("%d %s", n, title))
	return i > 0 && strings.Contains(l[:i], "✓")
}

func TestEndToEndTUIStagesOneTwoQuitResume(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the built program in tmux")
	}
	e2etest.Tool(t, "tmux", "tmux") // before the build, to skip (or fail) at once
	bin := workshopBinary(t)
	ws := filepath.Join(t.TempDir(), "ws")
	// The sandbox port is chosen freely on first start, then persisted:
	// the resumed run must come back on the same one.
	cmd := fmt.Sprintf("%s run --workspace %s --sandbox-addr 127.0.0.1:0", bin, ws)

	s := startTmux(t, cmd)
	s.waitFor("the stage list", func(scr string) bool { return strings.Contains(scr, "1 Provision Cognito") })
	s.keys("Enter")
	s.waitFor("stage 1 to succeed", func(scr string) bool { return succeeded(scr, 1, "Provision Cognito") })
	// The entry opens at its top; the claims are further down its results.
	s.keys("Tab")
	s.scrollTo("stage 1's results", "no aud claim")
	s.keys("Tab")
	s.keys("Down")
	s.keys("Enter")
	s.waitFor("stage 2 to succeed", func(scr string) bool { return succeeded(scr, 2, "Write the agent") })
	s.keys("q")
	s.waitFor("the program to exit", func(scr string) bool { return !strings.Contains(scr, "1 Provision Cognito") })

	for _, f := range []string{".agentcore_identity_user.env", "agent/agent.py", "agent/Dockerfile"} {
		if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
			t.Errorf("stage output %s missing: %v", f, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(ws, ".agentcore_identity_user.env")); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", fi.Mode().Perm())
	}

	// Resume: a new process shows both stages succeeded with their results.
	s2 := startTmux(t, fmt.Sprintf("%s run --workspace %s", bin, ws))
	s2.waitFor("resumed stages", func(scr string) bool {
		return succeeded(scr, 1, "Provision Cognito") && succeeded(scr, 2, "Write the agent")
	})
	s2.keys("q")

	out, err := exec.Command(bin, "status", "--json", "--workspace", ws).Output()
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	var doc struct {
		Stages []struct {
			ID, Status string
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if len(doc.Stages) != len(outline.Stages()) || doc.Stages[0].Status != "succeeded" || doc.Stages[1].Status != "succeeded" || doc.Stages[2].Status != "pending" {
		t.Fatalf("status after resume: %s", out)
	}
}
