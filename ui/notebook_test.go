package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"agentcore-workshop/steps/engine"
)

// longURL is an authorization URL longer than a narrow pane.
const longURL = "http://127.0.0.1:4747/oauth2/authorize?client_id=7abc123def456ghi789jkl0mno&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"

const poolGone = "ResourceNotFoundException: User pool us-west-2_AbCdEf123 does not exist."

// failScene has stage 3 failed after a long log, with a long URL among its
// results; stage 3 is selected and the output pane focused.
func failScene(t *testing.T, w, h int, extra ...Option) *harness {
	t.Helper()
	eng := newFakeEngine()
	hs := newHarness(t, eng, w, h, extra...)
	runStage1(hs, 1)
	id := "configure"
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: 3, Time: t0.Add(-2 * time.Second)})
	for i := range 18 {
		eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 3, Line: fmt.Sprintf("→ step %02d of the configuration, at 2026-11-25T21:24:%02dZ", i+1, i)})
	}
	u := engine.Value{Name: "authorization URL", Value: longURL, Kind: engine.KindURL}
	eng.emit(engine.Event{Kind: engine.EventValue, StepID: id, RunID: 3, Value: &u})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 3, Line: "← 400 " + poolGone})
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: id, RunID: 3, Status: engine.Failed, Elapsed: 2 * time.Second,
		Err: poolGone, Result: &engine.Result{Values: []engine.Value{u}}})
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: id, RunID: 3, Status: engine.Failed})
	hs.pump()
	hs.exec(hs.m.move(2 - hs.m.sel))
	hs.press(keyTab)
	return hs
}

// A failed stage opens with its reason and what to do, above its results
// and its log, at every size; the long URL is never split across lines.
func TestGoldenNotebook(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 34}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := failScene(t, size[0], size[1])
			v := ansi.Strip(h.view())
			checkFrame(t, v, size[0], size[1])
			lines := strings.Split(v, "\n")
			// The reason is on the output pane's first rows, under the status row.
			top := -1
			for i, l := range lines {
				if strings.Contains(l, "━ Output ") {
					top = i
				}
			}
			if top < 0 || !strings.Contains(lines[top+1], "✗ failed after 2s") || !strings.Contains(lines[top+2], "▌ ✗ ResourceNotFoundException") {
				t.Errorf("the reason is not at the top of the output:\n%s", v)
			}
			if !strings.Contains(v, "what to do: the user pool is gone") {
				t.Errorf("no hint for a pool that is gone:\n%s", v)
			}
			// The URL is on one line: whole where it fits, else cut in the
			// middle (the pane may have to scroll to it).
			out := ansi.Strip(strings.Join(h.m.outputLines, "\n"))
			if size[0] >= 200 {
				if !strings.Contains(v, longURL) {
					t.Errorf("at %d columns the URL is not whole on screen:\n%s", size[0], v)
				}
			} else if !strings.Contains(out, "  http://127.0.0.1:4747/oa") || !strings.Contains(out, "…") || !strings.Contains(out, "callback\n") {
				t.Errorf("at %d columns the URL is not on a line of its own, shortened in the middle:\n%s", size[0], out)
			}
			golden.RequireEqual(t, v)
		})
	}
}

// Under --lang ko the UI's own words are Korean at every size: pane
// titles, the status row, the card and its hint, and the help bar; the
// frame still fits the window (a Hangul syllable is two columns wide).
func TestGoldenKoreanChrome(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 34}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := failScene(t, size[0], size[1], WithLang("ko"))
			v := ansi.Strip(h.view())
			checkFrame(t, v, size[0], size[1])
			for _, want := range []string{"━ 출력 ", "단계 ", "✗ 실패", "해결 방법: 사용자 풀이 없습니다", "enter 실행", "q 종료"} {
				if !strings.Contains(v, want) {
					t.Errorf("Korean view lacks %q:\n%s", want, v)
				}
			}
			for _, english := range []string{"Output", "failed after", "what to do", " run all", " quit"} {
				if strings.Contains(v, english) {
					t.Errorf("Korean view still says %q:\n%s", english, v)
				}
			}
			golden.RequireEqual(t, v)
		})
	}
}

