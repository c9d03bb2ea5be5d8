package engine

import "time"

// EventKind names an event.
type EventKind string

const (
	EventStarted   EventKind = "started"    // a stage began
	EventLog       EventKind = "log"        // Line is set
	EventProgress  EventKind = "progress"   // Label, Done, Total are set
	EventValue     EventKind = "value"      // Value is set
	EventFinished  EventKind = "finished"   // Status, Elapsed, Err and Result are set
	EventQueueDone EventKind = "queue-done" // a run-all / run-until ended
	// EventReset: the stage is pending again, its results forgotten (a
	// reset, or a later stage such as cleanup undid what it built).
	EventReset EventKind = "reset"
)

// Event is what the runner publishes. RunID tags every event of one run of
// one stage so late events of a replaced run can be dropped.
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
	// Result is the run's whole result on EventFinished, secrets blank:
	// it includes the values the stage returned without reporting them.
	Result *Result `json:"result,omitempty"`
}
