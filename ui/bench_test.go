package ui

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
)

func benchToken() string {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	return seg(`{"kid":"k1","alg":"RS256"}`) + "." +
		seg(`{"sub":"u1","iss":"https://cognito-idp.us-west-2.amazonaws.com/us-west-2_X","client_id":"c1","token_use":"access","scope":"aws.cognito.signin.user.admin","exp":`+strconv.FormatInt(t0.Add(time.Hour).Unix(), 10)+`,"iat":`+strconv.FormatInt(t0.Unix(), 10)+`,"jti":"j1","username":"learner"}`) +
		"." + seg(strings.Repeat("s", 256))
}

func mustDecode(b *testing.B, raw string) jwtx.Token {
	tok, err := jwtx.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	return tok
}

// benchPage is a page of realistic length: headings, prose, a list, code.
var benchPage = strings.Repeat(samplePages["provision-cognito"]+"\nMore prose about tokens, claims and the authorizer, long enough to wrap across a wide pane at least once or twice.\n\n", 6)

func benchModel(b *testing.B) Model {
	eng := newFakeEngine()
	eng.stages = append(eng.stages, engine.StageState{Index: 5, ID: "bench", Title: "Bench"})
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
	case contentMsg, codeMsg:
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

// BenchmarkViewInspector is a frame with the token inspector drawn over
// the panes.
func BenchmarkViewInspector(b *testing.B) {
	m := benchModel(b)
	nm, cmd := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = runCmds(nm.(Model), cmd)
	raw := benchToken()
	m.insp = inspector{open: true, stepID: "provision-cognito", title: "ACCESS_TOKEN · stage 1 Provision Cognito"}
	nm, _ = m.Update(tokenMsg{raw: raw, tok: mustDecode(b, raw)})
	m = nm.(Model)
	m.insp.showRaw = true
	m.rebuildInspector()
	if !strings.Contains(m.View().Content, "allowedClients") {
		b.Fatal("inspector not drawn")
	}
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}
