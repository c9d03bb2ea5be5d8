package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// p opens the input; a paste and typing fill it; enter hands the token to
// TryToken from a Cmd (never from Update) and shows its one-line answer
// in a box that any key closes.
func TestPasteATokenToTry(t *testing.T) {
	var got []string
	try := func(_ context.Context, token string) (string, error) {
		got = append(got, token)
		if token == "broken" {
			return "", errors.New("no runtime yet: run stage 4 first")
		}
		return "refused AccessDeniedException: an ID token: the runtime wants the access token", nil
	}
	h := newHarness(t, newFakeEngine(), 120, 34, WithTryToken(try))
	h.press(keyRune('p'))
	if v := plain(h); !strings.Contains(v, pasteTitle) || !strings.Contains(v, pastePlaceholder) {
		t.Fatalf("p did not open the input:\n%s", v)
	}
	// Other keys edit the input instead of acting: q does not quit.
	h.send(tea.PasteMsg{Content: "eyJhbGciOiJSUzI1NiJ9.eyJ0b2tlbl91c2UiOiJpZCJ9.c2ln\n"})
	h.press(keyRune('q'), tea.KeyPressMsg{Code: tea.KeyBackspace})
	if h.quit || !strings.Contains(plain(h), "c2ln") {
		t.Fatalf("the paste did not land in the input (quit %v):\n%s", h.quit, plain(h))
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(got) != 1 || got[0] != "eyJhbGciOiJSUzI1NiJ9.eyJ0b2tlbl91c2UiOiJpZCJ9.c2ln" {
		t.Fatalf("TryToken got %q", got)
	}
	v := plain(h)
	if !strings.Contains(v, pasteResultTitle) || !strings.Contains(v, "refused AccessDeniedException: an ID token") {
		t.Fatalf("the answer is not shown:\n%s", v)
	}
	h.press(keyRune('x'))
	if strings.Contains(plain(h), pasteResultTitle) {
		t.Fatal("a key did not close the answer")
	}

	// esc closes without sending; enter on nothing sends nothing; a
	// failed try says why on the status line.
	h.press(keyRune('p'), keyEsc(), keyRune('p'), tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(got) != 1 || !strings.Contains(plain(h), pasteEmpty) {
		t.Fatalf("sent %q; view:\n%s", got, plain(h))
	}
	h.press(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.send(tea.PasteMsg{Content: "broken"})
	h.press(tea.KeyPressMsg{Code: tea.KeyEnter})
	if v := plain(h); !strings.Contains(v, "no runtime yet") || strings.Contains(v, pasteResultTitle) {
		t.Fatalf("failed try:\n%s", v)
	}
}

// Without a TryToken (a test harness, say) p says why it does nothing.
func TestPasteWithoutARuntimeSaysWhy(t *testing.T) {
	h := newHarness(t, newFakeEngine(), 120, 34)
	h.press(keyRune('p'))
	if v := plain(h); strings.Contains(v, pasteTitle) || !strings.Contains(v, "trying a token needs") {
		t.Fatalf("view:\n%s", v)
	}
}

// A paste is capped and loses its control characters.
func TestPasteBoxBounds(t *testing.T) {
	var p pasteBox
	p.add("a\x1b[31mb\r\nc")
	if p.value != "a[31mbc" {
		t.Errorf("value = %q", p.value)
	}
	p.add(strings.Repeat("x", 2*pasteLimit))
	if len(p.value) != pasteLimit {
		t.Errorf("len = %d, want the cap %d", len(p.value), pasteLimit)
	}
	if w := len([]rune(p.view(40))); w > 41 {
		t.Errorf("view is %d runes wide for 40 columns", w)
	}
}
