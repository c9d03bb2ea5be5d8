// Package remote connects the terminal UI to a stage runner in another
// process. The learner's command draws the screen from the workspace's
// saved state without linking the AWS SDK (whose package initialisation
// alone costs more than the whole first frame may), then starts the engine
// binary, which runs the stages, as its child. They talk in JSON lines over
// two pipes: requests one way; the engine's hello, events and replies the
// other.
package remote

import (
	"errors"

	"agentcore-workshop/steps/engine"
)

// Version is the protocol's version. Both binaries are built from one tree;
// an engine from another build says so instead of misreading requests.
const Version = 1

// Environment variables the front end sets for its engine child.
const (
	// PipesEnv holds "IN,OUT[,LOCK]": the child's file descriptors for
	// requests (read), messages (write) and the workspace's lock.
	PipesEnv = "AGENTCORE_WORKSHOP_REMOTE_FDS"
	// VersionEnv holds the front end's protocol Version.
	VersionEnv = "AGENTCORE_WORKSHOP_REMOTE_VERSION"
)

// ErrClosing is what a call gets once the UI is closing and the engine is
// gone or was never started.
var ErrClosing = errors.New("the workshop is closing")

// Hello is the engine's first message: where the workspace lives, now that
// the engine has opened it and reached its target, and every stage as the
// runner has it.
type Hello struct {
	Version int     `json:"version"`
	Target  string  `json:"target"`
	Region  string  `json:"region"`
	States  []state `json:"states"`
}

// state is a StageState with the fields its JSON form (status --json)
// leaves out, which a mirror of the runner needs.
type state struct {
	engine.StageState
	RunID    int64  `json:"runID"`
	Progress string `json:"progress,omitempty"`
}

func toWire(sts []engine.StageState) []state {
	out := make([]state, len(sts))
	for i, s := range sts {
		out[i] = state{StageState: s, RunID: s.RunID, Progress: s.Progress}
	}
	return out
}

func fromWire(sts []state) []engine.StageState {
	out := make([]engine.StageState, len(sts))
	for i, s := range sts {
		out[i] = s.StageState
		out[i].RunID, out[i].Progress = s.RunID, s.Progress
	}
	return out
}

// message is one line from the engine: exactly one field is set.
type message struct {
	Hello *Hello        `json:"hello,omitempty"`
	Event *engine.Event `json:"event,omitempty"`
	Reply *reply        `json:"reply,omitempty"`
	// Fatal says why the engine cannot serve: the workspace would not open,
	// or its target could not be reached. The engine exits after it.
	Fatal string `json:"fatal,omitempty"`
}

// The requests the front end sends.
const (
	opStart        = "start"
	opStartAll     = "start-all"
	opCancel       = "cancel"
	opSecret       = "secret"
	opDependents   = "dependents"
	opReset        = "reset"
	opTryToken     = "try-token"
	opFreshConsent = "fresh-consent"
	opPreflight    = "preflight"
)

type request struct {
	ID    int64  `json:"id"`
	Op    string `json:"op"`
	Stage string `json:"stage,omitempty"`
	Name  string `json:"name,omitempty"`  // opSecret: the value's name
	Token string `json:"token,omitempty"` // opTryToken
}

// reply answers the request with the same ID. Err is the error's text: the
// UI shows errors, it never inspects them.
type reply struct {
	ID     int64   `json:"id"`
	Err    string  `json:"error,omitempty"`
	Text   string  `json:"text,omitempty"`
	States []state `json:"states,omitempty"`
}

func (r reply) err() error {
	if r.Err == "" {
		return nil
	}
	return errors.New(r.Err)
}
