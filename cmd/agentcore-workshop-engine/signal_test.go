//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalHelperEnv makes the test binary act as a workshop that is slow to
// wind down after Ctrl-C (TestSecondInterruptStops).
const signalHelperEnv = "AGENTCORE_WORKSHOP_SIGNAL_HELPER"

func init() {
	if os.Getenv(signalHelperEnv) != "1" {
		return
	}
	ctx, _ := signalContext(context.Background())
	fmt.Println("ready")
	<-ctx.Done()
	fmt.Println("cancelled")
	time.Sleep(time.Minute) // a stage that ignores its context
	os.Exit(0)
}

// The first Ctrl-C cancels the run; a second one must stop the process
// even when winding down takes long. signal.NotifyContext alone keeps
// catching (and ignoring) every later signal.
func TestSecondInterruptStops(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), signalHelperEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || strings.TrimSpace(lines.Text()) != want {
			t.Fatalf("helper said %q, want %q (%v)", lines.Text(), want, lines.Err())
		}
	}
	expect("ready")
	cmd.Process.Signal(os.Interrupt)
	expect("cancelled")

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The second interrupt may race the goroutine that restores the
	// default handling; repeat it until the process goes, for a while.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("helper ended with %v, want killed by SIGINT", err)
			}
			if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
				t.Fatalf("helper ended with %v, want killed by SIGINT", err)
			}
			return
		case <-tick.C:
		case <-deadline:
			t.Fatal("a second Ctrl-C did not stop the process")
		}
	}
}
