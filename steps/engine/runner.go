package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"agentcore-workshop/internal/session"
)

// Messages a learner sees in a stage's error field.
const (
	ErrMsgInterrupted = "interrupted: the workshop stopped while this stage was running; run it again"
	ErrMsgCancelled   = "cancelled"
	ErrMsgTimedOut    = "timed out"
	// ExpectedErrorNote starts the log line of a stage that got the error
	// it teaches (stage 6's refusal), which the UI's summary card finds.
	ExpectedErrorNote = "got the expected error: "
)

// errReadOnly is what a read-only runner (Options.ReadOnly) answers any write with.
var errReadOnly = errors.New("this view of the workspace is read-only")

// ErrNothingToRun is wrapped by the RefusedError a run-all or run-until
// returns when every stage it would run has already succeeded.
var ErrNothingToRun = errors.New("nothing to run")

// RefusedError is returned when a run cannot start (busy, unknown stage,
// unmet requirement, nothing to run). Nothing ran and no event was
// published, not even EventQueueDone.
type RefusedError struct{ Reason error }

func (e *RefusedError) Error() string { return e.Reason.Error() }
func (e *RefusedError) Unwrap() error { return e.Reason }

// StageError is returned by the synchronous Run* methods when a stage did
// not meet its expectation; the queue stopped there.
type StageError struct {
	Index int
	ID    string
	Title string
	Err   string
}

func (e *StageError) Error() string {
	if e.Err == ErrMsgCancelled {
		return fmt.Sprintf("stage %d %q was cancelled", e.Index, e.Title)
	}
	return fmt.Sprintf("stage %d %q failed: %s", e.Index, e.Title, e.Err)
}

// Options adjust a Runner.
type Options struct {
	Log *slog.Logger     // nil discards
	Now func() time.Time // the time stages start and finish at; nil is time.Now
	// ReadOnly makes the runner an observer of a workspace another process
	// may be running: it loads the saved state and never writes it. A stage
	// saved as running is shown running (its process is alive), and any
	// attempt to run or reset fails instead of overwriting the live state.
	ReadOnly bool
	// Translate turns a stage's English log format or progress label into
	// the learner's language (an i18n.Printer's T); nil keeps English.
	// Formats are translated before their arguments are put in.
	Translate func(english string) string
}

// Runner moves the stages through their statuses, saves every transition
// in the session before publishing it, and feeds the events to every
// subscriber. One run (a stage or a queue of stages) at a time. Its lock
// guards memory only: saving happens outside it, in the store's writer.
type Runner struct {
	stages []Stage
	index  map[string]int
	sess   *session.Session
	log    *slog.Logger
	now    func() time.Time
	tr     func(string) string // nil: English
	store  store

	mu      sync.Mutex
	states  []StageState
	active  []int64 // run id of each stage's live run; 0 when not running
	busy    bool    // a run or a reset is in progress
	current int     // stage running now, -1 between stages or when idle
	cancel  context.CancelFunc
	done    chan struct{} // closed when the run in progress ends
	lastRun int64
	events  Broadcast
}

// NewRunner builds a runner over stages and loads their saved statuses
// from sess. A stage saved as running means the workshop died mid-stage:
// it comes back failed, "interrupted".
func NewRunner(stages []Stage, sess *session.Session, o Options) *Runner {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	r := &Runner{
		stages:  slices.Clone(stages),
		index:   make(map[string]int, len(stages)),
		sess:    sess,
		log:     log,
		now:     now,
		tr:      o.Translate,
		states:  make([]StageState, len(stages)),
		active:  make([]int64, len(stages)),
		current: -1,
	}
	r.store.save = func(recs map[string]session.StageRecord) error {
		if o.ReadOnly {
			return errReadOnly
		}
		return sess.SetStages(recs)
	}
	fix := map[string]session.StageRecord{}
	for i, s := range stages {
		if _, dup := r.index[s.ID]; dup {
			panic(fmt.Sprintf("engine: two stages with id %q", s.ID))
		}
		r.index[s.ID] = i
		st := StageState{Index: i + 1, ID: s.ID, Title: s.Title, Status: Pending}
		if rec, ok := sess.Stage(s.ID); ok {
			st = fromRecord(st, rec)
		}
		if st.Status == Running && !o.ReadOnly {
			st.Status = Failed
			st.Err = ErrMsgInterrupted
			fix[st.ID] = toRecord(st)
		}
		r.states[i] = st
	}
	if len(fix) > 0 {
		if err := sess.SetStages(fix); err != nil {
			r.log.Error("could not record interrupted stages", "err", err)
		}
	}
	return r
}

