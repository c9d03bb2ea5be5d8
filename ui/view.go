package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/steps/engine"
)

// What the frame says, in one place for the message catalog.
const (
	paneOutputTitle = "Output"
	paneStagesTitle = "Stages"
	linesFoot       = "%d–%d of %d"
	tinyHint        = "enlarge the window to read the stage notes"
	statusRunning   = " running"
	statusSucceeded = "✓ succeeded"
	statusFailed    = "✗ failed"
	statusCancelled = "■ cancelled"
	statusSkipped   = "– skipped"
	statusNotRun    = "○ not run yet"
	statusIn        = " in "
	statusAfter     = " after "
	statusStale     = "  ! an earlier stage was re-run: run this one again"
)

// geometry is where everything goes at the current size. It is computed
// from the size and help mode only, so Update (sizing the viewports) and
// View (drawing) always agree.
type geometry struct {
	tiny              bool
	headerH, footerH  int
	bodyH             int
	leftW, rightW     int
	contentH, outputH int // outer heights, borders included
}

// Below these the three-pane layout can't show anything useful; a compact
// list takes over.
const (
	minWidth     = 48
	minBodyLines = 8
)

func (m *Model) geom() geometry {
	helpH := 1
	if m.help.ShowAll {
		helpH = fullHelpHeight(m.keys)
	}
	g := geometry{headerH: 1, footerH: 1 + helpH}
	g.bodyH = m.height - g.headerH - g.footerH
	if m.width < minWidth || g.bodyH < minBodyLines {
		g.tiny = true
		return g
	}
	if m.zoom {
		// The focused pane fills the body.
		g.rightW = m.width
		if m.focus == paneContent {
			g.contentH = g.bodyH
		} else {
			g.outputH = g.bodyH
		}
		return g
	}
	g.leftW = min(max(m.width*28/100, 24), 36)
	g.rightW = m.width - g.leftW
	// The focused pane gets the larger share: the page while reading, the
	// output while following a run or reading its entry.
	share := 55
	if m.focus == paneOutput {
		share = 40
	}
	g.contentH = max(g.bodyH*share/100, 4)
	g.outputH = g.bodyH - g.contentH
	if g.outputH < 5 {
		g.outputH = 5
		g.contentH = g.bodyH - 5
	}
	return g
}

func fullHelpHeight(k keyMap) int {
	h := 1
	for _, col := range k.FullHelp() {
		h = max(h, len(col))
	}
	return h
}

// layout sizes the children after a resize or a help toggle.
func (m *Model) layout() {
	m.help.SetWidth(max(m.width-2, 0))
	g := m.geom()
	if g.tiny {
		m.content.SetWidth(0)
		m.content.SetHeight(0)
		m.output.SetWidth(0)
		m.output.SetHeight(0)
		return
	}
	atBottom := m.output.AtBottom()
	cH, oH := g.contentH, g.outputH
	if m.zoom {
		// Both panes take the whole body, so tab switches the one shown
		// without a new layout.
		cH, oH = g.bodyH, g.bodyH
	}
	m.content.SetWidth(g.rightW - 2)
	m.content.SetHeight(cH - 2)
	m.output.SetWidth(g.rightW - 2)
	m.output.SetHeight(oH - 3) // border plus the status row
	if atBottom {
		m.output.GotoBottom()
	}
}

// View draws the frame. It only reads state and slices strings already
// rendered; glamour never runs here.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = m.info.Title
	return v
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	base := m.renderPanes()
	// Overlays are drawn last, over everything.
	switch {
	case m.note.open:
		return m.overlayNotice(base)
	case m.paste.open:
		return m.overlayPaste(base)
	case m.pick.open:
		return m.overlayPicker(base)
	case m.insp.open:
		return m.overlayInspector(base)
	}
	return base
}

func (m Model) renderPanes() string {
	g := m.geom()
	if g.tiny {
		return m.renderTiny(g)
	}
	var b strings.Builder
	b.Grow(m.width * m.height * 4)
	b.WriteString(m.header())
	b.WriteByte('\n')
	var left []string
	if !m.zoom {
		left = m.stageBox(g)
	}
	s, _ := m.selected()
	ctitle := fmt.Sprintf("%d · %s", s.Index, m.title(s))
	var right []string
	if g.contentH > 0 {
		right = m.frame(ctitle, m.scrollFoot(&m.content, len(m.contentLines)), inView(m.contentLines, &m.content),
			g.rightW, g.contentH, m.focus == paneContent)
	}
	if g.outputH > 0 {
		outBody := append([]string{m.outputStatus(s)}, inView(m.outputLines, &m.output)...)
		right = append(right, m.frame(m.tr.T(paneOutputTitle), m.scrollFoot(&m.output, len(m.outputLines)), outBody,
			g.rightW, g.outputH, m.focus == paneOutput)...)
	}
	for i := range g.bodyH {
		if i < len(left) {
			b.WriteString(left[i])
		}
		b.WriteString(right[i])
		b.WriteByte('\n')
	}
	b.WriteString(m.statusLine())
	b.WriteByte('\n')
	b.WriteString(m.helpView())
	return b.String()
}

