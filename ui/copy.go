package ui

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/steps/engine"
)

// What copying and opening say, in one place for the message catalog.
const (
	pickCopyTitle   = "copy which value?"
	pickOpenTitle   = "open which URL?"
	pickFoot        = "↑↓ choose · enter %s · esc cancel"
	pickVerbCopy    = "copy"
	pickVerbOpen    = "open"
	copiedBoth      = "copied %s to the clipboard: %s"
	copiedTerminal  = "copied %s through the terminal (OSC 52; no system clipboard here): %s"
	copiedSecret    = "(hidden: paste it where it is needed)"
	nothingToCopy   = "no results yet: run this stage first"
	noValueToCopy   = "this stage has nothing to copy"
	noURLToOpen     = "this stage has no URL to open"
	urlDoneOpen     = "this stage's URL was good for one sign-in, which is over: run the stage again for a new one"
	openingURL      = "opening %s …"
	openedURL       = "opened %s (also copied to the clipboard)"
	noBrowserTitle  = "no browser here"
	noBrowserText   = "Could not open a browser (%s). The URL is copied to the clipboard; open it yourself:"
	noteDismiss     = "any key closes this"
	commandItemName = "$ %s"
	readSecretFail  = "could not read %s: %v"
)

// copyItem is one value y can copy or o can open.
type copyItem struct {
	name   string
	value  string // empty for a secret not read yet
	secret bool   // read through the engine when chosen, never shown
	stepID string
	url    bool
}

// picker is the chooser y and o open when a stage has several values.
type picker struct {
	open  bool
	items []copyItem
	sel   int
	verb  string // pickVerbCopy or pickVerbOpen
}

// notice is a message too long for the status line, shown whole in a box
// until any key closes it: the URL a browser could not open.
type notice struct {
	open  bool
	title string
	text  string
	value string // shown whole, broken at the box's width if it must be
	// footer replaces "any key closes this" when the box asks a question.
	footer string
}

// Messages of copying and opening.
type (
	copiedMsg struct {
		name, shown string
		system      error // the system clipboard's error; OSC 52 was sent anyway
	}
	copyValueMsg struct {
		item copyItem
		err  error
	}
)

// copyItems lists what y can copy on stage s: every result (secrets read
// when chosen) and each command of the page's shell blocks.
func (m *Model) copyItems(s engine.StageState) []copyItem {
	var items []copyItem
	for _, v := range s.Result.Values {
		if v.Kind == engine.KindCode {
			continue
		}
		it := copyItem{name: m.tr.T(v.Name), value: v.Value, stepID: s.ID, url: v.Kind == engine.KindURL}
		if v.Secret {
			it.secret = true
			it.value = m.revealed[s.ID][v.Name]
		}
		if it.value == "" && !it.secret {
			continue
		}
		items = append(items, it)
	}
	for _, c := range pageCommands(m.pageMarkdown(s)) {
		items = append(items, copyItem{name: m.tr.Sprintf(commandItemName, commandName(c)), value: c})
	}
	return items
}

// openItems lists the URLs o can open on stage s: those that still act.
func (m *Model) openItems(s engine.StageState) []copyItem {
	var items []copyItem
	for _, v := range s.Result.Values {
		if urlActs(s, v) {
			items = append(items, copyItem{name: m.tr.T(v.Name), value: v.Value, stepID: s.ID, url: true})
		}
	}
	return items
}

// copyKey is y: copy the one value, or offer a picker.
func (m *Model) copyKey() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		return nil
	}
	items := m.copyItems(s)
	switch len(items) {
	case 0:
		if len(s.Result.Values) == 0 {
			return m.setStatus(m.tr.T(nothingToCopy))
		}
		return m.setStatus(m.tr.T(noValueToCopy))
	case 1:
		return m.copyItem(items[0])
	}
	m.pick = picker{open: true, items: items, verb: pickVerbCopy}
	return nil
}

// open is o: open the one URL, or offer a picker.
func (m *Model) open() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		return nil
	}
	items := m.openItems(s)
	switch len(items) {
	case 0:
		if len(s.Result.Values) == 0 {
			return m.setStatus(m.tr.T(nothingToCopy))
		}
		for _, v := range s.Result.Values {
			if v.Kind == engine.KindURL && v.Value != "" {
				return m.setStatus(m.tr.T(urlDoneOpen))
			}
		}
		return m.setStatus(m.tr.T(noURLToOpen))
	case 1:
		return m.openURL(items[0].value)
	}
	m.pick = picker{open: true, items: items, verb: pickVerbOpen}
	return nil
}

// copyItem copies it: a secret is read through the engine first, in a Cmd.
func (m *Model) copyItem(it copyItem) tea.Cmd {
	if it.secret && it.value == "" {
		eng := m.eng
		return func() tea.Msg {
			v, err := eng.Secret(it.stepID, it.name)
			it.value = v
			return copyValueMsg{item: it, err: err}
		}
	}
	shown := it.value
	if it.secret {
		shown = m.tr.T(copiedSecret)
	} else if strings.Contains(shown, "\n") {
		shown = strings.ReplaceAll(shown, "\n", " ")
	}
	sys, val := m.cfg.copy, it.value
	return tea.Batch(tea.SetClipboard(val), func() tea.Msg {
		return copiedMsg{name: it.name, shown: shown, system: sys(val)}
	})
}

