// Package memwatch measures a process's peak resident memory over a
// stretch of work, for the tests that hold attacks to a memory bound.
// On Linux it resets the kernel's high-water mark (VmHWM) and reads it
// back; elsewhere it samples the Go runtime's own view of its memory.
package memwatch

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// Peak is what a watch saw.
type Peak struct {
	// RSS is the peak resident set size (VmHWM), zero where the system does
	// not report it.
	RSS uint64
	// Go is the peak of the memory the Go runtime had mapped (heap, stacks
	// and its own metadata), sampled every few milliseconds. Unlike RSS it
	// leaves out the race detector's shadow memory, so it is the measure to
	// hold a bound to in a -race build.
	Go uint64
}

// Watch watches the process's memory from now until the returned func is
// called, which returns the peaks.
func Watch() (stop func() Peak) {
	hwmOK := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	if _, ok := vmHWM(); !ok {
		hwmOK = false
	}
	goPeak := sample()
	return func() Peak {
		p := Peak{Go: goPeak()}
		if hwmOK {
			p.RSS, _ = vmHWM()
		}
		return p
	}
}

// Check returns an error when the peak is over bound: the Go runtime's
// memory always, and the RSS too unless this is a race-detector build,
// whose shadow memory multiplies RSS by design.
func (p Peak) Check(bound uint64) error {
	if p.Go > bound {
		return fmt.Errorf("Go runtime memory peaked at %d MB, over the %d MB bound", p.Go>>20, bound>>20)
	}
	if !Race && p.RSS > bound {
		return fmt.Errorf("RSS peaked at %d MB, over the %d MB bound", p.RSS>>20, bound>>20)
	}
	return nil
}

func (p Peak) String() string {
	return fmt.Sprintf("peak RSS %d MB (race detector: %v), Go runtime %d MB", p.RSS>>20, Race, p.Go>>20)
}

// vmHWM reads the peak resident set size from /proc/self/status.
func vmHWM() (uint64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 2 && string(f[1]) == "kB" {
			if kb, err := strconv.ParseUint(string(f[0]), 10, 64); err == nil {
				return kb << 10, true
			}
		}
	}
	return 0, false
}

// sample polls the memory the Go runtime has mapped (an upper bound of
// its resident memory) every few milliseconds.
func sample() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	read := func() {
		metrics.Read(s)
		mu.Lock()
		peak = max(peak, s[0].Value.Uint64())
		mu.Unlock()
	}
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		read()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
