package steps

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// notYet stands in for a stage this version does not implement: it shows
// in the list, has its real id, title and requirements, and fails with
// ErrNotAvailable when run, so it can never be marked succeeded.
type notYet struct {
	id       string
	title    string
	requires []string
}

func (n notYet) ID() string         { return n.id }
func (n notYet) Title() string      { return n.title }
func (n notYet) Requires() []string { return slices.Clone(n.requires) }

func (n notYet) Run(ctx context.Context, _ *Env, _ Reporter) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return Result{}, ErrNotAvailable
}

// notYetExpectingError is the placeholder for stage 6: like the real stage
// it succeeds only on the runtime's refusal of a SigV4 caller, and it
// never accepts ErrNotAvailable as that refusal.
type notYetExpectingError struct{ notYet }

// Expectation says which error stage 6 teaches.
func (notYetExpectingError) Expectation() string {
	return `AccessDeniedException "Authorization method mismatch"`
}

// ExpectedError accepts only the runtime's authorization-method refusal.
func (notYetExpectingError) ExpectedError(err error) bool {
	if err == nil || errors.Is(err, ErrNotAvailable) {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "AccessDeniedException") && strings.Contains(msg, "Authorization method mismatch")
}
