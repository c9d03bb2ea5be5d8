package ui

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps/engine"
)

// pane is which right-hand pane pgup/pgdown scroll.
type pane int

const (
	paneContent pane = iota
	paneOutput
)

// statusTTL is how long a transient status line stays.
const statusTTL = 4 * time.Second

// maxLogLines bounds the log kept per stage so a chatty stage can't grow
// memory without limit; the oldest lines go first.
const maxLogLines = 5000

// stageOutput is what the UI saw of a stage's current run: its log, which
// the stage states do not keep.
type stageOutput struct {
	lines []string
}

// Model is the root Bubble Tea model. Children (viewports, spinner, help)
// are plain fields driven from here; side effects are returned as Cmds.
type Model struct {
	eng    Engine
	page   PageFunc
	titles map[string]string // stage id → title from its page (the pages' language)
	info   Info
	cfg    config
	keys   keyMap
	help   help.Model
	st     styles
	md     *mdCache
	gen    *atomic.Int64 // bumped when width or style changes; stops stale prefetches

	events <-chan engine.Event
	unsub  func()

	stages   []engine.StageState
	sel      int
	out      map[string]*stageOutput
	revealed map[string]map[string]string // stage id → secret name → value
	follow   bool                         // select the stage the runner starts
	// busy is whether a run is in progress, as the events tell it: from a
	// stage's Started to its queue's QueueDone. Update never asks the engine.
	busy bool

	width, height int
	focus         pane
	content       viewport.Model
	contentKey    renderKey
	contentLines  []string // what content holds, split, for a cheap View
	output        viewport.Model
	outputLines   []string // what output holds, wrapped to its width
	spin          spinner.Model
	spinning      bool
	ticking       bool

	status    string
	statusSeq int
	// statusBusy marks a status that is true only while a run goes on
	// ("cancelling…", "a stage is running…"): the run's end clears it.
	statusBusy  bool
	confirmQuit bool

	zoom        bool // the focused pane fills the window
	facilitator bool // the pages show their facilitator notes
	countdown   bool // the selected stage's results hold a live countdown

	tr i18n.Printer // the UI's own words, in the learner's language

	insp  inspector // the token overlay
	pick  picker    // the copy/open chooser
	note  notice    // a message shown whole in a box
	paste pasteBox  // the learner's own token to try (paste.go)

	// resetID is the stage a reset confirmation is open for; resetNames
	// what the confirmation named.
	resetID, resetNames string

	preflight string // the preflight's Markdown, once it has answered (see WithPreflight)
}

// New builds the UI over eng. It subscribes to eng's events at once so no
// event is missed between construction and the first Update.
func New(eng Engine, page PageFunc, info Info, opts ...Option) Model {
	cfg := config{isDark: true, now: time.Now, tick: tea.Tick, copy: systemClipboard}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.openURL == nil {
		cfg.openURL = func(string) error { return errors.New("no browser configured") }
	}
	if info.Title == "" {
		info.Title = i18n.M("AgentCore Identity workshop")
	}
	info.Title = i18n.For(cfg.lang).T(info.Title) // a title the catalog knows reads in the learner's language
	if page == nil {
		page = func(string) (string, bool) { return "", false }
	}
	m := Model{
		eng:      eng,
		page:     page,
		info:     info,
		cfg:      cfg,
		tr:       i18n.For(cfg.lang),
		keys:     defaultKeys(i18n.For(cfg.lang)),
		help:     help.New(),
		md:       newMDCache(cfg.renderAfter),
		gen:      new(atomic.Int64),
		out:      map[string]*stageOutput{},
		revealed: map[string]map[string]string{},
		content:  viewport.New(),
		output:   viewport.New(),
		spin:     spinner.New(spinner.WithSpinner(spinner.MiniDot)),

		facilitator: cfg.facilitator,
	}
	m.restyle()
	m.content.MouseWheelEnabled = false // the root routes the wheel itself
	m.output.MouseWheelEnabled = false
	m.events, m.unsub = eng.Subscribe()
	m.stages = eng.Snapshot()
	m.titles = pageTitles(m.stages, page)
	m.loadKeptLogs()
	// A learner coming back lands on where they left off.
	m.sel = max(engine.Resume(m.stages), 0)
	if m.anyRunning() {
		m.busy, m.spinning, m.ticking = true, true, true
	}
	m.rebuildOutput()
	if m.countdown {
		m.ticking = true // Init starts the clock
	}
	return m
}

