package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/doctor"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/remote"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/steps"
)

// serveUICmd runs the stages for the terminal UI of the agentcore-workshop
// that started this process (serve-ui is not for people): it takes over
// the workspace the UI locked, starts the sandbox or reaches AWS, and
// serves the UI's requests over the pipes it was handed until the UI
// closes them, then finishes a run in progress (cancelled, and saved) and
// exits. args are the UI's run flags.
func serveUICmd(ctx context.Context, args []string, stderr io.Writer) int {
	pipes, ok, err := remote.ChildPipes()
	if !ok {
		fmt.Fprintln(stderr, "agentcore-workshop-engine serve-ui is started by agentcore-workshop for its terminal UI: run `agentcore-workshop run`")
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop-engine: %v\n", err)
		return 2
	}
	fatal := func(err error) int {
		remote.SayFatal(pipes.Out, err)
		return 1
	}
	// The UI owns the terminal: a hangup or an interrupt is for it, and it
	// closes the pipes, on which this process winds down in order.
	signal.Ignore(syscall.SIGHUP, os.Interrupt)
	r, code := runflags.Parse(args, stderr, os.Getenv)
	if code != 0 {
		return fatal(fmt.Errorf("the engine could not read the run flags %q", args))
	}
	o, err := runOptions(r)
	if err != nil {
		return fatal(err)
	}
	o.HeldLock = pipes.Lock
	a, err := app.OpenLocal(ctx, o)
	if err != nil {
		return fatal(err)
	}
	defer a.Close(context.Background())
	installTestPause(a) // test-only; see testpause.go
	if err := a.Connect(ctx); err != nil {
		return fatal(fmt.Errorf("connect to the %s target: %w", a.Target, err))
	}
	x := remote.Extras{
		TryToken: func(ctx context.Context, token string) (string, error) {
			_, why, err := steps.TryToken(ctx, a.Env, token)
			return why, err
		},
		FreshConsent: func() error {
			withdraw := a.Env.AskFreshConsent()
			if err := a.Runner.Start(steps.OAuthConsentID); err != nil {
				withdraw() // the run did not start: nothing stays asked
				return err
			}
			return nil
		},
	}
	if a.Target == cloud.AWS {
		x.Preflight = func() string {
			return doctor.Markdown(doctor.Run(ctx, a.Env.Cloud, a.Env.Model, i18n.For(a.Env.Lang)))
		}
	}
	err = remote.Serve(ctx, pipes.In, pipes.Out, a.Runner, x, a.Target, a.Region)
	a.Runner.Cancel()
	a.Runner.Wait()
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop-engine: %v\n", err)
		return 1
	}
	return 0
}
