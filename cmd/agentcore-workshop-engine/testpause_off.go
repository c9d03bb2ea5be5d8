//go:build !workshop_testhook

package main

import "agentcore-workshop/internal/app"

// installTestPause does nothing in the shipped binary: the crash-test
// hook exists only under -tags workshop_testhook (testpause.go).
func installTestPause(*app.App) {}
