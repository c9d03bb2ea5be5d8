package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/steps/engine"
)

func plain(h *harness) string { return ansi.Strip(h.view()) }

// runStage1 scripts a full, successful run of stage 1 through the channel.
func runStage1(h *harness, runID int64) {
	h.t.Helper()
	id := "provision-cognito"
	h.eng.setBusy(true)
	h.eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: runID, Time: t0.Add(-3 * time.Second)})
	h.eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: runID, Line: "→ CreateUserPool agentcore-inbound"})
	h.eng.emit(engine.Event{Kind: engine.EventProgress, StepID: id, RunID: runID, Label: "creating pools", Done: 1, Total: 2})
	h.pump()
	vals := []engine.Value{
		{Name: "user pool id", Value: "us-west-2_AbCdEf123"},
		{Name: "client secret", Value: "s3cr3t-from-event", Secret: true},
		{Name: "hosted UI", Value: "http://127.0.0.1:4747/login", Kind: engine.KindURL},
	}
	for _, v := range vals {
		h.eng.emit(engine.Event{Kind: engine.EventValue, StepID: id, RunID: runID, Value: &v})
	}
	stored := append([]engine.Value(nil), vals...)
	stored[1].Value = "" // the runner keeps secrets out of its state
	h.eng.set(id, func(s *engine.StageState) {
		s.Status, s.Elapsed, s.Result = engine.Succeeded, 3*time.Second, engine.Result{Values: stored}
	})
	h.eng.setBusy(false)
	h.eng.emit(engine.Event{Kind: engine.EventFinished, StepID: id, RunID: runID, Status: engine.Succeeded, Elapsed: 3 * time.Second,
		Result: &engine.Result{Values: stored}})
	h.eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: id, RunID: runID, Status: engine.Succeeded})
	h.pump()
}

// startRun delivers a stage's Started event: the UI is busy from then on.
func (h *harness) startRun(id string, runID int64) {
	h.t.Helper()
	h.eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: runID, Time: t0})
	h.pump()
}

// The UI knows a run is in progress from the events alone: busy from a
// Started until its queue's QueueDone, whatever the engine would answer.
func TestBusyFollowsTheEvents(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	if h.m.busy {
		t.Fatal("busy before anything started")
	}
	h.startRun("provision-cognito", 1)
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 1, Status: engine.Succeeded, Elapsed: time.Second})
	h.pump()
	if !h.m.busy {
		t.Error("not busy between a stage's end and its queue's end")
	}
	h.press(keyRune('a'))
	if eng.startAlls != 0 || h.m.status != "a stage is running: wait for it, or press c to cancel it" {
		t.Errorf("run all while the queue runs: StartAll calls %d, status %q", eng.startAlls, h.m.status)
	}
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: "provision-cognito", RunID: 1, Status: engine.Succeeded})
	h.pump()
	if h.m.busy {
		t.Error("busy after the queue ended")
	}
}

func TestEnterStartsSelectedStageAndEventsShowLive(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	h.press(keyEnter)
	if got := eng.startCalls(); len(got) != 1 || got[0] != "provision-cognito" {
		t.Fatalf("Start calls = %v, want [provision-cognito]", got)
	}

	eng.setBusy(true)
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: "provision-cognito", RunID: 1, Time: t0.Add(-12 * time.Second)})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: "provision-cognito", RunID: 1, Line: "→ CreateUserPool agentcore-inbound"})
	eng.emit(engine.Event{Kind: engine.EventProgress, StepID: "provision-cognito", RunID: 1, Label: "creating pools", Done: 1, Total: 2})
	h.pump()
	v := plain(h)
	for _, want := range []string{"running · 12s · creating pools (1/2)", "→ CreateUserPool agentcore-inbound", "12s"} {
		if !strings.Contains(v, want) {
			t.Errorf("running view lacks %q:\n%s", want, v)
		}
	}
	if !h.m.ticking || !h.m.spinning {
		t.Errorf("ticking=%v spinning=%v, want both while running", h.m.ticking, h.m.spinning)
	}

	eng.setBusy(false)
	before := eng.snapshots
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 1, Status: engine.Succeeded, Elapsed: 3 * time.Second,
		Result: &engine.Result{Values: []engine.Value{{Name: "user pool id", Value: "us-west-2_Finished"}}}})
	h.pump()
	if eng.snapshots != before {
		t.Errorf("snapshots after Finished = %d, want %d: the events alone are followed", eng.snapshots, before)
	}
	v = plain(h)
	if !strings.Contains(v, "✓  1 Provision Cognito") || !strings.Contains(v, "✓ succeeded in 3s") {
		t.Errorf("finished view lacks ✓:\n%s", v)
	}
	if !strings.Contains(v, "us-west-2_Finished") || strings.Contains(v, "creating pools") {
		t.Errorf("finished view lacks the run's result, or still shows its progress:\n%s", v)
	}
	// Timers stop once nothing runs.
	h.fire(func(msg tea.Msg) bool { _, ok := msg.(tickMsg); return ok })
	if h.m.ticking {
		t.Error("elapsed ticker still armed after the stage finished")
	}
	for _, msg := range h.timers {
		if _, ok := msg.(tickMsg); ok {
			t.Error("a tick was re-armed with nothing running")
		}
	}
}

