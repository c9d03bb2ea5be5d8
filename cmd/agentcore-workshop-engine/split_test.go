package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/internal/session"
)

// The learner's command without its engine says what is missing and how
// to build it, whatever the command, and exits 1; nothing is created.
func TestTheCommandWithoutItsEngineSaysHowToBuildIt(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the built program")
	}
	built, err := os.ReadFile(workshopBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "agentcore-workshop")
	if err := os.WriteFile(alone, built, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"status"}, {"run", "--headless"}, {"--help"}} {
		cmd := exec.Command(alone, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+t.TempDir()) // no engine on PATH either
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("%q: err = %v, want exit status 1; output %q", args, err, out)
		}
		if msg := string(out); !strings.Contains(msg, "agentcore-workshop-engine") || !strings.Contains(msg, "make build") {
			t.Errorf("%q: output %q does not name the engine and how to build it", args, msg)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the working directory got %d entries", len(entries))
	}
}

// The terminal UI draws before its engine reaches the target; when the
// engine cannot (here: the workspace's sandbox port is taken while its
// pools name it), the UI closes and says why, exit status 1.
func TestTUIClosesAndSaysWhyWhenItsEngineCannotConnect(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the built program in tmux")
	}
	e2etest.Tool(t, "tmux", "tmux")
	bin := workshopBinary(t)
	ws := filepath.Join(t.TempDir(), "ws")
	setup := exec.Command(bin, "run", "--headless", "--until", "provision-cognito", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0")
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	port := sess.Settings().SandboxPort
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	s := startTmux(t, fmt.Sprintf("%s run --workspace %s; echo EXIT=$?; sleep 60", bin, ws))
	scr := s.waitFor("the UI to close and say why", func(scr string) bool { return strings.Contains(scr, "EXIT=") })
	if !strings.Contains(scr, "EXIT=1") || !strings.Contains(scr, fmt.Sprintf("port %d is taken", port)) {
		t.Fatalf("want exit 1 and the taken port named; screen:\n%s", scr)
	}
}