// helpView is the help row (or, with ?, the full help). The short bar
// keeps the keys that fit whole: the help model would add one that does
// not fit when even its "…" would not.
func (m Model) helpView() string {
	k := m.helpBar()
	if m.help.ShowAll {
		rows := strings.Split(m.help.View(k), "\n")
		for i, r := range rows {
			rows[i] = ansi.Truncate(" "+r, m.width, "")
		}
		return strings.Join(rows, "\n")
	}
	hs := m.help.Styles
	sep := hs.ShortSeparator.Render(m.help.ShortSeparator)
	var b strings.Builder
	w := 1
	b.WriteString(" ")
	for i, kb := range k.ShortHelp() {
		item := hs.ShortKey.Render(kb.Help().Key) + " " + hs.ShortDesc.Render(kb.Help().Desc)
		if i > 0 {
			item = sep + item
		}
		iw := ansi.StringWidth(item)
		if w+iw > m.width {
			break
		}
		b.WriteString(item)
		w += iw
	}
	return b.String()
}

// helpBar offers the keys that act now: v only on a stage with secrets,
// o only on a URL that still opens something, y only with a value to copy.
func (m Model) helpBar() help.KeyMap {
	if m.insp.open {
		return inspectorBar{keys: m.keys}
	}
	c := contextBar{keys: m.keys, busy: m.busy}
	if s, ok := m.selected(); ok {
		c.fresh = m.freshActs(s)
		for _, v := range s.Result.Values {
			c.secrets = c.secrets || v.Secret
			c.urlHint = c.urlHint || urlActs(s, v)
			c.token = c.token || v.Kind == engine.KindToken
			c.copyable = c.copyable || v.Kind != engine.KindCode
		}
	}
	return c
}

// scrollFoot is a pane's position, "12–24 of 80", when it holds more
// than it shows.
func (m Model) scrollFoot(vp *viewport.Model, n int) string {
	h := vp.Height()
	if n <= h || h <= 0 {
		return ""
	}
	top := min(vp.YOffset(), max(n-h, 0))
	return m.tr.Sprintf(linesFoot, top+1, min(top+h, n), n)
}

// inView is the slice of lines vp shows at its scroll offset.
func inView(lines []string, vp *viewport.Model) []string {
	return visible(lines, vp.YOffset(), vp.Height())
}

// visible is the slice of lines an h-row window shows from line off.
func visible(lines []string, off, h int) []string {
	off = min(max(off, 0), len(lines))
	return lines[off:min(off+max(h, 0), len(lines))]
}

// renderTiny is the fallback for windows too small for three panes: the
// stage list, the status line and a hint, clipped to the window.
func (m Model) renderTiny(g geometry) string {
	lines := []string{fit(m.st.Header.Render(m.info.Title), m.width)}
	for i, s := range m.stages {
		lines = append(lines, fit(m.stageRow(i, s, m.width), m.width))
	}
	if m.status != "" {
		lines = append(lines, fit(m.st.Status.Render(m.status), m.width))
	}
	lines = append(lines, fit(m.st.Dim.Render(m.tr.T(tinyHint)), m.width))
	if len(lines) > m.height {
		// Keep the selected stage on screen.
		start := min(max(m.sel+1-(m.height-1), 0), len(lines)-m.height)
		lines = lines[start : start+m.height]
	}
	return strings.Join(lines, "\n")
}

func (m Model) header() string {
	title := " " + m.info.Title
	var parts []string
	for _, p := range []string{m.info.Target, m.info.Region, m.info.Workspace} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	info := strings.Join(parts, " · ") + " "
	tw, iw := ansi.StringWidth(title), ansi.StringWidth(info)
	if tw+1+iw > m.width {
		line := title + "  " + info
		return m.st.Header.Render(ansi.Truncate(line, m.width, "…"))
	}
	return m.st.Header.Render(title) + strings.Repeat(" ", m.width-tw-iw) + m.st.HeaderInfo.Render(info)
}

// statusLine is the transient message, or else where the learner is in
// the workshop and how long is left.
func (m Model) statusLine() string {
	if m.status == "" {
		p := m.progressLine()
		if p == "" {
			return ""
		}
		return " " + m.st.Dim.Render(ansi.Truncate(p, max(m.width-1, 0), ellipsis))
	}
	return " " + m.st.Status.Render(ansi.Truncate(m.status, max(m.width-1, 0), ellipsis))
}

func (m Model) stageBox(g geometry) []string {
	rows := make([]string, 0, len(m.stages))
	iw := g.leftW - 2
	for i, s := range m.stages {
		rows = append(rows, m.stageRow(i, s, iw))
	}
	// Keep the selection visible when the list is taller than the box.
	if inner := g.bodyH - 2; len(rows) > inner && inner > 0 {
		start := min(max(m.sel-inner+1, 0), len(rows)-inner)
		rows = rows[start : start+inner]
	}
	return m.box(m.tr.T(paneStagesTitle), rows, g.leftW, g.bodyH, false)
}

