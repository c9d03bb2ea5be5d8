package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"agentcore-workshop/internal/session"
)

// fake is a scripted stage that counts its runs.
type fake struct {
	Stage
	runs *atomic.Int32
}

// stage is the Stage the runner gets: Run counts, then does what run says.
func (f fake) stage() Stage {
	s, runs := f.Stage, f.runs
	run := s.Run
	s.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		runs.Add(1)
		if run == nil {
			return Result{}, nil
		}
		return run(ctx, rep)
	}
	return s
}

func ok(id string) fake {
	return fake{Stage: Stage{ID: id, Title: strings.ToUpper(id)}, runs: new(atomic.Int32)}
}

func failing(id, msg string) fake {
	f := ok(id)
	f.Run = func(context.Context, Reporter) (Result, error) { return Result{}, errors.New(msg) }
	return f
}

func openSession(t testing.TB, dir string) *session.Session {
	t.Helper()
	s, err := session.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newSession(t *testing.T) (*session.Session, string) {
	t.Helper()
	dir := t.TempDir()
	return openSession(t, dir), dir
}

func benchSession(b *testing.B) *session.Session { return openSession(b, b.TempDir()) }

// newRunner builds a runner over the fakes, saving to sess.
func newRunner(sess *session.Session, fakes ...fake) *Runner {
	var list []Stage
	for _, f := range fakes {
		list = append(list, f.stage())
	}
	return NewRunner(list, sess, Options{})
}

// collect reads events until QueueDone.
func collect(t *testing.T, ch <-chan Event) []Event {
	t.Helper()
	var out []Event
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, open := <-ch:
			if !open {
				t.Fatal("event channel closed before QueueDone")
			}
			out = append(out, e)
			if e.Kind == EventQueueDone {
				return out
			}
		case <-timeout:
			t.Fatalf("no QueueDone; got %v", kinds(out))
		}
	}
}

func kinds(es []Event) string {
	var b []string
	for _, e := range es {
		s := string(e.Kind)
		if e.StepID != "" {
			s += ":" + e.StepID
		}
		b = append(b, s)
	}
	return strings.Join(b, " ")
}