// Snapshot returns every stage in order. Secret values are redacted.
func (r *Runner) Snapshot() []StageState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Copy(r.states, r.now())
}

// Copy returns states safe to hand out: their values copied, and a running
// stage's Elapsed the time since it started, at now. The runner's Snapshot
// and a mirror of a runner in another process give their states so.
func Copy(states []StageState, now time.Time) []StageState {
	out := slices.Clone(states)
	for i, st := range out {
		out[i].Result.Values = slices.Clone(st.Result.Values)
		if st.Status == Running && !st.StartedAt.IsZero() {
			out[i].Elapsed = now.Sub(st.StartedAt)
		}
	}
	return out
}

// Subscribe returns a channel with every event published from now on, in
// order, and a function that stops the subscription and closes the
// channel. Subscribers never slow the runner down.
func (r *Runner) Subscribe() (<-chan Event, func()) {
	return r.events.Subscribe()
}

// publishLocked sends e to every subscriber. r.mu is held, which gives all
// subscribers the same order.
func (r *Runner) publishLocked(e Event) {
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	r.events.Publish(e)
}

// Busy reports whether a run is in progress.
func (r *Runner) Busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busy
}

// Wait blocks until the run in progress (if any) has ended.
func (r *Runner) Wait() {
	r.mu.Lock()
	d := r.done
	r.mu.Unlock()
	if d != nil {
		<-d
	}
}

// Cancel cancels the run in progress; the running stage ends Cancelled
// (when it honours its context) and the queue stops.
func (r *Runner) Cancel() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// Secret returns a secret value a stage produced.
func (r *Runner) Secret(stepID, name string) (string, error) {
	if v, ok := r.sess.Secret(stepID, name); ok {
		return v, nil
	}
	return "", fmt.Errorf("stage %q has no secret value %q (has the stage run?)", stepID, name)
}

// LastLog returns the kept log of stage id's last run, secrets redacted:
// what the learner saw of it, even when an earlier process ran it.
func (r *Runner) LastLog(id string) ([]string, error) {
	r.mu.Lock()
	i, ok := r.index[id]
	var started time.Time
	if ok {
		started = r.states[i].StartedAt
	}
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("there is no stage called %q", id)
	}
	if started.IsZero() {
		return nil, nil // never ran (or reset since)
	}
	lines, err := r.sess.LastRunLog(id, started)
	if err != nil {
		return lines, fmt.Errorf("stage %q: %w", id, err)
	}
	return lines, nil
}

// Start runs stage id in the background.
func (r *Runner) Start(id string) error {
	return r.launch(context.Background(), modeOne, id, true)
}

// StartAll runs every stage that has not succeeded yet, in order, in the
// background, stopping at the first failure.
func (r *Runner) StartAll() error {
	return r.launch(context.Background(), modeAll, "", true)
}

// Run runs stage id and waits for it.
func (r *Runner) Run(ctx context.Context, id string) error {
	return r.launch(ctx, modeOne, id, false)
}

// RunAll is the synchronous StartAll.
func (r *Runner) RunAll(ctx context.Context) error {
	return r.launch(ctx, modeAll, "", false)
}

// RunUntil runs the stages up to and including id that have not
// succeeded yet, and waits for them; it stops at the first failure.
func (r *Runner) RunUntil(ctx context.Context, id string) error {
	return r.launch(ctx, modeUntil, id, false)
}

