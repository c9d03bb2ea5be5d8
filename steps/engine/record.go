package engine

import (
	"maps"
	"sync"

	"agentcore-workshop/internal/session"
)

// fromRecord is a saved stage record as a stage state.
func fromRecord(st StageState, rec session.StageRecord) StageState {
	switch s := Status(rec.Status); s {
	case Pending, Running, Succeeded, Failed, Cancelled, Skipped:
		st.Status = s
	default:
		st.Status = Pending // a status this version does not know: run it again
	}
	st.StartedAt = rec.StartedAt
	st.FinishedAt = rec.FinishedAt
	st.Elapsed = rec.Elapsed
	st.Err = rec.Err
	if st.Status == Failed && st.Err == ErrMsgCancelled {
		// Saved before cancelled was a status of its own.
		st.Status = Cancelled
	}
	st.Stale = rec.Stale
	st.Result = Result{Values: ValuesOf(rec)}
	return st
}

// ValuesOf is a stage record's values as the stage made them, secrets
// still blank.
func ValuesOf(rec session.StageRecord) []Value {
	var out []Value
	for _, v := range rec.Values {
		out = append(out, Value{Name: v.Name, Value: v.Value, Secret: v.Secret, Kind: Kind(v.Kind)})
	}
	return out
}

func toRecord(st StageState) session.StageRecord {
	rec := session.StageRecord{
		Status: string(st.Status), StartedAt: st.StartedAt, FinishedAt: st.FinishedAt,
		Elapsed: st.Elapsed, Err: st.Err, Stale: st.Stale,
	}
	for _, v := range st.Result.Values {
		if v.Secret {
			v.Value = ""
		}
		rec.Values = append(rec.Values, session.Value{Name: v.Name, Value: v.Value, Secret: v.Secret, Kind: string(v.Kind)})
	}
	return rec
}

// store saves stage records off the runner's lock. The runner builds each
// record under its lock and hands it over with put, so records reach the
// store in the order the state changed; one writer goroutine at a time
// saves them, folding everything put while a write was in progress into
// the next write (the newest record of a stage wins). A caller that must
// know its record is on disk waits on the batch put returned.
type store struct {
	save func(map[string]session.StageRecord) error

	mu      sync.Mutex
	next    *batch // the records waiting for the next write; nil when none
	writing bool   // a writer goroutine is running
}

// batch is one write of the store.
type batch struct {
	recs map[string]session.StageRecord
	done chan struct{} // closed when the write ended; err is then set
	err  error
}

// put queues recs for saving and returns the batch that will save them.
func (s *store) put(recs map[string]session.StageRecord) *batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == nil {
		s.next = &batch{recs: map[string]session.StageRecord{}, done: make(chan struct{})}
	}
	maps.Copy(s.next.recs, recs)
	b := s.next
	if !s.writing {
		s.writing = true
		go s.drain()
	}
	return b
}

// drain writes batches until none is waiting.
func (s *store) drain() {
	for {
		s.mu.Lock()
		b := s.next
		s.next = nil
		if b == nil {
			s.writing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		b.err = s.save(b.recs)
		close(b.done)
	}
}

// wait blocks until the batch's write ended and returns its error.
func (b *batch) wait() error {
	<-b.done
	return b.err
}
