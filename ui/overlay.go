package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Overlays (the token inspector, the copy/open picker, a notice) are drawn
// as layers over the finished frame with lipgloss's compositor: the box's
// cells replace the panes' cells, wide characters included, so nothing
// of the panes shows through at its edges.

// layered composes box (rows of equal width) over base at column x, row y.
func (m Model) layered(base string, box []string, x, y int) string {
	canvas := lipgloss.NewCanvas(m.width, m.height)
	canvas.Compose(lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(strings.Join(box, "\n")).X(x).Y(y).Z(1),
	))
	out := canvas.Render()
	// The canvas trims trailing blank rows; the frame keeps the window's height.
	if n := strings.Count(out, "\n") + 1; n < m.height {
		out += strings.Repeat("\n", m.height-n)
	}
	return out
}

// boxAt is where a centred box of w×h goes, keeping the header row and the
// footer (status and help) visible when there is room.
func (m Model) boxAt(w, h int) (x, y int) {
	g := m.geom()
	avail := m.height - 1 - g.footerH
	if h > avail {
		return max((m.width-w)/2, 0), max((m.height-h)/2, 0)
	}
	return max((m.width-w)/2, 0), 1 + (avail-h)/2
}

// overlayInspector draws the token inspector over the frame.
func (m Model) overlayInspector(base string) string {
	ig := m.inspGeom()
	if ig.full {
		return m.inspectorFull(ig)
	}
	body := visible(m.insp.lines, m.insp.scroll, ig.h-2)
	inner := make([]string, len(body))
	for i, l := range body {
		inner[i] = " " + fit(l, ig.iw) + " "
	}
	foot := ""
	if n := len(m.insp.lines); n > ig.h-2 {
		foot = fmt.Sprintf(linesFoot, m.insp.scroll+1, m.insp.scroll+len(body), n)
	}
	box := m.frame(m.insp.title, foot, inner, ig.w, ig.h, true)
	return m.layered(base, box, ig.x, ig.y)
}

// overlayPicker draws the copy/open picker over the frame.
func (m Model) overlayPicker(base string) string {
	w := min(m.width, 96)
	iw := max(w-4, 1)
	rows := m.pickerLines(iw)
	maxRows := max(m.height-2, 1)
	off := 0
	if len(rows) > maxRows-2 {
		off = min(max(m.pick.sel-(maxRows-2)+1, 0), len(rows)-(maxRows-2))
	}
	rows = visible(rows, off, maxRows-2)
	inner := make([]string, 0, len(rows))
	for _, r := range rows {
		inner = append(inner, " "+fit(r, iw)+" ")
	}
	title := pickCopyTitle
	if m.pick.verb == pickVerbOpen {
		title = pickOpenTitle
	}
	h := len(inner) + 2
	box := m.frame(title, fmt.Sprintf(pickFoot, m.pick.verb), inner, w, h, true)
	x, y := m.boxAt(w, h)
	return m.layered(base, box, x, y)
}

// overlayNotice draws a notice over the frame: its text wrapped, its value
// whole (broken at the box's edge only when it is wider than the box).
func (m Model) overlayNotice(base string) string {
	w := min(m.width, 104)
	iw := max(w-4, 1)
	var lines []string
	lines = append(lines, wrapBlock(m.note.text, iw)...)
	if m.note.value != "" {
		lines = append(lines, "")
		lines = append(lines, strings.Split(ansi.Hardwrap(m.note.value, iw, false), "\n")...)
	}
	lines = append(lines, "", m.st.Dim.Render(noteDismiss))
	if len(lines) > m.height-2 {
		lines = lines[:max(m.height-2, 0)]
	}
	inner := make([]string, 0, len(lines))
	for _, l := range lines {
		inner = append(inner, " "+fit(l, iw)+" ")
	}
	h := len(inner) + 2
	box := m.frame(m.note.title, "", inner, w, h, true)
	x, y := m.boxAt(w, h)
	return m.layered(base, box, x, y)
}