// loadKeptLogs fills the output of every stage that ran before this UI
// started with its last run's kept log. It runs once, in New, never in
// Update; a log that cannot be read leaves the stage's results alone.
func (m *Model) loadKeptLogs() {
	for _, s := range m.stages {
		if s.StartedAt.IsZero() {
			continue
		}
		lines, _ := m.eng.LastLog(s.ID)
		if len(lines) > maxLogLines {
			lines = lines[len(lines)-maxLogLines:]
		}
		if len(lines) > 0 {
			m.out[s.ID] = &stageOutput{lines: lines}
		}
	}
}

// Next names the stage to pick up from in stages (the runner's snapshot
// once the program has ended), for the message printed after quitting:
// "next: stage 7 Invoke with token", with the title in the pages'
// language; "" when every stage has succeeded.
func (m Model) Next(stages []engine.StageState) string {
	i := engine.Resume(stages)
	if i < 0 {
		return ""
	}
	s := stages[i]
	next := m.tr.Sprintf(quitNext, s.Index, m.title(s))
	switch s.Status {
	case engine.Failed:
		next += m.tr.T(quitNextFailed)
	case engine.Cancelled:
		next += m.tr.T(quitNextCancelled)
	case engine.Running:
		next += m.tr.T(quitNextRunning)
	}
	return next
}

func (m *Model) restyle() {
	m.st = newStyles(m.cfg.isDark, m.cfg.noColor)
	m.help.Styles = m.st.Help
	m.spin.Style = m.st.Running
}

// Init starts the event waiter and asks the terminal for its background.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitEvent(), m.preflightCmd()}
	if !m.cfg.fixedDark && !m.cfg.noColor {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.spinning {
		cmds = append(cmds, m.spin.Tick)
	}
	if m.ticking {
		cmds = append(cmds, m.tickCmd())
	}
	return tea.Batch(cmds...)
}

// What the model says, in one place for the message catalog.
const (
	quitNext          = "next: stage %d %s"
	quitNextFailed    = " (it failed: run it again)"
	quitNextCancelled = " (cancelled: run it again)"
	quitNextRunning   = " (still running)"
	msgPageFailed     = "could not show this page: "
	msgCodeFailed     = "could not highlight code: "
	msgSecretsFailed  = "could not read secrets: "
	msgConfirmQuit    = "a stage is running: press q again to quit (the stage will be cancelled; run it again next time)"
	msgNothingRunning = "nothing is running"
	msgCancelling     = "cancelling…"
	msgNoStage        = "there is no stage to run"
	msgCantRun        = "can't run %d %s"
	msgBusy           = "a stage is running: wait for it, or press c to cancel it"
	msgCantRunAll     = "can't run all"
	msgNoResults      = "no results yet: run this stage first"
	msgNoSecrets      = "this stage has no secret results"
	msgNotesShown     = "facilitator notes shown (f hides them)"
	msgNotesHidden    = "facilitator notes hidden (f shows them)"
	msgNoNotes        = "There are no notes for this stage yet."
	msgRendering      = "rendering…"
)

// Messages the UI sends itself.
type (
	eventMsg        engine.Event
	eventsClosedMsg struct{}
	tickMsg         struct{}
	clearStatusMsg  struct{ seq int }
	actionErrMsg    struct {
		what string
		err  error
	}
	contentMsg struct {
		key renderKey
		out string
		err error
	}
	codeMsg    struct{ err error }
	secretsMsg struct {
		stepID string
		vals   map[string]string
		err    error
	}
	openedMsg struct {
		url string
		err error
	}
)

func (m Model) waitEvent() tea.Cmd {
	ch := m.events
	if ch == nil {
		return nil
	}
	if m.cfg.pollEvents {
		return func() tea.Msg {
			select {
			case ev, ok := <-ch:
				if !ok {
					return eventsClosedMsg{}
				}
				return eventMsg(ev)
			default:
				return nil
			}
		}
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsClosedMsg{}
		}
		return eventMsg(ev)
	}
}