func TestRunAllCallsStartAllAndFollowsTheRunningStage(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 100, 30)
	h.press(keyRune('a'))
	if eng.startAlls != 1 {
		t.Fatalf("StartAll calls = %d, want 1", eng.startAlls)
	}
	eng.setBusy(true)
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: "configure", RunID: 4, Time: t0})
	h.pump()
	if s, _ := h.m.selected(); s.ID != "configure" {
		t.Errorf("selected %q, want the running stage configure", s.ID)
	}
}

func TestWhyNotMessages(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*fakeEngine)
		keys  []tea.KeyPressMsg
		want  string
	}{
		{"run blocked by requirement", func(e *fakeEngine) {
			e.refuse["configure"] = errors.New("stage 1 must succeed first")
		}, []tea.KeyPressMsg{keyDown, keyDown, keyEnter}, "can't run 3 Configure: stage 1 must succeed first"},
		{"run while busy", func(e *fakeEngine) { e.setBusy(true) },
			[]tea.KeyPressMsg{keyEnter}, "can't run 1 Provision Cognito: another stage is running"},
		{"run all while busy", func(e *fakeEngine) {
			e.set("provision-cognito", func(s *engine.StageState) { s.Status, s.StartedAt = engine.Running, t0 })
		},
			[]tea.KeyPressMsg{keyRune('a')}, "a stage is running: wait for it, or press c to cancel it"},
		{"cancel with nothing running", nil, []tea.KeyPressMsg{keyRune('c')}, "nothing is running"},
		{"reveal before running", nil, []tea.KeyPressMsg{keyRune('v')}, "no results yet: run this stage first"},
		{"open before running", nil, []tea.KeyPressMsg{keyRune('o')}, "no results yet: run this stage first"},
		{"reveal without secrets", func(e *fakeEngine) {
			e.set("write-agent", func(s *engine.StageState) {
				s.Status, s.Result = engine.Succeeded, engine.Result{Values: []engine.Value{{Name: "dir", Value: "agent/", Kind: engine.KindFile}}}
			})
		}, []tea.KeyPressMsg{keyDown, keyRune('v')}, "this stage has no secret results"},
		{"open without a URL", func(e *fakeEngine) {
			e.set("write-agent", func(s *engine.StageState) {
				s.Status, s.Result = engine.Succeeded, engine.Result{Values: []engine.Value{{Name: "dir", Value: "agent/", Kind: engine.KindFile}}}
			})
		}, []tea.KeyPressMsg{keyDown, keyRune('o')}, "this stage has no URL to open"},
		{"start refused by the engine", func(e *fakeEngine) { e.refuse["provision-cognito"] = errors.New("session is locked") },
			[]tea.KeyPressMsg{keyEnter}, "can't run 1 Provision Cognito: session is locked"},
		{"run all refused by the engine", func(e *fakeEngine) { e.startErr = errors.New("nothing to run") },
			[]tea.KeyPressMsg{keyRune('a')}, "can't run all: nothing to run"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eng := newFakeEngine()
			if tc.setup != nil {
				tc.setup(eng)
			}
			h := newHarness(t, eng, 120, 34)
			h.press(tc.keys...)
			if h.m.status != tc.want {
				t.Fatalf("status = %q, want %q", h.m.status, tc.want)
			}
			if !strings.Contains(plain(h), tc.want) {
				t.Errorf("view does not show %q", tc.want)
			}
			// The line is transient: its timer clears it.
			h.fire(func(msg tea.Msg) bool { _, ok := msg.(clearStatusMsg); return ok })
			if h.m.status != "" {
				t.Errorf("status %q not cleared by its timer", h.m.status)
			}
		})
	}
}

