package ui

import (
	"charm.land/bubbles/v2/key"

	"agentcore-workshop/internal/i18n"
)

// keyMap holds every binding. Bindings stay enabled even when they can't act
// right now: a disabled binding would be silently ignored, and the UI
// prefers to say why a key did nothing.
type keyMap struct {
	Run      key.Binding
	RunAll   key.Binding
	Up       key.Binding
	Down     key.Binding
	Focus    key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Zoom     key.Binding
	Copy     key.Binding
	Reset    key.Binding
	Fresh    key.Binding
	Notes    key.Binding
	Reveal   key.Binding
	Open     key.Binding
	Token    key.Binding
	Paste    key.Binding
	Close    key.Binding
	Cancel   key.Binding
	Help     key.Binding
	Quit     key.Binding
	// Display-only bindings for the short bar, whose words are shorter
	// than the full help's.
	upDown, tabPane, revealBar, openBar, tokenBar, rawBar, scrollBar, closeBar, copyBar, zoomBar key.Binding
}

func defaultKeys(tr i18n.Printer) keyMap {
	return keyMap{
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("run"))),
		RunAll:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", tr.T("run all"))),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("previous stage"))),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("next stage"))),
		Focus:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tr.T("switch pane"))),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", tr.T("scroll up"))),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", tr.T("scroll down"))),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", tr.T("top"))),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", tr.T("bottom (follow)"))),
		Zoom:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z", tr.T("maximise pane"))),
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", tr.T("copy a value"))),
		Reset:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", tr.T("reset"))),
		Fresh:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", tr.T("consent again"))),
		Notes:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", tr.T("facilitator notes"))),
		Reveal:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("reveal secrets"))),
		Open:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", tr.T("open URL"))),
		Token:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", tr.T("inspect token"))),
		Paste:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("try a token"))),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("close"))),
		Cancel:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("cancel"))),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("help"))),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", tr.T("quit"))),

		upDown:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", tr.T("stage"))),
		tabPane:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tr.T("pane"))),
		revealBar: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("reveal"))),
		openBar:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", tr.T("open"))),
		tokenBar:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", tr.T("token"))),
		rawBar:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("raw token"))),
		scrollBar: key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓ pgup pgdn", tr.T("scroll"))),
		closeBar:  key.NewBinding(key.WithKeys("esc", "t", "q"), key.WithHelp("esc/t/q", tr.T("close"))),
		copyBar:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", tr.T("copy"))),
		zoomBar:   key.NewBinding(key.WithKeys("z"), key.WithHelp("z", tr.T("zoom"))),
	}
}

// contextBar is the short help for the current state: cancel instead of
// run while busy, and reveal/open only when the selected stage has a
// secret, a URL or a token. Keys that always work come first so a narrow terminal
// cuts the optional ones.
type contextBar struct {
	keys             keyMap
	busy             bool
	secrets, urlHint bool
	token            bool
	copyable         bool
	fresh            bool // n asks for a fresh consent on this stage
}

func (c contextBar) ShortHelp() []key.Binding {
	k := c.keys
	var b []key.Binding
	if c.busy {
		b = append(b, k.Cancel)
	} else {
		b = append(b, k.Run, k.RunAll)
	}
	b = append(b, k.upDown, k.tabPane, k.Help, k.Quit)
	if c.fresh {
		b = append(b, k.Fresh)
	}
	if c.secrets {
		b = append(b, k.revealBar)
	}
	if c.urlHint {
		b = append(b, k.openBar)
	}
	if c.token {
		b = append(b, k.tokenBar)
	}
	if c.copyable {
		b = append(b, k.copyBar)
	}
	return append(b, k.zoomBar)
}

func (c contextBar) FullHelp() [][]key.Binding { return c.keys.FullHelp() }

// FullHelp is the expanded view behind "?", which contextBar and
// inspectorBar both show.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Run, k.RunAll, k.Cancel, k.Reset, k.Fresh},
		{k.Up, k.Down, k.Focus, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Zoom, k.Copy, k.Reveal, k.Open, k.Token, k.Paste},
		{k.Notes, k.Help, k.Quit},
	}
}

// inspectorBar is the short help while the token inspector has the keys.
type inspectorBar struct{ keys keyMap }

func (i inspectorBar) ShortHelp() []key.Binding {
	k := i.keys
	return []key.Binding{k.closeBar, k.rawBar, k.scrollBar}
}

func (i inspectorBar) FullHelp() [][]key.Binding { return i.keys.FullHelp() }