func (m *Model) tickCmd() tea.Cmd {
	return m.cfg.tick(time.Second, func(time.Time) tea.Msg { return tickMsg{} })
}

// spinCmd schedules the next spinner frame through cfg.tick (the bubbles
// spinner would call tea.Tick itself, which tests can't stop).
func (m *Model) spinCmd() tea.Cmd {
	sp := m.spin
	return m.cfg.tick(sp.Spinner.FPS, func(time.Time) tea.Msg { return sp.Tick() })
}

// Update changes state only; anything that waits, reads files or renders
// Markdown is returned as a Cmd.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 0), max(msg.Height, 0)
		m.gen.Add(1)
		m.layout()
		m.rebuildInspector()
		return m, tea.Batch(m.syncContent(), m.rebuildOutput())

	case tea.BackgroundColorMsg:
		if m.cfg.fixedDark || m.cfg.noColor {
			return m, nil
		}
		m.cfg.isDark = msg.IsDark()
		m.restyle()
		m.gen.Add(1)
		m.rebuildInspector()
		return m, tea.Batch(m.syncContent(), m.rebuildOutput())

	case tea.KeyPressMsg:
		return m.handleKey(msg)

	case tea.MouseWheelMsg:
		return m, m.wheel(msg)

	case eventMsg:
		cmd := m.applyEvent(engine.Event(msg))
		return m, tea.Batch(m.waitEvent(), cmd)

	case eventsClosedMsg:
		m.events = nil
		return m, nil

	case tickMsg:
		if !m.anyRunning() && !m.insp.open && !m.countdown {
			m.ticking = false
			return m, nil
		}
		m.rebuildInspector() // the token's time left moves on
		var cmd tea.Cmd
		if m.countdown {
			cmd = m.rebuildOutput() // and so do the results' countdowns
		}
		return m, tea.Batch(cmd, m.tickCmd())

	case tokenMsg:
		return m, m.applyToken(msg)

	case pasteResultMsg:
		return m.pasteResult(msg)

	case tea.PasteMsg:
		if m.paste.open {
			return m.pasted(msg)
		}
		return m, nil

	case spinner.TickMsg:
		if !m.anyRunning() {
			m.spinning = false
			return m, nil
		}
		m.spin, _ = m.spin.Update(msg)
		return m, m.spinCmd()

	case preflightMsg:
		m.preflight = msg.md
		return m, m.syncContent()

	case contentMsg:
		if msg.err != nil {
			return m, m.setStatus(m.tr.T(msgPageFailed) + msg.err.Error())
		}
		if msg.key == m.wantContentKey() {
			m.setContent(msg.key, msg.out)
			return m, m.prefetch()
		}
		return m, nil

	case codeMsg:
		if msg.err != nil {
			return m, m.setStatus(m.tr.T(msgCodeFailed) + msg.err.Error())
		}
		return m, m.rebuildOutput()

	case secretsMsg:
		if msg.err != nil {
			return m, m.setStatus(m.tr.T(msgSecretsFailed) + msg.err.Error())
		}
		m.revealed[msg.stepID] = msg.vals
		return m, m.rebuildOutput()

	case openedMsg:
		return m, m.opened(msg)

	case copiedMsg:
		return m, m.copied(msg)

	case copyValueMsg:
		if msg.err != nil {
			return m, m.setStatus(m.tr.Sprintf(readSecretFail, msg.item.name, msg.err))
		}
		return m, m.copyItem(msg.item)

	case resetAskMsg:
		return m, m.askReset(msg)

	case resetDoneMsg:
		return m, m.setStatus(m.tr.Sprintf(resetDone, msg.names))

	case actionErrMsg:
		return m, m.setStatus(msg.what + ": " + msg.err.Error())

	case clearStatusMsg:
		if msg.seq == m.statusSeq && !m.confirmQuit && !m.statusBusy {
			m.status = ""
		}
		return m, nil
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	// Overlays get input first.
	if m.resetID != "" {
		cmd := m.confirmResetKey(msg)
		if msg.String() != "ctrl+c" {
			return m, cmd
		}
	}
	if m.note.open {
		m.note = notice{}
		if msg.String() != "ctrl+c" {
			return m, nil // any key closes it
		}
	}
	if m.paste.open {
		return m.pasteKey(msg)
	}
	if m.pick.open {
		return m.pickerKey(msg)
	}
	if m.insp.open {
		return m.inspectorKey(msg)
	}
	if key.Matches(msg, m.keys.Quit) {
		if m.confirmQuit || !m.busy {
			return m, m.quit()
		}
		m.confirmQuit = true
		m.status, m.statusBusy = m.tr.T(msgConfirmQuit), true
		m.statusSeq++
		return m, nil
	}
	if m.confirmQuit {
		// Any other key backs out of quitting and then does its own job.
		m.confirmQuit = false
		m.status, m.statusBusy = "", false
	}
	switch {
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return m, nil
	case key.Matches(msg, m.keys.Up):
		return m, m.move(-1)
	case key.Matches(msg, m.keys.Down):
		return m, m.move(1)
	case key.Matches(msg, m.keys.Focus):
		if m.focus == paneContent {
			m.focus = paneOutput
		} else {
			m.focus = paneContent
		}
		m.layout() // the focused pane gets the larger share
		return m, nil
	case key.Matches(msg, m.keys.PageUp):
		m.focused().PageUp()
		return m, nil
	case key.Matches(msg, m.keys.PageDown):
		m.focused().PageDown()
		return m, nil
	case key.Matches(msg, m.keys.Top):
		m.focused().GotoTop()
		return m, nil
	case key.Matches(msg, m.keys.Bottom):
		m.focused().GotoBottom()
		return m, nil
	case key.Matches(msg, m.keys.Zoom):
		m.zoom = !m.zoom
		m.layout()
		return m, tea.Batch(m.syncContent(), m.rebuildOutput())
	case key.Matches(msg, m.keys.Notes):
		m.facilitator = !m.facilitator
		say := m.tr.T(msgNotesHidden)
		if m.facilitator {
			say = m.tr.T(msgNotesShown)
		}
		return m, tea.Batch(m.syncContent(), m.setStatus(say))
	case key.Matches(msg, m.keys.Copy):
		return m, m.copyKey()
	case key.Matches(msg, m.keys.Reset):
		return m, m.resetKey()
	case key.Matches(msg, m.keys.Fresh):
		return m, m.freshConsent()
	case key.Matches(msg, m.keys.Run):
		return m, m.run()
	case key.Matches(msg, m.keys.RunAll):
		return m, m.runAll()
	case key.Matches(msg, m.keys.Cancel):
		if !m.busy {
			return m, m.setStatus(m.tr.T(msgNothingRunning))
		}
		eng := m.eng
		m.status, m.statusBusy = m.tr.T(msgCancelling), true
		m.statusSeq++
		return m, func() tea.Msg { eng.Cancel(); return nil }
	case key.Matches(msg, m.keys.Reveal):
		return m, m.toggleReveal()
	case key.Matches(msg, m.keys.Open):
		return m, m.open()
	case key.Matches(msg, m.keys.Paste):
		return m.openPaste()
	case key.Matches(msg, m.keys.Token):
		return m, m.openInspector()
	}
	return m, nil
}