// The summary card of a stage that got the error it teaches says so, and
// why; the hint table says what to do for known failures.
func TestCardSaysRefusedAsItShouldBe(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	id := "invoke-with-token"
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: 1, Time: t0})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 1, Line: "← 403 AccessDeniedException"})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 1,
		Line: engine.ExpectedErrorNote + "operation error Bedrock AgentCore: InvokeAgentRuntime, https response error StatusCode: 403, RequestID: 5d2ab27d-46fe-420c-bd6b-8146d369527c, AccessDeniedException: Authorization method mismatch. The agent is configured for a different authorization token type"})
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: id, RunID: 1, Status: engine.Succeeded, Elapsed: time.Second})
	h.pump()
	h.exec(h.m.move(3 - h.m.sel))
	v := plain(h)
	for _, want := range []string{"▌ ✓ refused, as it should be: AccessDeniedException: Authorization method mismatch", "why: this runtime's inbound auth is a JWT authorizer"} {
		if !strings.Contains(v, want) {
			t.Errorf("card lacks %q:\n%s", want, v)
		}
	}
	if got := hintFor("wait for the build: timed out"); !strings.Contains(got, "wait ran out") {
		t.Errorf("hint for a timeout = %q", got)
	}
	if got := hintFor("ExpiredTokenException: The security token included in the request is expired"); !strings.Contains(got, "AWS session") {
		t.Errorf("hint for an expired AWS session = %q", got)
	}
	if got := hintFor("a new error nobody has seen"); got != "" {
		t.Errorf("an unknown error got the hint %q", got)
	}
}

// Values never break: a timestamp stays whole, a value too long for its
// line is shortened in the middle, text keeps its indentation.
func TestWrapKeepsValuesWholeAndIndentation(t *testing.T) {
	lines := wrapKeep("token issued at 2026-11-25T21:24:48Z by the pool", 30)
	for _, l := range lines {
		if strings.HasSuffix(l, "2026-11-") {
			t.Fatalf("the timestamp was split: %q", lines)
		}
	}
	if !strings.Contains(strings.Join(lines, "\n"), "2026-11-25T21:24:48Z") {
		t.Errorf("the timestamp is not whole: %q", lines)
	}
	arn := "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/agentcore_workshop_agent-AbCdEf1234"
	lines = wrapKeep("  runtime "+arn, 40)
	if len(lines) != 2 || lines[1] != "  "+middle(arn, 38) || !strings.HasPrefix(lines[1], "  arn:aws:") || !strings.HasSuffix(lines[1], "AbCdEf1234") {
		t.Errorf("ARN not on its own indented line, shortened in the middle: %q", lines)
	}
	if w := ansi.StringWidth(lines[1]); w != 40 {
		t.Errorf("shortened ARN line is %d wide, want 40", w)
	}
	lines = wrapKeep(`    "message": "the quick brown fox jumps over the lazy dog and keeps on running"`, 40)
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "    ") {
			t.Errorf("continuation lost the indentation: %q", lines)
		}
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line %q is wider than 40", l)
		}
	}
	// Text without spaces that is not a value (a JSON body) is cut at the width.
	body := `← 200 {"result":"` + strings.Repeat("x", 60) + `"}`
	lines = wrapKeep(body, 30)
	joined := lines[0]
	for _, l := range lines[1:] {
		rest, ok := strings.CutPrefix(l, "  ") // hanging under the text after "← "
		if !ok {
			t.Errorf("continuation %q not indented past the arrow", l)
		}
		joined += rest
	}
	if len(lines) < 3 || joined != body || !strings.HasPrefix(lines[0], `← 200 {"result":"x`) {
		t.Errorf("a long body lost characters, or did not start where it stands: %q", lines)
	}
}

