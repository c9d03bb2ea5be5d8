package gcpause

import (
	"math"
	"runtime/debug"
	"sync"
	"testing"
)

// current reads the collector's settings without changing them.
func current() (int, int64) {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

// Test binaries' standard output is not a terminal, so init left the
// collector alone, and Resume has nothing to do; pause it as init does on a
// terminal.
func TestPausedUntilResume(t *testing.T) {
	before, beforeLimit := current()
	if before == pausedPercent {
		t.Fatal("init paused the collector without a terminal")
	}
	Resume()
	if p, l := current(); p != before || l != beforeLimit {
		t.Fatalf("Resume without a pause changed the collector: percent %d→%d, limit %d→%d", before, p, beforeLimit, l)
	}
	resume = sync.Once{} // as at the start of a program on a terminal
	pause()
	p, l := current()
	wantLimit := int64(safetyLimit)
	if limit != math.MaxInt64 {
		wantLimit = limit // GOMEMLIMIT was set: it stays
	}
	if p != pausedPercent || l != wantLimit {
		t.Fatalf("at start: GC percent %d, limit %d; want %d, %d", p, l, pausedPercent, wantLimit)
	}
	Resume()
	Resume() // a second call changes nothing
	if p, l := current(); p != before || l != beforeLimit || p != percent || l != limit {
		t.Fatalf("after Resume: GC percent %d, limit %d; want %d, %d (GOGC, GOMEMLIMIT)", p, l, percent, limit)
	}
}
