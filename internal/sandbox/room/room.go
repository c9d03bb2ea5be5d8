// Package room is the facilitator's view of a shared sandbox: learners'
// workshops report their progress to it in signed calls, and the
// facilitator reads it, with a key only `sandbox serve` prints, as a live
// web page (page.go) or as JSON for the terminal view.
//
// Everything a learner can send is bounded: the report's size and fields
// (roomapi), how many learners the room remembers, and how many pages may
// follow it at once.
package room

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/roomapi"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/store"
)

// Bounds of the room.
const (
	// DefaultMaxLearners is how many learners the room remembers. A room
	// is a class (tens of people); the bound is for names nobody uses.
	DefaultMaxLearners = 500
	// forgetAfter: a learner silent this long may make way for a new one
	// when the room is full.
	forgetAfter = 15 * time.Minute
	// DefaultMaxWatchers is how many pages (and terminal views) may follow
	// the room at once.
	DefaultMaxWatchers = 32
)

// keyDoc is the store document holding the facilitator key, so the room
// URL stays valid across restarts.
const keyDoc = "room"

// Options bound a room; zero fields take the defaults.
type Options struct {
	MaxLearners int
	MaxWatchers int
	// Tick is how often a live page is sent the board when nothing was
	// reported, so times on stage and stuck flags move on (default 5 s).
	Tick time.Duration
}

// Service is the room.
type Service struct {
	url   string
	key   string
	clock clock.Clock
	log   *slog.Logger
	opt   Options

	mu       sync.Mutex
	learners map[string]*learner // by name
	full     bool                // a learner was turned away
	watchers map[chan struct{}]struct{}
	closing  chan struct{}
	closed   bool
}

// learner is what the room remembers of one learner.
type learner struct {
	rep          roomapi.Report
	stageSince   time.Time // on the room's clock
	waitingSince time.Time // zero when not waiting for consent
	seen         time.Time
}

// New returns the room of the sandbox at d.URL, loading its facilitator
// key from d.Store or making (and saving) one.
func New(d edge.Deps, o Options) (*Service, error) {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxLearners <= 0 {
		o.MaxLearners = DefaultMaxLearners
	}
	if o.MaxWatchers <= 0 {
		o.MaxWatchers = DefaultMaxWatchers
	}
	if o.Tick <= 0 {
		o.Tick = 5 * time.Second
	}
	key, err := loadKey(d.Store)
	if err != nil {
		return nil, err
	}
	return &Service{url: d.URL, key: key, clock: d.Clock, log: d.Log, opt: o,
		learners: map[string]*learner{}, watchers: map[chan struct{}]struct{}{}, closing: make(chan struct{})}, nil
}

func loadKey(st *store.Store) (string, error) {
	var doc struct {
		Key string `json:"key"`
	}
	if st != nil {
		if _, err := st.Load(keyDoc, &doc); err != nil {
			return "", fmt.Errorf("load the room's facilitator key: %w", err)
		}
		if doc.Key != "" {
			return doc.Key, nil
		}
	}
	b := make([]byte, 24)
	rand.Read(b)
	doc.Key = base64.RawURLEncoding.EncodeToString(b)
	if st != nil {
		if err := st.Save(keyDoc, doc); err != nil {
			return "", fmt.Errorf("save the room's facilitator key: %w", err)
		}
	}
	return doc.Key, nil
}

// URL is the room page's address, key included: what the facilitator
// opens.
func (s *Service) URL() string {
	return s.url + roomapi.PagePath + "?" + url.Values{roomapi.KeyParam: {s.key}}.Encode()
}

// Key is the facilitator key.
func (s *Service) Key() string { return s.key }

// Register puts the room on the edge: reports arrive signed, under the
// room's signing name; the page, its events and the board are plain GETs
// that need the key.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "room", Protocol: awswire.RestJSON, SigningName: roomapi.SigningName,
		Handler: http.HandlerFunc(s.serveReport), MaxBodyBytes: roomapi.MaxReportBytes})
	e.HandlePath("GET "+roomapi.PagePath, s.keyed(s.servePage))
	e.HandlePath("GET "+roomapi.EventsPath, s.keyed(s.serveEvents))
	e.HandlePath("GET "+roomapi.BoardPath, s.keyed(s.serveBoard))
}

