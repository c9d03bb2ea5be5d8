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
	g.leftW = min(max(m.width*28/100, 24), 36)
	g.rightW = m.width - g.leftW
	g.contentH = max(g.bodyH*55/100, 4)
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
	m.content.SetWidth(g.rightW - 2)
	m.content.SetHeight(g.contentH - 2)
	m.output.SetWidth(g.rightW - 2)
	m.output.SetHeight(g.outputH - 3) // border plus the status row
	if atBottom {
		m.output.GotoBottom()
	}
}

// rebuildOutput refills the output pane for the selected stage: its log,
// then its results. Code results are highlighted through glamour in a Cmd;
// until that lands they show as plain text.
func (m *Model) rebuildOutput() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		m.outputLines = nil
		m.output.SetContentLines(nil)
		return nil
	}
	w := m.output.Width()
	var b strings.Builder
	var cmds []tea.Cmd
	if out := m.out[s.ID]; out != nil {
		for _, l := range out.lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	if s.Status == engine.Failed && s.Err != "" {
		b.WriteString(m.st.Fail.Render("✗ " + s.Err))
		b.WriteByte('\n')
	}
	if vals := s.Result.Values; len(vals) > 0 {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m.st.Title.Render("Results"))
		b.WriteByte('\n')
		nameW := 0
		for _, v := range vals {
			if v.Kind != engine.KindCode {
				nameW = max(nameW, ansi.StringWidth(v.Name))
			}
		}
		nameW = min(nameW, 24)
		revealed := m.revealed[s.ID]
		urlHint := true
		for _, v := range vals {
			if v.Kind == engine.KindCode {
				b.WriteString(m.st.Name.Render(v.Name))
				b.WriteByte('\n')
				if w <= 0 {
					continue
				}
				k := codeKey(s.ID, v, m.wrapWidth(w), m.st.glamour)
				if r, ok := m.md.get(k); ok {
					b.WriteString(r)
				} else {
					b.WriteString(strings.Join(indentLines(strings.TrimRight(v.Value, "\n"), "  "), "\n"))
					md, cache := codeMarkdown(v.Name, v.Value), m.md
					cmds = append(cmds, func() tea.Msg {
						_, err := cache.render(k, md)
						return codeMsg{err: err}
					})
				}
				b.WriteByte('\n')
				continue
			}
			name := v.Name
			if ansi.StringWidth(name) > nameW {
				name = ansi.Truncate(name, nameW, "…")
			}
			b.WriteString(m.st.Name.Render(name + strings.Repeat(" ", nameW-ansi.StringWidth(name))))
			b.WriteString("  ")
			switch {
			case v.Secret:
				hint := "  (v to show)"
				if v.Kind == engine.KindToken {
					hint = "  (v to show · t to inspect)"
				}
				if val, ok := revealed[v.Name]; ok {
					b.WriteString(val)
				} else {
					b.WriteString("••••••" + m.st.Dim.Render(hint))
				}
			case v.Kind == engine.KindURL:
				b.WriteString(v.Value)
				if urlHint {
					b.WriteString(m.st.Dim.Render("  (o to open)"))
					urlHint = false
				}
			default:
				// Long values wrap within the value column, and continuation
				// lines line up under the value, not the name.
				val := v.Value
				if valW := w - nameW - 2; valW >= 20 {
					val = ansi.Wrap(val, valW, "")
				}
				b.WriteString(strings.ReplaceAll(val, "\n", "\n"+strings.Repeat(" ", nameW+2)))
			}
			b.WriteByte('\n')
		}
	}
	if b.Len() == 0 {
		b.WriteString(m.st.Dim.Render("Nothing yet. Press enter to run this stage; its output and results appear here."))
	}
	atBottom := m.output.AtBottom()
	text := strings.TrimRight(b.String(), "\n")
	if w > 0 {
		// Wrap here, once per change, rather than in every frame.
		text = ansi.Wrap(text, w, "")
	}
	m.outputLines = strings.Split(text, "\n")
	m.output.SetContentLines(m.outputLines)
	if atBottom {
		m.output.GotoBottom()
	}
	return tea.Batch(cmds...)
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
	if m.insp.open {
		return m.overlayInspector(base) // drawn last, over everything
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
	left := m.stageBox(g)
	s, _ := m.selected()
	ctitle := fmt.Sprintf("%d · %s", s.Index, m.title(s))
	right := m.box(ctitle, inView(m.contentLines, &m.content), g.rightW, g.contentH, m.focus == paneContent)
	outBody := append([]string{m.outputStatus(s)}, inView(m.outputLines, &m.output)...)
	right = append(right, m.box("Output", outBody, g.rightW, g.outputH, m.focus == paneOutput)...)
	for i := range g.bodyH {
		b.WriteString(left[i])
		b.WriteString(right[i])
		b.WriteByte('\n')
	}
	b.WriteString(m.statusLine())
	b.WriteByte('\n')
	b.WriteString(" " + m.help.View(m.helpBar()))
	return b.String()
}

func (m Model) helpBar() help.KeyMap {
	if m.insp.open {
		return inspectorBar{keys: m.keys}
	}
	c := contextBar{keys: m.keys, busy: m.busy}
	if s, ok := m.selected(); ok {
		for _, v := range s.Result.Values {
			c.secrets = c.secrets || v.Secret
			c.urlHint = c.urlHint || (v.Kind == engine.KindURL && v.Value != "")
			c.token = c.token || v.Kind == engine.KindToken
		}
	}
	return c
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
	lines = append(lines, fit(m.st.Dim.Render("enlarge the window to read the stage notes"), m.width))
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

func (m Model) statusLine() string {
	if m.status == "" {
		return ""
	}
	return " " + m.st.Status.Render(ansi.Truncate(m.status, max(m.width-1, 0), "…"))
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
	return m.box("Stages", rows, g.leftW, g.bodyH, false)
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
		line = m.spin.View() + " running"
		if el != "" {
			line += " · " + el
		}
		if s.Progress != "" {
			line += " · " + s.Progress
		}
	case engine.Succeeded:
		line = m.st.OK.Render("✓ succeeded")
		if el != "" {
			line += " in " + el
		}
	case engine.Failed:
		line = m.st.Fail.Render("✗ failed")
		if el != "" {
			line += " after " + el
		}
	case engine.Cancelled:
		line = m.st.Warn.Render("■ cancelled")
		if el != "" {
			line += " after " + el
		}
	default:
		line = m.st.Dim.Render("○ not run yet")
	}
	if s.Stale {
		line += m.st.Warn.Render("  ! an earlier stage was re-run: run this one again")
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
