package ui

import tea "charm.land/bubbletea/v2"

// WithPreflight runs check once, in a Cmd, when the UI starts (on the AWS
// target: doctor's checks of the credentials, the region and the model).
// Its Markdown answer is shown at the top of stage 1's page, so the
// learner reads it before starting; until it comes, the page is as usual.
func WithPreflight(check func() string) Option {
	return func(c *config) { c.preflight = check }
}

// preflightMsg carries the preflight's Markdown.
type preflightMsg struct{ md string }

// preflightCmd runs the check, if there is one.
func (m Model) preflightCmd() tea.Cmd {
	check := m.cfg.preflight
	if check == nil {
		return nil
	}
	return func() tea.Msg { return preflightMsg{check()} }
}

// preflightKey is what pageKey adds to stage 1's once the preflight has
// answered, so the cached render without it is not reused.
func (m *Model) preflightKey(id string) string {
	if m.preflight != "" && len(m.stages) > 0 && id == m.stages[0].ID {
		return "\x00preflight"
	}
	return ""
}

// withPreflight puts the preflight's answer above stage 1's page.
func (m *Model) withPreflight(id, md string) string {
	if m.preflight != "" && len(m.stages) > 0 && id == m.stages[0].ID {
		return m.preflight + md
	}
	return md
}
