package gcpause

import (
	"math"
	"runtime/debug"
	"testing"
)

// current reads the collector's settings without changing them.
func current() (int, int64) {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

// Test binaries' standard output is not a terminal, so init left the
// collector alone; pause it as init does on a terminal.
func TestPausedUntilResume(t *testing.T) {
	if p, _ := current(); p != percent {
		t.Fatalf("init paused the collector without a terminal: percent %d", p)
	}
	pause()
	p, l := current()
	wantLimit := int64(safetyLimit)
	if limit != math.MaxInt64 {
		wantLimit = limit // GOMEMLIMIT was set: it stays
	}
	if p != -1 || l != wantLimit {
		t.Fatalf("at start: GC percent %d, limit %d; want -1, %d", p, l, wantLimit)
	}
	Resume()
	Resume() // a second call changes nothing
	if p, l := current(); p != percent || l != limit {
		t.Fatalf("after Resume: GC percent %d, limit %d; want %d, %d (GOGC, GOMEMLIMIT)", p, l, percent, limit)
	}
}