func stateOf(t *testing.T, r *Runner, id string) StageState {
	t.Helper()
	for _, s := range r.Snapshot() {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no stage %q", id)
	return StageState{}
}

const secretValue = "p@ss-w0rd-secret"

func TestRunSuccessEventsPersistenceAndSecrets(t *testing.T) {
	sess, dir := newSession(t)
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		rep.Log("creating pool %s", "p1")
		rep.Log("100%% done")
		rep.Progress("pool", 1, 2)
		rep.Value(Value{Name: "poolId", Value: "us-west-2_abc"})
		rep.Value(Value{Name: "password", Value: secretValue, Secret: true})
		return Result{Values: []Value{{Name: "url", Value: "http://x", Kind: KindURL}}}, nil
	}
	r := newRunner(sess, a, ok("b"))
	ch, stop := r.Subscribe()
	defer stop()
	if err := r.Run(context.Background(), "a"); err != nil {
		t.Fatalf("Run: %v", err)
	}
	evs := collect(t, ch)
	if got, want := kinds(evs), "started:a log:a log:a progress:a value:a value:a finished:a queue-done:a"; got != want {
		t.Fatalf("events\n got %s\nwant %s", got, want)
	}
	if evs[1].Line != "creating pool p1" || evs[2].Line != "100% done" {
		t.Errorf("log lines = %q, %q", evs[1].Line, evs[2].Line)
	}
	if p := evs[3]; p.Label != "pool" || p.Done != 1 || p.Total != 2 {
		t.Errorf("progress = %+v", p)
	}
	if v := evs[5].Value; v == nil || !v.Secret || v.Value != "" {
		t.Errorf("secret value event not redacted: %+v", v)
	}
	fin := evs[6]
	if fin.Status != Succeeded || fin.Err != "" || fin.Elapsed <= 0 {
		t.Errorf("finished = %+v", fin)
	}
	run := evs[0].RunID
	for _, e := range evs[:7] {
		if e.RunID != run || run == 0 {
			t.Errorf("event %s has run %d, want %d", e.Kind, e.RunID, run)
		}
	}
	if evs[7].Status != Succeeded {
		t.Errorf("queue-done = %+v", evs[7])
	}

	st := stateOf(t, r, "a")
	if st.Status != Succeeded || st.Index != 1 || st.Title != "A" {
		t.Errorf("state = %+v", st)
	}
	if v, _ := st.Result.Get("poolId"); v.Value != "us-west-2_abc" {
		t.Errorf("poolId = %+v", v)
	}
	if v, _ := st.Result.Get("url"); v.Kind != KindURL {
		t.Errorf("returned value missing: %+v", st.Result)
	}
	if v, ok := st.Result.Get("password"); !ok || v.Value != "" || !v.Secret {
		t.Errorf("password in snapshot = %+v", v)
	}
	if got, err := r.Secret("a", "password"); err != nil || got != secretValue {
		t.Errorf("Secret = %q, %v", got, err)
	}
	if _, err := r.Secret("a", "nope"); err == nil {
		t.Error("Secret of an unknown name succeeded")
	}
	if b, _ := os.ReadFile(sess.StatePath()); bytes.Contains(b, []byte(secretValue)) {
		t.Error("state.json holds the secret")
	}

	// A restarted workshop sees the same results.
	r2 := newRunner(openSession(t, dir), a, ok("b"))
	st2 := stateOf(t, r2, "a")
	if st2.Status != Succeeded || len(st2.Result.Values) != 3 || !st2.FinishedAt.Equal(st.FinishedAt) {
		t.Errorf("reloaded = %+v, want %+v", st2, st)
	}
	if got, _ := r2.Secret("a", "password"); got != secretValue {
		t.Errorf("reloaded secret = %q", got)
	}
	if s := stateOf(t, r2, "b"); s.Status != Pending {
		t.Errorf("b = %+v", s)
	}
}

func TestFailureIsRecorded(t *testing.T) {
	sess, dir := newSession(t)
	r := newRunner(sess, failing("a", "create user pool: boom"))
	err := r.Run(context.Background(), "a")
	var se *StageError
	if !errors.As(err, &se) || se.ID != "a" || se.Err != "create user pool: boom" {
		t.Fatalf("err = %v", err)
	}
	st := stateOf(t, r, "a")
	if st.Status != Failed || st.Err != "create user pool: boom" {
		t.Errorf("state = %+v", st)
	}
	rec, _ := openSession(t, dir).Stage("a")
	if rec.Status != "failed" || rec.Err != "create user pool: boom" {
		t.Errorf("persisted = %+v", rec)
	}
}

func TestExpectedErrors(t *testing.T) {
	refusal := errors.New("AccessDeniedException: Authorization method mismatch")
	cases := []struct {
		name    string
		ret     error
		accept  func(error) bool
		status  Status
		errText string
	}{
		{"accepted", refusal, func(e error) bool { return errors.Is(e, refusal) }, Succeeded, ""},
		{"rejected", errors.New("throttled"), func(e error) bool { return errors.Is(e, refusal) }, Failed, "expected a refusal but got: throttled"},
		{"nil error", nil, func(error) bool { return true }, Failed, "expected a refusal but the call succeeded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sess, _ := newSession(t)
			f := ok("six")
			f.Expect = &Expectation{What: "a refusal", Matches: c.accept}
			ret := c.ret
			f.Run = func(context.Context, Reporter) (Result, error) { return Result{}, ret }
			r := newRunner(sess, f)
			ch, stop := r.Subscribe()
			defer stop()
			r.Run(context.Background(), "six")
			evs := collect(t, ch)
			st := stateOf(t, r, "six")
			if st.Status != c.status || st.Err != c.errText {
				t.Errorf("state = %s %q, want %s %q", st.Status, st.Err, c.status, c.errText)
			}
			if c.status == Succeeded {
				if evs[1].Kind != EventLog || !strings.Contains(evs[1].Line, "got the expected error: AccessDeniedException") {
					t.Errorf("no note about the expected error: %v", kinds(evs))
				}
			}
		})
	}
}

