//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// The terminal UI and its engine are two processes (see serveui.go and
// internal/remote); these tests kill one of them, or the terminal, in the
// middle of a stage and check that nothing is lost or leaked: the stage is
// saved as not running, the workspace lock is free, no engine is left, and
// the next start shows the stage as it was saved and can run it again.
// They find the processes through /proc, hence linux only.

// crashStage is the stage the split crash tests pause in: the first, so
// the tests need no setup run.
const crashStage = "provision-cognito"

// pausedSplit is a terminal UI in tmux whose engine has paused mid-stage.
type pausedSplit struct {
	tmux      *tmuxSession
	bin, ws   string
	ui, eng   proc
	stageLine func(screen string) string
}

// startPausedSplit starts `agentcore-workshop run` in tmux with the pause
// hook set for crashStage, runs the stage until it pauses, and finds the UI
// process and its engine child.
func startPausedSplit(t *testing.T) *pausedSplit {
	t.Helper()
	if testing.Short() {
		t.Skip("short: kills the built program's processes in tmux")
	}
	e2etest.Tool(t, "tmux", "tmux")
	bin := workshopBinary(t)
	ws := filepath.Join(t.TempDir(), "ws")
	title := outline.Stages()[0].Title
	s := startTmux(t, fmt.Sprintf("%s=%s %s run --workspace %s --sandbox-addr 127.0.0.1:0; echo EXIT=$?; sleep 60",
		testPauseEnv, crashStage, bin, ws))
	s.waitFor("the stage list", func(scr string) bool { return stageLine(scr, 1, title) != "" })
	s.keys("Enter")
	s.waitFor("the stage to pause", func(scr string) bool { return strings.Contains(scr, testPauseLine) })

	p := &pausedSplit{tmux: s, bin: bin, ws: ws,
		stageLine: func(scr string) string { return stageLine(scr, 1, title) }}
	shell := paneProcess(t, s)
	p.ui = waitForChild(t, shell, func(argv []string) bool { return argv[0] == bin })
	p.eng = waitForChild(t, p.ui.pid, func(argv []string) bool { return len(argv) > 1 && argv[1] == "serve-ui" })
	// The kill lands mid-run: the engine holds the workspace with the
	// stage saved as running.
	if st := stageStatus(t, bin, ws, crashStage); st.Status != string(engine.Running) {
		t.Fatalf("stage %s while paused: %s, want running", crashStage, st.Status)
	}
	return p
}

