package ui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Break-it's last experiment is the learner's own: p opens a one-line
// input, enter sends what was pasted to the workshop's runtime as a
// bearer (through the TryToken the program gives, never from Update), and
// the one-line answer ("refused <code>: <why>" or "accepted: …") shows in
// a notice.

// TryToken sends a token to the workshop's runtime and says in one line
// how the authorizer answered; err is for a call that got no answer (no
// runtime yet, the network).
type TryToken func(ctx context.Context, token string) (string, error)

// WithTryToken lets the learner paste a token to try (the p key).
func WithTryToken(f TryToken) Option {
	return func(c *config) { c.tryToken = f }
}

// What the paste box says, in one place for the message catalog.
const (
	pasteTitle       = "Try a token"
	pastePrompt      = "Paste an access token (or any JWT) and press enter; ctrl+u clears, esc closes."
	pastePlaceholder = "eyJ…"
	pasteNoRuntime   = "trying a token needs the workshop's runtime: run it with the program, not in a test harness"
	pasteEmpty       = "nothing pasted: paste a token, then press enter"
	pasteSending     = "sending the token to the runtime…"
	pasteFailed      = "try a token"
	pasteResultTitle = "Your token at the runtime's authorizer"
)

const (
	// pasteTimeout bounds one try: a bearer invoke answers in seconds.
	pasteTimeout = 30 * time.Second
	// pasteLimit is far above a real token's few KB.
	pasteLimit = 16 << 10
)

// pasteBox is the open input, if any: one line of text, edited at its
// end (a token is pasted whole, not typed), shown by its tail.
type pasteBox struct {
	open  bool
	value string
}

// add appends typed or pasted text, without line breaks or control
// characters, up to pasteLimit.
func (p *pasteBox) add(text string) {
	text = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, text)
	if room := pasteLimit - len(p.value); len(text) > room {
		text = text[:max(room, 0)]
	}
	p.value += text
}

// view is the input's last width columns, with a cursor, or the
// placeholder when empty.
func (p pasteBox) view(width int) string {
	if p.value == "" {
		return "▏" + pastePlaceholder
	}
	return ansi.TruncateLeft(p.value+"▏", max(ansi.StringWidth(p.value)+1-width, 0), "…")
}

// pasteResultMsg is a try's answer.
type pasteResultMsg struct {
	line string
	err  error
}

// openPaste opens the input.
func (m Model) openPaste() (tea.Model, tea.Cmd) {
	if m.cfg.tryToken == nil {
		return m, m.setStatus(m.tr.T(pasteNoRuntime))
	}
	m.paste = pasteBox{open: true}
	return m, nil
}

// pasteKey is a key while the input is open: enter sends, esc closes,
// anything else edits.
func (m Model) pasteKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "esc", "ctrl+c":
		m.paste = pasteBox{}
		return m, nil
	case "enter":
		token := strings.TrimSpace(m.paste.value)
		if token == "" {
			return m, m.setStatus(m.tr.T(pasteEmpty))
		}
		m.paste = pasteBox{}
		try := m.cfg.tryToken
		return m, tea.Batch(m.setStatus(m.tr.T(pasteSending)), func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), pasteTimeout)
			defer cancel()
			line, err := try(ctx, token)
			return pasteResultMsg{line: line, err: err}
		})
	case "backspace":
		if r := []rune(m.paste.value); len(r) > 0 {
			m.paste.value = string(r[:len(r)-1])
		}
		return m, nil
	case "ctrl+u":
		m.paste.value = ""
		return m, nil
	}
	m.paste.add(msg.Text)
	return m, nil
}

// pasted takes a paste into the open input.
func (m Model) pasted(msg tea.PasteMsg) (tea.Model, tea.Cmd) {
	m.paste.add(msg.Content)
	return m, nil
}

// pasteResult shows a try's answer.
func (m Model) pasteResult(msg pasteResultMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		return m, m.setStatus(m.tr.T(pasteFailed) + ": " + msg.err.Error())
	}
	m.note = notice{open: true, title: m.tr.T(pasteResultTitle), text: msg.line}
	return m, nil
}

// overlayPaste draws the input over the frame.
func (m Model) overlayPaste(base string) string {
	w := min(m.width, 104)
	iw := max(w-4, 1)
	lines := append(wrapBlock(m.tr.T(pastePrompt), iw), "", m.paste.view(iw))
	inner := make([]string, 0, len(lines))
	for _, l := range lines {
		inner = append(inner, " "+fit(l, iw)+" ")
	}
	h := len(inner) + 2
	box := m.frame(m.tr.T(pasteTitle), "", inner, w, h, true)
	x, y := m.boxAt(w, h)
	return m.layered(base, box, x, y)
}
