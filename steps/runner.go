package steps

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"agentcore-workshop/internal/session"
)

// Messages a learner sees in a stage's error field.
const (
	ErrMsgInterrupted = "interrupted: the workshop stopped while this stage was running; run it again"
	ErrMsgCancelled   = "cancelled"
	ErrMsgTimedOut    = "timed out"
)

// errReadOnly is what a read-only runner (Env.ReadOnly) answers any write with.
var errReadOnly = errors.New("this view of the workspace is read-only")

// ErrNothingToRun is wrapped by the RefusedError a run-all or run-until
// returns when every stage it would run has already succeeded.
var ErrNothingToRun = errors.New("nothing to run")

// ExpectationDescriber is optionally implemented by ExpectsError stages to
// say, in words, which error they expect; the runner uses it when the call
// unexpectedly succeeds ("expected <this> but the call succeeded").
type ExpectationDescriber interface {
	Expectation() string
}

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
	return fmt.Sprintf("stage %d %q failed: %s", e.Index, e.Title, e.Err)
}

// Runner moves the stages through their statuses, persists every
// transition in the session before publishing it, and feeds the events to
// every subscriber. One run (a stage or a queue of stages) at a time.
type Runner struct {
	env   *Env
	list  []Step
	index map[string]int
	log   *slog.Logger
	now   func() time.Time

	mu      sync.Mutex
	states  []StageState
	active  []int64           // run id of each stage's live run; 0 when not running
	secrets map[string]string // only when env.Session is nil
	busy    atomic.Bool       // written under mu; read without it by Busy
	current int               // stage running now, -1 between stages or when idle
	cancel  context.CancelFunc
	done    chan struct{} // closed when the run in progress ends
	lastRun int64
	subs    map[*subscriber]struct{}
}

// NewRunner builds a runner over list and loads the persisted statuses
// from env.Session (nil keeps everything in memory). A stage persisted as
// running means the workshop died mid-stage: it comes back failed.
func NewRunner(list []Step, env *Env) *Runner {
	if env == nil {
		env = &Env{}
	}
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{
		env:     env,
		list:    slices.Clone(list),
		index:   make(map[string]int, len(list)),
		log:     log,
		now:     time.Now,
		states:  make([]StageState, len(list)),
		active:  make([]int64, len(list)),
		secrets: map[string]string{},
		current: -1,
		subs:    map[*subscriber]struct{}{},
	}
	fix := map[string]session.StageRecord{}
	for i, s := range list {
		if _, dup := r.index[s.ID()]; dup {
			panic(fmt.Sprintf("steps: two stages with id %q", s.ID()))
		}
		r.index[s.ID()] = i
		st := StageState{Index: i + 1, ID: s.ID(), Title: s.Title(), Status: Pending}
		if env.Session != nil {
			if rec, ok := env.Session.Stage(s.ID()); ok {
				st = fromRecord(st, rec)
			}
		}
		if st.Status == Running && !env.ReadOnly {
			st.Status = Failed
			st.Err = ErrMsgInterrupted
			fix[st.ID] = toRecord(st)
		}
		r.states[i] = st
	}
	if err := r.persistLocked(fix); err != nil {
		r.log.Error("could not record interrupted stages", "err", err)
	}
	return r
}

func fromRecord(st StageState, rec session.StageRecord) StageState {
	switch s := Status(rec.Status); s {
	case Pending, Running, Succeeded, Failed, Skipped:
		st.Status = s
	default:
		st.Status = Pending // a status this version does not know: run it again
	}
	st.StartedAt = rec.StartedAt
	st.FinishedAt = rec.FinishedAt
	st.Elapsed = rec.Elapsed
	st.Err = rec.Err
	st.Stale = rec.Stale
	st.Result = Result{Values: valuesOf(rec)}
	return st
}

// valuesOf is a stage record's values as the stage made them, secrets
// still blank.
func valuesOf(rec session.StageRecord) []Value {
	var out []Value
	for _, v := range rec.Values {
		out = append(out, Value{Name: v.Name, Value: v.Value, Secret: v.Secret, Kind: Kind(v.Kind)})
	}
	return out
}

func toRecord(st StageState) session.StageRecord {
	rec := session.StageRecord{
		Status: string(st.Status), StartedAt: st.StartedAt, FinishedAt: st.FinishedAt,
		Elapsed: st.Elapsed, Err: st.Err, Stale: st.Stale,
	}
	for _, v := range st.Result.Values {
		if v.Secret {
			v.Value = ""
		}
		rec.Values = append(rec.Values, session.Value{Name: v.Name, Value: v.Value, Secret: v.Secret, Kind: string(v.Kind)})
	}
	return rec
}

