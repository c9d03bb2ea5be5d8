package signkeys

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
)

// Spare keeps RSA keys generated ahead of need. A 2048-bit key takes about
// 0.2 s of one core here, and every user pool needs two: a room of learners
// creating their pools at once queued behind key generation (the room's
// load test: CreateUserPool p50 37 s at 100 learners) while the cores had
// been idle a minute before. One goroutine fills the spare in the
// background; a taker never waits for it, it generates its own key when
// the spare is empty. A nil *Spare generates every key on demand.
type Spare struct {
	keys chan *rsa.PrivateKey
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
}

// NewSpare starts keeping up to n keys ready; n <= 0 gives nil.
func NewSpare(n int) *Spare {
	if n <= 0 {
		return nil
	}
	s := &Spare{keys: make(chan *rsa.PrivateKey, n), stop: make(chan struct{})}
	s.done.Add(1)
	go s.fill()
	return s
}

func (s *Spare) fill() {
	defer s.done.Done()
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		priv, err := rsa.GenerateKey(rand.Reader, keyBits)
		if err != nil {
			return // takers generate their own, and report the error then
		}
		select {
		case s.keys <- priv: // blocks while the spare is full
		case <-s.stop:
			return
		}
	}
}

// Generate is the package's Generate, from a ready key when there is one.
func (s *Spare) Generate(kid, typ string) (KeyPair, error) {
	if s != nil {
		select {
		case priv := <-s.keys:
			return fromKey(priv, kid, typ)
		default:
		}
	}
	return Generate(kid, typ)
}

// Close stops the background generation and waits for it.
func (s *Spare) Close() {
	if s == nil {
		return
	}
	s.once.Do(func() { close(s.stop) })
	s.done.Wait()
}
