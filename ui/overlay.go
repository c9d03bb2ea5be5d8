package ui

import (
	"image"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Overlays (the token inspector, the copy/open picker, a notice) are drawn
// as layers over the finished frame with lipgloss's compositor: the box's
// cells replace the panes' cells, wide characters included, so nothing
// of the panes shows through at its edges.

// pickDetailRows bounds the picker's view of the chosen value.
const pickDetailRows = 8

// layered composes box (rows of equal width) over base at column x, row y.
// Each layer is drawn straight into its rectangle of the canvas: a
// Compositor would measure the whole frame twice more to work out bounds
// that are known here.
//
// Only the band of rows the box covers goes through the canvas; the rows
// above and below it are the frame's own.
func (m Model) layered(base string, box []string, x, y int) string {
	rows := strings.Split(base, "\n")
	for len(rows) < m.height {
		rows = append(rows, "")
	}
	rows = rows[:m.height]
	y = min(max(y, 0), m.height)
	h := min(len(box), m.height-y)
	if h <= 0 {
		return strings.Join(rows, "\n")
	}
	canvas := lipgloss.NewCanvas(m.width, h)
	lipgloss.NewLayer(strings.Join(rows[y:y+h], "\n")).Draw(canvas, canvas.Bounds())
	bw := ansi.StringWidth(box[0])
	lipgloss.NewLayer(strings.Join(box[:h], "\n")).Draw(canvas, image.Rect(x, 0, x+bw, h))
	band := strings.Split(canvas.Render(), "\n")
	for i := range h {
		if i < len(band) {
			rows[y+i] = band[i]
		} else {
			rows[y+i] = "" // the canvas trims trailing blank rows
		}
	}
	return strings.Join(rows, "\n")
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
		foot = m.tr.Sprintf(linesFoot, m.insp.scroll+1, m.insp.scroll+len(body), n)
	}
	box := m.frame(m.insp.title, foot, inner, ig.w, ig.h, true)
	return m.layered(base, box, ig.x, ig.y)
}

// overlayPicker draws the copy/open picker over the frame.
func (m Model) overlayPicker(base string) string {
	w := min(m.width, 96)
	iw := max(w-4, 1)
	rows := m.pickerLines(iw)
	// Under the list, the chosen value whole (the rows may shorten it);
	// a secret stays hidden.
	var detail []string
	if it := m.pick.items[m.pick.sel]; !it.secret {
		for _, l := range strings.Split(it.value, "\n") {
			detail = append(detail, strings.Split(ansi.Hardwrap(l, iw, true), "\n")...)
		}
		detail = detail[:min(len(detail), pickDetailRows)]
	}
	maxRows := max(m.height-2-len(detail)-1, 1)
	off := 0
	if len(rows) > maxRows-2 {
		off = min(max(m.pick.sel-(maxRows-2)+1, 0), len(rows)-(maxRows-2))
	}
	rows = visible(rows, off, maxRows-2)
	inner := make([]string, 0, len(rows))
	for _, r := range rows {
		inner = append(inner, " "+fit(r, iw)+" ")
	}
	if len(detail) > 0 && m.height >= len(inner)+len(detail)+3 {
		inner = append(inner, " "+fit("", iw)+" ")
		for _, d := range detail {
			inner = append(inner, " "+fit(m.st.Dim.Render(d), iw)+" ")
		}
	}
	title := m.tr.T(pickCopyTitle)
	if m.pick.verb == pickVerbOpen {
		title = m.tr.T(pickOpenTitle)
	}
	h := len(inner) + 2
	box := m.frame(title, m.tr.Sprintf(pickFoot, m.tr.T(m.pick.verb)), inner, w, h, true)
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
	foot := m.tr.T(noteDismiss)
	if m.note.footer != "" {
		foot = m.note.footer // already in the learner's language
	}
	lines = append(lines, "", m.st.Dim.Render(foot))
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
