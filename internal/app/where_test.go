package app

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/place"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/session"
)

// servedSandbox starts a sandbox as `sandbox serve` would (its own state,
// its own keys), puts its keys in the environment as a learner pasting the
// printed export lines would, and returns its URL.
func servedSandbox(t *testing.T) string {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Config{Addr: "127.0.0.1:0", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close(context.Background()) })
	t.Setenv("AWS_ACCESS_KEY_ID", sb.Credentials.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sb.Credentials.SecretAccessKey)
	return sb.URL
}

// movedError expects err to be a refusal naming what moved, the recorded
// and the given place.
func movedError(t *testing.T, err error, what, recorded, given string) {
	t.Helper()
	var m *place.MovedError
	if !errors.As(err, &m) {
		t.Fatalf("want a refusal (%s moved), got %v", what, err)
	}
	msg := err.Error()
	if m.What != what || !strings.Contains(msg, recorded) || !strings.Contains(msg, given) || !strings.Contains(msg, "cleanup") {
		t.Fatalf("refusal does not say what was recorded (%s %s), what was given (%s) and how to proceed: %v", what, recorded, given, err)
	}
}

func TestWorkspaceRecordsWhereItLives(t *testing.T) {
	ws, port := closedWithAPool(t)
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	set := sess.Settings()
	if set.Target != "sandbox" || set.Region != sandbox.DefaultRegion || set.AccountID != sandbox.DefaultAccountID ||
		!strings.HasPrefix(set.CallerARN, "arn:aws:") || set.SandboxURL != "" || set.SandboxPort != port {
		t.Fatalf("recorded %+v", set)
	}
}

func TestWorkspaceRefusesAnotherRegion(t *testing.T) {
	ws, _ := closedWithAPool(t)
	_, err := Open(context.Background(), Options{Workspace: ws, Region: "eu-central-1"})
	movedError(t, err, "region", sandbox.DefaultRegion, "eu-central-1")

	// The recorded region, given or not, is fine.
	a, err := Open(context.Background(), Options{Workspace: ws, Region: sandbox.DefaultRegion})
	if err != nil {
		t.Fatal(err)
	}
	a.Close(context.Background())
}

func TestWorkspaceRefusesAnotherAccount(t *testing.T) {
	ws, _ := closedWithAPool(t)
	// The pool was made in another account than the one the sandbox's
	// keys belong to now.
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	set := sess.Settings()
	set.AccountID = "111122223333"
	if err := sess.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), Options{Workspace: ws})
	movedError(t, err, "account", "111122223333", sandbox.DefaultAccountID)
}

func TestWorkspaceOnTheEmbeddedSandboxRefusesAnotherEndpoint(t *testing.T) {
	ws, _ := closedWithAPool(t)
	other := servedSandbox(t)
	_, err := Open(context.Background(), Options{Workspace: ws, SandboxURL: other})
	movedError(t, err, "sandbox", "embedded sandbox", other)
}

// The defect the issue reports: a workspace made on a served sandbox,
// opened again without --sandbox-url, went to the embedded sandbox (where
// cleanup found everything "already gone"). It goes back to its sandbox,
// and refuses another one.
func TestWorkspaceGoesBackToItsServedSandbox(t *testing.T) {
	ctx := context.Background()
	url := servedSandbox(t)
	ws := filepath.Join(t.TempDir(), "ws")
	a, err := Open(ctx, Options{Workspace: ws, SandboxURL: url + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session.Plan("cognito-user-pool", "p", "provision-cognito", nil); err != nil {
		t.Fatal(err)
	}
	a.Close(ctx)

	b, err := Open(ctx, Options{Workspace: ws, SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sandbox != nil || b.Session.Settings().SandboxURL != url {
		t.Fatalf("reopened without --sandbox-url: embedded sandbox %v, recorded URL %q, want %s",
			b.Sandbox != nil, b.Session.Settings().SandboxURL, url)
	}
	b.Close(ctx)

	_, err = Open(ctx, Options{Workspace: ws, SandboxURL: "http://127.0.0.1:1"})
	movedError(t, err, "sandbox", url, "http://127.0.0.1:1")
}

// Without live resources nothing can be lost: a workspace follows the
// flags and records the new place.
func TestWorkspaceWithoutResourcesFollowsTheFlags(t *testing.T) {
	ctx := context.Background()
	ws := filepath.Join(t.TempDir(), "ws")
	a, err := Open(ctx, Options{Workspace: ws, SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	a.Close(ctx)
	b, err := Open(ctx, Options{Workspace: ws, Region: "eu-central-1", SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	b.Close(ctx)
	if set := b.Session.Settings(); set.Region != "eu-central-1" {
		t.Fatalf("recorded %+v", set)
	}
	url := servedSandbox(t)
	c, err := Open(ctx, Options{Workspace: ws, SandboxURL: url, Region: sandbox.DefaultRegion})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if set := c.Session.Settings(); set.SandboxURL != url || set.Region != sandbox.DefaultRegion {
		t.Fatalf("recorded %+v", set)
	}
}

// A workspace written before the place was recorded, with resources on a
// served sandbox (no port: the embedded sandbox always saves one), cannot
// guess that sandbox's URL: it asks for it rather than looking in the
// embedded one.
func TestOldWorkspaceOnAServedSandboxAsksForItsURL(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.SetSettings(session.Settings{Target: "sandbox", Region: "us-west-2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Plan("cognito-user-pool", "p", "provision-cognito", nil); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), Options{Workspace: ws, SandboxAddr: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "--sandbox-url") {
		t.Fatalf("old workspace on an unrecorded sandbox = %v", err)
	}
	// Given the URL, it adopts it.
	url := servedSandbox(t)
	a, err := Open(context.Background(), Options{Workspace: ws, SandboxURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	if got := a.Session.Settings(); got.SandboxURL != url || got.AccountID != sandbox.DefaultAccountID {
		t.Fatalf("adopted %+v", got)
	}
}

// The front end draws the header before any sandbox exists; its default
// region is the sandbox's.
func TestPlacesSandboxRegionIsTheSandboxs(t *testing.T) {
	if place.DefaultSandboxRegion != sandbox.DefaultRegion || place.Sandbox != cloud.Sandbox || place.AWS != cloud.AWS {
		t.Fatalf("place and sandbox/cloud disagree: %q %q %q", place.DefaultSandboxRegion, place.Sandbox, place.AWS)
	}
}