func (m *Model) focused() *viewport.Model {
	if m.focus == paneOutput {
		return &m.output
	}
	return &m.content
}

func (m *Model) quit() tea.Cmd {
	eng, unsub := m.eng, m.unsub
	return tea.Sequence(func() tea.Msg {
		// Cancelling an idle engine does nothing; a run that has started
		// but whose first event has not arrived yet is stopped too.
		eng.Cancel()
		if unsub != nil {
			unsub()
		}
		return nil
	}, tea.Quit)
}

// setStatus shows a transient line and schedules its removal.
func (m *Model) setStatus(s string) tea.Cmd {
	m.statusSeq++
	m.status, m.statusBusy = s, false
	seq := m.statusSeq
	return m.cfg.tick(statusTTL, func(time.Time) tea.Msg { return clearStatusMsg{seq: seq} })
}

func (m *Model) selected() (engine.StageState, bool) {
	if m.sel < 0 || m.sel >= len(m.stages) {
		return engine.StageState{}, false
	}
	return m.stages[m.sel], true
}

func (m *Model) move(d int) tea.Cmd {
	if len(m.stages) == 0 {
		return nil
	}
	n := min(max(m.sel+d, 0), len(m.stages)-1)
	if n == m.sel {
		return nil
	}
	m.follow = false
	m.sel = n
	return tea.Batch(m.syncContent(), m.showOutput())
}

