package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

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
	// Progress is the running stage's last progress report, formatted.
	Progress string `json:"-"`
	// RunID is the run the state follows; events of older runs are ignored.
	RunID int64 `json:"-"`
}

// Apply folds one event into s: the one reducer the runner, the UI and the
// headless printer all follow a stage with. It reports whether the event
// was applied; events of another stage, and late events of a run that has
// been replaced, are not. Applying an event twice changes nothing more, so
// a front end may replay events over a snapshot that already holds them.
func (s *StageState) Apply(e Event) bool {
	if e.StepID != s.ID || e.RunID < s.RunID || e.Kind == EventQueueDone {
		return false
	}
	switch e.Kind {
	case EventStarted:
		*s = StageState{Index: s.Index, ID: s.ID, Title: s.Title, Status: Running, StartedAt: e.Time}
	case EventReset:
		*s = StageState{Index: s.Index, ID: s.ID, Title: s.Title, Status: Pending}
	case EventProgress:
		s.Progress = FormatProgress(e.Label, e.Done, e.Total)
	case EventValue:
		if e.Value != nil {
			v := *e.Value
			if v.Secret {
				v.Value = "" // read from the secrets file on request only
			}
			s.Result.set(v)
		}
	case EventFinished:
		s.Status, s.FinishedAt, s.Elapsed, s.Err, s.Progress = e.Status, e.Time, e.Elapsed, e.Err, ""
		if e.Result != nil {
			s.Result = Result{Values: slices.Clone(e.Result.Values)}
		}
	}
	s.RunID = e.RunID
	return true
}

// Apply folds e into the stage it is about and returns that stage's
// index, or -1 when e changes nothing. A stage starting again marks every
// later stage that had succeeded stale: they were built on its previous
// run's results.
func Apply(stages []StageState, e Event) int {
	i := slices.IndexFunc(stages, func(s StageState) bool { return s.ID == e.StepID })
	if i < 0 || !stages[i].Apply(e) {
		return -1
	}
	if e.Kind == EventStarted {
		for j := i + 1; j < len(stages); j++ {
			if stages[j].Status == Succeeded {
				stages[j].Stale = true
			}
		}
	}
	return i
}

// FormatElapsed renders a duration the way a person reads it, short and
// stable: "35ms", "0.4s", "1.2s", "12s", "3m05s", "1h02m".
func FormatElapsed(d time.Duration) string {
	switch {
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%dms", max(d.Milliseconds(), 0))
	case d < 10*time.Second:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + "s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// FormatProgress renders a progress report: "label (2/4)", "label (3)"
// when the total is unknown, or just the label.
func FormatProgress(label string, done, total int) string {
	switch {
	case total > 0:
		return fmt.Sprintf("%s (%d/%d)", label, min(done, total), total)
	case done > 0:
		return fmt.Sprintf("%s (%d)", label, done)
	}
	return label
}

// Done reports whether a stage in this status needs no more running:
// it succeeded, or it was skipped for a reason it gave.
func (s Status) Done() bool { return s == Succeeded || s == Skipped }

// Resume returns the index of the stage a learner coming back should look
// at first: the one running, else the first failed (or interrupted) one,
// else the first that has not succeeded (or is stale); -1 when every stage
// has succeeded.
func Resume(stages []StageState) int {
	for _, want := range []func(StageState) bool{
		func(s StageState) bool { return s.Status == Running },
		func(s StageState) bool { return s.Status == Failed || s.Status == Cancelled },
		func(s StageState) bool { return !s.Status.Done() || s.Stale },
	} {
		if i := slices.IndexFunc(stages, want); i >= 0 {
			return i
		}
	}
	return -1
}
