package engine

import (
	"context"
	"testing"
)

// BenchmarkReporterLog measures publishing one log line to two
// subscribers (no persistence: log lines are not saved).
func BenchmarkReporterLog(b *testing.B) {
	a := Stage{ID: "a", Title: "A", Run: func(ctx context.Context, rep Reporter) (Result, error) {
		for b.Loop() {
			rep.Log("line %d", 1)
		}
		return Result{}, nil
	}}
	r := NewRunner([]Stage{a}, benchSession(b), Options{})
	for range 2 {
		ch, stop := r.Subscribe()
		defer stop()
		go func() {
			for range ch {
			}
		}()
	}
	if err := r.Run(context.Background(), "a"); err != nil {
		b.Fatal(err)
	}
}