// keyed refuses a request without the facilitator key. The comparison
// takes the same time whatever the guess.
func (s *Service) keyed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got := r.URL.Query().Get(roomapi.KeyParam)
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.key)) != 1 {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "401: this page needs the facilitator key: open the room URL `agentcore-workshop sandbox serve` printed", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

// serveReport takes one learner's report. The edge has checked its
// signature and capped its body.
func (s *Service) serveReport(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != roomapi.ReportPath {
		http.Error(w, "the room takes POST "+roomapi.ReportPath, http.StatusNotFound)
		return
	}
	var rep roomapi.Report
	if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
		http.Error(w, "the report is not JSON (or is over "+fmt.Sprint(roomapi.MaxReportBytes)+" bytes)", http.StatusBadRequest)
		return
	}
	if !rep.Clean() {
		http.Error(w, "the report needs a learner, a stage and a known status", http.StatusBadRequest)
		return
	}
	if !s.record(rep) {
		http.Error(w, "the room is full", http.StatusTooManyRequests)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// record folds rep into the room and wakes the watchers. It reports false
// when the learner is new and the room has no place for them.
func (s *Service) record(rep roomapi.Report) bool {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.learners[rep.Learner]
	if l == nil {
		if len(s.learners) >= s.opt.MaxLearners && !s.forgetOne(now) {
			s.full = true
			return false
		}
		l = &learner{}
		s.learners[rep.Learner] = l
		s.log.Info("room: a learner joined", "learner", rep.Learner)
	}
	l.rep, l.seen = rep, now
	l.stageSince = now.Add(-time.Duration(rep.OnStageSeconds * float64(time.Second)))
	l.waitingSince = time.Time{}
	if rep.WaitingConsent {
		l.waitingSince = now.Add(-time.Duration(rep.WaitingSeconds * float64(time.Second)))
	}
	s.wakeLocked()
	return true
}

// forgetOne drops the learner silent the longest, if silent for
// forgetAfter. s.mu is held.
func (s *Service) forgetOne(now time.Time) bool {
	var oldest string
	var at time.Time
	for name, l := range s.learners {
		if oldest == "" || l.seen.Before(at) {
			oldest, at = name, l.seen
		}
	}
	if oldest == "" || now.Sub(at) < forgetAfter {
		return false
	}
	delete(s.learners, oldest)
	return true
}

// wakeLocked tells every watcher the board changed. s.mu is held.
func (s *Service) wakeLocked() {
	for ch := range s.watchers {
		select {
		case ch <- struct{}{}:
		default: // already told
		}
	}
}

// Board is the room now.
func (s *Service) Board() roomapi.Board {
	now := s.clock.Now()
	s.mu.Lock()
	b := roomapi.Board{Full: s.full, Learners: make([]roomapi.Row, 0, len(s.learners))}
	for _, l := range s.learners {
		b.Learners = append(b.Learners, row(l, now))
	}
	s.mu.Unlock()
	slices.SortFunc(b.Learners, func(x, y roomapi.Row) int { return strings.Compare(x.Name, y.Name) })
	b.Stages = countStages(b.Learners)
	return b
}

// row is how the board shows l at now, stuck flag included.
func row(l *learner, now time.Time) roomapi.Row {
	r := l.rep
	out := roomapi.Row{Name: r.Learner, Stage: r.Stage, StageTitle: r.StageTitle, StageIndex: r.StageIndex, Stages: r.Stages,
		Status: r.Status, OnStage: now.Sub(l.stageSince), LastError: r.LastError, Hint: r.Hint, LastSeen: now.Sub(l.seen)}
	if !l.waitingSince.IsZero() {
		out.WaitingConsent, out.Waiting = true, now.Sub(l.waitingSince)
	}
	out.Away = out.LastSeen > roomapi.AwayAfter
	switch {
	case r.Status == roomapi.StatusDone || out.Away:
	case out.WaitingConsent && out.Waiting > roomapi.StuckOnConsent:
		out.Stuck, out.StuckWhy = true, "waiting for consent for "+roomapi.FormatDuration(out.Waiting)
	case out.OnStage > roomapi.StuckOnStage:
		out.Stuck, out.StuckWhy = true, "on this stage for "+roomapi.FormatDuration(out.OnStage)
	}
	return out
}

// countStages counts the learners at each stage, in stage order.
func countStages(rows []roomapi.Row) []roomapi.StageCount {
	var out []roomapi.StageCount
	for _, r := range rows {
		i := slices.IndexFunc(out, func(c roomapi.StageCount) bool { return c.Index == r.StageIndex && c.Stage == r.Stage })
		if i < 0 {
			out = append(out, roomapi.StageCount{Index: r.StageIndex, Stage: r.Stage, Title: r.StageTitle})
			i = len(out) - 1
		}
		out[i].Learners++
		if r.Stuck {
			out[i].Stuck++
		}
	}
	slices.SortFunc(out, func(a, b roomapi.StageCount) int {
		if a.Index != b.Index {
			return a.Index - b.Index
		}
		return strings.Compare(a.Stage, b.Stage)
	})
	return out
}

func (s *Service) serveBoard(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(s.Board())
}

// Shutdown ends every live page's stream, so the server's shutdown does
// not wait for them. The sandbox calls it when it begins shutting down.
func (s *Service) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
}

// Close is Shutdown, for the sandbox's closers.
func (s *Service) Close() error {
	s.Shutdown()
	return nil
}
