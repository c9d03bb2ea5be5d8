//go:build workshop_testhook

package main

import (
	"context"
	"os"
	"strings"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// installTestPause replaces the app's runner with one whose stage named by
// testPauseEnv pauses. It must run before anything subscribes to the runner.
//
// The pause comes at the stage's first report (log line, progress, value)
// after its first ledger write, which in a stage that creates resources is
// right after a resource was planned and before (or while) it is created.
// A stage that writes no ledger entry pauses when its work is done, before
// the runner saves its outcome. It changes nothing when the variable is unset.
func installTestPause(a *app.App) {
	id := os.Getenv(testPauseEnv)
	if id == "" {
		return
	}
	list := steps.All(a.Env)
	for i := range list {
		if list[i].ID == id {
			list[i].Run = pausing(list[i].Run, a.Session)
		}
	}
	a.Runner = steps.NewRunner(a.Env, list)
}

// pausing decorates a stage's Run with the pause.
func pausing(run func(context.Context, engine.Reporter) (engine.Result, error), sess *session.Session) func(context.Context, engine.Reporter) (engine.Result, error) {
	return func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
		pr := &pauseReporter{Reporter: rep, ctx: ctx, sess: sess, before: ledgerKey(sess)}
		res, err := run(ctx, pr)
		if !pr.paused {
			pr.pause("the stage did its work; its outcome is not saved yet")
		}
		return res, err
	}
}

type pauseReporter struct {
	engine.Reporter
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

func (r *pauseReporter) Value(v engine.Value) {
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