// The output pane scrolls with Home/End/g/G, shows where it is, and
// follows a running stage's tail only while it is at the bottom.
func TestOutputScrollsAndFollowsOnlyAtTheBottom(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 100, 30)
	h.press(keyTab)
	id := "provision-cognito"
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: 1, Time: t0})
	for i := range 40 {
		eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 1, Line: fmt.Sprintf("line %02d", i+1)})
	}
	h.pump()
	if !h.m.output.AtBottom() || !strings.Contains(plain(h), "line 40") {
		t.Fatalf("a running stage's output does not follow its tail:\n%s", plain(h))
	}
	n := len(h.m.outputLines)
	vh := h.m.output.Height()
	if want := fmt.Sprintf("%d–%d of %d", n-vh+1, n, n); !strings.Contains(plain(h), want) {
		t.Errorf("no position %q in the pane's border:\n%s", want, plain(h))
	}
	h.press(keyRune('g'))
	if h.m.output.YOffset() != 0 || !strings.Contains(plain(h), fmt.Sprintf("1–%d of %d", vh, n)) {
		t.Errorf("g did not go to the top (offset %d)", h.m.output.YOffset())
	}
	// Scrolled up, new lines do not pull the pane down.
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 1, Line: "line 41"})
	h.pump()
	if h.m.output.YOffset() != 0 {
		t.Errorf("a new line moved a pane the learner scrolled up (offset %d)", h.m.output.YOffset())
	}
	h.press(keyRune('G'))
	if !h.m.output.AtBottom() {
		t.Error("G did not go to the bottom")
	}
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 1, Line: "line 42"})
	h.pump()
	if !h.m.output.AtBottom() || !strings.Contains(plain(h), "line 42") {
		t.Error("back at the bottom, the pane does not follow the tail again")
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyHome})
	if h.m.output.YOffset() != 0 {
		t.Error("home did not go to the top")
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyEnd})
	if !h.m.output.AtBottom() {
		t.Error("end did not go to the bottom")
	}
	// A new run of the stage starts at its bottom, following, wherever the
	// learner had scrolled the last one.
	h.press(keyRune('g'))
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: id, RunID: 2, Time: t0})
	for i := range 40 {
		eng.emit(engine.Event{Kind: engine.EventLog, StepID: id, RunID: 2, Line: fmt.Sprintf("run 2 line %02d", i+1)})
	}
	h.pump()
	if !h.m.output.AtBottom() || !strings.Contains(plain(h), "run 2 line 40") {
		t.Errorf("a new run does not follow its tail:\n%s", plain(h))
	}
	// The content pane scrolls the same way when it has the focus.
	h.press(keyTab, keyRune('G'))
	if h.m.content.YOffset() != max(len(h.m.contentLines)-h.m.content.Height(), 0) {
		t.Errorf("G in the content pane: offset %d", h.m.content.YOffset())
	}
}

// z maximises the focused pane; tab switches which one fills the window;
// z again brings the three panes back.
func TestZoomMaximisesTheFocusedPane(t *testing.T) {
	h := newHarness(t, newFakeEngine(), 120, 34)
	runStage1(h, 1)
	h.exec(h.m.move(-h.m.sel))
	h.press(keyTab, keyRune('z'))
	v := plain(h)
	lines := strings.Split(v, "\n")
	if !strings.HasPrefix(lines[1], "┏━ Output") || strings.Contains(v, "Stages") || strings.Contains(v, "Provision Cognito ━") {
		t.Fatalf("the output pane does not fill the window:\n%s", v)
	}
	if h.m.output.Width() != 118 || h.m.output.Height() != 34-3-3 {
		t.Errorf("maximised output viewport %dx%d", h.m.output.Width(), h.m.output.Height())
	}
	checkFrame(t, v, 120, 34)
	h.press(keyTab)
	if v := plain(h); !strings.HasPrefix(strings.Split(v, "\n")[1], "┏━ 1 · Provision Cognito") {
		t.Errorf("tab did not switch the maximised pane:\n%s", v)
	}
	h.press(keyRune('z'))
	if v := plain(h); !strings.Contains(v, "Stages") || !strings.Contains(v, "Output") {
		t.Errorf("z did not restore the panes:\n%s", v)
	}
}