// Start and StartAll take the runner's lock, which a state write can hold:
// they must run in a Cmd, never in Update.
func TestStartsRunInACmd(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{keyEnter, keyRune('a')} {
		eng := newFakeEngine()
		h := newHarness(t, eng, 120, 34)
		nm, cmd := h.m.Update(k)
		h.m = nm.(Model)
		if eng.calls != 0 {
			t.Fatalf("%s: the engine was started inside Update", k)
		}
		h.exec(cmd)
		if eng.calls != 1 {
			t.Errorf("%s: %d start calls from the Cmd, want 1", k, eng.calls)
		}
	}
}

func TestStaleRunEventsAreDropped(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	id := "provision-cognito"
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: 2, Time: t0})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 1, Line: "late line from run 1"})
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: id, RunID: 1, Status: engine.Failed, Err: "cancelled"})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 2, Line: "line from run 2"})
	h.pump()
	v := plain(h)
	if strings.Contains(v, "late line from run 1") {
		t.Error("a stale run's log line was shown")
	}
	if !strings.Contains(v, "line from run 2") {
		t.Error("the current run's log line is missing")
	}
	if s, _ := h.m.selected(); s.Status != engine.Running {
		t.Errorf("status = %s, want running (stale Finished must be ignored)", s.Status)
	}
}

