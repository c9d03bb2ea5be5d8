package i18n

import (
	"testing"
	"time"
)

func TestDurationReadsInEachLanguage(t *testing.T) {
	en, ko := For("en"), For("ko")
	for _, c := range []struct {
		d      time.Duration
		en, ko string
	}{
		{0, "0s", "0초"},
		{-3 * time.Minute, "0s", "0초"}, // callers pass -d for "ago"
		{30 * time.Millisecond, "0.03s", "0.03초"},
		{1250 * time.Millisecond, "1.25s", "1.25초"},
		{3 * time.Second, "3s", "3초"},
		{9996 * time.Millisecond, "10s", "10초"},
		{12*time.Second + 400*time.Millisecond, "12s", "12초"},
		{45 * time.Second, "45s", "45초"},
		{3 * time.Minute, "3m", "3분"},
		{3*time.Minute + 5*time.Second, "3m 05s", "3분 5초"},
		{59 * time.Minute, "59m", "59분"},
		{59*time.Minute + 59*time.Second, "59m 59s", "59분 59초"},
		{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1h", "1시간"},
		{time.Hour + 2*time.Minute + 20*time.Second, "1h 02m", "1시간 2분"},
		{2*time.Hour + 59*time.Minute + 40*time.Second, "3h", "3시간"},
		{26 * time.Hour, "26h", "26시간"},
	} {
		if got := en.Duration(c.d); got != c.en {
			t.Errorf("en %v = %q, want %q", c.d, got, c.en)
		}
		if got := ko.Duration(c.d); got != c.ko {
			t.Errorf("ko %v = %q, want %q", c.d, got, c.ko)
		}
	}
	var zero Printer
	if got := zero.Duration(90 * time.Second); got != "1m 30s" {
		t.Errorf("zero Printer = %q, want English", got)
	}
}

// Every shape the formatter uses has a Korean entry: a missing one would
// leave "3m" inside a Korean sentence.
func TestDurationShapesAreTranslated(t *testing.T) {
	ko := For("ko")
	for _, f := range []string{durSeconds, durMinutes, durMinSeconds, durHours, durHourMins} {
		if !ko.Has(f) {
			t.Errorf("ko has no entry for the duration shape %q", f)
		}
	}
}