// y copies the one value there is, through OSC 52 and the system
// clipboard, and says what it copied.
func TestCopyOneValue(t *testing.T) {
	eng := newFakeEngine()
	eng.set("write-agent", func(s *engine.StageState) {
		s.Status, s.Result = engine.Succeeded, engine.Result{Values: []engine.Value{{Name: "project", Value: "/ws/agent", Kind: engine.KindFile}}}
	})
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyDown)
	nm, cmd := h.m.Update(keyRune('y'))
	h.m = nm.(Model)
	if len(h.system) != 0 {
		t.Fatal("the clipboard was written inside Update")
	}
	h.exec(cmd)
	if len(h.clipboard) != 1 || h.clipboard[0] != "/ws/agent" || len(h.system) != 1 || h.system[0] != "/ws/agent" {
		t.Errorf("OSC 52 %v, system %v: want the value in both", h.clipboard, h.system)
	}
	if h.m.status != "copied project to the clipboard: /ws/agent" {
		t.Errorf("status = %q", h.m.status)
	}
	// Without a system clipboard, OSC 52 still went, and the line says so.
	h2 := onFirst(newHarness(t, eng, 120, 34, WithClipboard(func(string) error { return errNoClipboard })))
	h2.press(keyDown, keyRune('y'))
	if len(h2.clipboard) != 1 || !strings.HasPrefix(h2.m.status, "copied project through the terminal (OSC 52") {
		t.Errorf("no system clipboard: OSC 52 %v, status %q", h2.clipboard, h2.m.status)
	}
}

// With several values y offers a picker; the whole value is copied
// however it is shown, and a secret is read only when chosen and never
// shown.
func TestCopyPicker(t *testing.T) {
	h := failScene(t, 80, 24)
	eng := h.eng
	eng.secrets["configure/password"] = "p4ss-w0rd"
	// Stage 3 holds the long URL; add a secret beside it.
	i := h.m.sel
	h.m.stages[i].Result.Values = append(h.m.stages[i].Result.Values, engine.Value{Name: "password", Secret: true})
	h.exec(h.m.rebuildOutput())
	h.press(keyRune('y'))
	if !h.m.pick.open || len(h.m.pick.items) != 2 {
		t.Fatalf("picker open=%v items=%v, want the URL and the password", h.m.pick.open, h.m.pick.items)
	}
	v := plain(h)
	if !strings.Contains(v, "copy which value?") || !strings.Contains(v, "authorization URL") || strings.Contains(v, "p4ss-w0rd") {
		t.Errorf("picker view:\n%s", v)
	}
	// The chosen value shows whole under the list, broken only at the box's edge.
	if !strings.Contains(strings.NewReplacer("┃", "", " ", "", "\n", "").Replace(v), longURL) {
		t.Errorf("the picker does not show the chosen URL whole:\n%s", v)
	}
	checkFrame(t, v, 80, 24)
	h.press(keyEnter)
	if h.m.pick.open || len(h.clipboard) != 1 || h.clipboard[0] != longURL {
		t.Errorf("enter copied %v, want the whole URL", h.clipboard)
	}
	h.press(keyRune('y'), keyDown, keyEnter)
	if eng.reads != 1 || len(h.clipboard) != 2 || h.clipboard[1] != "p4ss-w0rd" {
		t.Errorf("secret: %d reads, clipboard %v", eng.reads, h.clipboard)
	}
	if strings.Contains(h.m.status, "p4ss-w0rd") || !strings.Contains(h.m.status, "copied password") {
		t.Errorf("status after copying a secret: %q", h.m.status)
	}
	// esc closes the picker without copying.
	h.press(keyRune('y'), keyEsc())
	if h.m.pick.open || len(h.clipboard) != 2 {
		t.Error("esc did not close the picker, or copied")
	}
}

// A page's shell commands are offered for copying, one per command.
func TestPageCommandsAreCopyable(t *testing.T) {
	cmds := pageCommands("text\n\n```sh\naws a b \\\n  --x 1\n# a comment\n\nagentcore invoke '{}'   # no token\n```\n\n```json\n{}\n```\n")
	if len(cmds) != 2 || cmds[0] != "aws a b \\\n  --x 1" || cmds[1] != "agentcore invoke '{}'" {
		t.Errorf("commands = %q", cmds)
	}
}