func TestCancelMidRun(t *testing.T) {
	sess, _ := newSession(t)
	started := make(chan struct{})
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		close(started)
		<-ctx.Done()
		return Result{}, fmt.Errorf("poll runtime: %w", ctx.Err())
	}
	b := ok("b")
	r := newRunner(sess, a, b)
	ch, stop := r.Subscribe()
	defer stop()
	if err := r.StartAll(); err != nil {
		t.Fatal(err)
	}
	<-started
	if !r.Busy() {
		t.Error("not busy while a stage runs")
	}
	want := `stage 1 "A" is running; wait for it or press c to cancel`
	if err := r.Start("b"); err == nil || err.Error() != want {
		t.Errorf("Start while busy = %v, want %q", err, want)
	}
	if err := r.CanRun("b"); err == nil || err.Error() != want {
		t.Errorf("CanRun while busy = %v", err)
	}
	if s := stateOf(t, r, "a"); s.Status != Running {
		t.Errorf("status while running = %s", s.Status)
	}
	r.Cancel()
	r.Wait()
	evs := collect(t, ch)
	if r.Busy() {
		t.Error("busy after Wait")
	}
	if st := stateOf(t, r, "a"); st.Status != Cancelled || st.Err != ErrMsgCancelled {
		t.Errorf("a = %+v", st)
	}
	if st := stateOf(t, r, "b"); st.Status != Pending || b.runs.Load() != 0 {
		t.Errorf("b ran after a cancel: %+v", st)
	}
	if last := evs[len(evs)-1]; last.Status != Cancelled || !strings.Contains(last.Err, "cancelled") {
		t.Errorf("queue-done = %+v", last)
	}
}

func TestSyncRunHonoursCallerContext(t *testing.T) {
	sess, _ := newSession(t)
	// The caller's deadline passes while the stage runs, never before it
	// starts, however slow the machine: the stage itself makes it pass.
	ctx := &deadlineOnSignal{Context: context.Background(), done: make(chan struct{})}
	a := ok("a")
	a.Run = func(ctx2 context.Context, rep Reporter) (Result, error) {
		ctx.expire()
		<-ctx2.Done()
		return Result{}, ctx2.Err()
	}
	r := newRunner(sess, a)
	if err := r.Run(ctx, "a"); err == nil {
		t.Fatal("Run succeeded after its context expired")
	}
	if st := stateOf(t, r, "a"); st.Err != ErrMsgTimedOut {
		t.Errorf("err = %q, want %q", st.Err, ErrMsgTimedOut)
	}
}

func TestRunAllStopsAtFirstFailure(t *testing.T) {
	sess, _ := newSession(t)
	a, b, c := ok("a"), failing("b", "nope"), ok("c")
	r := newRunner(sess, a, b, c)
	ch, stop := r.Subscribe()
	defer stop()
	err := r.RunAll(context.Background())
	var se *StageError
	if !errors.As(err, &se) || se.ID != "b" || se.Index != 2 {
		t.Fatalf("err = %v", err)
	}
	evs := collect(t, ch)
	if got, want := kinds(evs), "started:a finished:a started:b finished:b queue-done:b"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	if c.runs.Load() != 0 || stateOf(t, r, "c").Status != Pending {
		t.Error("c ran after b failed")
	}
	// Running all again resumes at the failed stage, skipping a.
	r.RunAll(context.Background())
	if a.runs.Load() != 1 || b.runs.Load() != 2 {
		t.Errorf("runs a=%d b=%d", a.runs.Load(), b.runs.Load())
	}
}