// Reset marks stage to and every stage that depends on it (through
// Requires, directly or not) pending, forgetting their results and
// secrets. The resource ledger stays: cleanup owns resources. An empty to
// resets every stage.
func (r *Runner) Reset(to string) error {
	r.mu.Lock()
	if r.busy {
		defer r.mu.Unlock()
		return &RefusedError{r.busyReasonLocked()}
	}
	var reset []int
	if to == "" {
		for i := range r.states {
			reset = append(reset, i)
		}
	} else {
		if _, ok := r.index[to]; !ok {
			r.mu.Unlock()
			return &RefusedError{fmt.Errorf("there is no stage called %q", to)}
		}
		reset = r.dependentsLocked([]string{to})
	}
	next := slices.Clone(r.states)
	events := resetEvents(next, reset, r.lastRun)
	saved := r.store.put(recordsOf(next, reset))
	r.busy = true // nothing starts until the reset is saved and applied
	r.mu.Unlock()

	err := saved.wait()
	if err == nil {
		err = r.forgetSecrets(idsOf(next, reset))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.busy = false
	if saved.err == nil {
		r.states = next
		for _, e := range events {
			r.publishLocked(e)
		}
	}
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	return nil
}

// Dependents returns stage id and every stage that depends on it through
// Requires, directly or through another stage, in workshop order: what a
// reset of id would make pending.
func (r *Runner) Dependents(id string) ([]StageState, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.index[id]; !ok {
		return nil, fmt.Errorf("there is no stage called %q", id)
	}
	var out []StageState
	for _, i := range r.dependentsLocked([]string{id}) {
		out = append(out, r.states[i])
	}
	return out, nil
}

// dependentsLocked returns the indexes of the stages named in ids and of
// every stage requiring one of them, transitively, in order. Unknown ids
// are ignored.
func (r *Runner) dependentsLocked(ids []string) []int {
	in := make([]bool, len(r.stages))
	for _, id := range ids {
		if i, ok := r.index[id]; ok {
			in[i] = true
		}
	}
	// Requirements usually name earlier stages, so this settles in one
	// pass; looping until nothing changes also covers any other order.
	for changed := true; changed; {
		changed = false
		for i, st := range r.stages {
			if in[i] {
				continue
			}
			for _, need := range st.Requires {
				if j, ok := r.index[need]; ok && in[j] {
					in[i], changed = true, true
					break
				}
			}
		}
	}
	var out []int
	for i, yes := range in {
		if yes {
			out = append(out, i)
		}
	}
	return out
}

// resetEvents applies a reset to each stage in which (of states) and
// returns the events that tell subscribers.
func resetEvents(states []StageState, which []int, runID int64) []Event {
	events := make([]Event, 0, len(which))
	for _, i := range which {
		e := Event{Kind: EventReset, StepID: states[i].ID, RunID: max(runID, states[i].RunID)}
		states[i].Apply(e)
		events = append(events, e)
	}
	return events
}

// recordsOf returns the records of the stages in which, to save at once.
func recordsOf(states []StageState, which []int) map[string]session.StageRecord {
	recs := make(map[string]session.StageRecord, len(which))
	for _, i := range which {
		recs[states[i].ID] = toRecord(states[i])
	}
	return recs
}

// idsOf returns the ids of the stages in which.
func idsOf(states []StageState, which []int) []string {
	ids := make([]string, len(which))
	for k, i := range which {
		ids[k] = states[i].ID
	}
	return ids
}

// forgetSecrets deletes the saved secrets of the stages named.
func (r *Runner) forgetSecrets(ids []string) error {
	for _, id := range ids {
		if err := r.sess.DeleteSecrets(id); err != nil {
			return err
		}
	}
	return nil
}

type runMode int

const (
	modeOne runMode = iota
	modeAll
	modeUntil
)

// translate returns english in the learner's language.
func (r *Runner) translate(english string) string {
	if r.tr == nil {
		return english
	}
	return r.tr(english)
}

// busyReasonLocked explains why nothing can start right now.
func (r *Runner) busyReasonLocked() error {
	if r.current >= 0 {
		st := r.states[r.current]
		return fmt.Errorf("stage %d %q is running; wait for it or press c to cancel", st.Index, st.Title)
	}
	return errors.New("a run is in progress; wait for it or press c to cancel")
}

// planLocked returns the stages a run would execute, or why it cannot
// start. Requirements may be met by stages queued earlier in the same run.
func (r *Runner) planLocked(mode runMode, id string) ([]int, error) {
	if r.busy {
		return nil, r.busyReasonLocked()
	}
	last := len(r.states) - 1
	if mode != modeAll {
		i, ok := r.index[id]
		if !ok {
			return nil, fmt.Errorf("there is no stage called %q", id)
		}
		last = i
	}
	var queue []int
	if mode == modeOne {
		queue = []int{last}
	} else {
		// Remaining means not yet succeeded, or succeeded on inputs an
		// earlier stage has since replaced (stale).
		for i := 0; i <= last; i++ {
			if r.stages[i].Manual && (mode == modeAll || i != last) {
				continue
			}
			// A skipped stage asked for by name runs again: the learner
			// may have given it what it lacked.
			if st := r.states[i]; !st.Status.Done() || st.Stale || (st.Status == Skipped && mode == modeUntil && i == last) {
				queue = append(queue, i)
			}
		}
		if len(queue) == 0 {
			if last < 0 {
				return nil, fmt.Errorf("%w: the workshop has no stages", ErrNothingToRun)
			}
			hint := "reset to run them again"
			for last > 0 && r.stages[last].Manual && mode == modeAll {
				hint = fmt.Sprintf("stage %d %q runs only when you ask for it", r.states[last].Index, r.states[last].Title)
				last--
			}
			st := r.states[last]
			return nil, fmt.Errorf("%w: every stage up to stage %d %q has already succeeded (%s)",
				ErrNothingToRun, st.Index, st.Title, hint)
		}
	}
	willSucceed := map[string]bool{}
	for _, i := range queue {
		if err := r.requirementsLocked(i, willSucceed); err != nil {
			return nil, err
		}
		willSucceed[r.states[i].ID] = true
	}
	return queue, nil
}

// requirementsLocked checks stage i's requirements against the stages
// that succeeded (a stale success still counts) plus those in extra.
func (r *Runner) requirementsLocked(i int, extra map[string]bool) error {
	st := r.states[i]
	for _, need := range r.stages[i].Requires {
		j, ok := r.index[need]
		if !ok {
			return fmt.Errorf("stage %d %q needs a stage %q that this workshop does not have", st.Index, st.Title, need)
		}
		if r.states[j].Status == Skipped && !extra[need] {
			return fmt.Errorf("stage %d %q needs stage %d %q, which was skipped: %s",
				st.Index, st.Title, r.states[j].Index, r.states[j].Title, r.states[j].Err)
		}
		if r.states[j].Status != Succeeded && !extra[need] {
			return fmt.Errorf("stage %d %q needs stage %d %q to succeed first",
				st.Index, st.Title, r.states[j].Index, r.states[j].Title)
		}
	}
	return nil
}

// launch plans a run and executes it, in the background when async.
func (r *Runner) launch(parent context.Context, mode runMode, id string, async bool) error {
	r.mu.Lock()
	queue, err := r.planLocked(mode, id)
	if err != nil {
		r.mu.Unlock()
		return &RefusedError{err}
	}
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	r.busy = true
	r.cancel, r.done = cancel, done
	r.mu.Unlock()

	run := func() error {
		last, runID, err := r.execute(ctx, queue)
		r.mu.Lock()
		// Idle before QueueDone goes out, so a subscriber reacting to it
		// can start the next run at once.
		r.busy = false
		r.cancel, r.done = nil, nil
		e := Event{Kind: EventQueueDone, StepID: r.states[last].ID, RunID: runID, Status: Succeeded}
		if err != nil {
			e.Status, e.Err = Failed, err.Error()
			if ctx.Err() != nil {
				e.Status = cancelStatus(ctx)
			}
		}
		r.publishLocked(e)
		close(done)
		r.mu.Unlock()
		cancel()
		return err
	}
	if async {
		go run()
		return nil
	}
	return run()
}

// execute runs the queued stages in order and stops at the first one that
// does not meet its expectation. It returns the last stage attempted.
func (r *Runner) execute(ctx context.Context, queue []int) (last int, runID int64, err error) {
	last = queue[0]
	for _, i := range queue {
		last = i
		if cerr := ctx.Err(); cerr != nil {
			st := r.stateOf(i)
			return last, 0, fmt.Errorf("stopped before stage %d %q: %s", st.Index, st.Title, cancelMessage(ctx))
		}
		r.mu.Lock()
		rerr := r.requirementsLocked(i, nil)
		r.mu.Unlock()
		if rerr != nil {
			return last, 0, rerr
		}
		runID, err = r.runStage(ctx, i)
		if err != nil {
			return last, runID, err
		}
	}
	return last, runID, nil
}

func (r *Runner) stateOf(i int) StageState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.states[i]
}

