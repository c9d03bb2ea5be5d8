package remote_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/remote"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// The test binary is also the engine: run with childEnv set, TestMain
// serves a runner over a workspace instead of running the tests, the way
// the engine binary's serve-ui does.
const childEnv = "REMOTE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(childEnv); ok {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

// stages are two quick stages and one that runs until cancelled.
func stages() []engine.Stage {
	return []engine.Stage{
		{ID: "one", Title: "One", Run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
			rep.Log("hello from one")
			rep.Value(engine.Value{Name: "greeting", Value: "hi"})
			rep.Value(engine.Value{Name: "password", Value: "s3cret", Secret: true})
			return engine.Result{}, nil
		}},
		{ID: "two", Title: "Two", Requires: []string{"one"}, Run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
			return engine.Result{}, nil
		}},
		{ID: "slow", Title: "Slow", Run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
			rep.Log("waiting")
			<-ctx.Done()
			return engine.Result{}, ctx.Err()
		}},
	}
}

func child(mode string) int {
	pipes, ok, err := remote.ChildPipes()
	in, out := pipes.In, pipes.Out
	if !ok || err != nil {
		fmt.Fprintln(os.Stderr, "child pipes:", ok, err)
		return 3
	}
	switch mode {
	case "crash":
		fmt.Fprintln(os.Stderr, "boom: the engine fell over")
		return 1
	case "fatal":
		remote.SayFatal(out, errors.New("workspace ./w lives on another sandbox"))
		return 1
	}
	sess, err := session.Open(os.Getenv("REMOTE_TEST_WS"))
	if err != nil {
		remote.SayFatal(out, err)
		return 1
	}
	if pipes.Lock == nil {
		remote.SayFatal(out, errors.New("no workspace lock handed down"))
		return 1
	}
	unlock, err := sess.AdoptLock(pipes.Lock)
	if err != nil {
		remote.SayFatal(out, err)
		return 1
	}
	defer unlock()
	r := engine.NewRunner(stages(), sess, engine.Options{})
	x := remote.Extras{
		TryToken: func(ctx context.Context, token string) (string, error) {
			if token == "" {
				return "", errors.New("no token given")
			}
			return "refused: " + token, nil
		},
		Preflight: func() string { return "## Checks\nall good" },
	}
	err = remote.Serve(context.Background(), in, out, r, x, "sandbox", "us-west-2")
	r.Cancel()
	r.Wait()
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 1
	}
	return 0
}

// ready is a new workspace, locked as a front end locks it, with the
// client over its saved stages and the command that starts the test binary
// as its engine in mode; unlock runs when the test ends.
type ready struct {
	c    *remote.Client
	cmd  *exec.Cmd
	lock *os.File
	ws   string
}

func prepare(t *testing.T, mode string) ready {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "ws")
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	lock, unlock, err := sess.LockForChild()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
	c := remote.New(engine.NewRunner(stages(), sess, engine.Options{}).Snapshot(), sess)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "REMOTE_TEST_WS="+ws)
	return ready{c: c, cmd: cmd, lock: lock, ws: ws}
}

// launch starts the engine in mode over a new workspace and returns the
// client and the workspace.
func launch(t *testing.T, mode string) (*remote.Client, string) {
	t.Helper()
	r := prepare(t, mode)
	if err := r.c.Launch(r.cmd, r.lock); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.c.Close() }) // before unlock: cleanups run last first
	return r.c, r.ws
}

// next waits for an event of kind on stage id, bounded in time.
func next(t *testing.T, ch <-chan engine.Event, id string, kind engine.EventKind) engine.Event {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatalf("events ended before %s %s", id, kind)
			}
			if e.StepID == id && e.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s event for %s", kind, id)
		}
	}
}

func waitReady(t *testing.T, c *remote.Client) {
	t.Helper()
	select {
	case <-c.Ready():
	case <-time.After(20 * time.Second):
		t.Fatal("the engine never said hello")
	}
	if err := c.Err(); err != nil {
		t.Fatalf("engine gone: %v", err)
	}
}

