package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps/engine"
)

// Resetting a stage from the UI: r asks the engine which stages a reset of
// the selected one makes pending (it and every stage that requires it),
// names them in a box, and resets them only after y. The engine does the
// reset; its reset events bring the stages back to pending here.

// What resetting says, for the message catalog.
const (
	resetTitle   = "reset stages"
	resetAsk     = "Reset %s?"
	resetForgets = "Their results and secrets are forgotten, and they show as not run."
	resetCloud   = "Cloud resources are left as they are: the cleanup stage removes them."
	resetChoose  = "y resets them · n or esc keeps them"
	resetBusy    = "a stage is running: reset it when the run has ended"
	resetKept    = "nothing was reset"
	resetCant    = "can't reset %d %s"
	resetDone    = "reset: %s"
	resetList    = "%s and its dependents %s"
)

// resetAskMsg carries the stages a reset of stepID would make pending.
type resetAskMsg struct {
	stepID string
	stages []engine.StageState
	err    error
}

// resetDoneMsg says a reset has been saved.
type resetDoneMsg struct{ names string }

// resetKey starts a reset of the selected stage: the engine names its
// dependents in a Cmd, and the answer opens the confirmation.
func (m *Model) resetKey() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		return m.setStatus(m.tr.T(msgNoStage))
	}
	if m.busy {
		return m.setStatus(m.tr.T(resetBusy))
	}
	eng, id := m.eng, s.ID
	return func() tea.Msg {
		deps, err := eng.Dependents(id)
		return resetAskMsg{stepID: id, stages: deps, err: err}
	}
}

// askReset opens the confirmation naming every stage the reset would
// make pending.
func (m *Model) askReset(msg resetAskMsg) tea.Cmd {
	if msg.err != nil {
		s, _ := m.selected()
		return m.setStatus(m.tr.Sprintf(resetCant, s.Index, m.title(s)) + ": " + msg.err.Error())
	}
	if m.busy || len(msg.stages) == 0 {
		return m.setStatus(m.tr.T(resetBusy))
	}
	names := m.stageNames(msg.stages)
	m.resetID = msg.stepID
	m.note = notice{
		open:   true,
		title:  m.tr.T(resetTitle),
		text:   m.tr.Sprintf(resetAsk, names) + "\n\n" + m.tr.T(resetForgets) + "\n" + m.tr.T(resetCloud),
		footer: m.tr.T(resetChoose),
	}
	m.resetNames = names
	return nil
}

// confirmResetKey answers the confirmation: y resets, any other key keeps
// the stages as they are.
func (m *Model) confirmResetKey(msg tea.KeyPressMsg) tea.Cmd {
	id, names := m.resetID, m.resetNames
	m.resetID, m.resetNames, m.note = "", "", notice{}
	if msg.String() != "y" {
		return m.setStatus(m.tr.T(resetKept))
	}
	if m.busy {
		return m.setStatus(m.tr.T(resetBusy))
	}
	eng := m.eng
	var what string
	if s, ok := m.stageByID(id); ok {
		what = m.tr.Sprintf(resetCant, s.Index, m.title(s))
	}
	return func() tea.Msg {
		if err := eng.Reset(id); err != nil {
			return actionErrMsg{what: what, err: err}
		}
		return resetDoneMsg{names: names}
	}
}

// stageByID finds a stage in the model's own copy of the states.
func (m *Model) stageByID(id string) (engine.StageState, bool) {
	for _, s := range m.stages {
		if s.ID == id {
			return s, true
		}
	}
	return engine.StageState{}, false
}

// stageNames lists stages as "3 configure and its dependents 4 launch,
// 5 wait-ready":
// the first is the one asked for, the rest depend on it. Ids, not
// titles: they are short, and the same in every language.
func (m *Model) stageNames(stages []engine.StageState) string {
	name := func(s engine.StageState) string { return fmt.Sprintf("%d %s", s.Index, s.ID) }
	out := name(stages[0])
	if len(stages) == 1 {
		return out
	}
	rest := make([]string, 0, len(stages)-1)
	for _, s := range stages[1:] {
		rest = append(rest, name(s))
	}
	return m.tr.Sprintf(resetList, out, strings.Join(rest, ", "))
}
