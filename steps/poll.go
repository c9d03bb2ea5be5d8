package steps

import (
	"context"
	"fmt"
	"time"
)

// poll calls check every interval until it reports done, fails, or timeout
// passes, reporting progress (the status it saw and the time waited) on
// each round. Polling is how AWS's asynchronous creations are followed.
func poll(ctx context.Context, rep Reporter, what string, interval, timeout time.Duration,
	check func(ctx context.Context) (done bool, status string, err error)) error {
	start := time.Now()
	last := ""
	for {
		done, status, err := check(ctx)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if done {
			return nil
		}
		if status != last {
			rep.Log("%s: %s", what, status)
			last = status
		}
		waited := time.Since(start)
		rep.Progress(fmt.Sprintf("waiting for %s (%s, %s)", what, status, waited.Round(time.Second)), 0, 0)
		if waited >= timeout {
			return fmt.Errorf("wait for %s: still %s after %s", what, status, timeout)
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
