// Package steps is the tutorial as a state machine: nine stages, a runner
// that moves them through their statuses, and the events both front ends
// (the Bubble Tea UI and the headless printer) subscribe to. Nothing here
// imports a UI package.
package steps

import (
	"context"
	"time"
)

// Status is where a stage stands.
type Status string

const (
	Pending   Status = "pending"
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	Skipped   Status = "skipped"
)

// Value is one named result of a stage: an ID, an ARN, a URL, a token.
// Secret values are stored in the workspace's 0600 secrets file, never in
// the state file, and are redacted on screen until the learner reveals them.
type Value struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"` // empty in state for secrets
	Secret bool   `json:"secret,omitempty"`
	Kind   Kind   `json:"kind,omitempty"`
}

// Kind says how a value should be shown.
type Kind string

const (
	KindText  Kind = ""
	KindURL   Kind = "url"   // can be opened in a browser
	KindToken Kind = "token" // a JWT: the inspector can decode it
	KindFile  Kind = "file"  // a path in the workspace
	KindCode  Kind = "code"  // a source file's content, shown highlighted
)

// Result is what a stage produced.
type Result struct {
	Values []Value `json:"values,omitempty"`
}

// Get returns the value named name.
func (r Result) Get(name string) (Value, bool) {
	for _, v := range r.Values {
		if v.Name == name {
			return v, true
		}
	}
	return Value{}, false
}

// Reporter is how a running stage shows what it is doing, live.
type Reporter interface {
	// Log streams one line of output (what is being called, what came back).
	Log(format string, args ...any)
	// Progress reports a phase of a long operation, e.g. a build phase or a
	// poll. total may be 0 when unknown.
	Progress(label string, done, total int)
	// Value publishes a result as soon as it is known.
	Value(v Value)
}

// Step is one stage of the tutorial.
type Step interface {
	ID() string    // stable id, e.g. "provision-cognito"
	Title() string // short title for the stage list
	// Run does the stage for real. It must honour ctx (cancel), record
	// every cloud resource in env.Ledger before creating it, and be safe to
	// run again after a crash or a success (finding what exists instead of
	// creating duplicates).
	Run(ctx context.Context, env *Env, rep Reporter) (Result, error)
}

// ExpectsError is implemented by stages that succeed only when a specific
// error comes back (stage 6: the runtime must refuse a SigV4 caller).
type ExpectsError interface {
	// ExpectedError reports whether err is the error this stage teaches.
	// A nil error from Run means the expectation was not met.
	ExpectedError(err error) bool
}

// Requirer is implemented by stages that need earlier stages to have succeeded.
type Requirer interface {
	Requires() []string
}

// OnlyWhenAsked is implemented by stages that "run everything remaining"
// leaves out unless the run is asked to end there: cleanup, which a
// learner halfway through the workshop does not expect to run by itself.
// Headless runs name the last stage, so CI still runs all nine.
type OnlyWhenAsked interface {
	OnlyWhenAsked()
}

// EventKind names an event.
type EventKind string

const (
	EventStarted   EventKind = "started"    // a stage began
	EventLog       EventKind = "log"        // Line is set
	EventProgress  EventKind = "progress"   // Label, Done, Total are set
	EventValue     EventKind = "value"      // Value is set
	EventFinished  EventKind = "finished"   // Status, Elapsed, Err are set
	EventQueueDone EventKind = "queue-done" // a run-all / run-until ended
)

// Event is what the runner publishes. RunID tags every event of one run of
// one stage so late events of a cancelled run can be dropped.
type Event struct {
	Kind    EventKind     `json:"kind"`
	StepID  string        `json:"step"`
	RunID   int64         `json:"run"`
	Time    time.Time     `json:"time"`
	Line    string        `json:"line,omitempty"`
	Label   string        `json:"label,omitempty"`
	Done    int           `json:"done,omitempty"`
	Total   int           `json:"total,omitempty"`
	Value   *Value        `json:"value,omitempty"`
	Status  Status        `json:"status,omitempty"`
	Elapsed time.Duration `json:"elapsed,omitempty"`
	Err     string        `json:"error,omitempty"`
}

// StageState is a stage as the front ends see it: a snapshot, safe to keep.
type StageState struct {
	Index      int       `json:"index"` // 1-based stage number
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Status     Status    `json:"status"`
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Elapsed is the last run's duration (or the time so far while running).
	Elapsed time.Duration `json:"elapsed,omitempty"`
	Err     string        `json:"error,omitempty"`
	// Result holds the last run's values; secret values have an empty Value
	// here: fetch them with Runner.Secret.
	Result Result `json:"result,omitzero"`
	// Stale is set when an earlier stage was re-run after this one succeeded.
	Stale bool `json:"stale,omitempty"`
}
