package i18n

import (
	"strconv"
	"time"
)

// The shapes of a duration in a sentence, for the message catalog: each
// language words its units (ko.go: "3분 5초"), so a duration reads in the
// learner's language inside a translated line ("3분 전에 만료됨"), where
// time.Duration's own "3m5s" would not. The stage list keeps its compact,
// aligned form (engine.FormatElapsed); this is for sentences.
const (
	durSeconds    = "%ss"       // "45s", "1.25s": a string, to keep the decimals
	durMinutes    = "%dm"       // "59m"
	durMinSeconds = "%dm %02ds" // "3m 05s"
	durHours      = "%dh"       // "2h"
	durHourMins   = "%dh %02dm" // "1h 02m"
)

// Duration words d for a sentence in the Printer's language: "45s",
// "3m 05s", "59m", "1h 02m" in English, "45초", "3분 5초", "59분",
// "1시간 2분" in Korean. Under 10 seconds it keeps hundredths ("1.25s"),
// so a sandbox's quick waits do not all read "0s"; from 10 seconds it
// rounds to the second, and from an hour to the minute. A negative d
// reads as zero: a caller that means "ago" passes -d.
func (p Printer) Duration(d time.Duration) string {
	d = max(d, 0)
	if d < 10*time.Second {
		secs := float64(d.Round(10*time.Millisecond)) / float64(time.Second)
		return p.Sprintf(durSeconds, strconv.FormatFloat(secs, 'f', -1, 64))
	}
	r := d.Round(time.Second)
	if r >= time.Hour {
		r = d.Round(time.Minute)
		h, m := int(r/time.Hour), int(r%time.Hour/time.Minute)
		if m == 0 {
			return p.Sprintf(durHours, h)
		}
		return p.Sprintf(durHourMins, h, m)
	}
	if r < time.Minute {
		return p.Sprintf(durSeconds, strconv.Itoa(int(r/time.Second)))
	}
	m, s := int(r/time.Minute), int(r%time.Minute/time.Second)
	if s == 0 {
		return p.Sprintf(durMinutes, m)
	}
	return p.Sprintf(durMinSeconds, m, s)
}
