// Package headless is the workshop without a terminal UI: it subscribes to
// the step runner and prints one plain line per event (no colour, no
// cursor movement), for CI, facilitators' dry runs and tests. It also
// renders `status` as a table or JSON.
package headless

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps/engine"
)

// SecretMask is shown instead of a secret value.
const SecretMask = "••••••(secret)"

// Printer turns runner events into plain lines. It follows the stages
// with the engine's reducer, so after a run it holds every stage as the
// events left it.
type Printer struct {
	w      io.Writer
	stages []engine.StageState
	tr     i18n.Printer
}

// Option changes how a Printer prints.
type Option func(*Printer)

// WithLang prints the lines in lang (stage output is already in it: the
// runner translates it).
func WithLang(lang string) Option {
	return func(p *Printer) { p.tr = i18n.For(lang) }
}

// NewPrinter prints to w; stages (a Runner snapshot) give each line its
// "[i/N id]" prefix and are what the events are applied to.
func NewPrinter(w io.Writer, stages []engine.StageState, opts ...Option) *Printer {
	p := &Printer{w: w, stages: slices.Clone(stages)}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Stages returns every stage as the events printed so far left it.
func (p *Printer) Stages() []engine.StageState { return slices.Clone(p.stages) }

func (p *Printer) prefix(id string) string {
	for _, s := range p.stages {
		if s.ID == id {
			return fmt.Sprintf("[%d/%d %s]", s.Index, len(p.stages), id)
		}
	}
	return "[" + id + "]"
}

// Print writes the line(s) for one event. A log event whose text spans
// several lines prints each with the prefix, so every output line stands
// alone. Queue-done events print nothing: Run ends with a summary.
func (p *Printer) Print(e engine.Event) error {
	engine.Apply(p.stages, e)
	pre := p.prefix(e.StepID)
	var lines []string
	switch e.Kind {
	case engine.EventStarted:
		lines = []string{pre + " " + p.tr.T("started")}
	case engine.EventLog:
		for _, l := range splitLines(Sanitize(e.Line)) {
			lines = append(lines, pre+"   "+l)
		}
	case engine.EventProgress:
		lines = []string{pre + "   " + p.tr.T("progress:") + " " + engine.FormatProgress(oneLine(e.Label), e.Done, e.Total)}
	case engine.EventValue:
		if e.Value != nil {
			lines = []string{pre + "   " + valueText(p.tr, *e.Value)}
		}
	case engine.EventReset:
		lines = []string{pre + " " + p.tr.T("pending again")}
	case engine.EventFinished:
		switch e.Status {
		case engine.Succeeded:
			lines = []string{p.tr.Sprintf("%s succeeded in %s", pre, engine.FormatElapsed(e.Elapsed))}
		case engine.Failed:
			lines = []string{p.tr.Sprintf("%s failed after %s: %s", pre, engine.FormatElapsed(e.Elapsed), oneLine(e.Err))}
		case engine.Cancelled:
			lines = []string{p.tr.Sprintf("%s cancelled after %s", pre, engine.FormatElapsed(e.Elapsed))}
		case engine.Skipped:
			lines = []string{p.tr.Sprintf("%s skipped: %s", pre, oneLine(e.Err))}
		default:
			lines = []string{fmt.Sprintf("%s %s", pre, e.Status)}
		}
	}
	for _, l := range lines {
		if _, err := io.WriteString(p.w, l+"\n"); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	return nil
}

// valueText renders "name = value" in tr's language; secrets are masked
// and multi-line values (source files) are summarised rather than dumped.
func valueText(tr i18n.Printer, v engine.Value) string {
	name := oneLine(tr.T(v.Name)) // a name the catalog knows reads in the learner's language, as in the UI
	switch {
	case v.Secret:
		return name + " = " + SecretMask
	case strings.Contains(v.Value, "\n"):
		n := len(splitLines(strings.TrimRight(v.Value, "\n")))
		return tr.Sprintf("%s = (%d lines)", name, n)
	}
	return name + " = " + oneLine(v.Value)
}

var ansiSeq = regexp.MustCompile(`\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])`)

// Sanitize removes terminal escape sequences and control characters
// (keeping newlines and tabs) so output stays plain whatever a stage logs.
func Sanitize(s string) string {
	s = ansiSeq.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}

func splitLines(s string) []string { return strings.Split(s, "\n") }

// oneLine sanitizes s and folds it onto a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(Sanitize(s)), " ")
}

// Run runs every remaining stage, the last one (cleanup) included, or
// those up to and including until, and prints each event to w. ok reports
// whether every stage that ran met its expectation; err is set when the run
// could not start (an unknown stage, a requirement not met) or ctx ended it.
func Run(ctx context.Context, r *engine.Runner, until string, w io.Writer, opts ...Option) (ok bool, err error) {
	if until == "" {
		// Headless means the whole tutorial, cleanup included.
		st := r.Snapshot()
		until = st[len(st)-1].ID
	}
	return report(ctx, r, w, func() error { return r.RunUntil(ctx, until) }, opts...)
}

// RunOne runs stage id alone, again when it has already succeeded, and
// prints each event to w; ok and err are Run's.
func RunOne(ctx context.Context, r *engine.Runner, id string, w io.Writer, opts ...Option) (ok bool, err error) {
	return report(ctx, r, w, func() error { return r.Run(ctx, id) }, opts...)
}

// report follows run, a synchronous Runner call, and ends with its
// summary line.
func report(ctx context.Context, r *engine.Runner, w io.Writer, run func() error, opts ...Option) (ok bool, err error) {
	f, runErr, printErr := Follow(r, w, run, opts...)
	tr := NewPrinter(w, nil, opts...).tr

	var ref *engine.RefusedError
	var se *engine.StageError
	switch {
	case errors.Is(runErr, engine.ErrNothingToRun):
		fmt.Fprintln(w, oneLine(runErr.Error()))
		return true, printErr
	case errors.As(runErr, &ref):
		return false, runErr
	case ctx.Err() != nil:
		fmt.Fprintln(w, tr.Sprintf("stopped: %s", oneLine(runErr.Error())))
		return false, ctx.Err()
	case errors.As(runErr, &se):
		fmt.Fprintln(w, tr.Sprintf("FAILED: stage %d %s did not meet its expectation: %s", se.Index, se.ID, oneLine(se.Err)))
		return false, printErr
	case runErr != nil:
		fmt.Fprintln(w, tr.Sprintf("FAILED: %s", oneLine(runErr.Error())))
		return false, printErr
	}
	fmt.Fprintln(w, tr.Sprintf("ok: %d stage(s) run, every one met its expectation", f.Ran))
	return true, printErr
}

// Followed is what Follow saw of a run.
type Followed struct {
	Ran    int                 // how many stages finished
	Stages []engine.StageState // every stage as the run's events left it
}

// Follow calls run, a synchronous Runner call (Run, RunUntil, RunAll),
// and prints every event of that run to w until the run has published its
// last event. It returns what it saw, run's error, and the first error
// writing to w (printing goes on after one, so the run is still followed
// to its end).
func Follow(r *engine.Runner, w io.Writer, run func() error, opts ...Option) (f Followed, runErr, printErr error) {
	ch, stop := r.Subscribe()
	defer stop()
	p := NewPrinter(w, r.Snapshot(), opts...)
	errc := make(chan error, 1)
	go func() { errc <- run() }()

	returned := false
	queued := true // until we learn the run was refused
	finished := false
	for !returned || (queued && !finished) {
		select {
		case e := <-ch:
			if err := p.Print(e); err != nil && printErr == nil {
				printErr = err
			}
			switch e.Kind {
			case engine.EventFinished:
				f.Ran++
			case engine.EventQueueDone:
				finished = true
			}
		case runErr = <-errc:
			returned = true
			var ref *engine.RefusedError
			if errors.As(runErr, &ref) {
				queued = false // a refused run publishes nothing more
			}
			errc = nil
		}
	}
	f.Stages = p.Stages()
	return f, runErr, printErr
}
