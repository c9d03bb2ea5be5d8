package ui

import (
	"math"
	"time"

	"agentcore-workshop/steps/engine"
)

// What the progress line says, in one place for the message catalog.
const (
	progressAt       = "stage %d of %d"
	progressMinutes  = " · about %d min left"
	progressUnderOne = " · under a minute left"
	progressAllDone  = "all %d stages done"
)

// progressLine is "stage 4 of 13 · about 6 min left": where the learner
// is (the stage resuming would pick) and how long the stages from there
// on take, by their own measured times where they ran before, else the
// expected times the program was given (on AWS), else the mean of the
// times measured so far. With nothing to go by it says only where.
func (m *Model) progressLine() string {
	n := len(m.stages)
	i := engine.Resume(m.stages)
	if n == 0 {
		return ""
	}
	if i < 0 {
		return m.tr.Sprintf(progressAllDone, n)
	}
	line := m.tr.Sprintf(progressAt, m.stages[i].Index, n)
	left, known := m.timeLeft(i)
	switch {
	case !known:
	case left < time.Minute:
		line += m.tr.T(progressUnderOne)
	default:
		line += m.tr.Sprintf(progressMinutes, int(math.Ceil(left.Minutes())))
	}
	return line
}

// timeLeft adds up the estimates of every stage from i on that has not
// succeeded, minus the running one's time so far.
func (m *Model) timeLeft(i int) (time.Duration, bool) {
	var sum, measured time.Duration
	count := 0
	for _, s := range m.stages {
		if s.Elapsed > 0 && s.Status != engine.Running {
			measured += s.Elapsed
			count++
		}
	}
	var mean time.Duration
	if count > 0 {
		mean = measured / time.Duration(count)
	}
	known := false
	for _, s := range m.stages[i:] {
		if s.Status == engine.Succeeded && !s.Stale {
			continue
		}
		est, ok := m.estimate(s, mean)
		if !ok {
			continue
		}
		known = true
		if s.Status == engine.Running {
			est = max(est-m.elapsed(s), 0)
		}
		sum += est
	}
	return sum, known
}

// estimate is how long stage s should take: its last run's time, or the
// expected time, or the mean measured time.
func (m *Model) estimate(s engine.StageState, mean time.Duration) (time.Duration, bool) {
	var expected time.Duration
	if m.cfg.expected != nil {
		expected, _ = m.cfg.expected(s.ID)
	}
	if s.Elapsed > 0 && s.Status != engine.Running && s.Status != engine.Cancelled {
		// A failure that came at once says little about a real run.
		return max(s.Elapsed, expected), true
	}
	if expected > 0 {
		return expected, true
	}
	if mean > 0 {
		return mean, true
	}
	return 0, false
}
