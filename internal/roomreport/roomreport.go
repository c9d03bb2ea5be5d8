// Package roomreport tells a shared sandbox's room how the learner is
// doing: an engine subscriber that turns the runner's events into
// roomapi.Reports (stage, status, time on it, last error with a hint,
// waiting for consent) and sends them, one at a time and never blocking
// the workshop, on every change and on a heartbeat.
package roomreport

import (
	"context"
	"log/slog"
	"time"

	"agentcore-workshop/internal/roomapi"
	"agentcore-workshop/steps/engine"
)

// ConsentValue is the value the oauth-consent stage publishes when it
// starts waiting for the learner's browser consent (steps/oauth_consent.go).
const ConsentValue = "authorization URL"

// Defaults for Options left zero.
const (
	DefaultHeartbeat = 20 * time.Second
	sendTimeout      = 5 * time.Second
)

// Source is the runner, as far as reporting goes.
type Source interface {
	Snapshot() []engine.StageState
	Subscribe() (<-chan engine.Event, func())
}

// Sender sends one report (roomapi.Sender).
type Sender interface {
	Send(ctx context.Context, r roomapi.Report) error
}

// Options configure a Reporter.
type Options struct {
	Learner string
	// Redact removes the workspace's secrets from an error before it
	// leaves the machine.
	Redact    func(string) string
	Now       func() time.Time
	Heartbeat time.Duration
	Log       *slog.Logger
}

// Reporter follows one runner and reports to one room.
type Reporter struct {
	ctx  context.Context // ends at Close: a send in flight is abandoned
	stop context.CancelFunc
	done chan struct{}
}

// Start begins reporting src's progress through send.
func Start(src Source, send Sender, o Options) *Reporter {
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	r := &Reporter{done: make(chan struct{})}
	r.ctx, r.stop = context.WithCancel(context.Background())
	events, unsubscribe := src.Subscribe() // before the snapshot: nothing falls between
	t := newTracker(src.Snapshot(), o.Now())
	go func() {
		defer close(r.done)
		defer unsubscribe()
		r.loop(events, t, send, o)
	}()
	return r
}

// Close stops reporting. A report in flight is abandoned: a room that
// cannot be reached must not hold up the workshop's exit.
func (r *Reporter) Close() {
	r.stop()
	<-r.done
}

// loop sends a report whenever the tracker changed or the heartbeat
// ticks, one at a time: while one is in flight, later changes fold into
// the next.
func (r *Reporter) loop(events <-chan engine.Event, t *tracker, send Sender, o Options) {
	tick := time.NewTicker(o.Heartbeat)
	defer tick.Stop()
	sent := make(chan error, 1)
	inFlight, dirty, failing := false, true, false
	for {
		if dirty && !inFlight {
			rep := t.report(o.Learner, o.Now(), o.Redact)
			inFlight, dirty = true, false
			go func() {
				ctx, cancel := context.WithTimeout(r.ctx, sendTimeout)
				defer cancel()
				sent <- send.Send(ctx, rep)
			}()
		}
		select {
		case e, ok := <-events:
			if !ok {
				events = nil // the runner is gone; keep the heartbeat until Close
				continue
			}
			if t.apply(e, o.Now()) {
				dirty = true
			}
		case <-tick.C:
			dirty = true
		case err := <-sent:
			inFlight = false
			// Say it once when reports start failing and once when they
			// work again: a room that is down must not fill the log.
			if (err != nil) != failing {
				failing = err != nil
				if failing {
					o.Log.Warn("room: progress reports fail", "err", err)
				} else {
					o.Log.Info("room: progress reports go through again")
				}
			}
		case <-r.ctx.Done():
			if inFlight {
				<-sent
			}
			return
		}
	}
}

// tracker follows the stages and works out where the learner is.
type tracker struct {
	stages       []engine.StageState
	cur          int       // index of the stage the learner is at
	since        time.Time // when cur became the learner's stage
	waitingSince time.Time // zero unless waiting for consent
	lastErr      string
}

func newTracker(stages []engine.StageState, now time.Time) *tracker {
	t := &tracker{stages: stages, cur: -1}
	t.follow(now)
	if i := t.cur; i >= 0 && t.stages[i].Status == engine.Running && !t.stages[i].StartedAt.IsZero() {
		t.since = t.stages[i].StartedAt
	}
	if i := t.cur; i >= 0 && t.stages[i].Status == engine.Failed {
		t.lastErr = t.stages[i].Err
	}
	return t
}

// apply folds e in and reports whether anything a report shows changed.
func (t *tracker) apply(e engine.Event, now time.Time) bool {
	i := engine.Apply(t.stages, e)
	if i < 0 {
		return false
	}
	switch e.Kind {
	case engine.EventValue:
		if e.Value == nil || e.Value.Name != ConsentValue || t.stages[i].Status != engine.Running {
			return false
		}
		t.waitingSince = now
	case engine.EventStarted, engine.EventReset:
		t.waitingSince = time.Time{}
	case engine.EventFinished:
		t.waitingSince = time.Time{}
		switch e.Status {
		case engine.Failed:
			t.lastErr = e.Err
		case engine.Succeeded:
			t.lastErr = ""
		}
	default: // logs and progress: not on the board
		return false
	}
	t.follow(now)
	return true
}

// follow moves cur to the stage the learner is at: the running one, else
// the first that has not succeeded, else the last (all done).
func (t *tracker) follow(now time.Time) {
	at := -1
	for i, s := range t.stages {
		if s.Status == engine.Running {
			at = i
			break
		}
	}
	for i, s := range t.stages {
		if at >= 0 {
			break
		}
		if s.Status != engine.Succeeded {
			at = i
		}
	}
	if at < 0 {
		at = len(t.stages) - 1
	}
	if at != t.cur {
		t.cur, t.since = at, now
	}
}

// report is the tracker as the room sees it at now.
func (t *tracker) report(learner string, now time.Time, redact func(string) string) roomapi.Report {
	r := roomapi.Report{Learner: learner, Stages: len(t.stages)}
	if t.cur < 0 {
		return r
	}
	s := t.stages[t.cur]
	r.Stage, r.StageTitle, r.StageIndex = s.ID, s.Title, s.Index
	switch s.Status {
	case engine.Running:
		r.Status = roomapi.StatusRunning
	case engine.Failed:
		r.Status = roomapi.StatusFailed
	case engine.Succeeded:
		r.Status = roomapi.StatusDone
	default:
		r.Status = roomapi.StatusReady
	}
	r.OnStageSeconds = now.Sub(t.since).Seconds()
	if t.lastErr != "" {
		r.LastError = roomapi.Cut(redact(t.lastErr), roomapi.MaxErrorLen)
		r.Hint = Hint(t.lastErr)
	}
	if !t.waitingSince.IsZero() {
		r.WaitingConsent, r.WaitingSeconds = true, now.Sub(t.waitingSince).Seconds()
	}
	return r
}
