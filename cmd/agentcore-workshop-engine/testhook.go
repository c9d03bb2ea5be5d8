package main

// testPauseEnv names a test-only hook for the crash-safety test: when it
// holds a stage id, that stage pauses mid-run, announces it on its output
// and waits (until cancelled, or killed, which is the point) so the test
// can SIGKILL the process at a known spot instead of racing the stage.
//
// Only a binary built with -tags workshop_testhook has the hook (see
// testpause.go); the shipped binary ignores the variable.
const testPauseEnv = "AGENTCORE_WORKSHOP_TEST_PAUSE_IN"

// testPauseLine is what a paused stage logs.
const testPauseLine = "test hook: paused"
