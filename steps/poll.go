package steps

import (
	"context"
	"fmt"
	"time"
)

// pollStart is the first wait between polls. Waits double up to the
// caller's maximum: quick operations are seen quickly, slow ones are not
// hammered.
const pollStart = 50 * time.Millisecond

// poll calls check until it reports done, fails, or timeout passes,
// reporting progress (the status it saw and the time waited) on each round
// and logging each new status; a check that reports its own news returns
// an empty status.
// Polling is how AWS's asynchronous creations are followed.
func poll(ctx context.Context, rep Reporter, what string, maxInterval, timeout time.Duration,
	check func(ctx context.Context) (done bool, status string, err error)) error {
	start := time.Now()
	last := ""
	wait := pollStart
	for {
		done, status, err := check(ctx)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if done {
			return nil
		}
		if status != last && status != "" {
			rep.Log("%s: %s", what, status)
			last = status
		}
		waited := time.Since(start)
		label := fmt.Sprintf("waiting for %s (%s)", what, waited.Round(time.Second))
		if status != "" {
			label = fmt.Sprintf("waiting for %s (%s, %s)", what, status, waited.Round(time.Second))
		}
		rep.Progress(label, 0, 0)
		if waited >= timeout {
			return fmt.Errorf("wait for %s: still %s after %s", what, status, timeout)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, maxInterval)
	}
}