func TestRunUntil(t *testing.T) {
	sess, _ := newSession(t)
	a, b, c := ok("a"), ok("b"), ok("c")
	r := newRunner(sess, a, b, c)
	if err := r.RunUntil(context.Background(), "b"); err != nil {
		t.Fatal(err)
	}
	if a.runs.Load() != 1 || b.runs.Load() != 1 || c.runs.Load() != 0 {
		t.Errorf("runs %d %d %d", a.runs.Load(), b.runs.Load(), c.runs.Load())
	}
	err := r.RunUntil(context.Background(), "b")
	var ref *RefusedError
	if !errors.As(err, &ref) || !errors.Is(err, ErrNothingToRun) || !strings.Contains(err.Error(), `stage 2 "B"`) {
		t.Errorf("second RunUntil = %v", err)
	}
	if err := r.RunUntil(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if a.runs.Load() != 1 || c.runs.Load() != 1 {
		t.Errorf("RunUntil re-ran a or skipped c: %d %d", a.runs.Load(), c.runs.Load())
	}
	if err := r.RunUntil(context.Background(), "zzz"); err == nil || err.Error() != `there is no stage called "zzz"` {
		t.Errorf("unknown = %v", err)
	}
}

func TestRequirements(t *testing.T) {
	sess, _ := newSession(t)
	a, b := ok("a"), ok("b")
	c := ok("c")
	c.Title = "Invoke with token"
	c.Requires = []string{"a", "b"}
	b.Title = "Wait until READY"
	r := newRunner(sess, a, b, c)
	want := `stage 3 "Invoke with token" needs stage 2 "Wait until READY" to succeed first`
	r.Run(context.Background(), "a")
	if err := r.CanRun("c"); err == nil || err.Error() != want {
		t.Errorf("CanRun = %v, want %q", err, want)
	}
	ch, stop := r.Subscribe()
	defer stop()
	err := r.Start("c")
	var ref *RefusedError
	if !errors.As(err, &ref) || err.Error() != want {
		t.Errorf("Start = %v", err)
	}
	if c.runs.Load() != 0 || r.Busy() {
		t.Error("refused stage ran")
	}
	select {
	case e := <-ch:
		t.Errorf("a refused start published %+v", e)
	default:
	}
	// A queue may satisfy a requirement with a stage it runs earlier.
	if err := r.StartAll(); err != nil {
		t.Fatalf("StartAll = %v", err)
	}
	r.Wait()
	if stateOf(t, r, "c").Status != Succeeded {
		t.Error("c did not run in the queue")
	}
	if err := r.CanRun("nope"); err == nil || !strings.Contains(err.Error(), `no stage called "nope"`) {
		t.Errorf("CanRun unknown = %v", err)
	}
}

func TestRerunMarksLaterStagesStale(t *testing.T) {
	sess, dir := newSession(t)
	r := newRunner(sess, ok("a"), ok("b"), ok("c"))
	r.RunAll(context.Background())
	if err := r.Run(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a": false, "b": true, "c": true} {
		if st := stateOf(t, r, id); st.Stale != want || st.Status != Succeeded {
			t.Errorf("%s: stale=%v status=%s, want stale=%v", id, st.Stale, st.Status, want)
		}
	}
	if rec, _ := openSession(t, dir).Stage("c"); !rec.Stale {
		t.Error("staleness not persisted")
	}
	// Stale does not block; re-running b clears its own mark.
	if err := r.CanRun("c"); err != nil {
		t.Errorf("stale blocked: %v", err)
	}
	r.Run(context.Background(), "b")
	if stateOf(t, r, "b").Stale || !stateOf(t, r, "c").Stale {
		t.Error("re-running b did not clear its own stale mark")
	}
}

func TestResumeAfterCrashMidStage(t *testing.T) {
	sess, dir := newSession(t)
	started := time.Now().Add(-time.Minute).UTC()
	sess.SetStages(map[string]session.StageRecord{"a": session.StageRecord{Status: "succeeded"}})
	sess.SetStages(map[string]session.StageRecord{"b": session.StageRecord{Status: "running", StartedAt: started,
		Values: []session.Value{{Name: "poolId", Value: "p1"}}}})
	r := newRunner(sess, ok("a"), ok("b"), ok("c"))
	st := stateOf(t, r, "b")
	if st.Status != Failed || st.Err != ErrMsgInterrupted {
		t.Errorf("b = %+v", st)
	}
	if v, _ := st.Result.Get("poolId"); v.Value != "p1" {
		t.Errorf("values before the crash lost: %+v", st.Result)
	}
	if rec, _ := openSession(t, dir).Stage("b"); rec.Status != "failed" || rec.Err != ErrMsgInterrupted {
		t.Errorf("interruption not persisted: %+v", rec)
	}
	if stateOf(t, r, "a").Status != Succeeded {
		t.Error("a lost its status")
	}
	// Resuming runs b and c only.
	r.RunAll(context.Background())
	for _, s := range r.Snapshot() {
		if s.Status != Succeeded {
			t.Errorf("%s = %s", s.ID, s.Status)
		}
	}
}

func TestCrashLeavesRunningOnDisk(t *testing.T) {
	// While a stage runs, the state file already says running: that is
	// what lets the next start report the interruption.
	sess, dir := newSession(t)
	release := make(chan struct{})
	inside := make(chan struct{})
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		close(inside)
		<-release
		return Result{}, nil
	}
	r := newRunner(sess, a)
	r.Start("a")
	<-inside
	rec, _ := openSession(t, dir).Stage("a")
	close(release)
	r.Wait()
	if rec.Status != "running" {
		t.Errorf("persisted status during the run = %q", rec.Status)
	}
}