// showOutput fills the output pane for a newly selected stage: a running
// stage at its tail, any other at the top of its entry, where its summary
// is. A countdown in its results starts the clock.
func (m *Model) showOutput() tea.Cmd {
	cmd := m.rebuildOutput()
	if s, ok := m.selected(); ok && s.Status == engine.Running {
		m.output.GotoBottom()
	} else {
		m.output.GotoTop()
	}
	if m.countdown && !m.ticking {
		m.ticking = true
		cmd = tea.Batch(cmd, m.tickCmd())
	}
	return cmd
}

func (m *Model) run() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		return m.setStatus(m.tr.T(msgNoStage))
	}
	m.follow = true
	// Starting a run is a side effect, so it happens in the Cmd; its
	// refusal says why in the learner's words.
	eng, id, what := m.eng, s.ID, m.tr.Sprintf(msgCantRun, s.Index, m.title(s))
	return func() tea.Msg {
		if err := eng.Start(id); err != nil {
			return actionErrMsg{what: what, err: err}
		}
		return nil
	}
}

func (m *Model) runAll() tea.Cmd {
	if m.busy {
		return m.setStatus(m.tr.T(msgBusy))
	}
	m.follow = true
	eng := m.eng
	return func() tea.Msg {
		if err := eng.StartAll(); err != nil {
			return actionErrMsg{what: m.tr.T(msgCantRunAll), err: err}
		}
		return nil
	}
}

func (m *Model) toggleReveal() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		return nil
	}
	var names []string
	for _, v := range s.Result.Values {
		if v.Secret {
			names = append(names, v.Name)
		}
	}
	if len(names) == 0 {
		if len(s.Result.Values) == 0 {
			return m.setStatus(m.tr.T(msgNoResults))
		}
		return m.setStatus(m.tr.T(msgNoSecrets))
	}
	if _, shown := m.revealed[s.ID]; shown {
		delete(m.revealed, s.ID) // forget the values, not just hide them
		return m.rebuildOutput()
	}
	eng, id := m.eng, s.ID
	return func() tea.Msg {
		vals := make(map[string]string, len(names))
		for _, n := range names {
			v, err := eng.Secret(id, n)
			if err != nil {
				return secretsMsg{stepID: id, err: fmt.Errorf("%s: %w", n, err)}
			}
			vals[n] = v
		}
		return secretsMsg{stepID: id, vals: vals}
	}
}

// wheel scrolls whatever is under the pointer: the stage list moves the
// selection, the right-hand panes scroll.
func (m *Model) wheel(msg tea.MouseWheelMsg) tea.Cmd {
	if m.insp.open {
		if msg.Button == tea.MouseWheelUp {
			m.insp.scroll -= 3
		} else {
			m.insp.scroll += 3
		}
		m.clampInspector()
		return nil
	}
	if m.pick.open || m.note.open {
		return nil
	}
	g := m.geom()
	if g.tiny {
		return nil
	}
	up := msg.Button == tea.MouseWheelUp
	if m.zoom {
		if up {
			m.focused().ScrollUp(3)
		} else {
			m.focused().ScrollDown(3)
		}
		return nil
	}
	if msg.X < g.leftW {
		if up {
			return m.move(-1)
		}
		return m.move(1)
	}
	vp := &m.output
	if msg.Y < g.headerH+g.contentH {
		vp = &m.content
	}
	if up {
		vp.ScrollUp(3)
	} else {
		vp.ScrollDown(3)
	}
	return nil
}

func (m *Model) anyRunning() bool {
	for _, s := range m.stages {
		if s.Status == engine.Running {
			return true
		}
	}
	return false
}