func TestResultsSecretsRevealAndHide(t *testing.T) {
	eng := newFakeEngine()
	eng.secrets["provision-cognito/client secret"] = "the-real-secret"
	h := newHarness(t, eng, 120, 34)
	runStage1(h, 1)
	v := plain(h)
	for _, want := range []string{"Results", "us-west-2_AbCdEf123", "client secret", "••••••", "(v to show)", "http://127.0.0.1:4747/login", "(o to open)"} {
		if !strings.Contains(v, want) {
			t.Errorf("results lack %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "s3cr3t-from-event") || strings.Contains(v, "the-real-secret") {
		t.Fatal("a secret is on screen before reveal")
	}
	h.press(keyRune('v'))
	if v := plain(h); !strings.Contains(v, "the-real-secret") || strings.Contains(v, "••••••") {
		t.Errorf("reveal did not show the secret:\n%s", v)
	}
	h.press(keyRune('v'))
	if v := plain(h); strings.Contains(v, "the-real-secret") || !strings.Contains(v, "••••••") {
		t.Errorf("hide did not mask the secret again:\n%s", v)
	}
	if _, kept := h.m.revealed["provision-cognito"]; kept {
		t.Error("hidden secrets are still held in memory")
	}

	// A secret the engine can't read is reported, not shown.
	delete(eng.secrets, "provision-cognito/client secret")
	h.press(keyRune('v'))
	if !strings.HasPrefix(h.m.status, "could not read secrets: client secret") {
		t.Errorf("status = %q", h.m.status)
	}
}

func TestOpenURLGoesThroughCmdAndClipboard(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	runStage1(h, 1)
	nm, cmd := h.m.Update(keyRune('o'))
	h.m = nm.(Model)
	if len(h.opened) != 0 {
		t.Fatal("the browser was opened inside Update")
	}
	h.exec(cmd)
	if len(h.opened) != 1 || h.opened[0] != "http://127.0.0.1:4747/login" {
		t.Errorf("opened = %v", h.opened)
	}
	if len(h.clipboard) != 1 || h.clipboard[0] != "http://127.0.0.1:4747/login" {
		t.Errorf("clipboard = %v", h.clipboard)
	}
	if !strings.Contains(h.m.status, "opened http://127.0.0.1:4747/login") {
		t.Errorf("status = %q", h.m.status)
	}

	// A launcher failure still tells the learner where to go.
	h2 := newHarness(t, newFakeEngine(), 120, 34, WithOpenURL(func(string) error { return errors.New("no display") }))
	runStage1(h2, 1)
	h2.press(keyRune('o'))
	if !h2.m.note.open || !strings.Contains(h2.m.note.text, "no display") || !strings.Contains(h2.m.note.text, "copied") {
		t.Errorf("no browser: notice %+v, want one saying why and that the URL was copied", h2.m.note)
	}
	if v := plain(h2); !strings.Contains(v, "http://127.0.0.1:4747/login") || !strings.Contains(v, "open it yourself") {
		t.Errorf("the notice does not show the URL whole:\n%s", v)
	}
	if len(h2.clipboard) != 1 || h2.clipboard[0] != "http://127.0.0.1:4747/login" {
		t.Errorf("clipboard = %v, want the URL", h2.clipboard)
	}
	h2.press(keyRune('x'))
	if h2.m.note.open {
		t.Error("a key did not close the notice")
	}
}

func TestQuitAsksWhileRunning(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	h.startRun("provision-cognito", 1)
	h.press(keyRune('q'))
	if h.quit {
		t.Fatal("quit without confirmation while a stage runs")
	}
	// Quitting cancels the stage (it ends "failed: cancelled"), so the
	// warning must not promise "interrupted", the word for a crash.
	want := "a stage is running: press q again to quit (the stage will be cancelled; run it again next time)"
	if h.m.status != want || !strings.Contains(plain(h), "press q again to quit") {
		t.Fatalf("status = %q", h.m.status)
	}
	// Another key backs out.
	h.press(keyDown)
	if h.m.confirmQuit || h.m.status != "" {
		t.Error("another key did not back out of quitting")
	}
	h.press(keyCtrlC, keyRune('q'))
	if !h.quit {
		t.Fatal("second q did not quit")
	}
	if eng.cancels != 1 || !eng.unsubbed {
		t.Errorf("cancels=%d unsubbed=%v, want the run cancelled and the stream closed", eng.cancels, eng.unsubbed)
	}

	idle := newHarness(t, newFakeEngine(), 120, 34)
	idle.press(keyRune('q'))
	if !idle.quit {
		t.Error("q did not quit at once when idle")
	}
}

func TestCancelCallsEngine(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	h.startRun("provision-cognito", 1)
	h.press(keyRune('c'))
	if eng.cancels != 1 || h.m.status != "cancelling…" {
		t.Errorf("cancels=%d status=%q", eng.cancels, h.m.status)
	}
}

func TestNavigationFocusAndScroll(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	h.press(keyUp)
	if h.m.sel != 0 {
		t.Errorf("up at the top moved to %d", h.m.sel)
	}
	h.press(keyDown, keyRune('j'), keyDown, keyDown, keyDown)
	if h.m.sel != 3 {
		t.Errorf("sel = %d, want 3 (clamped)", h.m.sel)
	}
	h.press(keyRune('k'))
	if h.m.sel != 2 {
		t.Errorf("sel = %d, want 2", h.m.sel)
	}
	if !strings.Contains(plain(h), "Inbound auth is configuration") {
		t.Errorf("content pane does not show the configure page:\n%s", plain(h))
	}
	// A stage without a page gets a placeholder, not an empty pane.
	h.press(keyDown)
	if !strings.Contains(plain(h), "There are no notes for this stage yet.") {
		t.Error("missing page placeholder not shown")
	}
	if h.m.focus != paneContent {
		t.Fatal("content pane should start focused")
	}
	h.press(keyTab)
	if h.m.focus != paneOutput || !strings.Contains(plain(h), "┏━ Output") {
		t.Error("tab did not focus the output pane")
	}
	h.press(keyTab)
	if h.m.focus != paneContent {
		t.Error("tab did not return focus to the content pane")
	}

	// pgdown scrolls the focused pane only.
	long := strings.Repeat("A paragraph that makes the page long.\n\n", 60)
	samplePages["long"] = long
	defer delete(samplePages, "long")
	eng2 := newFakeEngine()
	eng2.stages = append(eng2.stages, engine.StageState{Index: 5, ID: "long", Title: "Long page"})
	h2 := newHarness(t, eng2, 120, 34)
	h2.press(keyDown, keyDown, keyDown, keyDown)
	h2.press(tea.KeyPressMsg{Code: tea.KeyPgDown})
	if h2.m.content.YOffset() == 0 {
		t.Error("pgdown did not scroll the content pane")
	}
	for range 11 {
		h2.send(tea.MouseWheelMsg{X: 100, Y: 3, Button: tea.MouseWheelUp})
	}
	if h2.m.content.YOffset() != 0 {
		t.Errorf("mouse wheel up over the content pane left offset %d", h2.m.content.YOffset())
	}
}

func TestHelpToggles(t *testing.T) {
	h := newHarness(t, newFakeEngine(), 120, 34)
	if !strings.Contains(plain(h), "enter run") {
		t.Fatal("short help missing")
	}
	h.press(keyRune('?'))
	v := plain(h)
	if !strings.Contains(v, "previous stage") || !strings.Contains(v, "reveal secrets") {
		t.Errorf("full help missing:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n != 34 {
		t.Errorf("full-help view has %d lines, want 34", n)
	}
}

func TestStaleMarkerAndFailure(t *testing.T) {
	eng := newFakeEngine()
	eng.set("write-agent", func(s *engine.StageState) {
		s.Status, s.Stale, s.Elapsed = engine.Succeeded, true, 400*time.Millisecond
	})
	eng.set("configure", func(s *engine.StageState) {
		s.Status, s.Err, s.Elapsed = engine.Failed, "CreateWorkloadIdentity: AccessDeniedException", 2*time.Second
	})
	h := onFirst(newHarness(t, eng, 120, 34))
	v := plain(h)
	if !strings.Contains(v, "✓! 2 Write the agent") || !strings.Contains(v, "0.4s") {
		t.Errorf("stale marker missing:\n%s", v)
	}
	h.press(keyDown)
	if !strings.Contains(plain(h), "! an earlier stage was re-run") {
		t.Error("stale explanation missing in output pane")
	}
	h.press(keyDown)
	v = plain(h)
	if !strings.Contains(v, "✗ failed after 2s") || !strings.Contains(v, "✗ CreateWorkloadIdentity: AccessDeniedException") {
		t.Errorf("failure not shown:\n%s", v)
	}
}

func TestCodeResultIsHighlighted(t *testing.T) {
	eng := newFakeEngine()
	src := "def add(a, b):\n    return a + b\n"
	eng.set("write-agent", func(s *engine.StageState) {
		s.Status, s.Result = engine.Succeeded, engine.Result{Values: []engine.Value{{Name: "agent.py", Value: src, Kind: engine.KindCode}}}
	})
	h := newHarness(t, eng, 120, 34)
	h.press(keyDown)
	k := codeKey("write-agent", engine.Value{Name: "agent.py", Value: src}, h.m.wrapWidth(h.m.output.Width()), "dark")
	r, ok := h.m.md.get(k)
	if !ok {
		t.Fatal("code result was not rendered through glamour")
	}
	if !strings.Contains(r, "\x1b[") {
		t.Error("rendered code has no highlighting escapes")
	}
	if out := ansi.Strip(h.m.output.GetContent()); !strings.Contains(out, "def add(a, b):") {
		t.Errorf("output pane lacks the code:\n%s", out)
	}
}

func TestBackgroundAndNoColor(t *testing.T) {
	hs := &harness{t: t, eng: newFakeEngine()}
	opts := testOptions(hs)[1:] // not fixed: follow the terminal
	hs.m = New(hs.eng, samplePage, testInfo, opts...)
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if hs.m.st.glamour != "dark" {
		t.Fatalf("default glamour style %q, want dark", hs.m.st.glamour)
	}
	hs.send(tea.BackgroundColorMsg{Color: whiteColor{}})
	if hs.m.st.glamour != "light" || hs.m.contentKey.Style != "light" {
		t.Errorf("light background: style %q, content rendered in %q", hs.m.st.glamour, hs.m.contentKey.Style)
	}

	nc := newHarness(t, newFakeEngine(), 100, 30, WithNoColor(true))
	runStage1(nc, 1)
	if nc.m.st.glamour != "notty" {
		t.Errorf("NO_COLOR glamour style %q, want notty", nc.m.st.glamour)
	}
	if v := nc.view(); strings.Contains(v, "\x1b[") {
		t.Errorf("NO_COLOR view has escape sequences: %q", v[:min(len(v), 400)])
	}
}

type whiteColor struct{}

func (whiteColor) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestTinySizesNeverPanic(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 0, 0)
	runStage1(h, 1)
	h.press(keyRune('?'))
	eachTinySize(t, h, nil)
	h.send(tea.WindowSizeMsg{Width: 1, Height: 1})
	h.press(keyDown, keyEnter, keyRune('v'), keyTab, tea.KeyPressMsg{Code: tea.KeyPgDown})
	h.send(tea.MouseWheelMsg{X: 0, Y: 0, Button: tea.MouseWheelDown})
	_ = h.view()
}

func TestWheelOverStageListMovesSelection(t *testing.T) {
	h := newHarness(t, newFakeEngine(), 120, 34)
	h.send(tea.MouseWheelMsg{X: 5, Y: 4, Button: tea.MouseWheelDown})
	if h.m.sel != 1 || !strings.Contains(plain(h), "ordinary code behind") {
		t.Errorf("wheel over the list: sel=%d, content not synced:\n%s", h.m.sel, plain(h))
	}
}
