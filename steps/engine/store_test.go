package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"agentcore-workshop/internal/session"
)

// A save in progress never holds the runner's lock: while a stage's value
// is being written, a front end can still read the stages and ask whether
// the runner is busy.
func TestSavingNeverHoldsTheLock(t *testing.T) {
	sess, _ := newSession(t)
	inValue := make(chan struct{})
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		close(inValue)
		rep.Value(Value{Name: "id", Value: "x"}) // its save blocks below
		return Result{}, nil
	}
	r := newRunner(sess, a)
	writing, release := make(chan struct{}), make(chan struct{})
	save := r.store.save
	var once sync.Once
	r.store.save = func(recs map[string]session.StageRecord) error {
		if recs["a"].Status == string(Running) && len(recs["a"].Values) == 1 {
			once.Do(func() { close(writing) })
			<-release
		}
		return save(recs)
	}
	if err := r.Start("a"); err != nil {
		t.Fatal(err)
	}
	<-inValue
	<-writing
	got := make(chan []StageState)
	go func() {
		r.Busy()
		got <- r.Snapshot()
	}()
	select {
	case snap := <-got:
		if v, _ := snap[0].Result.Get("id"); v.Value != "x" || snap[0].Status != Running {
			t.Errorf("snapshot during the save = %+v", snap[0])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Snapshot waited for a state write")
	}
	close(release)
	r.Wait()
	if rec, _ := sess.Stage("a"); rec.Status != string(Succeeded) || len(rec.Values) != 1 {
		t.Errorf("saved = %+v", rec)
	}
}

// When Finished arrives the outcome is already on disk, so a front end
// that reacts to it (or a crash right after) sees the same thing.
func TestFinishedIsSavedBeforeItIsPublished(t *testing.T) {
	sess, dir := newSession(t)
	a := ok("a")
	a.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		return Result{Values: []Value{{Name: "returned", Value: "r"}}}, nil
	}
	r := newRunner(sess, a)
	ch, stop := r.Subscribe()
	defer stop()
	if err := r.Start("a"); err != nil {
		t.Fatal(err)
	}
	var e Event
	for e.Kind != EventFinished {
		select {
		case e = <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("no Finished event")
		}
	}
	rec, _ := openSession(t, dir).Stage("a")
	if rec.Status != string(Succeeded) || len(rec.Values) != 1 {
		t.Errorf("on disk at Finished: %+v", rec)
	}
	if e.Result == nil || len(e.Result.Values) != 1 || e.Result.Values[0].Name != "returned" {
		t.Errorf("Finished carries %+v, want the returned value", e.Result)
	}
	r.Wait()
}

// Records put while a write is in progress go out together in the next
// write, newest first, in the order they were put.
func TestStoreCoalescesInOrder(t *testing.T) {
	var mu sync.Mutex
	var writes []map[string]session.StageRecord
	first, release := make(chan struct{}), make(chan struct{})
	s := &store{save: func(recs map[string]session.StageRecord) error {
		mu.Lock()
		writes = append(writes, recs)
		n := len(writes)
		mu.Unlock()
		if n == 1 {
			close(first)
			<-release
		}
		return nil
	}}
	b1 := s.put(map[string]session.StageRecord{"a": {Status: "running"}})
	<-first
	b2 := s.put(map[string]session.StageRecord{"a": {Status: "succeeded"}})
	b3 := s.put(map[string]session.StageRecord{"b": {Status: "running"}})
	if b2 != b3 {
		t.Error("records put during a write were not batched")
	}
	close(release)
	for _, b := range []*batch{b1, b2} {
		if err := b.wait(); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(writes) != 2 || writes[0]["a"].Status != "running" || writes[1]["a"].Status != "succeeded" || writes[1]["b"].Status != "running" {
		t.Errorf("writes = %+v", writes)
	}
}