// applyEvent folds one runner event into the model: the stage states
// follow it through the engine's own reducer; the model keeps the log and
// reacts to a stage starting.
func (m *Model) applyEvent(ev engine.Event) tea.Cmd {
	if ev.Kind == engine.EventQueueDone {
		m.busy = false
		// What was true only while the run went on is no longer true.
		if m.statusBusy {
			m.status, m.statusBusy = "", false
		}
		m.confirmQuit = false
		return nil
	}
	i := engine.Apply(m.stages, ev)
	if i < 0 {
		return nil // another workshop's stage, or a late event of a replaced run
	}
	if ev.Kind == engine.EventReset {
		// A reset stage is pending: what its last run logged and revealed
		// is no longer its output.
		delete(m.out, ev.StepID)
		delete(m.revealed, ev.StepID)
	}
	out := m.out[ev.StepID]
	if out == nil || ev.Kind == engine.EventStarted {
		out = &stageOutput{}
		m.out[ev.StepID] = out
	}
	var cmds []tea.Cmd
	switch ev.Kind {
	case engine.EventStarted:
		m.busy = true
		delete(m.revealed, ev.StepID)
		if m.insp.open && m.insp.stepID == ev.StepID {
			// The run replaces the token on show; drop the old one.
			m.closeInspector()
			cmds = append(cmds, m.setStatus(m.tr.T(inspClosedRerun)))
		}
		if m.follow && i != m.sel {
			m.sel = i
			cmds = append(cmds, m.syncContent())
		}
		if !m.spinning {
			m.spinning = true
			cmds = append(cmds, m.spin.Tick)
		}
		if !m.ticking {
			m.ticking = true
			cmds = append(cmds, m.tickCmd())
		}
	case engine.EventLog:
		out.lines = append(out.lines, ev.Line)
		if len(out.lines) > maxLogLines {
			out.lines = append([]string(nil), out.lines[len(out.lines)-maxLogLines:]...)
		}
	}
	if i == m.sel {
		cmds = append(cmds, m.rebuildOutput())
		if ev.Kind == engine.EventFinished || ev.Kind == engine.EventStarted {
			// A finished entry opens with its summary: show it from the
			// top. A new run starts empty, at its bottom: it follows.
			m.output.GotoTop()
		}
	}
	if ev.Kind == engine.EventFinished && m.countdown && !m.ticking {
		m.ticking = true
		cmds = append(cmds, m.tickCmd())
	}
	return tea.Batch(cmds...)
}

// wantContentKey is the render the content pane should show now.
func (m *Model) wantContentKey() renderKey {
	s, _ := m.selected()
	return renderKey{Text: m.pageKey(s.ID), Width: m.pageWidth(m.content.Width()), Style: m.st.glamour}
}

// pageKey names a stage's page in the render cache: with or without the
// facilitator notes, and stage 1's with or without the preflight.
func (m *Model) pageKey(id string) string {
	key := id
	if m.facilitator {
		key += "\x00facilitator"
	}
	return key + m.preflightKey(id)
}

func (m *Model) wrapWidth(paneWidth int) int {
	return max(paneWidth-1, 10)
}

// maxPageWidth is the widest a page's lines get, however wide the pane:
// prose is hard to read in longer lines.
const maxPageWidth = 100

// pageWidth is the wrap width of the pages in a pane paneWidth wide.
func (m *Model) pageWidth(paneWidth int) int {
	return min(m.wrapWidth(paneWidth), maxPageWidth)
}

// pageTitles reads each stage's title from its page ("# N · Title"), so
// the stage list speaks the pages' language; a stage without one keeps the
// title the engine gave it.
func pageTitles(stages []engine.StageState, page PageFunc) map[string]string {
	titles := map[string]string{}
	for _, s := range stages {
		md, ok := page(s.ID)
		if !ok {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimLeft(md, "\n"), "\n")
		if h, ok := strings.CutPrefix(first, "# "); ok {
			if _, t, ok := strings.Cut(h, " · "); ok && strings.TrimSpace(t) != "" {
				titles[s.ID] = strings.TrimSpace(t)
			}
		}
	}
	return titles
}

