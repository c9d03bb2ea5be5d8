package engine

import "sync"

// subscriber delivers events to one front end. Publishing only appends to
// an unbounded queue, so a slow subscriber never blocks the runner and
// never loses an event; a goroutine per subscriber feeds its channel.
type subscriber struct {
	out  chan Event
	wake chan struct{} // capacity 1: "the queue has grown"
	stop chan struct{}

	mu    sync.Mutex
	queue []Event
}

func newSubscriber() *subscriber {
	s := &subscriber{
		out:  make(chan Event, 64),
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}),
	}
	go s.pump()
	return s
}

func (s *subscriber) push(e Event) {
	s.mu.Lock()
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default: // already signalled
	}
}

// pump moves queued events to out in order until stopped, then closes out
// so a range loop over the channel ends.
func (s *subscriber) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		s.mu.Unlock()
		if len(batch) == 0 {
			select {
			case <-s.wake:
				continue
			case <-s.stop:
				return
			}
		}
		for _, e := range batch {
			select {
			case s.out <- e:
			case <-s.stop:
				return
			}
		}
	}
}

// Broadcast hands every event published to it to each of its subscribers,
// in the order published. The runner publishes through one; a front end
// that follows a runner in another process republishes through its own.
// The zero value is ready to use.
type Broadcast struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

// Subscribe returns a channel with every event published from now on, in
// order, and a function that stops the subscription and closes the
// channel. A slow subscriber never slows the publisher down.
func (b *Broadcast) Subscribe() (<-chan Event, func()) {
	s := newSubscriber()
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[*subscriber]struct{}{}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.stop)
		})
	}
}

// Publish queues e for every subscriber. Callers that publish from several
// goroutines and need one order for all subscribers serialise their calls.
func (b *Broadcast) Publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.push(e)
	}
}
