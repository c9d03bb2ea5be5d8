package steps

import (
	"context"
	"testing"
)

// BenchmarkReporterLog measures publishing one log line to two
// subscribers (no persistence: log lines are not saved).
func BenchmarkReporterLog(b *testing.B) {
	a := fakeStep{id: "a", title: "A", run: func(ctx context.Context, env *Env, rep Reporter) (Result, error) {
		for b.Loop() {
			rep.Log("line %d", 1)
		}
		return Result{}, nil
	}}
	r := NewRunner([]Step{a}, nil)
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