// title is a stage's title as the list and the panes show it.
func (m *Model) title(s engine.StageState) string {
	if t, ok := m.titles[s.ID]; ok {
		return t
	}
	return s.Title
}

// pageMarkdown is the selected stage's page without its top heading: the
// pane's border already shows the stage's number and title.
func (m *Model) pageMarkdown(s engine.StageState) string {
	md, ok := m.page(s.ID)
	if !ok || strings.TrimSpace(md) == "" {
		return m.withPreflight(s.ID, m.tr.T(msgNoNotes)+"\n")
	}
	if !m.facilitator {
		md = withoutFacilitatorNotes(md)
	}
	if first, rest, found := strings.Cut(strings.TrimLeft(md, "\n"), "\n"); found && strings.HasPrefix(first, "# ") {
		return m.withPreflight(s.ID, strings.TrimLeft(rest, "\n"))
	}
	return m.withPreflight(s.ID, md)
}

// syncContent shows the selected page if it is rendered, else asks for it.
func (m *Model) syncContent() tea.Cmd {
	s, ok := m.selected()
	if !ok || m.content.Width() <= 0 {
		return nil
	}
	k := m.wantContentKey()
	if out, ok := m.md.get(k); ok {
		m.setContent(k, out)
		return m.prefetch()
	}
	if m.contentKey.Text != k.Text {
		m.setContentText(m.tr.T(msgRendering))
		m.content.GotoTop()
		m.contentKey = renderKey{Text: k.Text}
	}
	md, cache := m.pageMarkdown(s), m.md
	return func() tea.Msg {
		out, err := cache.render(k, md)
		return contentMsg{key: k, out: out, err: err}
	}
}

// setContentText fills the content viewport and keeps its lines for View,
// which slices them itself: the viewport's own View re-wraps every visible
// line through lipgloss on each frame, the slowest part of a frame.
func (m *Model) setContentText(s string) {
	m.contentLines = strings.Split(s, "\n")
	m.content.SetContentLines(m.contentLines)
}

func (m *Model) setContent(k renderKey, out string) {
	if k == m.contentKey {
		return
	}
	sameText := k.Text == m.contentKey.Text
	m.setContentText(out)
	if !sameText {
		m.content.GotoTop()
	}
	m.contentKey = k
}

// prefetch renders every other page at the current width and style in the
// background so moving between stages shows text at once. It gives up as
// soon as the width or style changes.
func (m *Model) prefetch() tea.Cmd {
	k := m.wantContentKey()
	type job struct {
		key renderKey
		md  string
	}
	var jobs []job
	for _, s := range m.stages {
		jk := renderKey{Text: m.pageKey(s.ID), Width: k.Width, Style: k.Style}
		if _, ok := m.md.get(jk); !ok {
			jobs = append(jobs, job{jk, m.pageMarkdown(s)})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	cache, gen, want := m.md, m.gen, m.gen.Load()
	return func() tea.Msg {
		for _, j := range jobs {
			if gen.Load() != want {
				return nil
			}
			_, _ = cache.render(j.key, j.md) // errors show when the page is selected
		}
		return nil
	}
}

// codeKey names the highlighted render of one code result.
func codeKey(stepID string, v engine.Value, width int, style string) renderKey {
	h := fnv.New64a()
	_, _ = h.Write([]byte(v.Value))
	return renderKey{Text: fmt.Sprintf("%s\x00%s\x00%x", stepID, v.Name, h.Sum64()), Width: width, Style: style}
}

// codeMarkdown fences a source file for glamour, picking the highlighter
// from the file name.
func codeMarkdown(name, src string) string {
	fence := "```"
	for strings.Contains(src, fence) {
		fence += "`"
	}
	return fence + langFor(name) + "\n" + strings.TrimRight(src, "\n") + "\n" + fence + "\n"
}

func langFor(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".py"):
		return "python"
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return "yaml"
	case strings.HasSuffix(lower, ".json"):
		return "json"
	case strings.HasSuffix(lower, ".go"):
		return "go"
	case strings.HasSuffix(lower, ".sh"):
		return "bash"
	case strings.HasSuffix(lower, ".toml"):
		return "toml"
	case strings.Contains(lower, "dockerfile"):
		return "docker"
	}
	return "text"
}