func TestReset(t *testing.T) {
	sess, dir := newSession(t)
	a, b := ok("a"), ok("b")
	b.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		rep.Value(Value{Name: "tok", Value: "s", Secret: true})
		return Result{}, nil
	}
	r := newRunner(sess, a, b)
	sess.Plan("iam-role", "x", "b", nil)
	r.RunAll(context.Background())
	if err := r.Reset("b"); err != nil {
		t.Fatal(err)
	}
	if stateOf(t, r, "a").Status != Succeeded {
		t.Error("reset touched an earlier stage")
	}
	st := stateOf(t, r, "b")
	if st.Status != Pending || len(st.Result.Values) != 0 || !st.FinishedAt.IsZero() {
		t.Errorf("b after reset = %+v", st)
	}
	if _, err := r.Secret("b", "tok"); err == nil {
		t.Error("secret survived reset")
	}
	e2 := openSession(t, dir)
	if rec, _ := e2.Stage("b"); rec.Status != "pending" {
		t.Errorf("reset not persisted: %+v", rec)
	}
	if len(e2.Resources()) != 1 {
		t.Error("reset dropped the ledger")
	}
	if err := r.Reset("nope"); err == nil {
		t.Error("reset of unknown stage succeeded")
	}
	r.Reset("")
	if stateOf(t, r, "a").Status != Pending {
		t.Error("reset all left a")
	}
}

func TestLateReporterCallsAreDropped(t *testing.T) {
	sess, _ := newSession(t)
	var kept Reporter
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		kept = rep
		return Result{}, nil
	}
	r := newRunner(sess, a)
	r.Run(context.Background(), "a")
	ch, stop := r.Subscribe()
	defer stop()
	kept.Log("late")
	kept.Value(Value{Name: "late", Value: "x"})
	kept.Progress("late", 1, 1)
	r.Run(context.Background(), "a") // a marker run: its events must come first
	evs := collect(t, ch)
	if evs[0].Kind != EventStarted {
		t.Errorf("late events leaked: %v", kinds(evs))
	}
	if _, ok := stateOf(t, r, "a").Result.Get("late"); ok {
		t.Error("late value recorded")
	}
}

