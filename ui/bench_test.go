package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps"
)

// benchPage is a page of realistic length: headings, prose, a list, code.
var benchPage = strings.Repeat(samplePages["provision-cognito"]+"\nMore prose about tokens, claims and the authorizer, long enough to wrap across a wide pane at least once or twice.\n\n", 6)

func benchModel(b *testing.B) Model {
	eng := newFakeEngine()
	eng.stages = append(eng.stages, steps.StageState{Index: 5, ID: "bench", Title: "Bench"})
	page := func(id string) (string, bool) { return benchPage, true }
	return New(eng, page, testInfo, WithDarkBackground(true), WithClock(func() time.Time { return t0 }),
		func(c *config) { c.pollEvents = true })
}

// runCmds executes cmd and the messages it yields (renders, not timers),
// the work a real program does before the first full frame.
func runCmds(m Model, cmd tea.Cmd) Model {
	if cmd == nil {
		return m
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
		return m
	case tea.BatchMsg:
		for _, c := range msg {
			m = runCmds(m, c)
		}
		return m
	case contentMsg, codeMsg, snapshotMsg:
		nm, next := m.Update(msg)
		return runCmds(nm.(Model), next)
	}
	return m
}

func BenchmarkFirstFrame(b *testing.B) {
	for b.Loop() {
		m := benchModel(b)
		m = runCmds(m, m.Init())
		nm, cmd := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
		m = runCmds(nm.(Model), cmd)
		if !strings.Contains(m.View().Content, "user pool") {
			b.Fatal("content not rendered")
		}
	}
}

func BenchmarkView(b *testing.B) {
	m := benchModel(b)
	nm, cmd := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = runCmds(nm.(Model), cmd)
	lines := make([]string, 200)
	for i := range lines {
		lines[i] = "→ POST /runtimes/arn%3Aaws%3Abedrock-agentcore/invocations ← 200 OK"
	}
	m.out["provision-cognito"] = &stageOutput{lines: lines}
	m.rebuildOutput()
	if !strings.Contains(m.View().Content, "user pool") {
		b.Fatal("content not rendered")
	}
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}
