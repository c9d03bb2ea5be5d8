package ui

import "agentcore-workshop/steps"

// The runner is the Engine in production; fail the build if they drift.
var _ Engine = (*steps.Runner)(nil)
