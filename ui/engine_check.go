package ui

import "agentcore-workshop/steps/engine"

// The runner is the Engine in production; fail the build if they drift.
var _ Engine = (*engine.Runner)(nil)