func TestPanicFailsTheStage(t *testing.T) {
	sess, _ := newSession(t)
	a := ok("a")
	a.Run = func(context.Context, Reporter) (Result, error) { panic("nil map") }
	r := newRunner(sess, a)
	r.Run(context.Background(), "a")
	if st := stateOf(t, r, "a"); st.Status != Failed || !strings.Contains(st.Err, "nil map") {
		t.Errorf("state = %+v", st)
	}
	if r.Busy() {
		t.Error("busy after a panic")
	}
}

func TestSlowSubscriberLosesNothing(t *testing.T) {
	sess, _ := newSession(t)
	const n = 5000
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		for i := range n {
			rep.Log("line %d", i)
		}
		return Result{}, nil
	}
	r := newRunner(sess, a)
	ch, stop := r.Subscribe()
	defer stop()
	idle, stopIdle := r.Subscribe() // never read until the end
	// The run completes although nobody reads: publishing never blocks.
	if err := r.Run(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []<-chan Event{ch, idle} {
		evs := collect(t, c)
		if len(evs) != n+3 {
			t.Fatalf("got %d events, want %d", len(evs), n+3)
		}
		for i := range n {
			if want := fmt.Sprintf("line %d", i); evs[i+1].Line != want {
				t.Fatalf("event %d = %q, want %q", i+1, evs[i+1].Line, want)
			}
		}
	}
	stopIdle()
	if _, open := <-idle; open {
		t.Error("channel still open after unsubscribe")
	}
	stopIdle() // idempotent
}

func TestConcurrentUse(t *testing.T) {
	sess, _ := newSession(t)
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		done := make(chan struct{})
		go func() { // a stage reporting from two goroutines
			for i := range 200 {
				rep.Progress("p", i, 200)
			}
			close(done)
		}()
		for i := range 200 {
			rep.Value(Value{Name: fmt.Sprint("v", i%5), Value: fmt.Sprint(i)})
		}
		<-done
		return Result{}, nil
	}
	r := newRunner(sess, a)
	ch, stop := r.Subscribe()
	defer stop()
	r.Start("a")
	for range 50 {
		r.Snapshot()
		r.Busy()
		r.CanRun("a")
	}
	r.Wait()
	evs := collect(t, ch)
	if len(evs) != 403 {
		t.Errorf("events = %d, want 403", len(evs))
	}
	if n := len(stateOf(t, r, "a").Result.Values); n != 5 {
		t.Errorf("values = %d, want 5 (same names replace)", n)
	}
}

// A read-only runner (what `status` builds while another process holds the
// workspace) shows a running stage as running and never writes: a run or
// a reset fails before anything changes on disk or in the stage's code.
func TestReadOnlyRunnerNeverWrites(t *testing.T) {
	sess, dir := newSession(t)
	sess.SetStages(map[string]session.StageRecord{"a": session.StageRecord{Status: "running", StartedAt: time.Now()}})
	sess.PutSecret("a", "pw", secretValue)
	before, err := os.ReadFile(sess.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	a := ok("a")
	r := NewRunner([]Stage{a.stage()}, openSession(t, dir), Options{ReadOnly: true})
	if st := stateOf(t, r, "a"); st.Status != Running || st.Err != "" {
		t.Errorf("a live run shows as %s %q, want running", st.Status, st.Err)
	}
	if err := r.Reset(""); err == nil {
		t.Error("a read-only runner reset the stages")
	}
	var se *StageError
	if err := r.Run(context.Background(), "a"); !errors.As(err, &se) {
		t.Errorf("run on a read-only runner: %v, want a StageError", err)
	}
	if n := a.runs.Load(); n != 0 {
		t.Errorf("the stage ran %d time(s)", n)
	}
	after, err := os.ReadFile(sess.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("state file changed:\n%s\n%s", before, after)
	}
	if v, ok := openSession(t, dir).Secret("a", "pw"); !ok || v != secretValue {
		t.Error("the reset deleted the secrets")
	}
}

// The runner keeps the time it is given: a stage's start, end and
// elapsed time come from Options.Now.
func TestRunnerUsesItsClock(t *testing.T) {
	sess, _ := newSession(t)
	t0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := t0
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		mu.Lock()
		now = now.Add(90 * time.Second)
		mu.Unlock()
		return Result{}, nil
	}
	r := NewRunner([]Stage{a.stage()}, sess, Options{Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}})
	if err := r.Run(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	st := stateOf(t, r, "a")
	if !st.StartedAt.Equal(t0) || !st.FinishedAt.Equal(t0.Add(90*time.Second)) || st.Elapsed != 90*time.Second {
		t.Errorf("times = %v %v %v", st.StartedAt, st.FinishedAt, st.Elapsed)
	}
}

