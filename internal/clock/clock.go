// Package clock is the time a program reads and waits on, behind an
// interface, so code that polls or stamps times can be tested without
// sleeping.
package clock

import "time"

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// After delivers the time on the returned channel once d has passed.
	// An unreceived channel costs nothing once dropped (Go 1.23 timers).
	After(d time.Duration) <-chan time.Time
}

// System is the real clock.
type System struct{}

func (System) Now() time.Time                         { return time.Now() }
func (System) After(d time.Duration) <-chan time.Time { return time.After(d) }
