package ui

import (
	tea "charm.land/bubbletea/v2"

	"agentcore-workshop/steps/engine"
)

// Consent can be shown again: n on the consent stage runs it once more,
// asking AgentCore Identity for a new consent (forceAuthentication)
// although the vault holds the user's token. The program says which stage
// that is and how to start it (WithFreshConsent); the UI only offers the
// key there and calls it from a Cmd.

// FreshConsent starts the consent stage with a fresh consent asked for;
// the error says, in words a learner can read, why it can't start now
// (and then nothing stays asked).
type FreshConsent func() error

// WithFreshConsent offers the n key on stage stageID.
func WithFreshConsent(stageID string, start FreshConsent) Option {
	return func(c *config) { c.freshStage, c.fresh = stageID, start }
}

// What the fresh-consent key says, in one place for the message catalog.
const (
	freshNone    = "asking for a fresh consent needs the workshop's runtime: run it with the program, not in a test harness"
	freshElse    = "n asks for a fresh consent on stage %d %s: select it first"
	freshAsked   = "asking AgentCore Identity for a fresh consent (forceAuthentication): open the new authorization URL when it shows"
	freshCantRun = "can't ask for a fresh consent on %d %s"
)

// freshConsent is the n key.
func (m *Model) freshConsent() tea.Cmd {
	if m.cfg.fresh == nil {
		return m.setStatus(m.tr.T(freshNone))
	}
	s, ok := m.selected()
	if !ok || s.ID != m.cfg.freshStage {
		for _, st := range m.stages {
			if st.ID == m.cfg.freshStage {
				return m.setStatus(m.tr.Sprintf(freshElse, st.Index, m.title(st)))
			}
		}
		return m.setStatus(m.tr.T(freshNone))
	}
	if m.busy {
		return m.setStatus(m.tr.T(msgBusy))
	}
	m.follow = true
	start, what := m.cfg.fresh, m.tr.Sprintf(freshCantRun, s.Index, m.title(s))
	return tea.Batch(m.setStatus(m.tr.T(freshAsked)), func() tea.Msg {
		if err := start(); err != nil {
			return actionErrMsg{what: what, err: err}
		}
		return nil
	})
}

// freshActs reports whether n acts on stage s now: the consent stage,
// with nothing running.
func (m *Model) freshActs(s engine.StageState) bool {
	return m.cfg.fresh != nil && s.ID == m.cfg.freshStage && !m.busy
}