// Status lines go when they stop being true: "cancelling…" and the quit
// question when the run ends, not on a timer.
func TestStatusExpiresWhenItStopsBeingTrue(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	h.startRun("provision-cognito", 1)
	h.press(keyRune('c'))
	h.fire(func(tea.Msg) bool { return true })
	if h.m.status != "cancelling…" {
		t.Fatalf("cancelling… went before the run ended: %q", h.m.status)
	}
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 1, Status: engine.Cancelled, Err: engine.ErrMsgCancelled})
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: "provision-cognito", RunID: 1, Status: engine.Cancelled})
	h.pump()
	if h.m.status != "" {
		t.Errorf("status after the run ended: %q", h.m.status)
	}
	h.startRun("provision-cognito", 2)
	h.press(keyRune('q'))
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: "provision-cognito", RunID: 2, Status: engine.Succeeded})
	h.pump()
	if h.m.status != "" || h.m.confirmQuit {
		t.Errorf("the quit question outlived the run: %q", h.m.status)
	}
}

// A countdown in the results moves on with the clock.
func TestResultCountdownIsLive(t *testing.T) {
	now := t0
	eng := newFakeEngine()
	exp := t0.Add(time.Hour)
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status = engine.Succeeded
		s.Result.Values = []engine.Value{{Name: "token expires", Value: exp.Format(time.RFC3339) + " (59m59s left)"}}
	})
	h := onFirst(newHarness(t, eng, 120, 34, WithClock(func() time.Time { return now })))
	if !strings.Contains(plain(h), "2026-11-21T11:00:00Z (1h left)") {
		t.Fatalf("countdown not recomputed from its timestamp:\n%s", plain(h))
	}
	if !h.m.ticking {
		t.Fatal("no clock running for a countdown")
	}
	now = t0.Add(90 * time.Minute)
	h.fire(func(msg tea.Msg) bool { _, ok := msg.(tickMsg); return ok })
	if !strings.Contains(plain(h), "(expired 30m ago)") {
		t.Errorf("countdown frozen:\n%s", plain(h))
	}
}

// o is offered only when it would act: a one-time sign-in URL goes dead
// when its stage ends; a discovery URL stays.
func TestOpenOfferedOnlyWhenItActs(t *testing.T) {
	eng := newFakeEngine()
	auth := engine.Value{Name: "authorization URL", Value: "http://127.0.0.1:4747/oauth2/authorize?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc", Kind: engine.KindURL}
	h := newHarness(t, eng, 120, 34)
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: "provision-cognito", RunID: 1, Time: t0})
	eng.emit(engine.Event{Kind: engine.EventValue, StepID: "provision-cognito", RunID: 1, Value: &auth})
	h.pump()
	if !strings.Contains(plain(h), "o open") || !strings.Contains(plain(h), "(o to open)") {
		t.Errorf("o not offered while the sign-in waits:\n%s", plain(h))
	}
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 1, Status: engine.Succeeded,
		Result: &engine.Result{Values: []engine.Value{auth}}})
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: "provision-cognito", RunID: 1})
	h.pump()
	if v := plain(h); strings.Contains(v, "o open") || strings.Contains(v, "(o to open)") {
		t.Errorf("o still offered after the sign-in:\n%s", v)
	}
	h.press(keyRune('o'))
	if len(h.opened) != 0 || h.m.status != urlDoneOpen {
		t.Errorf("o on a spent URL: opened %v, status %q", h.opened, h.m.status)
	}
}

// Several URLs: o asks which.
func TestOpenPicksAmongURLs(t *testing.T) {
	eng := newFakeEngine()
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status = engine.Succeeded
		s.Result.Values = []engine.Value{
			{Name: "discovery URL", Value: "http://127.0.0.1:4747/a/.well-known/openid-configuration", Kind: engine.KindURL},
			{Name: "hosted UI", Value: "http://127.0.0.1:4747/login", Kind: engine.KindURL},
		}
	})
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('o'))
	if !h.m.pick.open || !strings.Contains(plain(h), "open which URL?") {
		t.Fatalf("no picker for two URLs:\n%s", plain(h))
	}
	h.press(keyRune('2'), keyEnter)
	if len(h.opened) != 1 || h.opened[0] != "http://127.0.0.1:4747/login" {
		t.Errorf("opened %v, want the second URL", h.opened)
	}
}

