package steps

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"agentcore-workshop/internal/i18n"
)

// pollStart is the first pause between polls unless a wait says otherwise.
// Pauses double up to the wait's maximum: quick operations are seen
// quickly, slow ones are not hammered.
const pollStart = 50 * time.Millisecond

// wait says what poll waits for and how it paces itself.
type wait struct {
	// what the wait is for, named in progress, logs and errors: "the
	// build", or with of set a format with one %s for it, "runtime %s to
	// settle", so the subject can be translated whole around the id.
	what    string
	of      string
	first   time.Duration // the first pause; 0 means pollStart
	max     time.Duration // pauses double up to this
	timeout time.Duration // poll gives up once this much time has passed
	// countdown shows the time left in the progress label instead of the
	// time waited: for waits on a person, who wants to know how long
	// they have.
	countdown bool
}

// waitTimeout is poll's error when its wait ran out.
type waitTimeout struct {
	what, status string
	after        time.Duration
}

// Error is in English, as errors are: "after 20m", not Go's "after 20m0s".
func (e *waitTimeout) Error() string {
	after := i18n.Printer{}.Duration(e.after)
	if e.status == "" {
		return fmt.Sprintf("wait for %s: not done after %s", e.what, after)
	}
	return fmt.Sprintf("wait for %s: still %s after %s", e.what, e.status, after)
}

// poll calls check until it reports done, fails, the wait's timeout passes
// or ctx ends, reporting progress (the status it saw and the time) on each
// round and logging each new status; a check that reports its own news
// returns an empty status. Every waiting loop of the stages is a poll: how
// AWS's asynchronous creations are followed, how a new role's propagation
// is retried, how the learner's consent is awaited.
func poll(ctx context.Context, env *Env, rep Reporter, w wait,
	check func(ctx context.Context) (done bool, status string, err error)) error {
	clk := env.clock()
	start := clk.Now()
	last := ""
	pause := cmp.Or(w.first, pollStart)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		done, status, err := check(ctx)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", w.subject(i18n.Printer{}), err)
		}
		if done {
			return nil
		}
		if status != last && status != "" {
			rep.Log("%s: %s", w.subject(i18n.Printer{}), status)
			last = status
		}
		waited := clk.Now().Sub(start)
		rep.Progress(w.label(env.tr(), status, waited), 0, 0)
		if waited >= w.timeout {
			return &waitTimeout{what: w.subject(i18n.Printer{}), status: status, after: w.timeout}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clk.After(min(pause, w.timeout-waited)):
		}
		pause = min(pause*2, max(w.max, pause))
	}
}

// subject names what the wait is for in tr's language.
func (w wait) subject(tr i18n.Printer) string {
	if w.of == "" {
		return tr.T(w.what)
	}
	return tr.Sprintf(w.what, w.of)
}

// label is the progress line of one round, already in the learner's
// language (the runner finds no entry for a finished line and leaves it).
// A wait whose subject has no catalog entry keeps the whole line in
// English, the duration too, rather than mix the two languages in one
// line.
func (w wait) label(tr i18n.Printer, status string, waited time.Duration) string {
	if !tr.Has(w.what) {
		tr = i18n.Printer{}
	}
	what, status := w.subject(tr), tr.T(status) // an API state (CREATING) has no entry and stays
	// The label is redrawn each round: whole seconds are enough.
	if w.countdown {
		left := tr.Duration(max(w.timeout-waited, 0).Round(time.Second))
		if status != "" {
			return tr.Sprintf("waiting for %s (%s, %s left)", what, status, left)
		}
		return tr.Sprintf("waiting for %s (%s left)", what, left)
	}
	t := tr.Duration(waited.Round(time.Second))
	if status != "" {
		return tr.Sprintf("waiting for %s (%s, %s)", what, status, t)
	}
	return tr.Sprintf("waiting for %s (%s)", what, t)
}
