// Package steps is the tutorial: its nine stages as plain engine.Stage
// values, bound to the environment they run in (the cloud clients, the
// session, the workspace directory). The engine that runs them, and the
// front ends that follow it, never see a cloud type. Nothing here imports
// a UI package.
package steps

import (
	"context"

	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// The engine's vocabulary, as the stages use it.
type (
	Value    = engine.Value
	Result   = engine.Result
	Reporter = engine.Reporter
)

// How a value is shown.
const (
	KindURL   = engine.KindURL
	KindToken = engine.KindToken
	KindFile  = engine.KindFile
	KindCode  = engine.KindCode
)

// body is a stage's work as the tutorial writes it: with its environment.
type body func(ctx context.Context, env *Env, rep Reporter) (Result, error)

// bind gives run its environment, making it what an engine.Stage runs.
func bind(env *Env, run body) func(context.Context, Reporter) (Result, error) {
	return func(ctx context.Context, rep Reporter) (Result, error) { return run(ctx, env, rep) }
}

// NewRunner is the engine's runner over stages, saving to env's session
// and keeping env's time.
func NewRunner(env *Env, stages []engine.Stage) *engine.Runner {
	return engine.NewRunner(stages, env.Session, engine.Options{Log: env.Log, Now: env.clock().Now, Translate: env.tr().T})
}

// outlined is the outline's stage id (its title, requirements and whether
// it is manual) doing run in env.
func outlined(id string, env *Env, run body) engine.Stage {
	s := outline.Stage(id)
	s.Run = bind(env, run)
	return s
}
