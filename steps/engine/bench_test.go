package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
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

// BenchmarkSnapshotWhileSaving measures what a front end waits for to
// read the stages while a stage reports values as fast as it can, each
// one saved (and fsynced) before the next: the save happens off the
// runner's lock, so a Snapshot never waits for the disk.
func BenchmarkSnapshotWhileSaving(b *testing.B) {
	stop := make(chan struct{})
	a := Stage{ID: "a", Title: "A", Run: func(ctx context.Context, rep Reporter) (Result, error) {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return Result{}, nil
			default:
				rep.Value(Value{Name: "n", Value: fmt.Sprint(i)})
			}
		}
	}}
	r := NewRunner([]Stage{a}, benchSession(b), Options{})
	if err := r.Start("a"); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	for b.Loop() {
		t := time.Now()
		r.Snapshot()
		took = append(took, time.Since(t))
	}
	close(stop)
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100]), "p99-ns")
	b.ReportMetric(float64(took[len(took)*999/1000]), "p99.9-ns")
	b.ReportMetric(float64(took[len(took)-1]), "max-ns")
	r.Wait()
}

// BenchmarkReporterValue measures one reported value: saved to the state
// file (atomically, fsynced) before its event goes out.
func BenchmarkReporterValue(b *testing.B) {
	a := Stage{ID: "a", Title: "A", Run: func(ctx context.Context, rep Reporter) (Result, error) {
		i := 0
		for b.Loop() {
			i++
			rep.Value(Value{Name: "n", Value: fmt.Sprint(i)})
		}
		return Result{}, nil
	}}
	r := NewRunner([]Stage{a}, benchSession(b), Options{})
	if err := r.Run(context.Background(), "a"); err != nil {
		b.Fatal(err)
	}
}
