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

var (
	percent int   // GOGC as the environment set it
	limit   int64 // GOMEMLIMIT as the environment set it
	resume  sync.Once
)

func init() {
	limit = debug.SetMemoryLimit(-1) // -1 reads without changing
	if !term.IsTerminal(os.Stdout.Fd()) {
		// No terminal UI will start: a headless run, a script, a test
		// binary. Nothing to pause for.
		percent = debug.SetGCPercent(-1)
		debug.SetGCPercent(percent)
		return
	}
	pause()
}

func pause() {
	percent = debug.SetGCPercent(-1)
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
