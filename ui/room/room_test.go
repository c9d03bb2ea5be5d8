package room

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"agentcore-workshop/internal/roomapi"
)

// scene is a room mid-workshop: two learners at configure (one stuck on a
// failure), one waiting too long for consent, one done.
func scene() roomapi.Board {
	return roomapi.Board{
		Stages: []roomapi.StageCount{
			{Index: 3, Stage: "configure", Title: "Configure", Learners: 2, Stuck: 1},
			{Index: 4, Stage: "launch", Title: "Launch", Learners: 1},
			{Index: 9, Stage: "oauth-consent", Title: "OAuth consent", Learners: 1, Stuck: 1},
			{Index: 13, Stage: "cleanup", Title: "Clean up", Learners: 1},
		},
		Learners: []roomapi.Row{
			{Name: "alice@laptop", Stage: "configure", StageTitle: "Configure", StageIndex: 3, Stages: 13, Status: "running", OnStage: 41 * time.Second},
			{Name: "bob@desk-07", Stage: "configure", StageTitle: "Configure", StageIndex: 3, Stages: 13, Status: "failed", OnStage: 4*time.Minute + 5*time.Second,
				Stuck: true, StuckWhy: "on this stage for 4m05s", LastError: "create workload identity: ConflictException: A workload identity named\nagentcore_identity_agent already exists",
				Hint: "A resource with that name exists already: run cleanup, or reset and run the stage again."},
			{Name: "carol", Stage: "oauth-consent", StageTitle: "OAuth consent", StageIndex: 9, Stages: 13, Status: "running", OnStage: 2*time.Minute + 30*time.Second,
				WaitingConsent: true, Waiting: 2*time.Minute + 10*time.Second, Stuck: true, StuckWhy: "waiting for consent for 2m10s"},
			{Name: "dave", Stage: "cleanup", StageTitle: "Clean up", StageIndex: 13, Stages: 13, Status: "done", OnStage: 12 * time.Minute},
			{Name: "erin", Stage: "launch", StageTitle: "Launch", StageIndex: 4, Stages: 13, Status: "running", OnStage: 9 * time.Minute, Away: true, LastSeen: 7 * time.Minute},
		},
	}
}

func sized(m Model, w, h int) Model {
	nm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return nm.(Model)
}

func loaded(b roomapi.Board, err error) Model {
	m := New(func(context.Context) (roomapi.Board, error) { return b, err }, "http://10.0.0.5:4747")
	nm, _ := m.Update(boardMsg{board: b, err: err})
	return nm.(Model)
}

// view renders m, checking that no line is wider than the window nor the
// view taller.
func view(t *testing.T, m Model) string {
	t.Helper()
	v := ansi.Strip(m.View().Content)
	lines := strings.Split(v, "\n")
	if len(lines) > m.height {
		t.Errorf("view has %d lines, the window %d", len(lines), m.height)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("line %q is %d wide, the window %d", l, w, m.width)
		}
	}
	return v
}

func TestGoldenRoom(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {140, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, view(t, sized(loaded(scene(), nil), size[0], size[1])))
		})
	}
}

// Too many learners for the window: the ones that do not fit are counted.
func TestGoldenRoomOverflow(t *testing.T) {
	b := scene()
	for i := range 30 {
		b.Learners = append(b.Learners, roomapi.Row{Name: fmt.Sprintf("learner-%02d", i), Stage: "launch", StageTitle: "Launch", StageIndex: 4, Stages: 13, Status: "running", OnStage: time.Duration(i) * time.Second})
	}
	golden.RequireEqual(t, view(t, sized(loaded(b, nil), 100, 20)))
}

func TestGoldenRoomEmptyAndUnreachable(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		golden.RequireEqual(t, view(t, sized(loaded(roomapi.Board{}, nil), 100, 12)))
	})
	t.Run("unreachable", func(t *testing.T) {
		golden.RequireEqual(t, view(t, sized(loaded(roomapi.Board{}, errors.New("dial tcp 10.0.0.5:4747: connect: connection refused")), 100, 12)))
	})
}

// Init reads the board in a Cmd; Update only stores what the Cmd brought
// and schedules the next read: it does no I/O itself.
func TestUpdatePollsThroughCmds(t *testing.T) {
	calls := 0
	board := scene()
	m := New(func(context.Context) (roomapi.Board, error) {
		calls++
		return board, nil
	}, "http://127.0.0.1:4747")
	cmd := m.Init()
	if calls != 0 {
		t.Fatal("Init read the board itself")
	}
	msg := cmd()
	if calls != 1 {
		t.Fatalf("the Init Cmd read the board %d times", calls)
	}
	nm, next := m.Update(msg)
	m = nm.(Model)
	if calls != 1 || !m.loaded || len(m.board.Learners) != 5 || next == nil {
		t.Fatalf("after the board: calls %d, loaded %v, next %v", calls, m.loaded, next)
	}
	// The next read is scheduled (a tick), and the poll it leads to reads
	// again through a Cmd.
	nm, read := m.Update(pollMsg{})
	m = nm.(Model)
	if calls != 1 || read == nil {
		t.Fatalf("poll: calls %d, cmd %v", calls, read)
	}
	read()
	if calls != 2 {
		t.Fatalf("the poll's Cmd read the board %d times in all, want 2", calls)
	}
}

// A failed read keeps the last board shown, with the error above it.
func TestFailedReadKeepsTheBoard(t *testing.T) {
	m := sized(loaded(scene(), nil), 100, 30)
	nm, next := m.Update(boardMsg{err: roomapi.ErrBadKey})
	m = nm.(Model)
	v := view(t, m)
	if !strings.Contains(v, "cannot read the room: the room refused the facilitator key") || !strings.Contains(v, "bob@desk-07") || next == nil {
		t.Fatalf("after a failed read (next %v):\n%s", next, v)
	}
	nm, _ = m.Update(boardMsg{board: scene()})
	if v := view(t, nm.(Model)); strings.Contains(v, "cannot read") {
		t.Fatalf("the error stayed after a good read:\n%s", v)
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{{Code: 'q', Text: "q"}, {Code: tea.KeyEscape}, {Code: 'c', Mod: tea.ModCtrl}} {
		_, cmd := loaded(scene(), nil).Update(k)
		if cmd == nil {
			t.Errorf("%s: no command", k)
			continue
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
	}
	if _, cmd := loaded(scene(), nil).Update(tea.KeyPressMsg{Code: 'x', Text: "x"}); cmd != nil {
		t.Error("x did something")
	}
}