func TestClientMirrorsTheEnginesRunner(t *testing.T) {
	c, ws := launch(t, "serve")
	events, stop := c.Subscribe()
	defer stop()
	waitReady(t, c)
	if target, region := c.Place(); target != "sandbox" || region != "us-west-2" {
		t.Fatalf("place = %q %q", target, region)
	}
	if err := c.Start("two"); err == nil || !strings.Contains(err.Error(), `needs stage 1 "One"`) {
		t.Fatalf("starting two before one: err = %v, want the refusal naming stage one", err)
	}
	if err := c.Start("one"); err != nil {
		t.Fatal(err)
	}
	if e := next(t, events, "one", engine.EventFinished); e.Status != engine.Succeeded {
		t.Fatalf("one finished %s: %s", e.Status, e.Err)
	}
	st := c.Snapshot()[0]
	if st.Status != engine.Succeeded || st.Title != "One" {
		t.Fatalf("mirror of one = %+v", st)
	}
	if v, ok := st.Result.Get("greeting"); !ok || v.Value != "hi" {
		t.Fatalf("mirror's greeting = %+v %v", v, ok)
	}
	if v, _ := st.Result.Get("password"); v.Value != "" {
		t.Fatalf("the mirror holds a secret value: %q", v.Value)
	}
	if got, err := c.Secret("one", "password"); err != nil || got != "s3cret" {
		t.Fatalf("Secret = %q, %v", got, err)
	}
	if lines, err := c.LastLog("one"); err != nil || !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "hello from one") }) {
		t.Fatalf("LastLog = %q, %v", lines, err)
	}
	deps, err := c.Dependents("one")
	if err != nil || len(deps) != 2 || deps[1].ID != "two" {
		t.Fatalf("Dependents = %+v, %v", deps, err)
	}
	if why, err := c.TryToken(context.Background(), "abc"); err != nil || why != "refused: abc" {
		t.Fatalf("TryToken = %q, %v", why, err)
	}
	if _, err := c.TryToken(context.Background(), ""); err == nil || err.Error() != "no token given" {
		t.Fatalf("TryToken error = %v", err)
	}
	if got := c.Preflight(); !strings.Contains(got, "all good") {
		t.Fatalf("Preflight = %q", got)
	}
	if err := c.FreshConsent(); err == nil {
		t.Fatal("FreshConsent with none offered: no error")
	}
	if err := c.Reset("one"); err != nil {
		t.Fatal(err)
	}
	next(t, events, "one", engine.EventReset)
	if st := c.Snapshot(); st[0].Status != engine.Pending || st[1].Status != engine.Pending {
		t.Fatalf("after reset: %s %s", st[0].Status, st[1].Status)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// What the engine saved is what the mirror showed.
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	if rec, ok := sess.Stage("one"); ok && rec.Status != string(engine.Pending) {
		t.Fatalf("saved one = %+v", rec)
	}
}

func TestCloseCancelsTheRunAndWaitsForTheEngine(t *testing.T) {
	c, ws := launch(t, "serve")
	events, stop := c.Subscribe()
	defer stop()
	waitReady(t, c)
	if err := c.Start("slow"); err != nil {
		t.Fatal(err)
	}
	next(t, events, "slow", engine.EventLog)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Close returned after the engine exited, so its state is saved: the
	// run ended cancelled, not left running for the next start to call
	// interrupted.
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := sess.Stage("slow")
	if !ok || rec.Status != string(engine.Cancelled) {
		t.Fatalf("saved slow = %+v (%v), want cancelled", rec, ok)
	}
	if err := c.Start("one"); !errors.Is(err, remote.ErrClosing) && (err == nil || err.Error() != remote.ErrClosing.Error()) {
		t.Fatalf("Start after Close: %v", err)
	}
}

func TestAnEngineThatDiesSaysWhy(t *testing.T) {
	c, _ := launch(t, "crash")
	select {
	case <-c.Gone():
	case <-time.After(20 * time.Second):
		t.Fatal("a crashed engine is not seen gone")
	}
	err := c.Err()
	if err == nil || !strings.Contains(err.Error(), "boom: the engine fell over") || !strings.Contains(err.Error(), "exit status 1") {
		t.Fatalf("Err = %v, want the exit status and the engine's last words", err)
	}
	if err := c.Start("one"); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Start on a dead engine: %v", err)
	}
	if err := c.Close(); err == nil {
		t.Fatal("Close hid the engine's failure")
	}
}

func TestAnEngineThatCannotServeSaysWhy(t *testing.T) {
	c, _ := launch(t, "fatal")
	<-c.Ready()
	err := c.Err()
	for err == nil { // Ready closes as the engine goes; Err follows with Gone
		<-c.Gone()
		err = c.Err()
	}
	if err.Error() != "workspace ./w lives on another sandbox" {
		t.Fatalf("Err = %v", err)
	}
}

func TestAnEngineFromAnotherBuildRefuses(t *testing.T) {
	t.Setenv(remote.PipesEnv, "4,5")
	t.Setenv(remote.VersionEnv, "0")
	if _, ok, err := remote.ChildPipes(); !ok || err == nil || !strings.Contains(err.Error(), "rebuild both") {
		t.Fatalf("ChildPipes with another version: ok=%v err=%v", ok, err)
	}
}

func TestCallsBeforeLaunchWaitAndCloseReleasesThem(t *testing.T) {
	sess, err := session.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := remote.New([]engine.StageState{{Index: 1, ID: "one", Title: "One", Status: engine.Pending}}, sess)
	c.Cancel() // nothing runs yet: returns at once
	got := make(chan error, 1)
	go func() { got <- c.Start("one") }()
	select {
	case err := <-got:
		t.Fatalf("Start returned before the engine was there: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err == nil || err.Error() != remote.ErrClosing.Error() {
			t.Fatalf("Start = %v, want %v", err, remote.ErrClosing)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close left a call waiting")
	}
	if s := c.Snapshot(); len(s) != 1 || s[0].Status != engine.Pending {
		t.Fatalf("local snapshot = %+v", s)
	}
	if err := c.Launch(exec.Command(os.Args[0]), nil); err == nil {
		t.Fatal("Launch after Close started an engine")
	}
}

// A UI told to stop just as it starts its engine (a SIGTERM right after the
// first frame) closes while Launch is under way: the engine must still be
// told to go, or Close waits for it for ever.
func TestCloseDuringLaunchStopsTheEngine(t *testing.T) {
	for i := range 8 {
		r := prepare(t, "serve")
		c := r.c
		launched := make(chan error, 1)
		go func() { launched <- c.Launch(r.cmd, r.lock) }()
		closed := make(chan error, 1)
		go func() { closed <- c.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatalf("round %d: Close = %v", i, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: Close still waiting for an engine started as it closed", i)
		}
		<-launched // started, or refused for coming after Close: both are fine
	}
}