// persistLocked saves stage records; a runner without a session keeps
// state in memory only. r.mu must be held (or r not yet shared).
func (r *Runner) persistLocked(recs map[string]session.StageRecord) error {
	if r.env.Session == nil || len(recs) == 0 {
		return nil
	}
	if r.env.ReadOnly {
		return errReadOnly
	}
	return r.env.Session.SetStages(recs)
}

// Snapshot returns every stage in order. Secret values are redacted.
func (r *Runner) Snapshot() []StageState {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]StageState, len(r.states))
	now := r.now()
	for i, st := range r.states {
		st.Result.Values = slices.Clone(st.Result.Values)
		if st.Status == Running {
			st.Elapsed = now.Sub(st.StartedAt)
		}
		out[i] = st
	}
	return out
}

// Subscribe returns a channel with every event published from now on, in
// order, and a function that stops the subscription and closes the
// channel. Subscribers never slow the runner down.
func (r *Runner) Subscribe() (<-chan Event, func()) {
	s := newSubscriber()
	r.mu.Lock()
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			r.mu.Lock()
			delete(r.subs, s)
			r.mu.Unlock()
			close(s.stop)
		})
	}
}

// publishLocked sends e to every subscriber. r.mu is held, which gives all
// subscribers the same order.
func (r *Runner) publishLocked(e Event) {
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	for s := range r.subs {
		s.push(e)
	}
}

