package signkeys

import (
	"testing"
	"time"
)

// A key taken from the spare is a whole, distinct signing key, and a taker
// of an empty spare (or of none) still gets one.
func TestSpareGivesReadyKeysAndNeverBlocks(t *testing.T) {
	s := NewSpare(2)
	defer s.Close()
	deadline := time.Now().Add(30 * time.Second)
	for len(s.keys) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the spare did not fill 2 keys in 30 s")
		}
		time.Sleep(10 * time.Millisecond) // polling a buffer's fill, bounded above
	}
	seen := map[string]bool{}
	for i := range 3 { // the third finds the spare empty, or refilled
		kp, err := s.Generate("", "JWT")
		if err != nil {
			t.Fatal(err)
		}
		if seen[kp.KID] {
			t.Fatalf("key %d repeats kid %s", i, kp.KID)
		}
		seen[kp.KID] = true
		tok, err := kp.Sign(map[string]any{"sub": "x"})
		if err != nil || tok == "" {
			t.Fatalf("sign with key %d: %v", i, err)
		}
		var back KeyPair = KeyPair{KID: kp.KID, PKCS8: kp.PKCS8}
		if err := back.Load("JWT"); err != nil || back.Public().N.Cmp(kp.Public().N) != 0 {
			t.Fatalf("key %d does not load back from its persisted form: %v", i, err)
		}
	}
	var none *Spare
	if kp, err := none.Generate("", ""); err != nil || kp.KID == "" {
		t.Fatalf("nil spare: %v", err)
	}
	none.Close()
	if NewSpare(0) != nil {
		t.Error("NewSpare(0) keeps keys")
	}
}

// Close stops the background generation even while it waits on a full
// spare, and twice is fine.
func TestSpareCloseStopsItsGoroutine(t *testing.T) {
	s := NewSpare(1)
	done := make(chan struct{})
	go func() { s.Close(); s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return in 30 s")
	}
}

// BenchmarkPoolKeysOnDemand and BenchmarkPoolKeysFromSpare are what a user pool's two keys cost its
// creator: from a spare that keeps up, against generating them on demand.
func BenchmarkPoolKeysOnDemand(b *testing.B) {
	for b.Loop() {
		for range 2 {
			if _, err := Generate("", ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkPoolKeysFromSpare(b *testing.B) {
	s := NewSpare(2)
	defer s.Close()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for len(s.keys) < 2 { // refill untimed: the idle time between learners
			time.Sleep(time.Millisecond)
		}
		b.StartTimer()
		for range 2 {
			if _, err := s.Generate("", ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}
