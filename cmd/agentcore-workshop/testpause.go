package main

import (
	"context"
	"os"
	"strings"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
)

// testPauseEnv names a test-only hook for the crash-safety test: when it
// holds a stage id, that stage pauses mid-run, announces it on its output
// and waits (until cancelled, or killed, which is the point) so the test
// can SIGKILL the process at a known spot instead of racing the stage.
//
// The pause comes at the stage's first report (log line, progress, value)
// after its first ledger write, which in a stage that creates resources is
// right after a resource was planned and before (or while) it is created.
// A stage that writes no ledger entry pauses when its work is done, before
// the runner saves its outcome. Learners never set it; it changes nothing
// when unset.
const testPauseEnv = "AGENTCORE_WORKSHOP_TEST_PAUSE_IN"

// testPauseLine is what a paused stage logs.
const testPauseLine = "test hook: paused"

// installTestPause replaces the app's runner with one whose stage named by
// testPauseEnv pauses. It must run before anything subscribes to the runner.
func installTestPause(a *app.App) {
	id := os.Getenv(testPauseEnv)
	if id == "" {
		return
	}
	list := steps.All()
	for i, s := range list {
		if s.ID() != id {
			continue
		}
		if _, ok := s.(steps.ExpectsError); ok {
			list[i] = pausingExpecting{pausing{s}}
		} else {
			list[i] = pausing{s}
		}
	}
	a.Runner = steps.NewRunner(list, a.Env)
}

// pausing wraps a stage, forwarding its optional interfaces.
type pausing struct{ steps.Step }

func (p pausing) Requires() []string {
	if r, ok := p.Step.(steps.Requirer); ok {
		return r.Requires()
	}
	return nil
}

func (p pausing) Run(ctx context.Context, env *steps.Env, rep steps.Reporter) (steps.Result, error) {
	pr := &pauseReporter{Reporter: rep, ctx: ctx, sess: env.Session, before: ledgerKey(env.Session)}
	res, err := p.Step.Run(ctx, env, pr)
	if !pr.paused {
		pr.pause("the stage did its work; its outcome is not saved yet")
	}
	return res, err
}

// pausingExpecting is pausing for a stage that expects an error.
type pausingExpecting struct{ pausing }

func (p pausingExpecting) ExpectedError(err error) bool {
	return p.Step.(steps.ExpectsError).ExpectedError(err)
}

func (p pausingExpecting) Expectation() string {
	if d, ok := p.Step.(steps.ExpectationDescriber); ok {
		return d.Expectation()
	}
	return ""
}

type pauseReporter struct {
	steps.Reporter
	ctx    context.Context
	sess   *session.Session
	before string
	paused bool
}

func (r *pauseReporter) Log(format string, args ...any) {
	r.Reporter.Log(format, args...)
	r.maybePause()
}

func (r *pauseReporter) Progress(label string, done, total int) {
	r.Reporter.Progress(label, done, total)
	r.maybePause()
}

func (r *pauseReporter) Value(v steps.Value) {
	r.Reporter.Value(v)
	r.maybePause()
}

func (r *pauseReporter) maybePause() {
	if !r.paused && ledgerKey(r.sess) != r.before {
		r.pause("after the stage's first ledger write")
	}
}

func (r *pauseReporter) pause(where string) {
	r.paused = true
	r.Reporter.Log("%s %s (%s is set); waiting to be killed", testPauseLine, where, testPauseEnv)
	<-r.ctx.Done()
}

// ledgerKey sums up the ledger: any Plan, Created or Deleted changes it.
func ledgerKey(s *session.Session) string {
	var b strings.Builder
	for _, r := range s.Resources() {
		b.WriteString(r.ID + "=" + string(r.State) + ";")
	}
	return b.String()
}
