package store

import (
	"sync"
)

// writeParallel bounds how many records one batch writes at once: their
// fsyncs overlap (the file system commits them together) without a batch
// of a whole room opening hundreds of files.
const writeParallel = 8

// Writer saves Records off their owner's lock. The owner encodes a changed
// record under its own lock and hands it over with Put, so records reach
// the writer in the order the state changed; one goroutine at a time
// writes, folding everything Put while a write was in progress into the
// next batch (the newest encoding of a record wins). The owner releases
// its lock and then waits on the Pending that Put returned, so readers and
// writers of other records never wait for a disk.
type Writer struct {
	rec *Records

	mu      sync.Mutex
	next    *batch            // the records waiting for the next write; nil when none
	writing bool              // a writer goroutine is running
	saved   map[string][]byte // each record's last encoding known to be on disk
}

// batch is one write of the writer: a record's encoding, or nil to delete it.
type batch struct {
	recs map[string][]byte
	done chan struct{} // closed when every record's write ended; errs is then set
	errs map[string]error
}

// Pending is a record handed to the writer.
type Pending struct {
	b  *batch
	id string
}

// NewWriter writes to rec, whose records on disk are saved (as All read them).
func NewWriter(rec *Records, saved map[string][]byte) *Writer {
	if saved == nil {
		saved = map[string][]byte{}
	}
	return &Writer{rec: rec, saved: saved}
}

// Put queues record id's encoding data (nil deletes the record).
func (w *Writer) Put(id string, data []byte) Pending {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.next == nil {
		w.next = &batch{recs: map[string][]byte{}, done: make(chan struct{})}
	}
	w.next.recs[id] = data
	b := w.next
	if !w.writing {
		w.writing = true
		go w.drain()
	}
	return Pending{b: b, id: id}
}

// Wait blocks until the record's write ended and returns its error.
func (p Pending) Wait() error {
	<-p.b.done
	return p.b.errs[p.id]
}

// Saved returns record id's last encoding known to be on disk (nil when it
// is not there). After a failed write it is what the owner goes back to;
// the owner asks only while no newer encoding of id is queued, so the
// answer cannot change under it.
func (w *Writer) Saved(id string) []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.saved[id]
}

// drain writes batches until none is waiting.
func (w *Writer) drain() {
	for {
		w.mu.Lock()
		b := w.next
		w.next = nil
		if b == nil {
			w.writing = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		w.write(b)
	}
}

// write saves one batch, writeParallel records at a time.
func (w *Writer) write(b *batch) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs = map[string]error{}
		sem  = make(chan struct{}, writeParallel)
	)
	for id, data := range b.recs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var err error
			if data == nil {
				err = w.rec.Delete(id)
			} else {
				err = w.rec.Put(id, data)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[id] = err
				return
			}
			w.mu.Lock()
			if data == nil {
				delete(w.saved, id)
			} else {
				w.saved[id] = data
			}
			w.mu.Unlock()
		})
	}
	wg.Wait()
	b.errs = errs
	close(b.done)
}
