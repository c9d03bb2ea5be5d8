// Command agentcore-workshop walks a learner through the Amazon Bedrock
// AgentCore Identity inbound-auth tutorial, against real AWS or an embedded
// offline sandbox.
//
// This is the learner's command and the terminal UI. It links no AWS SDK
// and no sandbox: Go initialises every linked package before main, and
// theirs alone took longer than this program may take to put the stage
// list on screen. It draws the UI from the workspace's saved state at once,
// then starts agentcore-workshop-engine, which runs the stages (and the
// embedded sandbox), as its child, and follows it (internal/remote). Every
// other command (status, cleanup, sandbox serve, run --headless, help, ...)
// is the engine's, handed over whole.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/charmbracelet/x/term"

	"agentcore-workshop/internal/gcpause"
	"agentcore-workshop/internal/runflags"
)

// engineName is the engine binary, which make build and go install put
// beside this one.
const engineName = "agentcore-workshop-engine"

func main() {
	os.Exit(realMain(context.Background(), os.Args[1:], os.Stderr))
}

func realMain(ctx context.Context, args []string, stderr io.Writer) int {
	enginePath, err := findEngine()
	if err != nil {
		gcpause.Resume()
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	runFlags := runArgs(args)
	run, ok := terminalRun(runFlags)
	if !ok {
		gcpause.Resume()
		return handOver(enginePath, args, stderr)
	}
	return runTUI(ctx, enginePath, run, runFlags, stderr)
}

// terminalRun reads runFlags (runArgs' answer) and reports whether they
// open the terminal UI here: the run command, no help asked, flags that
// parse and check, not --headless, and a terminal that can draw. Anything
// else is the engine's, which prints the help, the error, or the plain
// lines.
func terminalRun(args []string) (runflags.Run, bool) {
	if args == nil {
		return runflags.Run{}, false
	}
	r, code := runflags.Parse(args, io.Discard, os.Getenv)
	if code != 0 || r.Headless || os.Getenv("TERM") == "dumb" ||
		!term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return runflags.Run{}, false
	}
	return r, true
}

// runArgs returns the run command's flags in args ("run" and its flags, or
// flags alone), or nil for any other command. An empty slice is a run
// without flags.
func runArgs(args []string) []string {
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		if args[0] != "run" {
			return nil
		}
		args = args[1:]
	}
	if args == nil {
		args = []string{}
	}
	return args
}

// handOver replaces this process with the engine running the same command
// line, so it keeps this process's id, terminal and signals.
func handOver(enginePath string, args []string, stderr io.Writer) int {
	err := syscall.Exec(enginePath, append([]string{enginePath}, args...), os.Environ())
	fmt.Fprintf(stderr, "agentcore-workshop: run %s: %v\n", enginePath, err)
	return 1
}

// findEngine finds the engine beside this binary, else on PATH.
func findEngine() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		p := filepath.Join(filepath.Dir(exe), engineName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath(engineName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s, which runs the stages, is neither beside %s nor on PATH: build both with `make build` (or `go install ./cmd/...`)", engineName, exe)
}
