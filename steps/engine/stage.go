// Package engine runs a workshop's stages: it moves each one through its
// statuses, saves every transition in the workspace's session, and
// publishes events that front ends (the Bubble Tea UI, the headless
// printer) follow with one reducer, StageState.Apply. It knows nothing of
// clouds: a Stage is a plain value whose Run the tutorial binds to its
// environment, so a front end can depend on this package alone.
package engine

import (
	"context"
	"fmt"
)

// Status is where a stage stands.
type Status string

const (
	Pending   Status = "pending"
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	// Cancelled is a run the learner stopped: not a failure of the stage,
	// and it runs again like any stage that has not succeeded.
	Cancelled Status = "cancelled"
	// Skipped is a stage that found it cannot run where it is and said
	// why (in Err): the foreign-idp stage on AWS when the learner named no
	// identity provider of their own. It is not a failure: a queue goes on
	// past it, and "run everything remaining" does not repeat it (running
	// the stage itself does). It made nothing, so it satisfies no
	// requirement of a later stage.
	Skipped Status = "skipped"
)

// SkipError is what a stage's Run returns to end Skipped, with the
// reason the learner reads.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Skip returns a *SkipError with the formatted reason.
func Skip(format string, args ...any) error {
	return &SkipError{Reason: fmt.Sprintf(format, args...)}
}

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
	// Undid names stages whose outcome this run made untrue (cleanup
	// deleted what they built). When the run succeeds the runner resets
	// them, and every stage that depends on them, to pending in the same
	// save as the outcome. It is an instruction, never persisted.
	Undid []string `json:"-"`
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

// set records v, replacing a value of the same name. It never writes into
// the old backing array: snapshots handed out earlier may share it.
func (r *Result) set(v Value) {
	vals := r.Values
	if k := indexOf(vals, v.Name); k >= 0 {
		vals = append([]Value(nil), vals...)
		vals[k] = v
	} else {
		vals = append(vals[:len(vals):len(vals)], v)
	}
	r.Values = vals
}

func indexOf(vals []Value, name string) int {
	for i, v := range vals {
		if v.Name == name {
			return i
		}
	}
	return -1
}

// Reporter is how a running stage shows what it is doing, live.
type Reporter interface {
	// Log streams one line of output (what is being called, what came back).
	Log(format string, args ...any)
	// Progress reports a phase of a long operation, e.g. a build phase or a
	// poll. total may be 0 when unknown.
	Progress(label string, done, total int)
	// Value publishes a result as soon as it is known. It returns once the
	// value is saved, so it survives a crash later in the stage.
	Value(v Value)
}

// Stage is one stage of a workshop, as a plain value.
type Stage struct {
	ID    string // stable id, e.g. "provision-cognito"
	Title string // short title for the stage list
	// Requires names earlier stages that must have succeeded first (a
	// stale success counts; a run may also satisfy a requirement with a
	// stage it runs earlier in the same queue).
	Requires []string
	// Manual stages are left out of "run everything remaining" unless the
	// run is asked to end there: cleanup, which a learner halfway through
	// the workshop does not expect to run by itself.
	Manual bool
	// Expect, when set, makes the stage succeed only when Run returns the
	// error it describes (stage 6: the runtime must refuse a SigV4 caller).
	Expect *Expectation
	// Run does the stage for real. It must honour ctx (cancel), and be safe
	// to run again after a crash or a success (finding what exists instead
	// of creating duplicates).
	Run func(ctx context.Context, rep Reporter) (Result, error)
}

// Expectation is the error a stage teaches.
type Expectation struct {
	// What says, in words, which error is expected; the runner uses it
	// when the call unexpectedly succeeds ("expected <What> but the call
	// succeeded").
	What string
	// Matches reports whether err is that error.
	Matches func(err error) bool
}
