// Package gcpause turns the garbage collector off while the program starts
// and back on once it is up (for the terminal UI: once its first frame is
// on screen). Nearly all that starting allocates stays live, the AWS
// clients' schemas, the sandbox's tables, the first frame's buffers, so
// collecting it then is wasted work: measured, a fifth of the CPU a first
// frame costs.
//
// The pause starts at this package's init. Go initialises, at each step,
// the first package by import path whose imports are all done, so this one
// runs as soon as runtime/debug has, which sorts after most third-party
// packages: in this binary about half-way through package initialisation,
// after the AWS schemas, before the sandbox, glamour and chroma packages.
// It then covers main up to the first frame.
//
// It pauses only when standard output is a terminal, the terminal UI's
// condition; headless runs, scripts and test binaries are left alone.
//
// A memory limit stays as a safety net, so a start that allocates far more
// than expected is still collected.
//
// The pause is a GC percentage so large that no collection starts, not
// GOGC=off: turning the collector off waits for a collection already under
// way to finish its mark phase, and on a start that allocates this much one
// often is (the first one starts at a ~4 MB heap, reached just before this
// package's init). Waiting for it stalled init by 2-60 ms, depending on
// load; now it finishes beside the start.
package gcpause

import (
	"math"
	"os"
	"runtime/debug"
	"sync"

	"github.com/charmbracelet/x/term"
)

// safetyLimit is the heap size past which the collector runs anyway while
// paused; a start needs a small fraction of it.
const safetyLimit = 512 << 20

// pausedPercent is the GC percentage while paused: the next collection
// would wait for the heap to grow ten-thousand-fold, so the memory limit
// comes first.
const pausedPercent = 1 << 20

var (
	percent int   // GOGC as the environment set it
	limit   int64 // GOMEMLIMIT as the environment set it
	resume  sync.Once
)

func init() {
	if !term.IsTerminal(os.Stdout.Fd()) {
		// No terminal UI will start: a headless run, a script, a test
		// binary. Nothing to pause for, so nothing to resume. (Reading
		// the GC percent would mean setting it, which with -1 waits for
		// a collection under way.)
		resume.Do(func() {})
		return
	}
	pause()
}

func pause() {
	limit = debug.SetMemoryLimit(-1) // -1 reads without changing
	percent = debug.SetGCPercent(pausedPercent)
	if limit == math.MaxInt64 {
		debug.SetMemoryLimit(safetyLimit)
	}
}

// Resume gives the collector back the settings GOGC and GOMEMLIMIT gave
// it. It is safe to call more than once, from any goroutine.
func Resume() {
	resume.Do(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}