// Busy reports whether a run is in progress.
// It takes no lock, so a UI can ask on every key press without waiting for
// a state write in progress.
func (r *Runner) Busy() bool {
	return r.busy.Load()
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

// Cancel cancels the run in progress; the running stage ends failed with
// "cancelled" (when it honours its context) and the queue stops.
func (r *Runner) Cancel() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// CanRun says whether stage id could be started now, and if not, why, in
// words a learner understands.
func (r *Runner) CanRun(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.planLocked(modeOne, id)
	return err
}

// Secret returns a secret value a stage produced.
func (r *Runner) Secret(stepID, name string) (string, error) {
	if r.env.Session != nil {
		if v, ok := r.env.Session.Secret(stepID, name); ok {
			return v, nil
		}
	} else {
		r.mu.Lock()
		v, ok := r.secrets[stepID+"/"+name]
		r.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	return "", fmt.Errorf("stage %q has no secret value %q (has the stage run?)", stepID, name)
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

// StartUntil runs the stages up to and including id that have not
// succeeded yet, in the background, stopping at the first failure.
func (r *Runner) StartUntil(id string) error {
	return r.launch(context.Background(), modeUntil, id, true)
}

// Run runs stage id and waits for it.
func (r *Runner) Run(ctx context.Context, id string) error {
	return r.launch(ctx, modeOne, id, false)
}

// RunAll is the synchronous StartAll.
func (r *Runner) RunAll(ctx context.Context) error {
	return r.launch(ctx, modeAll, "", false)
}

// RunUntil is the synchronous StartUntil.
func (r *Runner) RunUntil(ctx context.Context, id string) error {
	return r.launch(ctx, modeUntil, id, false)
}

// Reset marks stage to and every later stage pending, forgetting their
// results and secrets. The resource ledger stays: cleanup owns resources.
// An empty to resets every stage.
func (r *Runner) Reset(to string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy.Load() {
		return &RefusedError{r.busyReasonLocked()}
	}
	from := 0
	if to != "" {
		i, ok := r.index[to]
		if !ok {
			return &RefusedError{fmt.Errorf("there is no stage called %q", to)}
		}
		from = i
	}
	recs := map[string]session.StageRecord{}
	next := slices.Clone(r.states)
	for i := from; i < len(next); i++ {
		next[i] = StageState{Index: i + 1, ID: next[i].ID, Title: next[i].Title, Status: Pending}
		recs[next[i].ID] = toRecord(next[i])
	}
	if err := r.persistLocked(recs); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for i := from; i < len(next); i++ {
		id := next[i].ID
		if r.env.Session != nil {
			if err := r.env.Session.DeleteSecrets(id); err != nil {
				return fmt.Errorf("reset: %w", err)
			}
		}
		for k := range r.secrets {
			if len(k) > len(id) && k[:len(id)+1] == id+"/" {
				delete(r.secrets, k)
			}
		}
	}
	r.states = next
	return nil
}

type runMode int

const (
	modeOne runMode = iota
	modeAll
	modeUntil
)

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
	if r.busy.Load() {
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
			if _, manual := r.list[i].(OnlyWhenAsked); manual && (mode == modeAll || i != last) {
				continue
			}
			if st := r.states[i]; (st.Status != Succeeded || st.Stale) && st.Status != Skipped {
				queue = append(queue, i)
			}
		}
		if len(queue) == 0 {
			if last < 0 {
				return nil, fmt.Errorf("%w: the workshop has no stages", ErrNothingToRun)
			}
			hint := "reset to run them again"
			for last > 0 {
				if _, manual := r.list[last].(OnlyWhenAsked); !manual || mode != modeAll {
					break
				}
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
	req, ok := r.list[i].(Requirer)
	if !ok {
		return nil
	}
	st := r.states[i]
	for _, need := range req.Requires() {
		j, ok := r.index[need]
		if !ok {
			return fmt.Errorf("stage %d %q needs a stage %q that this workshop does not have", st.Index, st.Title, need)
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
	r.busy.Store(true)
	r.cancel, r.done = cancel, done
	r.mu.Unlock()

	run := func() error {
		last, runID, err := r.execute(ctx, queue)
		r.mu.Lock()
		// Idle before QueueDone goes out, so a subscriber reacting to it
		// can start the next run at once.
		r.busy.Store(false)
		r.cancel, r.done = nil, nil
		e := Event{Kind: EventQueueDone, StepID: r.states[last].ID, RunID: runID, Status: Succeeded}
		if err != nil {
			e.Status, e.Err = Failed, err.Error()
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

func cancelMessage(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrMsgTimedOut
	}
	return ErrMsgCancelled
}

// runStage runs stage i once: Running is saved before Started is
// published, the step runs, and the outcome is saved before Finished is
// published. It returns a *StageError when the expectation was not met.
func (r *Runner) runStage(ctx context.Context, i int) (int64, error) {
	step := r.list[i]

	r.mu.Lock()
	saved := slices.Clone(r.states)
	r.lastRun++
	runID := r.lastRun
	st := &r.states[i]
	st.Status = Running
	st.StartedAt = r.now()
	st.FinishedAt = time.Time{}
	st.Elapsed = 0
	st.Err = ""
	st.Result = Result{}
	st.Stale = false
	recs := map[string]session.StageRecord{st.ID: toRecord(*st)}
	// Later stages built on the previous run of this one: warn, don't block.
	for j := i + 1; j < len(r.states); j++ {
		if r.states[j].Status == Succeeded && !r.states[j].Stale {
			r.states[j].Stale = true
			recs[r.states[j].ID] = toRecord(r.states[j])
		}
	}
	if err := r.persistLocked(recs); err != nil {
		r.states = saved
		idx, title := st.Index, st.Title
		r.mu.Unlock()
		return runID, &StageError{Index: idx, ID: step.ID(), Title: title,
			Err: fmt.Sprintf("could not save the workshop state, so the stage did not start: %v", err)}
	}
	r.active[i] = runID
	r.current = i
	r.publishLocked(Event{Kind: EventStarted, StepID: st.ID, RunID: runID, Time: st.StartedAt})
	r.mu.Unlock()
	r.log.Info("stage started", "step", step.ID(), "run", runID)

	rep := &reporter{r: r, i: i, id: step.ID(), runID: runID}
	res, runErr := r.call(ctx, step, rep)
	status, msg, note := judge(ctx, step, runErr)

	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range res.Values {
		r.addValueLocked(rep, v)
	}
	if status == Succeeded && rep.saveErr != nil {
		status, msg = Failed, rep.saveErr.Error()
	}
	if note != "" {
		r.publishLocked(Event{Kind: EventLog, StepID: st.ID, RunID: runID, Line: note})
	}
	st = &r.states[i]
	st.Status = status
	st.FinishedAt = r.now()
	st.Elapsed = st.FinishedAt.Sub(st.StartedAt)
	st.Err = msg
	r.active[i] = 0
	r.current = -1
	if err := r.persistLocked(map[string]session.StageRecord{st.ID: toRecord(*st)}); err != nil {
		r.log.Error("could not save stage outcome", "step", st.ID, "err", err)
		r.publishLocked(Event{Kind: EventLog, StepID: st.ID, RunID: runID,
			Line: fmt.Sprintf("warning: could not save the workshop state: %v", err)})
	}
	r.publishLocked(Event{Kind: EventFinished, StepID: st.ID, RunID: runID, Time: st.FinishedAt,
		Status: status, Elapsed: st.Elapsed, Err: msg})
	r.log.Info("stage finished", "step", st.ID, "run", runID, "status", string(status),
		"elapsed", st.Elapsed, "error", msg)
	if status != Succeeded {
		return runID, &StageError{Index: st.Index, ID: st.ID, Title: st.Title, Err: msg}
	}
	return runID, nil
}

// call runs the step, turning a panic into a stage failure rather than
// taking the whole workshop (and the learner's terminal) down with it.
func (r *Runner) call(ctx context.Context, step Step, rep Reporter) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("stage panicked", "step", step.ID(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res, err = Result{}, fmt.Errorf("the stage crashed: %v", p)
		}
	}()
	return step.Run(ctx, r.env, rep)
}

// judge turns what Run returned into the stage's outcome, an error text
// for the learner, and an optional note to log.
func judge(ctx context.Context, step Step, err error) (Status, string, string) {
	if err != nil && ctx.Err() != nil {
		return Failed, cancelMessage(ctx), ""
	}
	if exp, ok := step.(ExpectsError); ok {
		want := "an error"
		if d, ok := step.(ExpectationDescriber); ok && d.Expectation() != "" {
			want = d.Expectation()
		}
		switch {
		case err == nil:
			return Failed, fmt.Sprintf("expected %s but the call succeeded", want), ""
		case exp.ExpectedError(err):
			return Succeeded, "", "got the expected error: " + err.Error()
		default:
			return Failed, fmt.Sprintf("expected %s but got: %v", want, err), ""
		}
	}
	if err != nil {
		return Failed, err.Error(), ""
	}
	return Succeeded, "", ""
}

// addValueLocked records v in stage rep.i's result (replacing a value of
// the same name); a secret goes to the secrets file and is blanked in the
// state. It returns the value as published (redacted). r.mu must be held.
func (r *Runner) addValueLocked(rep *reporter, v Value) Value {
	if v.Secret {
		if r.env.Session != nil {
			if err := r.env.Session.PutSecret(rep.id, v.Name, v.Value); err != nil && rep.saveErr == nil {
				rep.saveErr = fmt.Errorf("could not save secret value %q: %w", v.Name, err)
			}
		} else {
			r.secrets[rep.id+"/"+v.Name] = v.Value
		}
		v.Value = ""
	}
	vals := r.states[rep.i].Result.Values
	if k := slices.IndexFunc(vals, func(x Value) bool { return x.Name == v.Name }); k >= 0 {
		vals = slices.Clone(vals) // snapshots may share the old slice
		vals[k] = v
	} else {
		vals = append(slices.Clip(vals), v)
	}
	r.states[rep.i].Result.Values = vals
	return v
}

// reporter is the Reporter a stage run gets. Calls after the run ended
// (a goroutine the stage forgot) are dropped.
type reporter struct {
	r       *Runner
	i       int
	id      string
	runID   int64
	saveErr error // guarded by r.mu
}

func (p *reporter) live() bool { return p.r.active[p.i] == p.runID }

func (p *reporter) Log(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	p.r.mu.Lock()
	if !p.live() {
		p.r.mu.Unlock()
		return
	}
	p.r.publishLocked(Event{Kind: EventLog, StepID: p.id, RunID: p.runID, Line: line})
	p.r.mu.Unlock()
	p.r.log.Info(line, "step", p.id, "run", p.runID)
}

func (p *reporter) Progress(label string, done, total int) {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	if p.live() {
		p.r.publishLocked(Event{Kind: EventProgress, StepID: p.id, RunID: p.runID, Label: label, Done: done, Total: total})
	}
}

func (p *reporter) Value(v Value) {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	if !p.live() {
		return
	}
	shown := p.r.addValueLocked(p, v)
	// Saved as soon as known, so IDs survive a crash later in the stage.
	if err := p.r.persistLocked(map[string]session.StageRecord{p.id: toRecord(p.r.states[p.i])}); err != nil {
		p.r.log.Error("could not save stage value", "step", p.id, "value", v.Name, "err", err)
	}
	p.r.publishLocked(Event{Kind: EventValue, StepID: p.id, RunID: p.runID, Value: &shown})
}