// cancelStatus is how a stage stopped by ctx ends: cancelled when the
// learner (or a signal) stopped it, failed when it ran out of time.
func cancelStatus(ctx context.Context) Status {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return Failed
	}
	return Cancelled
}

func cancelMessage(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrMsgTimedOut
	}
	return ErrMsgCancelled
}

// runStage runs stage i once: Running is saved before Started is
// published and before the stage does any work, the stage runs, and the
// outcome is saved before Finished is published. It returns a
// *StageError when the expectation was not met.
func (r *Runner) runStage(ctx context.Context, i int) (int64, error) {
	stage := r.stages[i]

	r.mu.Lock()
	r.lastRun++
	runID := r.lastRun
	started := Event{Kind: EventStarted, StepID: stage.ID, RunID: runID, Time: r.now()}
	next := slices.Clone(r.states)
	Apply(next, started)
	// The started stage, and the later ones it made stale, are saved in
	// one write, so a crash never leaves half of the transition on disk.
	recs := map[string]session.StageRecord{}
	for j := i; j < len(next); j++ {
		if j == i || next[j].Stale != r.states[j].Stale {
			recs[next[j].ID] = toRecord(next[j])
		}
	}
	saved := r.store.put(recs)
	r.mu.Unlock()
	if err := saved.wait(); err != nil {
		return runID, &StageError{Index: i + 1, ID: stage.ID, Title: stage.Title,
			Err: fmt.Sprintf("could not save the workshop state, so the stage did not start: %v", err)}
	}
	r.mu.Lock()
	r.states = next
	r.active[i] = runID
	r.current = i
	r.publishLocked(started)
	r.mu.Unlock()
	r.log.Info("stage started", "step", stage.ID, "run", runID)

	rep := &reporter{r: r, i: i, id: stage.ID, runID: runID, started: started.Time}
	res, runErr := r.call(ctx, stage, rep)
	status, msg, note := r.judge(ctx, stage, runErr)
	// Values the stage returned without reporting join its result here;
	// their secrets are saved first, outside the lock.
	for _, v := range res.Values {
		rep.saveSecret(v)
	}
	if note != "" {
		rep.keep(note)
	}

	r.mu.Lock()
	st := &r.states[i]
	final := st.Result
	for _, v := range res.Values {
		final.set(v)
	}
	if status == Succeeded && rep.saveErr != nil {
		status, msg = Failed, rep.saveErr.Error()
	}
	if note != "" {
		r.publishLocked(Event{Kind: EventLog, StepID: st.ID, RunID: runID, Line: note})
	}
	end := r.now()
	finished := Event{Kind: EventFinished, StepID: st.ID, RunID: runID, Time: end,
		Status: status, Elapsed: end.Sub(st.StartedAt), Err: msg, Result: &final}
	st.Apply(finished)
	r.active[i] = 0
	r.current = -1
	// A successful run that undid earlier stages (cleanup) makes them and
	// their dependents pending in the same write as its own outcome.
	var undone []int
	if status == Succeeded {
		undone = slices.DeleteFunc(r.dependentsLocked(res.Undid), func(j int) bool { return j == i })
	}
	resets := resetEvents(r.states, undone, runID)
	undoneIDs := idsOf(r.states, undone)
	outcome := recordsOf(r.states, undone)
	outcome[st.ID] = toRecord(*st)
	saved = r.store.put(outcome)
	r.mu.Unlock()

	saveErr := saved.wait()
	if saveErr == nil {
		saveErr = r.forgetSecrets(undoneIDs)
	}
	r.mu.Lock()
	if saveErr != nil {
		r.log.Error("could not save stage outcome", "step", stage.ID, "err", saveErr)
		r.publishLocked(Event{Kind: EventLog, StepID: stage.ID, RunID: runID,
			Line: fmt.Sprintf("warning: could not save the workshop state: %v", saveErr)})
	}
	for _, e := range resets {
		r.publishLocked(e)
	}
	r.publishLocked(finished)
	r.mu.Unlock()
	r.log.Info("stage finished", "step", stage.ID, "run", runID, "status", string(status),
		"elapsed", finished.Elapsed, "error", msg)
	if !status.Done() {
		return runID, &StageError{Index: i + 1, ID: stage.ID, Title: stage.Title, Err: msg}
	}
	return runID, nil
}

