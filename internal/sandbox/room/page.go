package room

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/roomapi"
)

//go:embed templates/room.html
var templateFS embed.FS

// tmpl is parsed on first use, not at package init: the binary links the
// room for the sandbox, and a launch should not parse its page before the
// first frame.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("room").Funcs(template.FuncMap{"duration": roomapi.FormatDuration}).
		ParseFS(templateFS, "templates/room.html"))
})

// writeTimeout bounds each write to a live page: a page that stops
// reading is dropped rather than holding the stream.
const writeTimeout = 10 * time.Second

// pageHeaders are the room page's: nothing may frame it, nothing but its
// own nonce'd script runs, and the key in its URL is never sent on as a
// referrer.
func pageHeaders(w http.ResponseWriter, nonce string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-"+nonce+
		"'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

// servePage renders the room with its current rows; its script then
// follows the events stream.
func (s *Service) servePage(w http.ResponseWriter, r *http.Request) {
	n := make([]byte, 16)
	rand.Read(n)
	nonce := base64.RawStdEncoding.EncodeToString(n)
	var b bytes.Buffer
	err := tmpl().ExecuteTemplate(&b, "page", struct {
		Board     roomapi.Board
		Nonce     string
		EventsURL string
	}{s.Board(), nonce, roomapi.EventsPath + "?" + url.Values{roomapi.KeyParam: {s.key}}.Encode()})
	if err != nil {
		http.Error(w, "render the room: "+err.Error(), http.StatusInternalServerError)
		return
	}
	pageHeaders(w, nonce)
	w.Write(b.Bytes())
}

// serveEvents streams the board as server-sent events: "board" events
// whose data is the board's HTML, sent at once, on every report and every
// Tick.
func (s *Service) serveEvents(w http.ResponseWriter, r *http.Request) {
	wake, ok := s.watch()
	if !ok {
		http.Error(w, "too many pages follow this room; close one", http.StatusServiceUnavailable)
		return
	}
	defer s.unwatch(wake)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	tick := time.NewTicker(s.opt.Tick)
	defer tick.Stop()
	for {
		if err := s.sendBoard(w, rc); err != nil {
			return
		}
		select {
		case <-wake:
		case <-tick.C:
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
	}
}

// sendBoard writes one "board" event within writeTimeout.
func (s *Service) sendBoard(w http.ResponseWriter, rc *http.ResponseController) error {
	var b bytes.Buffer
	if err := tmpl().ExecuteTemplate(&b, "board", s.Board()); err != nil {
		return err
	}
	var ev strings.Builder
	ev.WriteString("event: board\n")
	for line := range strings.Lines(b.String()) {
		ev.WriteString("data: ")
		ev.WriteString(strings.TrimRight(line, "\r\n"))
		ev.WriteString("\n")
	}
	ev.WriteString("\n")
	if err := rc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	if _, err := w.Write([]byte(ev.String())); err != nil {
		return err
	}
	return rc.Flush()
}

// watch registers a watcher, unless the room has as many as it may.
func (s *Service) watch() (chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.watchers) >= s.opt.MaxWatchers {
		return nil, false
	}
	ch := make(chan struct{}, 1)
	s.watchers[ch] = struct{}{}
	return ch, true
}

func (s *Service) unwatch(ch chan struct{}) {
	s.mu.Lock()
	delete(s.watchers, ch)
	s.mu.Unlock()
}