// The progress line says where the learner is and, from measured or
// expected times, about how long is left.
func TestProgressLine(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	if got := h.m.progressLine(); got != "stage 1 of 4" {
		t.Errorf("nothing measured or expected: %q", got)
	}
	expected := map[string]time.Duration{"provision-cognito": 30 * time.Second, "write-agent": 2 * time.Second,
		"configure": 5 * time.Second, "invoke-with-token": 4 * time.Minute}
	h2 := newHarness(t, newFakeEngine(), 120, 34, WithExpectedTimes(func(id string) (time.Duration, bool) {
		d, ok := expected[id]
		return d, ok
	}))
	if got := h2.m.progressLine(); got != "stage 1 of 4 · about 5 min left" {
		t.Errorf("with expected times: %q", got)
	}
	runStage1(h2, 1)
	if got := h2.m.progressLine(); got != "stage 2 of 4 · about 5 min left" {
		t.Errorf("after stage 1: %q", got)
	}
	if !strings.Contains(plain(h2), "stage 2 of 4 · about 5 min left") {
		t.Errorf("the progress line is not on screen:\n%s", plain(h2))
	}
	// Measured times stand in for stages nobody gave a time for.
	runStage1(h, 1)
	if got := h.m.progressLine(); got != "stage 2 of 4 · under a minute left" {
		t.Errorf("from stage 1's measured 3s: %q", got)
	}
}

// The picker and the notice fit every window, however small.
func TestOverlaysAtTinySizes(t *testing.T) {
	h := failScene(t, 120, 34)
	h.m.stages[h.m.sel].Result.Values = append(h.m.stages[h.m.sel].Result.Values, engine.Value{Name: "id", Value: "x-1"})
	h.press(keyRune('y'))
	if !h.m.pick.open {
		t.Fatal("no picker")
	}
	eachTinySize(t, h, nil)
	h.send(tea.WindowSizeMsg{Width: 120, Height: 34})
	h.press(keyEsc())
	h.m.note = notice{open: true, title: noBrowserTitle, text: fmt.Sprintf(noBrowserText, "no display"), value: longURL}
	eachTinySize(t, h, nil)
}

// A revealed secret is shown whole, however long: revealing is how the
// learner reads a value the pane would otherwise shorten.
func TestRevealedSecretIsWhole(t *testing.T) {
	eng := newFakeEngine()
	long := "eyJhbGciOiJSUzI1NiJ9." + strings.Repeat("QUJD", 60) + ".c2lnbmF0dXJl"
	eng.secrets["provision-cognito/ACCESS_TOKEN"] = long
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status = engine.Succeeded
		s.Result.Values = []engine.Value{{Name: "ACCESS_TOKEN", Secret: true, Kind: engine.KindToken}}
	})
	h := onFirst(newHarness(t, eng, 100, 30))
	h.press(keyRune('v'))
	out := ansi.Strip(strings.Join(h.m.outputLines, "\n"))
	if !strings.Contains(strings.NewReplacer("\n", "", " ", "").Replace(out), long) || strings.Contains(out, "…") {
		t.Errorf("the revealed token is not whole:\n%s", out)
	}
}

// A skipped stage says so, with its reason, in its row and on its card:
// not a failure, nothing to retry blindly.
func TestSkippedStageShowsItsReason(t *testing.T) {
	eng := newFakeEngine()
	h := newHarness(t, eng, 120, 34)
	h.startRun("provision-cognito", 1)
	eng.emit(engine.Event{Kind: engine.EventFinished, StepID: "provision-cognito", RunID: 1, Status: engine.Skipped, Err: "no IdP named"})
	eng.emit(engine.Event{Kind: engine.EventQueueDone, StepID: "provision-cognito", RunID: 1, Status: engine.Succeeded})
	h.pump()
	v := ansi.Strip(h.view())
	for _, want := range []string{"– skipped: no IdP named", "– " + cardSkipped + ": no IdP named"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "✗") {
		t.Errorf("a skipped stage is shown as failed:\n%s", v)
	}
}
