package steps

import (
	"cmp"
	"context"
	"fmt"
	"time"
)

// pollStart is the first pause between polls unless a wait says otherwise.
// Pauses double up to the wait's maximum: quick operations are seen
// quickly, slow ones are not hammered.
const pollStart = 50 * time.Millisecond

// wait says what poll waits for and how it paces itself.
type wait struct {
	what    string        // "runtime x to settle": named in progress, logs and errors
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

func (e *waitTimeout) Error() string {
	if e.status == "" {
		return fmt.Sprintf("wait for %s: not done after %s", e.what, e.after)
	}
	return fmt.Sprintf("wait for %s: still %s after %s", e.what, e.status, e.after)
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
			return fmt.Errorf("wait for %s: %w", w.what, err)
		}
		if done {
			return nil
		}
		if status != last && status != "" {
			rep.Log("%s: %s", w.what, status)
			last = status
		}
		waited := clk.Now().Sub(start)
		rep.Progress(w.label(status, waited), 0, 0)
		if waited >= w.timeout {
			return &waitTimeout{what: w.what, status: status, after: w.timeout}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clk.After(min(pause, w.timeout-waited)):
		}
		pause = min(pause*2, max(w.max, pause))
	}
}

// label is the progress line of one round.
func (w wait) label(status string, waited time.Duration) string {
	t := waited.Round(time.Second).String()
	if w.countdown {
		t = max(w.timeout-waited, 0).Round(time.Second).String() + " left"
	}
	if status != "" {
		return fmt.Sprintf("waiting for %s (%s, %s)", w.what, status, t)
	}
	return fmt.Sprintf("waiting for %s (%s)", w.what, t)
}
