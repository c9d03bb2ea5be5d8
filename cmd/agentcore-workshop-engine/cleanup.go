package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/headless"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// cleanupCmd deletes every resource the workspace's ledger holds, whatever
// state the workshop is in (stages failed, interrupted, never run). It is
// stage 9 run on its own through the same runner, so the deletion code is
// the stage's and the outcome is recorded like any run of the stage. The
// exit status is 0 only when nothing is left.
func cleanupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := runflags.NewFlagSet("cleanup", stderr)
	var c runflags.Common
	c.Register(fs)
	if !runflags.ParseArgs(fs, args, stderr) {
		return 2
	}
	// Do not make a workspace just to find it empty.
	if noWorkspace(c.Workspace) {
		fmt.Fprintf(stdout, "no workspace at %s: nothing to clean up\n", c.Workspace)
		return 0
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	return withApp(ctx, commonOptions(c), stderr, func(a *app.App) int {
		installTestPause(a)
		fmt.Fprintln(stdout, placeLine(a.Session.Dir(), a.Session.Settings()))
		return cleanUp(ctx, a, stdout, stderr)
	})
}

// cleanUp runs the cleanup stage and prints what it removed and what it left.
func cleanUp(ctx context.Context, a *app.App, stdout, stderr io.Writer) int {
	st, err := runStage(ctx, a.Runner, steps.Cleanup(a.Env).ID, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	removed, _ := st.Result.Get(steps.CleanupRemoved)
	left, _ := st.Result.Get(steps.CleanupLeft)
	fmt.Fprintf(stdout, "removed: %s\n", orDash(removed.Value))
	if st.Status == engine.Succeeded {
		fmt.Fprintln(stdout, "nothing is left")
		return 0
	}
	if left.Value != "" && left.Value != "none" {
		fmt.Fprintln(stdout, "could not remove:")
		for _, l := range strings.Split(left.Value, "\n") {
			fmt.Fprintf(stdout, "  - %s\n", headless.Sanitize(l))
		}
	} else {
		fmt.Fprintf(stdout, "cleanup did not finish: %s\n", headless.Sanitize(st.Err))
	}
	fmt.Fprintln(stdout, "run `agentcore-workshop cleanup` again once the cause is fixed")
	return 1
}

// runStage runs one stage, printing its events as `run --headless` does,
// and returns the stage's final state. err is set only when the run could
// not start or its output could not be written.
func runStage(ctx context.Context, r *engine.Runner, id string, w io.Writer) (engine.StageState, error) {
	f, runErr, printErr := headless.Follow(r, w, func() error { return r.Run(ctx, id) })
	var ref *engine.RefusedError
	if errors.As(runErr, &ref) {
		return engine.StageState{}, runErr // nothing ran
	}
	if printErr != nil {
		return engine.StageState{}, printErr
	}
	for _, st := range f.Stages {
		if st.ID == id {
			return st, nil
		}
	}
	return engine.StageState{}, fmt.Errorf("no stage %q", id)
}
