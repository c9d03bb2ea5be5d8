package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles holds every look the UI uses, built once per background/colour
// choice so View never builds styles.
type styles struct {
	Header      lipgloss.Style
	HeaderInfo  lipgloss.Style
	Border      lipgloss.Style // border of an unfocused box
	BorderFocus lipgloss.Style // border of the focused box
	Title       lipgloss.Style
	Selected    lipgloss.Style
	Dim         lipgloss.Style
	OK          lipgloss.Style
	Fail        lipgloss.Style
	Warn        lipgloss.Style
	Running     lipgloss.Style
	Name        lipgloss.Style
	Status      lipgloss.Style
	Help        help.Styles
	glamour     string // glamour style name: "dark", "light" or "notty"
}

func newStyles(isDark, noColor bool) styles {
	if noColor {
		plain := lipgloss.NewStyle()
		hs := help.Styles{
			ShortKey: plain, ShortDesc: plain, ShortSeparator: plain, Ellipsis: plain,
			FullKey: plain, FullDesc: plain, FullSeparator: plain,
		}
		return styles{
			Header: plain, HeaderInfo: plain, Border: plain, BorderFocus: plain,
			Title: plain, Selected: plain, Dim: plain, OK: plain,
			Fail: plain, Warn: plain, Running: plain, Name: plain, Status: plain,
			Help: hs, glamour: "notty",
		}
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	accent := c("#5f00d7", "#af87ff")
	base := lipgloss.NewStyle()
	s := styles{
		Header:      base.Bold(true).Foreground(accent),
		HeaderInfo:  base.Foreground(c("#585858", "#a8a8a8")),
		Border:      base.Foreground(c("#a8a8a8", "#585858")),
		BorderFocus: base.Foreground(accent),
		Title:       base.Bold(true),
		Selected:    base.Bold(true).Background(c("#e4e4e4", "#303030")),
		Dim:         base.Foreground(c("#8a8a8a", "#808080")),
		OK:          base.Foreground(c("#008700", "#5fff87")),
		Fail:        base.Foreground(c("#d70000", "#ff5f5f")),
		Warn:        base.Foreground(c("#af5f00", "#ffaf00")),
		Running:     base.Foreground(accent),
		Name:        base.Foreground(c("#005f87", "#87d7ff")),
		Status:      base.Foreground(c("#af5f00", "#ffd75f")),
		Help:        help.DefaultStyles(isDark),
		glamour:     "light",
	}
	if isDark {
		s.glamour = "dark"
	}
	return s
}