// deadlineOnSignal is a caller's context whose deadline passes when
// expire is called: a timeout at a known point instead of a race with a
// timer.
type deadlineOnSignal struct {
	context.Context
	once sync.Once
	done chan struct{}
}

func (c *deadlineOnSignal) expire()               { c.once.Do(func() { close(c.done) }) }
func (c *deadlineOnSignal) Done() <-chan struct{} { return c.done }
func (c *deadlineOnSignal) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// A stage that returns Skip ends Skipped with its reason, saved and
// restored as such; the queue goes on past it, run-all does not repeat
// it, asking for it by name runs it again, and a stage requiring it is
// refused with the reason.
func TestSkippedStage(t *testing.T) {
	sess, dir := newSession(t)
	skip := ok("b")
	skip.Run = func(context.Context, Reporter) (Result, error) {
		return Result{}, fmt.Errorf("wrapped: %w", Skip("no %s given", "IdP"))
	}
	needs := ok("d")
	needs.Requires = []string{"b"}
	a, c := ok("a"), ok("c")
	r := newRunner(sess, a, skip, c, needs)
	if err := r.RunUntil(context.Background(), "c"); err != nil {
		t.Fatalf("a skipped stage stopped the queue: %v", err)
	}
	if st := stateOf(t, r, "b"); st.Status != Skipped || st.Err != "no IdP given" {
		t.Fatalf("b = %s %q, want skipped with its reason", st.Status, st.Err)
	}
	if c.runs.Load() != 1 {
		t.Errorf("c ran %d times, want 1", c.runs.Load())
	}
	if i := Resume(r.Snapshot()); i != 3 {
		t.Errorf("Resume = %d, want 3 (d): a skipped stage is done", i)
	}
	err := r.RunUntil(context.Background(), "d")
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "was skipped: no IdP given") {
		t.Errorf("d after a skipped b: %v", err)
	}
	if skip.runs.Load() != 1 {
		t.Errorf("run-until d re-ran the skipped b (%d runs)", skip.runs.Load())
	}
	if err := r.RunUntil(context.Background(), "b"); err != nil || skip.runs.Load() != 2 {
		t.Errorf("asking for b by name: %v, %d runs", err, skip.runs.Load())
	}
	// The status survives a restart.
	r2 := newRunner(openSession(t, dir), a, skip, c, needs)
	if st := stateOf(t, r2, "b"); st.Status != Skipped || st.Err != "no IdP given" {
		t.Errorf("after a restart b = %s %q", st.Status, st.Err)
	}
	// The reducer follows the same outcome.
	s := StageState{ID: "b"}
	s.Apply(Event{Kind: EventStarted, StepID: "b", RunID: 1})
	s.Apply(Event{Kind: EventFinished, StepID: "b", RunID: 1, Status: Skipped, Err: "no IdP given"})
	if s.Status != Skipped || s.Err != "no IdP given" || !s.Status.Done() {
		t.Errorf("reduced state = %+v", s)
	}
}