func (m *Model) openURL(u string) tea.Cmd {
	open := m.cfg.openURL
	m.status, m.statusBusy = m.tr.Sprintf(openingURL, u), false
	m.statusSeq++
	return tea.Batch(tea.SetClipboard(u), func() tea.Msg {
		return openedMsg{url: u, err: open(u)}
	})
}

// copied says what was copied and how.
func (m *Model) copied(msg copiedMsg) tea.Cmd {
	if msg.system != nil {
		return m.setStatus(m.tr.Sprintf(copiedTerminal, msg.name, msg.shown))
	}
	return m.setStatus(m.tr.Sprintf(copiedBoth, msg.name, msg.shown))
}

// opened reports the browser's answer; without one, the whole URL goes in
// a box (the status line would cut it) with the news that it was copied.
func (m *Model) opened(msg openedMsg) tea.Cmd {
	if msg.err != nil {
		m.status = ""
		m.note = notice{open: true, title: m.tr.T(noBrowserTitle), text: m.tr.Sprintf(noBrowserText, msg.err), value: msg.url}
		return nil
	}
	return m.setStatus(m.tr.Sprintf(openedURL, msg.url))
}

// pickerKey handles every key while the picker is open.
func (m Model) pickerKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case msg.String() == "ctrl+c":
		m.pick = picker{}
		return m.handleKey(msg)
	case key.Matches(msg, m.keys.Close), msg.String() == "q":
		m.pick = picker{}
	case key.Matches(msg, m.keys.Up):
		m.pick.sel = max(m.pick.sel-1, 0)
	case key.Matches(msg, m.keys.Down):
		m.pick.sel = min(m.pick.sel+1, len(m.pick.items)-1)
	case msg.String() == "enter":
		it, verb := m.pick.items[m.pick.sel], m.pick.verb
		m.pick = picker{}
		if verb == pickVerbOpen {
			return m, m.openURL(it.value)
		}
		return m, m.copyItem(it)
	default:
		if r := msg.String(); len(r) == 1 && r[0] >= '1' && r[0] <= '9' {
			if i := int(r[0] - '1'); i < len(m.pick.items) {
				m.pick.sel = i
			}
		}
	}
	return m, nil
}

// pickerLines draws the picker's rows for an inner width of iw.
func (m *Model) pickerLines(iw int) []string {
	nameW := 0
	for _, it := range m.pick.items {
		nameW = max(nameW, ansi.StringWidth(it.name))
	}
	nameW = min(nameW, max(iw/3, 8))
	var out []string
	for i, it := range m.pick.items {
		cursor := "  "
		if i == m.pick.sel {
			cursor = "› "
		}
		num := "  "
		if i < 9 {
			num = fmt.Sprintf("%d ", i+1)
		}
		name := ansi.Truncate(it.name, nameW, ellipsis)
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		val := it.value
		if it.secret {
			val = m.tr.T(secretMask)
		}
		val = strings.ReplaceAll(val, "\n", " ")
		room := iw - 2 - 2 - nameW - 2
		row := cursor + num + m.st.Name.Render(name) + "  " + middle(val, max(room, 1))
		if i == m.pick.sel {
			row = m.st.Selected.Render(fit(row, iw))
		}
		out = append(out, row)
	}
	return out
}

// pageCommands lists the shell commands of a page's sh/bash/console
// blocks: each command with its continuation lines, without comments.
func pageCommands(md string) []string {
	var cmds []string
	var cur []string
	in := false
	flush := func() {
		if len(cur) > 0 {
			cmds = append(cmds, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, l := range strings.Split(md, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") {
			if in {
				flush()
				in = false
				continue
			}
			lang := strings.TrimPrefix(t, "```")
			in = lang == "sh" || lang == "bash" || lang == "shell" || lang == "console"
			continue
		}
		if !in {
			continue
		}
		if i := strings.Index(l, "   #"); i >= 0 {
			l = strings.TrimRight(l[:i], " ") // a trailing comment
		}
		t = strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			flush()
			continue
		}
		cur = append(cur, strings.TrimPrefix(strings.TrimRight(l, " "), "$ "))
		if !strings.HasSuffix(t, "\\") {
			flush()
		}
	}
	flush()
	return cmds
}

// commandName is a command's first words: "aws cognito-idp create-user-pool".
func commandName(c string) string {
	first, _, _ := strings.Cut(c, "\n")
	words := strings.Fields(strings.TrimSuffix(first, "\\"))
	return strings.Join(words[:min(len(words), 3)], " ")
}

// systemClipboard copies s with the platform's clipboard command, when
// there is one; OSC 52 (tea.SetClipboard) reaches the terminal anyway.
// It runs in a Cmd, never in Update.
func systemClipboard(s string) error {
	for _, c := range [][]string{
		{"pbcopy"},
		{"wl-copy"},
		{"xclip", "-selection", "clipboard"},
		{"xsel", "--clipboard", "--input"},
	} {
		path, err := exec.LookPath(c[0])
		if err != nil {
			continue
		}
		// No output pipes: xclip and wl-copy leave a child serving the
		// selection, which would hold a pipe (and Run) open.
		ctx, cancel := context.WithTimeout(context.Background(), clipboardTimeout)
		cmd := exec.CommandContext(ctx, path, c[1:]...)
		cmd.Stdin = strings.NewReader(s)
		err = cmd.Run()
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w", c[0], err)
		}
		return nil
	}
	return errNoClipboard
}

// clipboardTimeout bounds a clipboard command that hangs (no display).
const clipboardTimeout = 3 * time.Second

var errNoClipboard = errors.New("no clipboard command (pbcopy, wl-copy, xclip, xsel)")
