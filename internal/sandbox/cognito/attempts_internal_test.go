package cognito

import (
	"fmt"
	"testing"
	"time"
)

// Failed attempts under made-up user names cannot grow the table past its
// bound, and a locked user stays locked while others come and go.
func TestAttemptsTableIsBounded(t *testing.T) {
	a := newAttempts()
	now := time.Unix(1_700_000_000, 0)
	victim := attemptKey("pool", "victim")
	for range freeAttempts {
		a.failed(victim, now)
	}
	// Other names fail up to four times each: counted, never locked.
	for i := range 2 * maxTrackedLogins {
		a.failed(attemptKey("pool", fmt.Sprintf("user-%d", i)), now.Add(time.Millisecond))
	}
	if n := len(a.by); n > maxTrackedLogins {
		t.Fatalf("%d records, over the %d bound", n, maxTrackedLogins)
	}
	if !a.locked(victim, now.Add(500*time.Millisecond)) {
		t.Fatal("a flood of other names lifted a lockout")
	}
}
