// Package ui is the Bubble Tea front end of the workshop: a stage list, the
// selected stage's notes rendered by glamour, and a live output pane fed by
// the step runner's events. It is only a subscriber: every action goes
// through the Engine interface, and nothing here runs a stage itself.
package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps/engine"
)

// Engine is the part of the step runner the UI needs. engine.Runner
// satisfies it; tests use a scripted fake.
type Engine interface {
	// Snapshot returns every stage as it stands now.
	Snapshot() []engine.StageState
	// Subscribe returns the event stream and a func that stops it.
	Subscribe() (<-chan engine.Event, func())
	// Start runs one stage in the background; the error says, in words a
	// learner can read, why it can't start now.
	Start(id string) error
	// StartAll runs the remaining stages in order, stopping at the first
	// failure.
	StartAll() error
	// Cancel stops the running stage, if any.
	Cancel()
	// Secret reads a secret value from the workspace's secrets file.
	Secret(stepID, name string) (string, error)
	// LastLog returns the kept log of a stage's last run, secrets
	// redacted, so a stage an earlier process ran still shows what it did.
	LastLog(stepID string) ([]string, error)
	// Dependents returns stage id and every stage that requires it,
	// directly or not: what Reset(id) makes pending.
	Dependents(id string) ([]engine.StageState, error)
	// Reset makes stage id and its dependents pending; it refuses while a
	// stage runs. Cloud resources stay: cleanup owns them.
	Reset(id string) error
}

// PageFunc returns the Markdown page for a stage.
type PageFunc func(stepID string) (markdown string, ok bool)

// Info is what the header shows.
type Info struct {
	Title     string // e.g. "AgentCore Identity · inbound auth"
	Target    string // "sandbox" or "aws"
	Region    string
	Workspace string
}

// Option adjusts a Model at construction.
type Option func(*config)

type config struct {
	tryToken  TryToken // sends a pasted token to the runtime (WithTryToken); nil: p explains why not
	isDark    bool     // the background's shade; follows the terminal's reply unless fixedDark
	fixedDark bool     // true: ignore the terminal's background colour
	noColor   bool
	openURL   func(url string) error
	now       func() time.Time
	// tick schedules a timed message (tea.Tick). Tests swap it so a
	// synchronous harness never waits on a timer.
	tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// pollEvents makes the event waiter return nil instead of blocking when
	// no event is queued; only the synchronous test harness sets it.
	pollEvents bool
	// renderAfter, when set, holds every Markdown render back until it is
	// closed (see WithRenderAfter).
	renderAfter <-chan struct{}
	// copy puts a copied value on the system clipboard (OSC 52 is sent
	// besides); it runs in a Cmd.
	copy func(string) error
	// facilitator shows the pages' facilitator notes from the start.
	facilitator bool
	// expected is how long a stage is expected to take (on AWS), for the
	// progress line's time left.
	expected func(stepID string) (time.Duration, bool)
	// lang is the language of the UI's own words (the pages bring theirs).
	lang string
	// fresh starts stage freshStage with a fresh consent asked for (the n
	// key, WithFreshConsent); nil: n explains why not.
	fresh      FreshConsent
	freshStage string
	// preflight, when set, runs once at start (see WithPreflight).
	preflight func() string
}

// WithDarkBackground fixes the light/dark choice instead of asking the
// terminal (tests, or a user flag).
func WithDarkBackground(dark bool) Option {
	return func(c *config) { c.isDark, c.fixedDark = dark, true }
}

// WithNoColor turns colours off (set it from NO_COLOR); glamour then uses
// its "notty" style.
func WithNoColor(noColor bool) Option {
	return func(c *config) { c.noColor = noColor }
}

// WithOpenURL sets how URLs are opened. The caller normally passes
// browser.OpenURL with browser.Stdout/Stderr set to io.Discard so the
// launcher cannot scribble over the screen.
func WithOpenURL(open func(url string) error) Option {
	return func(c *config) { c.openURL = open }
}

// WithRenderAfter holds page and code rendering (glamour, and chroma's
// first load) back until ready is closed. The program closes it once its
// first frame is on screen, so that frame, which shows "rendering…" in the
// page pane, does not wait for CPU the renders would take.
func WithRenderAfter(ready <-chan struct{}) Option {
	return func(c *config) { c.renderAfter = ready }
}

// WithClock replaces time.Now for elapsed times (stable golden views).
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithFacilitatorNotes shows the pages' notes for facilitators, which are
// hidden by default (the f key toggles them).
func WithFacilitatorNotes(show bool) Option {
	return func(c *config) { c.facilitator = show }
}

// WithExpectedTimes gives the progress line the stages' expected times,
// used for stages that have not run yet (on AWS, where they take minutes).
func WithExpectedTimes(expected func(stepID string) (time.Duration, bool)) Option {
	return func(c *config) { c.expected = expected }
}

// WithLang sets the language of the UI's own words: pane titles, the
// help bar, hints, status messages and cards (see internal/i18n).
func WithLang(lang string) Option {
	return func(c *config) { c.lang = lang }
}

// WithClipboard replaces the system clipboard (tests).
func WithClipboard(copy func(string) error) Option {
	return func(c *config) { c.copy = copy }
}
