// Package roomapi is the wire between a learner's workshop, the room a
// shared sandbox keeps, and the facilitator's views of it: the report a
// workshop sends, the board the room answers, their bounds, and a small
// client for both.
//
// Reports are SigV4-signed with the sandbox's keys (the keys every learner
// in the room already holds), under the signing name SigningName, so only
// a workshop pointed at the sandbox can write to its room. The board is
// read with the facilitator's key instead, which only `sandbox serve`
// prints.
package roomapi

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Paths and the signing name of the room's endpoints on the sandbox edge.
const (
	SigningName = "workshop-room"
	ReportPath  = "/room/report" // POST, signed: one Report
	PagePath    = "/room"        // GET ?key=: the live web page
	EventsPath  = "/room/events" // GET ?key=: server-sent events for the page
	BoardPath   = "/room/board"  // GET ?key=: the Board as JSON
	KeyParam    = "key"
)

// Bounds of a report. The room refuses a body over MaxReportBytes and cuts
// each field to its length in characters, so no learner can grow the
// facilitator's page or the sandbox's memory by much.
const (
	MaxReportBytes = 8 << 10
	MaxNameLen     = 64
	MaxStageLen    = 64
	MaxTitleLen    = 80
	MaxErrorLen    = 400
	MaxHintLen     = 240
)

// When a learner counts as stuck, or away.
const (
	StuckOnStage   = 3 * time.Minute // on one stage, not finished
	StuckOnConsent = 2 * time.Minute // waiting for the browser consent
	// AwayAfter: a workshop reports at least every 20 s while it is open,
	// so a learner silent this long has closed it (or lost the network):
	// the room says so rather than count them stuck.
	AwayAfter = time.Minute
)

// Statuses a report may carry.
const (
	StatusReady   = "ready"   // the stage is next; the learner has not started it
	StatusRunning = "running" // the stage runs
	StatusFailed  = "failed"  // its last run failed
	StatusDone    = "done"    // every stage has succeeded
)

// Report is one learner's progress, as the workshop sends it.
type Report struct {
	Learner    string `json:"learner"`
	Stage      string `json:"stage"` // the stage's id
	StageTitle string `json:"stageTitle,omitempty"`
	StageIndex int    `json:"stageIndex"` // 1-based
	Stages     int    `json:"stages"`     // how many stages the workshop has
	Status     string `json:"status"`
	// OnStageSeconds is how long the learner has been on the stage when the
	// report is sent; the room counts on from there with its own clock, so
	// the two machines' clocks need not agree.
	OnStageSeconds float64 `json:"onStageSeconds"`
	LastError      string  `json:"lastError,omitempty"` // redacted by the workshop
	Hint           string  `json:"hint,omitempty"`      // what usually fixes LastError
	WaitingConsent bool    `json:"waitingConsent,omitempty"`
	// WaitingSeconds is how long the consent has been awaited.
	WaitingSeconds float64 `json:"waitingSeconds,omitempty"`
}

// Clean cuts every field to its bound and reports whether what is left is
// a report the room can show: a learner, a stage and a known status.
func (r *Report) Clean() bool {
	r.Learner = Cut(oneLine(r.Learner), MaxNameLen)
	r.Stage = Cut(oneLine(r.Stage), MaxStageLen)
	r.StageTitle = Cut(oneLine(r.StageTitle), MaxTitleLen)
	r.LastError = Cut(r.LastError, MaxErrorLen)
	r.Hint = Cut(r.Hint, MaxHintLen)
	r.StageIndex = max(0, min(r.StageIndex, 1000))
	r.Stages = max(0, min(r.Stages, 1000))
	r.OnStageSeconds = clampSeconds(r.OnStageSeconds)
	r.WaitingSeconds = clampSeconds(r.WaitingSeconds)
	switch r.Status {
	case StatusReady, StatusRunning, StatusFailed, StatusDone:
	default:
		return false
	}
	return r.Learner != "" && r.Stage != ""
}

// clampSeconds keeps a duration between zero and a day; NaN becomes zero.
func clampSeconds(s float64) float64 {
	if !(s > 0) {
		return 0
	}
	return min(s, 24*3600)
}

// oneLine turns control characters (newlines included) into spaces and
// trims the ends: names and stages are shown on one line.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s))
}

// Cut shortens s to at most n characters, ending in "…" when it cut, and
// drops invalid UTF-8.
func Cut(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Board is the room as the facilitator sees it.
type Board struct {
	// Stages counts the learners at each stage, in stage order; stages no
	// learner is at are left out.
	Stages   []StageCount `json:"stages"`
	Learners []Row        `json:"learners"` // by name
	// Full is set when the room turned a learner away: it holds as many
	// learners as it may.
	Full bool `json:"full,omitempty"`
}

// StageCount is how many learners are at one stage.
type StageCount struct {
	Index    int    `json:"index"`
	Stage    string `json:"stage"`
	Title    string `json:"title,omitempty"`
	Learners int    `json:"learners"`
	Stuck    int    `json:"stuck"`
}

// Row is one learner on the board.
type Row struct {
	Name           string        `json:"name"`
	Stage          string        `json:"stage"`
	StageTitle     string        `json:"stageTitle,omitempty"`
	StageIndex     int           `json:"stageIndex"`
	Stages         int           `json:"stages"`
	Status         string        `json:"status"`
	OnStage        time.Duration `json:"onStage"` // nanoseconds, as encoding/json writes a Duration
	WaitingConsent bool          `json:"waitingConsent,omitempty"`
	Waiting        time.Duration `json:"waiting,omitempty"`
	Stuck          bool          `json:"stuck,omitempty"`
	StuckWhy       string        `json:"stuckWhy,omitempty"`
	LastError      string        `json:"lastError,omitempty"`
	Hint           string        `json:"hint,omitempty"`
	LastSeen       time.Duration `json:"lastSeen"` // since the last report
	Away           bool          `json:"away,omitempty"`
}

// FormatDuration renders a time on a stage as people read it at a glance:
// "45s", "3m05s", "1h02m".
func FormatDuration(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