// call runs the stage, turning a panic into a stage failure rather than
// taking the whole workshop (and the learner's terminal) down with it.
func (r *Runner) call(ctx context.Context, stage Stage, rep Reporter) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("stage panicked", "step", stage.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res, err = Result{}, fmt.Errorf("the stage crashed: %v", p)
		}
	}()
	return stage.Run(ctx, rep)
}

// judge turns what Run returned into the stage's outcome, an error text
// for the learner, and an optional note to log.
func (r *Runner) judge(ctx context.Context, stage Stage, err error) (Status, string, string) {
	if err != nil && ctx.Err() != nil {
		return cancelStatus(ctx), cancelMessage(ctx), ""
	}
	if skip := (*SkipError)(nil); errors.As(err, &skip) {
		return Skipped, skip.Reason, ""
	}
	if exp := stage.Expect; exp != nil {
		want := exp.What
		if want == "" {
			want = "an error"
		}
		switch {
		case err == nil:
			return Failed, fmt.Sprintf("expected %s but the call succeeded", want), ""
		case exp.Matches(err):
			return Succeeded, "", r.translate(ExpectedErrorNote) + err.Error()
		default:
			return Failed, fmt.Sprintf("expected %s but got: %v", want, err), ""
		}
	}
	if err != nil {
		return Failed, err.Error(), ""
	}
	return Succeeded, "", ""
}

