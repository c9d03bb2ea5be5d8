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
	"strings"
	"time"

	"agentcore-workshop/steps"
)

// SecretMask is shown instead of a secret value.
const SecretMask = "••••••(secret)"

// Printer turns runner events into plain lines.
type Printer struct {
	w     io.Writer
	index map[string]int
	total int
}

// NewPrinter prints to w; stages (a Runner snapshot) give each line its
// "[i/N id]" prefix.
func NewPrinter(w io.Writer, stages []steps.StageState) *Printer {
	p := &Printer{w: w, index: make(map[string]int, len(stages)), total: len(stages)}
	for _, s := range stages {
		p.index[s.ID] = s.Index
	}
	return p
}

func (p *Printer) prefix(id string) string {
	if i, ok := p.index[id]; ok {
		return fmt.Sprintf("[%d/%d %s]", i, p.total, id)
	}
	return "[" + id + "]"
}

// Print writes the line(s) for one event. A log event whose text spans
// several lines prints each with the prefix, so every output line stands
// alone. Queue-done events print nothing: Run ends with a summary.
func (p *Printer) Print(e steps.Event) error {
	pre := p.prefix(e.StepID)
	var lines []string
	switch e.Kind {
	case steps.EventStarted:
		lines = []string{pre + " started"}
	case steps.EventLog:
		for _, l := range splitLines(Sanitize(e.Line)) {
			lines = append(lines, pre+"   "+l)
		}
	case steps.EventProgress:
		lines = []string{pre + "   progress: " + progressText(e)}
	case steps.EventValue:
		if e.Value != nil {
			lines = []string{pre + "   " + valueText(*e.Value)}
		}
	case steps.EventFinished:
		switch e.Status {
		case steps.Succeeded:
			lines = []string{fmt.Sprintf("%s succeeded in %s", pre, FormatElapsed(e.Elapsed))}
		case steps.Failed:
			lines = []string{fmt.Sprintf("%s failed after %s: %s", pre, FormatElapsed(e.Elapsed), oneLine(e.Err))}
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

func progressText(e steps.Event) string {
	label := oneLine(e.Label)
	switch {
	case e.Total > 0:
		return fmt.Sprintf("%s (%d/%d)", label, e.Done, e.Total)
	case e.Done > 0:
		return fmt.Sprintf("%s (%d)", label, e.Done)
	}
	return label
}

// valueText renders "name = value"; secrets are masked and multi-line
// values (source files) are summarised rather than dumped.
func valueText(v steps.Value) string {
	name := oneLine(v.Name)
	switch {
	case v.Secret:
		return name + " = " + SecretMask
	case strings.Contains(v.Value, "\n"):
		n := len(splitLines(strings.TrimRight(v.Value, "\n")))
		return fmt.Sprintf("%s = (%d lines)", name, n)
	}
	return name + " = " + oneLine(v.Value)
}

// FormatElapsed renders a duration the way a person reads it: 35ms, 1.2s, 1m41s.
func FormatElapsed(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
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
func Run(ctx context.Context, r *steps.Runner, until string, w io.Writer) (ok bool, err error) {
	if until == "" {
		// Headless means the whole tutorial, cleanup included.
		st := r.Snapshot()
		until = st[len(st)-1].ID
	}
	ran, runErr, printErr := Follow(r, w, func() error { return r.RunUntil(ctx, until) })

	var ref *steps.RefusedError
	var se *steps.StageError
	switch {
	case errors.Is(runErr, steps.ErrNothingToRun):
		fmt.Fprintln(w, oneLine(runErr.Error()))
		return true, printErr
	case errors.As(runErr, &ref):
		return false, runErr
	case ctx.Err() != nil:
		fmt.Fprintf(w, "stopped: %s\n", oneLine(runErr.Error()))
		return false, ctx.Err()
	case errors.As(runErr, &se):
		fmt.Fprintf(w, "FAILED: stage %d %s did not meet its expectation: %s\n", se.Index, se.ID, oneLine(se.Err))
		return false, printErr
	case runErr != nil:
		fmt.Fprintf(w, "FAILED: %s\n", oneLine(runErr.Error()))
		return false, printErr
	}
	fmt.Fprintf(w, "ok: %d stage(s) run, every one met its expectation\n", ran)
	return true, printErr
}

// Follow calls run, a synchronous Runner call (Run, RunUntil, RunAll),
// and prints every event of that run to w until the run has published its
// last event. It returns how many stages finished, run's error, and the
// first error writing to w (printing goes on after one, so the run is
// still followed to its end).
func Follow(r *steps.Runner, w io.Writer, run func() error) (ran int, runErr, printErr error) {
	ch, stop := r.Subscribe()
	defer stop()
	p := NewPrinter(w, r.Snapshot())
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
			case steps.EventFinished:
				ran++
			case steps.EventQueueDone:
				finished = true
			}
		case runErr = <-errc:
			returned = true
			var ref *steps.RefusedError
			if errors.As(runErr, &ref) {
				queued = false // a refused run publishes nothing more
			}
			errc = nil
		}
	}
	return ran, runErr, printErr
}
