// Package room is the facilitator's terminal view of a shared sandbox's
// room: how many learners are at each stage, then one line per learner
// with their stage, time on it, a stuck flag and their last error with its
// hint. It polls the room's board; all I/O happens in Cmds, never in
// Update.
package room

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/internal/roomapi"
)

// PollInterval is how often the view reads the board.
const PollInterval = 2 * time.Second

// fetchTimeout bounds one read of the board.
const fetchTimeout = 5 * time.Second

// Source reads the room's board.
type Source func(ctx context.Context) (roomapi.Board, error)

// HTTPSource reads the board of the room at sandboxURL with the
// facilitator's key.
func HTTPSource(hc *http.Client, sandboxURL, key string) Source {
	return func(ctx context.Context) (roomapi.Board, error) {
		return roomapi.FetchBoard(ctx, hc, sandboxURL, key)
	}
}

// boardMsg is a read of the board: the board, or why there is none.
type boardMsg struct {
	board roomapi.Board
	err   error
}

// pollMsg asks for the next read.
type pollMsg struct{}

// Model is the room view.
type Model struct {
	src    Source
	where  string // the sandbox's URL, for the header
	board  roomapi.Board
	loaded bool  // a board has been read at least once
	err    error // the last read's error; the last board stays shown
	width  int
	height int
	st     styles
}

// New returns the view of the room src reads, on the sandbox at where.
func New(src Source, where string) Model {
	return Model{src: src, where: where, width: 100, height: 30, st: newStyles()}
}

// Init reads the board at once.
func (m Model) Init() tea.Cmd { return m.fetch() }

// fetch is the Cmd that reads the board.
func (m Model) fetch() tea.Cmd {
	src := m.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
		defer cancel()
		b, err := src(ctx)
		return boardMsg{board: b, err: err}
	}
}

// Update folds a message into the model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case boardMsg:
		m.err = msg.err
		if msg.err == nil {
			m.board, m.loaded = msg.board, true
		}
		return m, tea.Tick(PollInterval, func(time.Time) tea.Msg { return pollMsg{} })
	case pollMsg:
		return m, m.fetch()
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "ctrl+c", "esc":
			return m, tea.Quit
		}
	}
	return m, nil
}

// View draws the room.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "Room · AgentCore Identity workshop"
	return v
}

func (m Model) render() string {
	var b strings.Builder
	w := max(m.width, 40)
	n := len(m.board.Learners)
	b.WriteString(m.st.title.Render("Room · AgentCore Identity workshop"))
	b.WriteString(m.st.dim.Render(fmt.Sprintf("  %s · %s", m.where, plural(n, "learner"))))
	b.WriteString("\n")
	if m.err != nil {
		b.WriteString(m.st.fail.Render(ansi.Truncate("cannot read the room: "+m.err.Error(), w, "…")))
		b.WriteString("\n")
	}
	if !m.loaded {
		if m.err == nil {
			b.WriteString(m.st.dim.Render("reading the room…"))
		}
		return b.String() + "\n" + m.help()
	}
	b.WriteString("\n")
	if len(m.board.Stages) > 0 {
		b.WriteString(m.counts(w))
	}
	if m.board.Full {
		b.WriteString(m.st.warn.Render("The room is full: a learner was turned away.") + "\n")
	}
	b.WriteString("\n")
	if n == 0 {
		b.WriteString(m.st.dim.Render(ansi.Truncate("No learner has reported yet. Learners appear when their workshop runs against this sandbox.", w, "…")) + "\n")
		return b.String() + "\n" + m.help()
	}
	// The table gets the lines the rest leaves; learners that do not fit
	// are counted, not drawn past the screen's edge.
	top := strings.Count(b.String(), "\n")
	b.WriteString(m.table(w, max(m.height-top-2, 2)))
	return b.String() + "\n" + m.help()
}

