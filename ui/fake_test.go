package ui

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps/engine"
)

// fakeEngine is a scripted Engine: tests push events into its channel and
// read back what the UI asked it to do.
type fakeEngine struct {
	mu        sync.Mutex
	stages    []engine.StageState
	ch        chan engine.Event
	starts    []string
	startAlls int
	cancels   int
	busy      bool              // Start refuses while set
	refuse    map[string]error  // why Start(id) refuses, as the runner would say
	startErr  error             // why StartAll refuses
	secrets   map[string]string // "step/name" → value
	unsubbed  bool
	snapshots int
	reads     int // Secret calls
	calls     int // Start and StartAll calls: they take the runner's lock
	resets    []string
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{
		stages: []engine.StageState{
			{Index: 1, ID: "provision-cognito", Title: "Provision Cognito", Status: engine.Pending},
			{Index: 2, ID: "write-agent", Title: "Write the agent", Status: engine.Pending},
			{Index: 3, ID: "configure", Title: "Configure", Status: engine.Pending},
			{Index: 4, ID: "invoke-with-token", Title: "Invoke with token", Status: engine.Pending},
		},
		ch:      make(chan engine.Event, 256),
		refuse:  map[string]error{},
		secrets: map[string]string{},
	}
}

func (f *fakeEngine) Snapshot() []engine.StageState {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snapshots++
	out := make([]engine.StageState, len(f.stages))
	copy(out, f.stages)
	for i := range out {
		out[i].Result.Values = append([]engine.Value(nil), out[i].Result.Values...)
	}
	return out
}

func (f *fakeEngine) Subscribe() (<-chan engine.Event, func()) {
	return f.ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.unsubbed = true
	}
}

// Start records the call and, like the runner, refuses while busy or
// when told to.
func (f *fakeEngine) Start(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.starts = append(f.starts, id)
	if f.busy {
		return errors.New("another stage is running")
	}
	return f.refuse[id]
}

func (f *fakeEngine) StartAll() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.startAlls++
	return f.startErr
}

func (f *fakeEngine) Cancel() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancels++
}

func (f *fakeEngine) Secret(stepID, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	v, ok := f.secrets[stepID+"/"+name]
	if !ok {
		return "", fmt.Errorf("no secret %s for %s", name, stepID)
	}
	return v, nil
}

// LastLog: the fake keeps no log across processes.
func (f *fakeEngine) LastLog(string) ([]string, error) { return nil, nil }

// Dependents: in the fake every stage requires the one before it, so a
// stage's dependents are it and every later stage.
func (f *fakeEngine) Dependents(id string) ([]engine.StageState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.stages {
		if s.ID == id {
			return append([]engine.StageState(nil), f.stages[i:]...), nil
		}
	}
	return nil, fmt.Errorf("there is no stage called %q", id)
}

// Reset records the call and, like the runner, refuses while busy and
// otherwise makes the stage and its dependents pending, telling
// subscribers with reset events.
func (f *fakeEngine) Reset(id string) error {
	deps, err := f.Dependents(id)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets = append(f.resets, id)
	if err != nil {
		return err
	}
	if f.busy {
		return errors.New("another stage is running")
	}
	for _, d := range deps {
		e := engine.Event{Kind: engine.EventReset, StepID: d.ID, RunID: d.RunID}
		for i := range f.stages {
			f.stages[i].Apply(e)
		}
		f.ch <- e
	}
	return nil
}

// setBusy makes Start refuse, as the runner does while a run is in
// progress. The UI itself learns of runs from events only.
func (f *fakeEngine) setBusy(b bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.busy = b
}

// set changes a stage in the engine's own state (what Snapshot returns).
func (f *fakeEngine) set(id string, fn func(*engine.StageState)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.stages {
		if f.stages[i].ID == id {
			fn(&f.stages[i])
		}
	}
}

func (f *fakeEngine) emit(ev engine.Event) { f.ch <- ev }

