package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/outline"
)

func TestOpenPersistsSandboxPortAndLocksTheWorkspace(t *testing.T) {
	ctx := context.Background()
	ws := filepath.Join(t.TempDir(), "ws")
	a, err := Open(ctx, Options{Workspace: ws, SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Target != "sandbox" || a.Sandbox == nil || a.Env.Consent != nil {
		t.Fatalf("target %s sandbox %v consent set %v", a.Target, a.Sandbox != nil, a.Env.Consent != nil)
	}
	url := a.Sandbox.URL
	if _, err := Open(ctx, Options{Workspace: ws}); !errors.Is(err, session.ErrInUse) {
		t.Fatalf("second Open of a workspace in use = %v", err)
	}
	a.Close(ctx)

	// Reopened without an address, it comes back on the same port: the
	// issuer URLs in tokens and authorizers stay valid.
	b, err := Open(ctx, Options{Workspace: ws, AutoConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	if b.Sandbox.URL != url {
		t.Fatalf("sandbox moved from %s to %s", url, b.Sandbox.URL)
	}
	if b.Env.Consent == nil {
		t.Fatal("AutoConsent on the sandbox did not install the consent driver")
	}
}

// closedWithAPool leaves a workspace, closed, whose ledger holds a user
// pool on the sandbox, and returns it with the sandbox's port.
func closedWithAPool(t *testing.T) (ws string, port int) {
	t.Helper()
	ws = filepath.Join(t.TempDir(), "ws")
	a, err := Open(context.Background(), Options{Workspace: ws, SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	if _, err := a.Session.Plan("cognito-user-pool", "p", "provision-cognito", nil); err != nil {
		t.Fatal(err)
	}
	return ws, a.Session.Settings().SandboxPort
}

func TestOpenRefusesToSwitchTargetWithResources(t *testing.T) {
	ws, _ := closedWithAPool(t)
	_, err := Open(context.Background(), Options{Workspace: ws, Target: "aws"})
	if err == nil || !strings.Contains(err.Error(), "cleanup") {
		t.Fatalf("switching a workspace with sandbox resources to aws = %v", err)
	}
}

func TestSandboxURLNeedsKeys(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := Open(context.Background(), Options{Workspace: filepath.Join(t.TempDir(), "ws"), SandboxURL: "http://127.0.0.1:1"})
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("--sandbox-url without keys = %v", err)
	}
}

func TestBusyPortWithResourcesIsAnErrorNotAMove(t *testing.T) {
	ws, port := closedWithAPool(t)

	// Something else takes the port while the workshop is closed.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Open(context.Background(), Options{Workspace: ws})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprint(port)) {
		t.Fatalf("Open with its port taken = %v", err)
	}
}

// openLocal opens a new workspace without connecting it, closed when the
// test ends.
func openLocal(t *testing.T) *App {
	t.Helper()
	a, err := OpenLocal(context.Background(), Options{Workspace: filepath.Join(t.TempDir(), "ws"), SandboxAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

// OpenLocal has the stages and the header's facts without a sandbox;
// Connect starts it and builds the clients.
func TestOpenLocalThenConnect(t *testing.T) {
	ctx := context.Background()
	a := openLocal(t)
	if a.Sandbox != nil || a.Cloud != nil || a.Env.Cloud != nil {
		t.Fatal("OpenLocal reached the target")
	}
	if n := len(a.Runner.Snapshot()); n != len(outline.Stages()) || a.Target != "sandbox" || a.Region != "us-west-2" {
		t.Fatalf("before connecting: %d stages, target %q, region %q", n, a.Target, a.Region)
	}
	if err := a.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Sandbox == nil || a.Env.Cloud == nil || a.Cloud != a.Env.Cloud {
		t.Fatal("Connect returned before the sandbox and the clients were there")
	}
	if port := a.Session.Settings().SandboxPort; port == 0 {
		t.Fatal("the sandbox's port was not saved")
	}
}

// What Open refuses before the UI exists, Connect reports after OpenLocal.
func TestConnectReportsItsFailure(t *testing.T) {
	ws, port := closedWithAPool(t)
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	a, err := OpenLocal(ctx, Options{Workspace: ws})
	if err != nil {
		t.Fatalf("OpenLocal needs no port: %v", err)
	}
	defer a.Close(ctx)
	err = a.Connect(ctx)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprint(port)) {
		t.Fatalf("Connect with the sandbox's port taken = %v", err)
	}
}
