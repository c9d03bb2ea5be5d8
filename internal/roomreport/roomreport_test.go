package roomreport_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"agentcore-workshop/internal/roomapi"
	"agentcore-workshop/internal/roomreport"
	"agentcore-workshop/steps/engine"
)

// fakeRunner is a runner's snapshot and event stream.
type fakeRunner struct {
	stages []engine.StageState
	events chan engine.Event
}

func (f *fakeRunner) Snapshot() []engine.StageState {
	return append([]engine.StageState(nil), f.stages...)
}
func (f *fakeRunner) Subscribe() (<-chan engine.Event, func()) {
	return f.events, func() {}
}

// recorder is a Sender that hands each report to the test.
type recorder struct {
	got   chan roomapi.Report
	block bool // hold every send until its context ends
}

func (r *recorder) Send(ctx context.Context, rep roomapi.Report) error {
	if r.block {
		<-ctx.Done()
		return ctx.Err()
	}
	r.got <- rep
	return nil
}

func stages() []engine.StageState {
	return []engine.StageState{
		{Index: 1, ID: "provision-cognito", Title: "Provision Cognito", Status: engine.Pending},
		{Index: 2, ID: "write-agent", Title: "Write the agent", Status: engine.Pending},
		{Index: 3, ID: "oauth-consent", Title: "OAuth consent", Status: engine.Pending},
	}
}

type clk struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clk) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clk) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func next(t *testing.T, rec *recorder) roomapi.Report {
	t.Helper()
	select {
	case r := <-rec.got:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no report")
	}
	return roomapi.Report{}
}

// A learner's run, as the room hears it: where they are, for how long,
// the failure (redacted, with its hint), the wait for consent, and the end.
func TestReportsFollowTheRun(t *testing.T) {
	fr := &fakeRunner{stages: stages(), events: make(chan engine.Event)}
	rec := &recorder{got: make(chan roomapi.Report)}
	c := &clk{now: time.Unix(1_800_000_000, 0)}
	r := roomreport.Start(fr, rec, roomreport.Options{Learner: "alice", Now: c.Now, Heartbeat: time.Hour,
		Redact: func(s string) string { return strings.ReplaceAll(s, "S3cret!", "[redacted]") }})
	defer r.Close()

	if got := next(t, rec); got.Learner != "alice" || got.Stage != "provision-cognito" || got.StageIndex != 1 || got.Stages != 3 || got.Status != roomapi.StatusReady {
		t.Fatalf("first report %+v", got)
	}
	send := func(e engine.Event) {
		e.Time = c.Now()
		fr.events <- e
	}
	c.Advance(10 * time.Second)
	send(engine.Event{Kind: engine.EventStarted, StepID: "provision-cognito", RunID: 1})
	if got := next(t, rec); got.Status != roomapi.StatusRunning || got.OnStageSeconds != 10 {
		t.Fatalf("started: %+v", got)
	}
	send(engine.Event{Kind: engine.EventLog, StepID: "provision-cognito", RunID: 1, Line: "creating the pool"}) // not on the board
	c.Advance(5 * time.Second)
	send(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 1, Status: engine.Failed,
		Err: "NotAuthorizedException: Incorrect username or password. (password S3cret!)"})
	got := next(t, rec)
	if got.Status != roomapi.StatusFailed || got.OnStageSeconds != 15 || strings.Contains(got.LastError, "S3cret!") ||
		!strings.Contains(got.LastError, "[redacted]") || !strings.Contains(got.Hint, "password") {
		t.Fatalf("failed: %+v", got)
	}
	send(engine.Event{Kind: engine.EventStarted, StepID: "provision-cognito", RunID: 2})
	if got := next(t, rec); got.Status != roomapi.StatusRunning || got.LastError == "" {
		t.Fatalf("running again, the last error stays shown: %+v", got)
	}
	send(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 2, Status: engine.Succeeded})
	if got := next(t, rec); got.Stage != "write-agent" || got.Status != roomapi.StatusReady || got.OnStageSeconds != 0 || got.LastError != "" || got.Hint != "" {
		t.Fatalf("succeeded: %+v", got)
	}
	send(engine.Event{Kind: engine.EventStarted, StepID: "write-agent", RunID: 3})
	next(t, rec)
	send(engine.Event{Kind: engine.EventFinished, StepID: "write-agent", RunID: 3, Status: engine.Succeeded})
	next(t, rec)
	send(engine.Event{Kind: engine.EventStarted, StepID: "oauth-consent", RunID: 4})
	next(t, rec)
	c.Advance(3 * time.Second)
	send(engine.Event{Kind: engine.EventValue, StepID: "oauth-consent", RunID: 4, Value: &engine.Value{Name: roomreport.ConsentValue, Value: "http://127.0.0.1/authorize", Kind: engine.KindURL}})
	c.Advance(4 * time.Second)
	if got := next(t, rec); !got.WaitingConsent || got.Stage != "oauth-consent" {
		t.Fatalf("waiting: %+v", got)
	}
	send(engine.Event{Kind: engine.EventFinished, StepID: "oauth-consent", RunID: 4, Status: engine.Succeeded})
	if got := next(t, rec); got.Status != roomapi.StatusDone || got.WaitingConsent || got.Stage != "oauth-consent" {
		t.Fatalf("all done: %+v", got)
	}
}

// A room that does not answer holds up neither the workshop's events nor
// its exit.
func TestCloseAbandonsASendInFlight(t *testing.T) {
	fr := &fakeRunner{stages: stages(), events: make(chan engine.Event)}
	r := roomreport.Start(fr, &recorder{block: true}, roomreport.Options{Learner: "alice", Heartbeat: time.Hour})
	for i := range 20 { // the runner's events are taken while a send hangs
		select {
		case fr.events <- engine.Event{Kind: engine.EventLog, StepID: "provision-cognito", Line: "x"}:
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d not taken while a report hangs", i)
		}
	}
	done := make(chan struct{})
	go func() { r.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close waited for a hanging room")
	}
}

// The heartbeat resends the report, so the room's "last seen" stays fresh.
func TestHeartbeat(t *testing.T) {
	fr := &fakeRunner{stages: stages(), events: make(chan engine.Event)}
	rec := &recorder{got: make(chan roomapi.Report)}
	r := roomreport.Start(fr, rec, roomreport.Options{Learner: "alice", Heartbeat: 10 * time.Millisecond})
	defer r.Close()
	for range 3 {
		if got := next(t, rec); got.Stage != "provision-cognito" {
			t.Fatalf("heartbeat report %+v", got)
		}
	}
}

func TestHints(t *testing.T) {
	for err, want := range map[string]string{
		"NotAuthorizedException: Password attempts exceeded":  "locked out",
		"no consent after 5m0s: open the authorization URL":   "browser consent",
		"dial tcp 10.0.0.5:4747: connect: connection refused": "sandbox serve",
		"something nobody foresaw":                            "",
	} {
		if got := roomreport.Hint(err); (want == "" && got != "") || !strings.Contains(got, want) {
			t.Errorf("Hint(%q) = %q, want it to mention %q", err, got, want)
		}
	}
}