// counts lists how many learners are at each stage, wrapped to w.
func (m Model) counts(w int) string {
	var b strings.Builder
	line := 0
	for _, c := range m.board.Stages {
		title := c.Title
		if title == "" {
			title = c.Stage
		}
		cell := fmt.Sprintf("%d at %d %s", c.Learners, c.Index, title)
		styled := m.st.count.Render(cell)
		if c.Stuck > 0 {
			stuck := fmt.Sprintf(" (%d stuck)", c.Stuck)
			cell += stuck
			styled += m.st.warn.Render(stuck)
		}
		width := ansi.StringWidth(cell) + 3
		if line > 0 && line+width > w {
			b.WriteString("\n")
			line = 0
		}
		if line > 0 {
			b.WriteString(m.st.dim.Render(" · "))
		}
		b.WriteString(styled)
		line += width
	}
	return b.String() + "\n"
}

// Column widths of the learner table; the error takes what is left.
const (
	nameW   = 20
	stageW  = 26
	statusW = 9
	timeW   = 7
)

// table draws the learners in at most lines lines, header included.
func (m Model) table(w, lines int) string {
	var b strings.Builder
	head := pad("LEARNER", nameW) + " " + pad("STAGE", stageW) + " " + pad("STATUS", statusW) + " " + pad("ON IT", timeW) + " " + "STUCK / LAST ERROR"
	b.WriteString(m.st.dim.Render(ansi.Truncate(head, w, "")) + "\n")
	rest := max(w-(nameW+stageW+statusW+timeW+4), 10)
	indent := strings.Repeat(" ", max(w-rest, 0))
	used := 1
	for i, r := range m.board.Learners {
		title := r.StageTitle
		if title == "" {
			title = r.Stage
		}
		status := r.Status
		switch {
		case r.Away:
			status = "away"
		case r.WaitingConsent:
			status = "consent"
		}
		line := pad(r.Name, nameW) + " " + pad(fmt.Sprintf("%d/%d %s", r.StageIndex, r.Stages, title), stageW) + " " +
			pad(status, statusW) + " " + pad(roomapi.FormatDuration(r.OnStage), timeW) + " "
		nameStyle := m.st.name
		var tail []string // lines for the last column
		if r.Away {
			tail = append(tail, m.st.dim.Render(ansi.Truncate("away: last seen "+roomapi.FormatDuration(r.LastSeen)+" ago", rest, "…")))
		}
		if r.Stuck {
			nameStyle = m.st.stuck
			tail = append(tail, m.st.warn.Render(ansi.Truncate("⚠ stuck: "+r.StuckWhy, rest, "…")))
		}
		if r.LastError != "" {
			tail = append(tail, m.st.fail.Render(ansi.Truncate(oneLine(r.LastError), rest, "…")))
		}
		if r.Hint != "" {
			tail = append(tail, m.st.dim.Render(ansi.Truncate("→ "+oneLine(r.Hint), rest, "…")))
		}
		if len(tail) == 0 {
			tail = []string{""}
		}
		left := len(m.board.Learners) - i
		if used+len(tail) > lines || (left > 1 && used+len(tail) == lines) {
			b.WriteString(m.st.warn.Render(ansi.Truncate(fmt.Sprintf("… and %d more: enlarge the terminal, or open the room page", left), w, "…")) + "\n")
			break
		}
		used += len(tail)
		b.WriteString(ansi.Truncate(nameStyle.Render(line), w, "") + tail[0] + "\n")
		for _, t := range tail[1:] {
			b.WriteString(indent + t + "\n")
		}
	}
	return b.String()
}

func (m Model) help() string {
	return m.st.dim.Render(fmt.Sprintf("updates every %ds · stuck: over %s on a stage or %s waiting for consent · q quits",
		int(PollInterval/time.Second), roomapi.FormatDuration(roomapi.StuckOnStage), roomapi.FormatDuration(roomapi.StuckOnConsent)))
}

// pad cuts or pads s to exactly n cells.
func pad(s string, n int) string {
	s = ansi.Truncate(s, n, "…")
	return s + strings.Repeat(" ", n-ansi.StringWidth(s))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

type styles struct {
	title, dim, count, name, stuck, warn, fail lipgloss.Style
}

func newStyles() styles {
	c := func(hex string) color.Color { return lipgloss.Color(hex) }
	base := lipgloss.NewStyle()
	return styles{
		title: base.Bold(true),
		dim:   base.Foreground(c("#8a8a8a")),
		count: base.Bold(true),
		name:  base,
		stuck: base.Bold(true),
		warn:  base.Foreground(c("#d7875f")).Bold(true),
		fail:  base.Foreground(c("#ff5f5f")),
	}
}