// SIGKILL of the UI: the engine's request pipe ends, so it cancels the
// stage, saves it and exits, releasing the workspace; the next start shows
// the stage cancelled.
func TestSplitUIKilledMidStageEngineSavesAndExits(t *testing.T) {
	p := startPausedSplit(t)
	killed := time.Now()
	if err := syscall.Kill(p.ui.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.tmux.waitFor("the shell to see the UI die", func(scr string) bool { return strings.Contains(scr, "EXIT=137") })
	p.checkEngineWoundDown(t, killed)
	quitUI(t, p.resumeShows(t, "■", engine.Cancelled, engine.ErrMsgCancelled))
}

// SIGHUP (the terminal closes under both processes): the engine ignores
// it, the UI dies of it, and the engine winds down as when the UI is
// killed.
func TestSplitTerminalClosedMidStageEngineSavesAndExits(t *testing.T) {
	p := startPausedSplit(t)
	closed := time.Now()
	if out, err := p.tmux.tmux("kill-session", "-t", p.tmux.name).CombinedOutput(); err != nil {
		t.Fatalf("tmux kill-session: %v\n%s", err, out)
	}
	eventually(t, "the UI to go with its terminal", func() bool { return !p.ui.running() })
	p.checkEngineWoundDown(t, closed)
	quitUI(t, p.resumeShows(t, "■", engine.Cancelled, engine.ErrMsgCancelled))
}

// SIGKILL of the engine: the UI closes and says so, exit status 1, and
// lets the workspace go; the next start shows the stage interrupted and
// runs it again.
func TestSplitEngineKilledMidStageUIClosesAndSaysSo(t *testing.T) {
	p := startPausedSplit(t)
	if err := syscall.Kill(p.eng.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	scr := p.tmux.waitFor("the UI to close", func(scr string) bool { return strings.Contains(scr, "EXIT=") })
	if !strings.Contains(scr, "EXIT=1") || !strings.Contains(scr, "engine stopped") {
		t.Fatalf("want exit status 1 and the engine's stop said; screen:\n%s", scr)
	}
	eventually(t, "the UI process to be gone", func() bool { return !p.ui.running() })
	checkLockFree(t, p.ws)

	s := p.resumeShows(t, "✗", engine.Failed, engine.ErrMsgInterrupted)
	s.waitFor("the interruption said", func(scr string) bool { return strings.Contains(scr, "interrupted") })
	s.keys("Enter")
	s.waitFor("the stage to run again and succeed", func(scr string) bool { return succeeded(scr, 1, outline.Stages()[0].Title) })
	quitUI(t, s)
	if st := stageStatus(t, p.bin, p.ws, crashStage); st.Status != string(engine.Succeeded) {
		t.Fatalf("stage %s after running it again: %s %q, want succeeded", crashStage, st.Status, st.Err)
	}
}

// checkEngineWoundDown checks that the engine, its UI gone, exits within
// a bound and leaves the workspace unlocked; since is when the UI was
// killed.
func (p *pausedSplit) checkEngineWoundDown(t *testing.T, since time.Time) {
	t.Helper()
	eventually(t, fmt.Sprintf("the engine (pid %d) to exit", p.eng.pid), func() bool { return !p.eng.running() })
	checkLockFree(t, p.ws)
	t.Logf("the engine wound down and let the workspace go %v after its UI was killed", time.Since(since).Round(time.Millisecond))
}

// resumeShows checks the saved stage (status --json) and that a new
// terminal UI on the workspace shows it with icon, not running; it
// returns that UI's tmux session, for the caller to quit (quitUI).
func (p *pausedSplit) resumeShows(t *testing.T, icon string, status engine.Status, msg string) *tmuxSession {
	t.Helper()
	if st := stageStatus(t, p.bin, p.ws, crashStage); st.Status != string(status) || st.Err != msg {
		t.Fatalf("stage %s saved as %s %q, want %s %q", crashStage, st.Status, st.Err, status, msg)
	}
	s := startTmux(t, fmt.Sprintf("%s run --workspace %s; echo EXIT=$?; sleep 60", p.bin, p.ws))
	s.waitFor("the stage shown "+string(status), func(scr string) bool {
		l := p.stageLine(scr)
		i := strings.Index(l, "1 ")
		return i > 0 && strings.Contains(l[:i], icon)
	})
	return s
}

// quitUI quits the terminal UI in s and waits until it has exited, its
// engine with it (before the test's temporary directory goes).
func quitUI(t *testing.T, s *tmuxSession) {
	t.Helper()
	s.keys("q")
	s.waitFor("the UI to quit", func(scr string) bool { return strings.Contains(scr, "EXIT=0") })
}

// checkLockFree checks, within a bound, that the workspace can be locked.
func checkLockFree(t *testing.T, ws string) {
	t.Helper()
	sess, err := session.OpenUnsaved(ws)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the workspace lock to be free", func() bool {
		unlock, err := sess.Lock()
		if err != nil {
			return false
		}
		unlock()
		return true
	})
}

// eventually polls cond until it holds, failing the test after 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proc is a process found in /proc, named by its pid and its start time
// so that a pid reused by another process is not taken for it.
type proc struct {
	pid   int
	start string
}

// stat returns the process's state letter and start time.
func stat(pid int) (state byte, start string, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", err
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 20 {
		return 0, "", fmt.Errorf("/proc/%d/stat: %q", pid, b)
	}
	return f[0][0], f[19], nil // fields 3 and 22 of proc(5)
}

// running reports whether the process still runs: not gone, not a zombie
// (exited, not yet reaped by whoever adopted it).
func (p proc) running() bool {
	state, start, err := stat(p.pid)
	return err == nil && start == p.start && state != 'Z' && state != 'X'
}

// children returns the pids of pid's child processes (a child is listed
// under the thread that started it).
func children(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// waitForChild returns the child of parent whose arguments match.
func waitForChild(t *testing.T, parent int, match func(argv []string) bool) proc {
	t.Helper()
	var found proc
	eventually(t, fmt.Sprintf("a child of pid %d", parent), func() bool {
		for _, pid := range children(parent) {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			argv := strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
			if err != nil || len(argv) == 0 || !match(argv) {
				continue
			}
			if _, start, err := stat(pid); err == nil {
				found = proc{pid: pid, start: start}
				return true
			}
		}
		return false
	})
	return found
}

// paneProcess returns the pid of the shell tmux runs the command in.
func paneProcess(t *testing.T, s *tmuxSession) int {
	t.Helper()
	out, err := s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}").Output()
	if err != nil {
		t.Fatalf("tmux pane_pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("tmux pane_pid %q: %v", out, err)
	}
	return pid
}