// reporter is the Reporter a stage run gets. Calls after the run ended
// (a goroutine the stage forgot) are dropped.
type reporter struct {
	r       *Runner
	i       int
	id      string
	runID   int64
	started time.Time // the run's start: the kept log's run key
	saveErr error     // guarded by r.mu
}

// liveLocked reports whether the run is still the stage's live run. r.mu is held.
func (p *reporter) liveLocked() bool { return p.r.active[p.i] == p.runID }

func (p *reporter) live() bool {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	return p.liveLocked()
}

func (p *reporter) Log(format string, args ...any) {
	line := fmt.Sprintf(p.r.translate(format), args...)
	p.r.mu.Lock()
	if !p.liveLocked() {
		p.r.mu.Unlock()
		return
	}
	p.r.publishLocked(Event{Kind: EventLog, StepID: p.id, RunID: p.runID, Line: line})
	p.r.mu.Unlock()
	// The workshop log is a file too: it gets the line as the kept log
	// does, with the workspace's secret values redacted.
	p.r.log.Info(p.r.sess.Redact(line), "step", p.id, "run", p.runID)
	p.keep(line)
}

// keep appends line to the stage's kept log in the workspace, secrets
// redacted, so it can be shown again after a restart. A line that cannot
// be kept is still on screen; the failure goes to the workshop log.
func (p *reporter) keep(line string) {
	err := p.r.sess.AppendStageLog(session.LogLine{Stage: p.id, Run: p.started, Time: p.r.now(), Line: line})
	if err != nil {
		p.r.log.Error("could not keep a stage log line", "step", p.id, "err", err)
	}
}

func (p *reporter) Progress(label string, done, total int) {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	if p.liveLocked() {
		e := Event{Kind: EventProgress, StepID: p.id, RunID: p.runID, Label: p.r.translate(label), Done: done, Total: total}
		p.r.states[p.i].Apply(e)
		p.r.publishLocked(e)
	}
}

// Value saves v (a secret in the secrets file, the rest with the stage's
// record) and then publishes it, so IDs survive a crash later in the stage.
func (p *reporter) Value(v Value) {
	if !p.live() {
		return
	}
	p.saveSecret(v)
	if v.Secret {
		v.Value = ""
	}
	e := Event{Kind: EventValue, StepID: p.id, RunID: p.runID, Value: &v}
	p.r.mu.Lock()
	if !p.liveLocked() {
		p.r.mu.Unlock()
		return
	}
	p.r.states[p.i].Apply(e)
	saved := p.r.store.put(map[string]session.StageRecord{p.id: toRecord(p.r.states[p.i])})
	p.r.mu.Unlock()
	if err := saved.wait(); err != nil {
		p.r.log.Error("could not save stage value", "step", p.id, "value", v.Name, "err", err)
	}
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	// A run that ended meanwhile published the value in its Finished result.
	if p.liveLocked() {
		p.r.publishLocked(e)
	}
}

// saveSecret writes a secret value to the secrets file; the first failure
// fails the stage.
func (p *reporter) saveSecret(v Value) {
	if !v.Secret {
		return
	}
	if err := p.r.sess.PutSecret(p.id, v.Name, v.Value); err != nil {
		p.r.mu.Lock()
		if p.saveErr == nil {
			p.saveErr = fmt.Errorf("could not save secret value %q: %w", v.Name, err)
		}
		p.r.mu.Unlock()
	}
}
