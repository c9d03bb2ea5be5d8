package session

import (
	"fmt"
	"testing"
)

// BenchmarkSetStage measures one atomic, fsynced state write: the cost
// the runner pays per transition.
func BenchmarkSetStage(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if err := s.SetStage("a", StageRecord{Status: "running", Values: []Value{{Name: "n", Value: fmt.Sprint(i)}}}); err != nil {
			b.Fatal(err)
		}
	}
}
