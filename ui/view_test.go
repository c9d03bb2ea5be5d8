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

// goldenScene is stage 1 finished with results (selected), stage 2 running
// with a log and a progress label, stage 3 stale.
func goldenScene(t *testing.T, w, h int) *harness {
	t.Helper()
	eng := newFakeEngine()
	eng.set("configure", func(s *engine.StageState) {
		s.Status, s.Stale, s.Elapsed = engine.Succeeded, true, 1500*time.Millisecond
	})
	hs := newHarness(t, eng, w, h)
	runStage1(hs, 1)
	eng.setBusy(true)
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: "write-agent", RunID: 2, Time: t0.Add(-41 * time.Second)})
	eng.emit(engine.Event{Kind: engine.EventLog, StepID: "write-agent", RunID: 2, Line: "wrote agent/agent.py"})
	eng.emit(engine.Event{Kind: engine.EventProgress, StepID: "write-agent", RunID: 2, Label: "writing files", Done: 2, Total: 4})
	hs.pump()
	return hs
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 34}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := goldenScene(t, size[0], size[1])
			v := ansi.Strip(h.view())
			checkFrame(t, v, size[0], size[1])
			golden.RequireEqual(t, v)
		})
	}
}

func TestGoldenRunningStage(t *testing.T) {
	h := goldenScene(t, 100, 30)
	h.press(keyDown, keyTab)
	v := ansi.Strip(h.view())
	checkFrame(t, v, 100, 30)
	golden.RequireEqual(t, v)
}

// checkFrame asserts the view fills the window exactly, whatever the golden
// file says.
func checkFrame(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if sw := ansi.StringWidth(l); sw > w {
			t.Errorf("line %d is %d wide (> %d): %q", i, sw, w, l)
		}
	}
}

// eachTinySize resizes h through windows up to 60×16, calls each (if any)
// after every resize, and fails when a frame spills out of its window.
func eachTinySize(t *testing.T, h *harness, each func(w, ht int)) {
	t.Helper()
	for w := 0; w <= 60; w += 3 {
		for ht := 0; ht <= 16; ht++ {
			h.send(tea.WindowSizeMsg{Width: w, Height: ht})
			if each != nil {
				each(w, ht)
			}
			v := h.view()
			lines := strings.Split(v, "\n")
			if v != "" && len(lines) > ht {
				t.Fatalf("%dx%d: %d lines", w, ht, len(lines))
			}
			for _, l := range lines {
				if sw := ansi.StringWidth(l); sw > w {
					t.Fatalf("%dx%d: line %q is %d wide", w, ht, ansi.Strip(l), sw)
				}
			}
		}
	}
}

func TestMultiLineValueLinesUpUnderItsValue(t *testing.T) {
	eng := newFakeEngine()
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status = engine.Succeeded
		s.Result.Values = []engine.Value{{Name: "id", Value: "x"}, {Name: "claims", Value: "sub  u1\nexp  soon"}}
	})
	h := onFirst(newHarness(t, eng, 120, 34))
	v := ansi.Strip(h.view())
	var first, second int = -1, -1
	for _, l := range strings.Split(v, "\n") {
		if i := strings.Index(l, "sub  u1"); i >= 0 {
			first = i
		}
		if i := strings.Index(l, "exp  soon"); i >= 0 {
			second = i
		}
	}
	if first < 0 || first != second {
		t.Fatalf("continuation line at column %d, first line at %d:\n%s", second, first, v)
	}
}

func TestLongValueWrapsWithinItsColumn(t *testing.T) {
	eng := newFakeEngine()
	long := strings.Repeat("word ", 60)
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status = engine.Succeeded
		s.Result.Values = []engine.Value{{Name: "answer", Value: long}}
	})
	h := onFirst(newHarness(t, eng, 120, 34))
	v := ansi.Strip(h.view())
	col, rows := -1, 0
	for _, l := range strings.Split(v, "\n") {
		if i := strings.Index(l, "answer  word"); i >= 0 {
			col = i + len("answer  ")
			continue
		}
		if col >= 0 && len(l) > col && strings.HasPrefix(l[col:], "word") {
			if strings.TrimSpace(l[:col]) != "││" && strings.TrimSpace(strings.Trim(l[:col], "│ ")) != "" {
				t.Fatalf("continuation line has text left of the value column:\n%s", l)
			}
			rows++
		}
	}
	if col < 0 || rows < 2 {
		t.Fatalf("value not wrapped under its column (col %d, %d continuation rows):\n%s", col, rows, v)
	}
}

// The stage list and the pane titles speak the pages' language.
func TestTitlesComeFromThePages(t *testing.T) {
	eng := newFakeEngine()
	korean := func(id string) (string, bool) {
		if id == "provision-cognito" {
			return "# 1 · Cognito 준비하기\n\n## 이 단계에서 하는 일\n\n본문.\n", true
		}
		return "", false
	}
	m := New(eng, korean, testInfo, WithDarkBackground(true), WithNoColor(true))
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 34})
	v := ansi.Strip(nm.(Model).View().Content)
	if !strings.Contains(v, "1 Cognito 준비하기") || !strings.Contains(v, "1 · Cognito 준비하기") {
		t.Fatalf("Korean title not shown in the list and the pane:\n%s", v)
	}
	if !strings.Contains(v, "2 Write the agent") {
		t.Fatalf("a stage without a page lost its own title:\n%s", v)
	}
}