// stageRow is "› ✓! 3 Configure   1s" fitted to w columns.
func (m Model) stageRow(i int, s engine.StageState, w int) string {
	cursor := "  "
	if i == m.sel {
		cursor = "› "
	}
	stale := " "
	if s.Stale {
		stale = m.st.Warn.Render("!")
	}
	el := fmtElapsed(m.elapsed(s))
	name := fmt.Sprintf("%d %s", s.Index, m.title(s))
	avail := w - 5
	if el != "" {
		avail -= ansi.StringWidth(el) + 1
	}
	if avail < 1 {
		return ansi.Truncate(cursor+m.icon(s)+stale+" "+name, max(w, 0), "…")
	}
	if ansi.StringWidth(name) > avail {
		name = ansi.Truncate(name, avail, "…")
	}
	name += strings.Repeat(" ", avail-ansi.StringWidth(name))
	if i == m.sel {
		cursor, name = m.st.Selected.Render(cursor), m.st.Selected.Render(name)
	}
	row := cursor + m.icon(s) + stale + " " + name
	if el != "" {
		row += " " + m.st.Dim.Render(el)
	}
	return row
}

func (m Model) icon(s engine.StageState) string {
	switch s.Status {
	case engine.Running:
		return m.spin.View()
	case engine.Succeeded:
		return m.st.OK.Render("✓")
	case engine.Failed:
		return m.st.Fail.Render("✗")
	case engine.Cancelled:
		return m.st.Warn.Render("■")
	case engine.Skipped:
		return m.st.Dim.Render("–")
	}
	return m.st.Dim.Render("○")
}

func (m Model) elapsed(s engine.StageState) time.Duration {
	if s.Status == engine.Running && !s.StartedAt.IsZero() {
		return max(m.cfg.now().Sub(s.StartedAt), 0)
	}
	return s.Elapsed
}

// outputStatus is the first row of the output pane: what the selected
// stage is doing or how its last run ended.
func (m Model) outputStatus(s engine.StageState) string {
	el := fmtElapsed(m.elapsed(s))
	var line string
	switch s.Status {
	case engine.Running:
		line = m.spin.View() + m.tr.T(statusRunning)
		if el != "" {
			line += " · " + el
		}
		if s.Progress != "" {
			line += " · " + s.Progress
		}
	case engine.Succeeded:
		line = m.st.OK.Render(m.tr.T(statusSucceeded))
		if el != "" {
			line += m.tr.T(statusIn) + el
		}
	case engine.Failed:
		line = m.st.Fail.Render(m.tr.T(statusFailed))
		if el != "" {
			line += m.tr.T(statusAfter) + el
		}
	case engine.Cancelled:
		line = m.st.Warn.Render(m.tr.T(statusCancelled))
		if el != "" {
			line += m.tr.T(statusAfter) + el
		}
	case engine.Skipped:
		line = m.st.Dim.Render(m.tr.T(statusSkipped)) + ": " + s.Err
	default:
		line = m.st.Dim.Render(m.tr.T(statusNotRun))
	}
	if s.Stale {
		line += m.st.Warn.Render(m.tr.T(statusStale))
	}
	return line
}

// box draws a bordered pane of exactly w×h cells with title in the top
// edge. The focused pane gets a heavy border so focus shows without colour.
func (m Model) box(title string, body []string, w, h int, focused bool) []string {
	return m.frame(title, "", body, w, h, focused)
}

// frame is box with foot, if any, set into the bottom edge at the right.
func (m Model) frame(title, foot string, body []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return make([]string, max(h, 0))
	}
	bs := m.st.Border
	tl, hz, tr, vt, bl, br := "┌", "─", "┐", "│", "└", "┘"
	if focused {
		bs = m.st.BorderFocus
		tl, hz, tr, vt, bl, br = "┏", "━", "┓", "┃", "┗", "┛"
	}
	iw := w - 2
	var top string
	if iw >= 4 && title != "" {
		t := ansi.Truncate(title, iw-3, "…")
		top = bs.Render(tl+hz) + m.st.Title.Render(" "+t+" ") + bs.Render(strings.Repeat(hz, max(iw-3-ansi.StringWidth(t), 0))+tr)
	} else {
		top = bs.Render(tl + strings.Repeat(hz, iw) + tr)
	}
	side := bs.Render(vt)
	lines := make([]string, 0, h)
	lines = append(lines, top)
	for i := range h - 2 {
		l := ""
		if i < len(body) {
			l = body[i]
		}
		lines = append(lines, side+fit(l, iw)+side)
	}
	if fw := ansi.StringWidth(foot); foot != "" && fw+4 <= iw {
		lines = append(lines, bs.Render(bl+strings.Repeat(hz, iw-fw-3))+m.st.Dim.Render(" "+foot+" ")+bs.Render(hz+br))
	} else {
		lines = append(lines, bs.Render(bl+strings.Repeat(hz, iw)+br))
	}
	return lines
}

// fit truncates or pads s to exactly w columns.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	switch {
	case sw == w:
		return s
	case sw > w:
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(w-sw, 0))
}

// fmtElapsed is the engine's elapsed time, or nothing before a stage ran.
func fmtElapsed(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return engine.FormatElapsed(d)
}
