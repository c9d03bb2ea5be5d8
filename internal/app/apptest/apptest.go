// Package apptest gives tests a workspace in which stages have really run
// against the embedded sandbox, the way a learner's workshop leaves it.
package apptest

import (
	"context"
	"path/filepath"
	"testing"

	"agentcore-workshop/internal/app"
)

// RanUntil opens a fresh workspace on an embedded sandbox, runs every stage
// up to and including stage, closes the workshop (as quitting does) and
// returns the workspace's directory for the test to reopen.
func RanUntil(t *testing.T, stage string) string {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "ws")
	ctx := context.Background()
	a, err := app.Open(ctx, app.Options{Workspace: ws, SandboxAddr: "127.0.0.1:0", AutoConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Runner.RunUntil(ctx, stage); err != nil {
		a.Close(ctx)
		t.Fatal(err)
	}
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return ws
}