func (f *fakeEngine) startCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.starts...)
}

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// samplePages is stand-in Markdown; the real pages live in content/.
var samplePages = map[string]string{
	"provision-cognito": "# Provision Cognito\n\nA **user pool** is the identity provider. The app client asks it for tokens.\n\n- inbound pool and public client\n- a test user with a permanent password\n\n```bash\naws cognito-idp create-user-pool --pool-name demo\n```\n",
	"write-agent":       "# Write the agent\n\nThe agent is ordinary code behind `POST /invocations`. Nothing in it checks tokens: the runtime does that first.\n",
	"configure":         "# Configure\n\nInbound auth is configuration: a discovery URL plus the clients to accept.\n",
}

func samplePage(id string) (string, bool) {
	md, ok := samplePages[id]
	return md, ok
}

var testInfo = Info{Title: "AgentCore Identity · inbound auth", Target: "sandbox", Region: "us-west-2", Workspace: "./workshop"}

// harness drives a Model synchronously: it runs every Cmd the model returns
// and feeds the messages back, except timers, which it records instead of
// waiting for, so tests never sleep.
type harness struct {
	t         *testing.T
	m         Model
	eng       *fakeEngine
	timers    []tea.Msg
	quit      bool
	clipboard []string // OSC 52
	system    []string // the system clipboard
	opened    []string
}

func testOptions(h *harness) []Option {
	return []Option{
		WithDarkBackground(true),
		WithClock(func() time.Time { return t0 }),
		WithOpenURL(func(u string) error {
			h.opened = append(h.opened, u)
			return nil
		}),
		WithClipboard(func(s string) error {
			h.system = append(h.system, s)
			return nil
		}),
		func(c *config) {
			c.pollEvents = true
			c.tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
				return func() tea.Msg { return timerMsg{msg: fn(t0.Add(d))} }
			}
		},
	}
}

// timerMsg wraps what a timer would deliver; the harness parks it.
type timerMsg struct{ msg tea.Msg }

func newHarness(t *testing.T, eng *fakeEngine, w, h int, extra ...Option) *harness {
	t.Helper()
	hs := &harness{t: t, eng: eng}
	opts := append(testOptions(hs), extra...)
	hs.m = New(eng, samplePage, testInfo, opts...)
	hs.exec(hs.m.Init())
	if w > 0 || h > 0 {
		hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	}
	return hs
}

// onFirst moves h's cursor to stage 1, for tests of a workshop with
// stages already run, where the cursor starts on the next one.
func onFirst(h *harness) *harness {
	h.t.Helper()
	h.exec(h.m.move(-len(h.m.stages)))
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	nm, cmd := h.m.Update(msg)
	h.m = nm.(Model)
	h.exec(cmd)
}

var cmdType = reflect.TypeOf((tea.Cmd)(nil))

// exec runs cmd and everything it leads to, depth first.
func (h *harness) exec(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	if msg == nil {
		return
	}
	// tea.BatchMsg and tea's unexported sequence message are both []Cmd.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		for i := range v.Len() {
			c, _ := v.Index(i).Interface().(tea.Cmd)
			h.exec(c)
		}
		return
	}
	switch msg := msg.(type) {
	case timerMsg:
		h.timers = append(h.timers, msg.msg)
		return
	case tea.QuitMsg:
		h.quit = true
		return
	}
	if fmt.Sprintf("%T", msg) == "tea.setClipboardMsg" {
		h.clipboard = append(h.clipboard, reflect.ValueOf(msg).String())
		return
	}
	h.send(msg)
}

// pump delivers every queued engine event through the model's own waiter.
func (h *harness) pump() {
	h.t.Helper()
	h.exec(h.m.waitEvent())
}

// fire delivers the parked timer messages that match keep.
func (h *harness) fire(keep func(tea.Msg) bool) {
	h.t.Helper()
	timers := h.timers
	h.timers = nil
	for _, msg := range timers {
		if keep(msg) {
			h.send(msg)
		} else {
			h.timers = append(h.timers, msg)
		}
	}
}

func (h *harness) press(keys ...tea.KeyPressMsg) {
	h.t.Helper()
	for _, k := range keys {
		h.send(k)
	}
}

func (h *harness) view() string { return h.m.View().Content }

func keyRune(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	keyUp    = tea.KeyPressMsg{Code: tea.KeyUp}
	keyTab   = tea.KeyPressMsg{Code: tea.KeyTab}
	keyCtrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)
